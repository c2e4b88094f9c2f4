"""Claims the police lists do not confirm: "activated" at the door, yet still listed twice after.

Only leaving the list is the official result (plan 003). A person a member recorded as activated
who is on two lists of the commune and kind dated after that visit is flagged "claimed, not
confirmed", and goes back on the member's list for the team's next day to find out why.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from fieldops.checkin.models import VOIDED, Registration
from fieldops.db import db
from fieldops.drive.assign import next_team_day
from fieldops.drive.models import CLAIMED_ACTIVATED, ListedPerson, ListEntry, PoliceList, Visit

#: lists after the claim that must still have the person before it is flagged
LISTS_TO_FLAG = 2


def flag_unconfirmed(police_list: PoliceList) -> int:
    """Flag the people of this list whose claimed activation two lists have not confirmed.

    The list import calls this after its comparison. People of the commune and kind who left
    the list lose their flag (the claim is confirmed). Returns how many were newly flagged.
    Reads in four queries, whatever the size of the list.
    """
    on_list = db.select(ListEntry.person_id).where(ListEntry.list_id == police_list.id)
    claims = dict(db.session.execute(
        sa.select(Visit.person_id, sa.func.max(Visit.visited_on))
        .join(Registration, Registration.id == Visit.registration_id)
        .where(Visit.person_id.in_(on_list), Visit.outcome.in_(CLAIMED_ACTIVATED),
               Registration.status != VOIDED)
        .group_by(Visit.person_id)).all())
    _clear_confirmed(police_list)
    if not claims:
        return 0
    lists = dict(db.session.execute(
        sa.select(PoliceList.id, PoliceList.list_day).where(
            PoliceList.campaign_id == police_list.campaign_id,
            PoliceList.commune_id == police_list.commune_id,
            PoliceList.kind == police_list.kind,
            PoliceList.list_day <= police_list.list_day,
            PoliceList.list_day > min(claims.values()))).all())
    seen: dict[int, list[date]] = defaultdict(list)
    for person_id, list_id in db.session.execute(
            sa.select(ListEntry.person_id, ListEntry.list_id).where(
                ListEntry.list_id.in_(list(lists)), ListEntry.person_id.in_(list(claims)))):
        seen[person_id].append(lists[list_id])
    flagged = [pid for pid, claimed_on in claims.items()
               if sum(1 for day in seen[pid] if day > claimed_on) >= LISTS_TO_FLAG]
    if not flagged:
        return 0
    people = db.session.execute(db.select(ListedPerson).where(
        ListedPerson.id.in_(flagged), ListedPerson.unconfirmed_on.is_(None))).scalars().all()
    for person in people:
        person.unconfirmed_on = police_list.list_day
        # Back on the member's list: the team's next day there (today's if it works today).
        person.due_date = next_team_day(person, police_list.list_day - timedelta(days=1))
    db.session.flush()
    return len(people)


def _clear_confirmed(police_list: PoliceList) -> None:
    # Only the flagged few are read (their partial index), not every person of the commune:
    # the import calls this once per commune of a list.
    flagged = db.session.execute(
        sa.select(ListedPerson.id, ListedPerson.campaign_id, ListedPerson.commune_id,
                  ListedPerson.kind, ListedPerson.gone_on)
        .where(ListedPerson.unconfirmed_on.is_not(None))).all()
    ids = [row.id for row in flagged if row.gone_on is not None and (
        row.campaign_id, row.commune_id, row.kind) == (
        police_list.campaign_id, police_list.commune_id, police_list.kind)]
    if ids:
        db.session.execute(
            sa.update(ListedPerson).where(ListedPerson.id.in_(ids)).values(unconfirmed_on=None)
            .execution_options(synchronize_session=False))


def unconfirmed(campaign_id: int, team_member_ids: set[int] | None = None,
                communes: set[int] | None = None) -> list[ListedPerson]:
    """Return the people flagged "claimed, not confirmed" still on the list, by hamlet and name.

    Only those given to these members when `team_member_ids` is given (a team lead's view), and
    only those of `communes` when given (an organizer's area).
    """
    stmt = db.select(ListedPerson).where(ListedPerson.campaign_id == campaign_id,
                                         ListedPerson.unconfirmed_on.is_not(None),
                                         ListedPerson.gone_on.is_(None))
    if team_member_ids is not None:
        stmt = stmt.where(ListedPerson.assignee_id.in_(team_member_ids))
    if communes is not None:
        stmt = stmt.where(ListedPerson.commune_id.in_(communes))
    return sorted(db.session.execute(stmt).scalars(),
                  key=lambda p: (p.hamlet.name_folded if p.hamlet else "~", p.name_folded))
