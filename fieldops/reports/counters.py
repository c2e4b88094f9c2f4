"""Daily counters of successful outcomes, kept in the registration's own transaction.

Check-in announces every change (checkin.signals); `on_registration_changed` answers with the
upserts, which check-in runs in that change's transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from fieldops.campaigns.models import Campaign
from fieldops.checkin.models import DONE, NOT_COUNTED, Registration, RegistrationService
from fieldops.checkin.signals import RegistrationState
from fieldops.clock import LOCAL_TZ, TIME_ZONE_NAME
from fieldops.db import db
from fieldops.reports.models import DailyCount

#: (campaign, service, day, hamlet, team, volunteer, credited member)
Key = tuple[int, int, date, int | None, int | None, int | None, int | None]


def contributions(state: RegistrationState | None) -> Counter[Key]:
    """Return what a registration in this state adds to the counters (empty if nothing)."""
    found: Counter[Key] = Counter()
    if state is None or state.status in NOT_COUNTED or state.recorded_at is None:
        return found
    day = state.recorded_at.astimezone(LOCAL_TZ).date()
    for service_id, outcome in state.outcomes:
        if outcome == DONE:
            found[(state.campaign_id, service_id, day, state.hamlet_id, state.team_id,
                   state.volunteer_id, state.credited_member_id)] += 1
    return found


def bucket(key: Key) -> str:
    """Return the text that names a counter row within its campaign."""
    _, service_id, day, hamlet_id, team_id, volunteer_id, member_id = key
    return ":".join("" if part is None else str(part)
                    for part in (service_id, day.isoformat(), hamlet_id, team_id, volunteer_id,
                                 member_id))


def on_registration_changed(_sender, *, before: RegistrationState | None,
                            after: RegistrationState | None, dialect: str,
                            **_more) -> list[sa.Insert]:
    """Return the upserts that move the counters from what `before` counted to what `after` does.

    Check-in runs them in the registration's own transaction (checkin.signals).
    """
    delta = contributions(after)
    delta.subtract(contributions(before))
    return [_upsert(key, change, dialect) for key, change in delta.items() if change]


def _upsert(key: Key, change: int, dialect: str) -> sa.Insert:
    # One atomic upsert: two volunteers recording in the same hamlet at once both count.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    campaign_id, service_id, day, hamlet_id, team_id, volunteer_id, member_id = key
    stmt = insert(DailyCount).values(
        campaign_id=campaign_id, service_id=service_id, day=day, hamlet_id=hamlet_id,
        team_id=team_id, volunteer_id=volunteer_id, member_id=member_id, bucket=bucket(key),
        count=change)
    return stmt.on_conflict_do_update(
        index_elements=["campaign_id", "bucket"],
        set_={"count": DailyCount.count + stmt.excluded.count})


def done_by_key_query(campaign_id: int):
    """Return the bare GROUP BY over registrations that the counters must equal."""
    day = _local_day_expression()
    return (sa.select(RegistrationService.service_id, day.label("day"), Registration.hamlet_id,
                      Registration.team_id, Registration.volunteer_id,
                      Registration.credited_member_id, sa.func.count().label("count"))
            .join(Registration, Registration.id == RegistrationService.registration_id)
            .where(Registration.campaign_id == campaign_id, Registration.status.not_in(NOT_COUNTED),
                   Registration.recorded_at.is_not(None), RegistrationService.outcome == DONE)
            .group_by(RegistrationService.service_id, day, Registration.hamlet_id,
                      Registration.team_id, Registration.volunteer_id,
                      Registration.credited_member_id))


def _local_day_expression():
    # Vietnam keeps UTC+7 all year (no daylight saving), so a fixed shift is exact.
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.date(sa.func.timezone(TIME_ZONE_NAME, Registration.recorded_at))
    return sa.func.date(Registration.recorded_at, "+7 hours")


def rebuild_counters(campaign: Campaign) -> int:
    """Recompute a campaign's counters from its registrations; return the rows written."""
    db.session.execute(sa.delete(DailyCount).where(DailyCount.campaign_id == campaign.id))
    rows = []
    for service_id, day, hamlet_id, team_id, volunteer_id, member_id, count in (
            db.session.execute(done_by_key_query(campaign.id))):
        if isinstance(day, str):
            day = date.fromisoformat(day)
        key = (campaign.id, service_id, day, hamlet_id, team_id, volunteer_id, member_id)
        rows.append({"campaign_id": campaign.id, "service_id": service_id, "day": day,
                     "hamlet_id": hamlet_id, "team_id": team_id, "volunteer_id": volunteer_id,
                     "member_id": member_id, "bucket": bucket(key), "count": count})
    if rows:
        db.session.execute(sa.insert(DailyCount), rows)
    db.session.flush()
    return len(rows)


def counter_totals(campaign_id: int) -> dict[tuple, int]:
    """Return the non-zero counters of a campaign by (service, day, hamlet, team, volunteer,
    credited member)."""
    result: dict[tuple, int] = {}
    for row in db.session.execute(sa.select(
            DailyCount.service_id, DailyCount.day, DailyCount.hamlet_id, DailyCount.team_id,
            DailyCount.volunteer_id, DailyCount.member_id, DailyCount.count)
            .where(DailyCount.campaign_id == campaign_id)):
        if row.count:
            key = tuple(row[:6])
            result[key] = result.get(key, 0) + row.count
    return result
