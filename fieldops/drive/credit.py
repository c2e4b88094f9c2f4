"""Whose work each confirmed activation is, and the counters progress reads.

A person gone from the police's list of the approved but not activated is the official result
(plan 003), credited to the hamlet they were listed in and to the team, account and guide of
their last visit that was not voided. The person row keeps that credit and ConfirmedCount keeps
the sums, both moved in the same transaction as what changes them: a list imported (people leave
the list or come back to it) and a visit recorded, corrected or voided.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from fieldops.checkin.models import VOIDED, Registration
from fieldops.db import db
from fieldops.drive.models import APPROVED_NOT_ACTIVATED, ConfirmedCount, ListedPerson, Visit
from fieldops.uploads.batches import select_in

PERSON = ListedPerson.__table__
#: (campaign, day left the list, hamlet, team, account, credited member)
Key = tuple[int, date, int | None, int | None, int | None, int | None]
_CREDIT = (PERSON.c.credit_team_id, PERSON.c.credit_volunteer_id, PERSON.c.credit_member_id)


def bucket(key: Key) -> str:
    """Return the text that names a counter row within its campaign."""
    _campaign, day, *parts = key
    return ":".join([day.isoformat(), *("" if p is None else str(p) for p in parts)])


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _apply(delta: Counter) -> None:
    """Move the counters by `delta` (key -> change), one atomic upsert per key."""
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    for key, change in delta.items():
        if not change:
            continue
        campaign_id, day, hamlet_id, team_id, volunteer_id, member_id = key
        stmt = insert(ConfirmedCount).values(
            campaign_id=campaign_id, day=day, hamlet_id=hamlet_id, team_id=team_id,
            volunteer_id=volunteer_id, member_id=member_id, bucket=bucket(key), count=change)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["campaign_id", "bucket"],
            set_={"count": ConfirmedCount.count + stmt.excluded.count}))


def _last_visit(person_id) -> sa.ScalarSelect:
    """Return the id of a person's last visit whose registration was not voided."""
    # Aliased: the select this is nested in reads visits and registrations too.
    visit, registration = sa.orm.aliased(Visit), sa.orm.aliased(Registration)
    return (sa.select(sa.func.max(visit.id))
            .join(registration, registration.id == visit.registration_id)
            .where(visit.person_id == person_id, registration.status != VOIDED)
            .correlate_except(visit, registration).scalar_subquery())


def _credit_of(person_id: int) -> tuple[int | None, int | None, int | None]:
    row = db.session.execute(
        sa.select(Registration.team_id, Registration.volunteer_id,
                  Registration.credited_member_id)
        .join(Visit, Visit.registration_id == Registration.id)
        .where(Visit.id == _last_visit(person_id))).first()
    return (None, None, None) if row is None else tuple(row)


def refresh(person: ListedPerson) -> None:
    """Recompute whose work a person's activation is; move the counters if they already left
    the list."""
    db.session.flush()  # the visit or registration change being made must be visible
    # The row is locked first (PostgreSQL): two visits to one person at once, or a list import
    # marking them gone meanwhile, then move the counters one after the other from what the
    # other committed, not both from the same old credit.
    stored = db.session.execute(
        sa.select(PERSON.c.campaign_id, PERSON.c.gone_on, PERSON.c.hamlet_id, PERSON.c.kind,
                  *_CREDIT).where(PERSON.c.id == person.id)
        # FOR NO KEY UPDATE (key_share=True): a visit's insert holds a key-share lock on its
        # person; a plain FOR UPDATE would make two visits at once wait for each other.
        .with_for_update(key_share=True)).one()
    new = _credit_of(person.id)
    old = tuple(stored[4:])
    if new == old:
        return
    campaign_id, gone_on, hamlet_id, kind = stored[:4]
    if gone_on is not None and kind == APPROVED_NOT_ACTIVATED:
        place = (campaign_id, _day(gone_on), hamlet_id)
        delta: Counter = Counter()
        delta[(*place, *old)] -= 1
        delta[(*place, *new)] += 1
        _apply(delta)
    db.session.execute(sa.update(PERSON).where(PERSON.c.id == person.id).values(
        credit_team_id=new[0], credit_volunteer_id=new[1], credit_member_id=new[2]))
    # Written above under the lock: the loaded object learns it without writing it again.
    for name, value in zip(("credit_team_id", "credit_volunteer_id", "credit_member_id"), new,
                           strict=True):
        set_committed_value(person, name, value)


def _grouped(where, day: date | None = None) -> sa.Select:
    """Return people of the list kind that counts, grouped by counter key (their own day
    gone, or `day` for people about to leave)."""
    gone = PERSON.c.gone_on if day is None else sa.literal(day, sa.Date)
    return (sa.select(PERSON.c.campaign_id, gone, PERSON.c.hamlet_id, *_CREDIT, sa.func.count())
            .where(PERSON.c.kind == APPROVED_NOT_ACTIVATED, where)
            .group_by(PERSON.c.campaign_id, PERSON.c.hamlet_id, *_CREDIT,
                      *([PERSON.c.gone_on] if day is None else [])))


def _locked(where, day: date | None = None) -> sa.Select:
    """Return the people of the list kind that counts, one row each with their counter key,
    locking them (PostgreSQL) until the import commits: a visit refreshing one meanwhile waits
    and then moves the counters from what the import wrote."""
    gone = PERSON.c.gone_on if day is None else sa.literal(day, sa.Date)
    return (sa.select(PERSON.c.campaign_id, gone, PERSON.c.hamlet_id, *_CREDIT, sa.literal(1))
            .where(PERSON.c.kind == APPROVED_NOT_ACTIVATED, where)
            .with_for_update(key_share=True))


def _counted(rows, sign: int) -> Counter:
    delta: Counter = Counter()
    for campaign_id, day, hamlet_id, team_id, volunteer_id, member_id, n in rows:
        delta[(campaign_id, _day(day), hamlet_id, team_id, volunteer_id, member_id)] += sign * n
    return delta


def coming_back(person_ids: list[int]) -> None:
    """Take out of the counters people on today's list who had left an earlier one: call
    before their row changes (hamlet, day gone)."""
    ids = [i for i in person_ids if i]
    if ids:
        _apply(_counted(select_in(_locked(PERSON.c.gone_on.is_not(None)), PERSON.c.id, ids),
                        -1))


def leaving(previous_list_id: int, day: date) -> None:
    """Count the people still on the previous list, who are gone from today's: call before
    they are marked gone."""
    _apply(_counted(db.session.execute(
        _locked(PERSON.c.on_list_id == previous_list_id, day)).all(), 1))


def rebuild(campaign_id: int) -> int:
    """Recompute a campaign's credits and counters from its people and visits; return the
    counter rows written."""
    last = _last_visit(PERSON.c.id)

    def of_last(column) -> sa.ScalarSelect:
        return (sa.select(column).join(Visit, Visit.registration_id == Registration.id)
                .where(Visit.id == last).scalar_subquery())

    db.session.execute(sa.update(PERSON).where(PERSON.c.campaign_id == campaign_id).values(
        credit_team_id=of_last(Registration.team_id),
        credit_volunteer_id=of_last(Registration.volunteer_id),
        credit_member_id=of_last(Registration.credited_member_id)))
    db.session.execute(sa.delete(ConfirmedCount).where(ConfirmedCount.campaign_id == campaign_id))
    delta = _counted(db.session.execute(_grouped(sa.and_(
        PERSON.c.campaign_id == campaign_id, PERSON.c.gone_on.is_not(None)))).all(), 1)
    rows = [{"campaign_id": key[0], "day": key[1], "hamlet_id": key[2], "team_id": key[3],
             "volunteer_id": key[4], "member_id": key[5], "bucket": bucket(key), "count": n}
            for key, n in delta.items() if n]
    if rows:  # one insert of every row: the table was emptied above
        db.session.execute(sa.insert(ConfirmedCount), rows)
    db.session.flush()
    return len(rows)


def confirmed_totals(campaign_id: int) -> dict[tuple, int]:
    """Return a campaign's non-zero counters by (day, hamlet, team, account, member)."""
    rows = db.session.execute(sa.select(
        ConfirmedCount.day, ConfirmedCount.hamlet_id, ConfirmedCount.team_id,
        ConfirmedCount.volunteer_id, ConfirmedCount.member_id, ConfirmedCount.count)
        .where(ConfirmedCount.campaign_id == campaign_id, ConfirmedCount.count != 0))
    return {(_day(day), *rest): n for day, *rest, n in rows}
