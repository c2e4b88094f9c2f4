"""Daily counters of successful outcomes, kept in the registration's own transaction."""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from fieldops.campaigns.models import Campaign
from fieldops.checkin.models import DONE, VOIDED, Registration, RegistrationService
from fieldops.checkin.services import LOCAL_TZ
from fieldops.db import db
from fieldops.reports.models import DailyCount

#: (campaign, service, day, hamlet, team, volunteer)
Key = tuple[int, int, date, int | None, int | None, int | None]


def contributions(registration: Registration | None) -> Counter[Key]:
    """Return what a registration adds to the counters as it stands now (empty if nothing)."""
    found: Counter[Key] = Counter()
    if registration is None or registration.status == VOIDED or registration.recorded_at is None:
        return found
    day = registration.recorded_at.astimezone(LOCAL_TZ).date()
    for row in registration.services:
        if row.outcome == DONE:
            found[(registration.campaign_id, row.service_id, day, registration.hamlet_id,
                   registration.team_id, registration.volunteer_id)] += 1
    return found


def bucket(key: Key) -> str:
    """Return the text that names a counter row within its campaign."""
    _, service_id, day, hamlet_id, team_id, volunteer_id = key
    return ":".join("" if part is None else str(part)
                    for part in (service_id, day.isoformat(), hamlet_id, team_id, volunteer_id))


def apply(registration: Registration, before: Counter[Key]) -> None:
    """Move the counters from what the registration counted before to what it counts now."""
    db.session.flush()  # campaign_id, hamlet_id... are set on the row once flushed
    delta = contributions(registration)
    delta.subtract(before)
    for key, change in delta.items():
        if change:
            _add(key, change)


def _add(key: Key, change: int) -> None:
    # One atomic upsert: two volunteers recording in the same hamlet at once both count.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    campaign_id, service_id, day, hamlet_id, team_id, volunteer_id = key
    stmt = insert(DailyCount).values(
        campaign_id=campaign_id, service_id=service_id, day=day, hamlet_id=hamlet_id,
        team_id=team_id, volunteer_id=volunteer_id, bucket=bucket(key), count=change)
    stmt = stmt.on_conflict_do_update(
        index_elements=["campaign_id", "bucket"],
        set_={"count": DailyCount.count + stmt.excluded.count})
    db.session.execute(stmt)


def done_by_key_query(campaign_id: int):
    """Return the bare GROUP BY over registrations that the counters must equal."""
    day = _local_day_expression()
    return (sa.select(RegistrationService.service_id, day.label("day"), Registration.hamlet_id,
                      Registration.team_id, Registration.volunteer_id,
                      sa.func.count().label("count"))
            .join(Registration, Registration.id == RegistrationService.registration_id)
            .where(Registration.campaign_id == campaign_id, Registration.status != VOIDED,
                   Registration.recorded_at.is_not(None), RegistrationService.outcome == DONE)
            .group_by(RegistrationService.service_id, day, Registration.hamlet_id,
                      Registration.team_id, Registration.volunteer_id))


def _local_day_expression():
    # Vietnam keeps UTC+7 all year (no daylight saving), so a fixed shift is exact.
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.date(sa.func.timezone("Asia/Ho_Chi_Minh", Registration.recorded_at))
    return sa.func.date(Registration.recorded_at, "+7 hours")


def rebuild_counters(campaign: Campaign) -> int:
    """Recompute a campaign's counters from its registrations; return the rows written."""
    db.session.execute(sa.delete(DailyCount).where(DailyCount.campaign_id == campaign.id))
    rows = []
    for service_id, day, hamlet_id, team_id, volunteer_id, count in db.session.execute(
            done_by_key_query(campaign.id)):
        if isinstance(day, str):
            day = date.fromisoformat(day)
        key = (campaign.id, service_id, day, hamlet_id, team_id, volunteer_id)
        rows.append({"campaign_id": campaign.id, "service_id": service_id, "day": day,
                     "hamlet_id": hamlet_id, "team_id": team_id, "volunteer_id": volunteer_id,
                     "bucket": bucket(key), "count": count})
    if rows:
        db.session.execute(sa.insert(DailyCount), rows)
    db.session.flush()
    return len(rows)


def counter_totals(campaign_id: int) -> dict[tuple, int]:
    """Return the non-zero counters of a campaign by (service, day, hamlet, team, volunteer)."""
    result: dict[tuple, int] = {}
    for row in db.session.execute(sa.select(
            DailyCount.service_id, DailyCount.day, DailyCount.hamlet_id, DailyCount.team_id,
            DailyCount.volunteer_id, DailyCount.count)
            .where(DailyCount.campaign_id == campaign_id)):
        if row.count:
            key = tuple(row[:5])
            result[key] = result.get(key, 0) + row.count
    return result
