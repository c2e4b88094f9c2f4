"""Who goes where ("5 rõ"): a hamlet's list to its team of the day, split among the members.

Each listed person still to visit gets one member responsible (`assignee_id`) and a due day
(`due_date`: the team's day in the hamlet). The split is by household (a household's people go
together) or by street, evenly in one click or by hand for chosen households and people.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.models import Area
from fieldops.db import db
from fieldops.drive import rules
from fieldops.drive.models import ABSENT, Household, ListedPerson
from fieldops.errors import DomainError
from fieldops.teams.assignments import active_on
from fieldops.teams.models import Assignment, Member, Team, team_members

BY_HOUSEHOLD, BY_STREET = "household", "street"
#: how far ahead the next day of a team in a hamlet is looked for
LOOK_AHEAD_DAYS = 120


def open_people(campaign_id: int, hamlet_id: int) -> sa.Select:
    """Return a select of a hamlet's listed people still to visit.

    Still on a police list, not yet sent back on the absent list, and with no final outcome
    (a final outcome clears due_date; a follow-up sets it again).
    """
    return db.select(ListedPerson).where(
        ListedPerson.campaign_id == campaign_id, ListedPerson.hamlet_id == hamlet_id,
        ListedPerson.on_list_id.is_not(None), ListedPerson.gone_on.is_(None),
        ListedPerson.absent_listed_on.is_(None),
        sa.or_(ListedPerson.last_outcome.is_(None), ListedPerson.last_outcome == ABSENT,
               ListedPerson.due_date.is_not(None)))


def teams_in_hamlet(hamlet_id: int, day: date) -> list[Team]:
    """Return the teams assigned to a hamlet on a day (the teams' own assignments)."""
    stmt = db.select(Assignment).where(
        Assignment.hamlet_id == hamlet_id, Assignment.start_date <= day,
        Assignment.end_date >= day)
    teams = {a.team_id: a.team for a in db.session.execute(stmt).scalars() if active_on(a, day)}
    return sorted(teams.values(), key=lambda t: t.name)


def team_days(team_id: int, hamlet_id: int, start: date, end: date) -> list[date]:
    """Return the days from start to end on which the team works the hamlet."""
    stmt = db.select(Assignment).where(
        Assignment.team_id == team_id, Assignment.hamlet_id == hamlet_id,
        Assignment.start_date <= end, Assignment.end_date >= start)
    found = db.session.execute(stmt).scalars().all()
    days = []
    day = start
    while day <= end:
        if any(active_on(a, day) for a in found):
            days.append(day)
        day += timedelta(days=1)
    return days


def next_team_day(person: ListedPerson, after: date) -> date | None:
    """Return the next day the team of the person's member works the person's hamlet."""
    if person.hamlet_id is None:
        return None
    member_teams = db.select(Team.id).where(Team.campaign_id == person.campaign_id)
    if person.assignee_id is not None:
        member_teams = member_teams.where(sa.or_(
            Team.lead_member_id == person.assignee_id,
            Team.id.in_(db.select(team_members.c.team_id)
                        .where(team_members.c.member_id == person.assignee_id))))
    days: set[date] = set()
    end = after + timedelta(days=LOOK_AHEAD_DAYS)
    for team_id in db.session.execute(member_teams).scalars():
        days.update(team_days(team_id, person.hamlet_id, after + timedelta(days=1), end))
    return rules.next_day(days, after)


def _check_team(team: Team, hamlet: Area, day: date) -> list[Member]:
    if team.id not in {t.id for t in teams_in_hamlet(hamlet.id, day)}:
        raise DomainError(_l("%(team)s không được phân công %(hamlet)s ngày %(day)s.",
                             team=team.name, hamlet=hamlet.display_name,
                             day=day.strftime("%d/%m/%Y")))
    members = list(team.members)
    if not members:
        raise DomainError(_l("Đoàn chưa có thành viên nào để chia."))
    return members


def _units(people: list[ListedPerson], by: str) -> dict[object, list[ListedPerson]]:
    """Group people into what goes to one member: a household (or the lone person), a street."""
    units: dict[object, list[ListedPerson]] = defaultdict(list)
    streets = _streets({p.household_id for p in people if p.household_id})
    for person in people:
        if by == BY_STREET:
            units[("s", streets.get(person.household_id, ""))].append(person)
        elif person.household_id:
            units[("h", person.household_id)].append(person)
        else:
            units[("p", person.id)].append(person)
    return units


def _streets(household_ids: set[int]) -> dict[int, str]:
    if not household_ids:
        return {}
    rows = db.session.execute(db.select(Household.id, Household.street)
                              .where(Household.id.in_(household_ids)))
    return {hid: street or "" for hid, street in rows}


def _give(people: list[ListedPerson], member_id: int, day: date) -> None:
    for person in people:
        person.assignee_id = member_id
        person.due_date = day
    household_ids = {p.household_id for p in people if p.household_id}
    if household_ids:
        db.session.execute(sa.update(Household).where(Household.id.in_(household_ids))
                           .values(assignee_id=member_id).execution_options(
                               synchronize_session=False))


def split_evenly(team: Team, hamlet: Area, day: date, by: str = BY_HOUSEHOLD,
                 only_unassigned: bool = False) -> dict[int, int]:
    """Share a hamlet's people still to visit among the team's members; return people per member.

    People already given to a member stay with them when `only_unassigned`.
    """
    members = _check_team(team, hamlet, day)
    people = list(db.session.execute(open_people(team.campaign_id, hamlet.id)).scalars())
    member_ids = [m.id for m in members]
    if only_unassigned:
        people = [p for p in people if p.assignee_id not in member_ids]
    units = _units(people, by)
    given = rules.split_evenly([(key, len(group)) for key, group in units.items()], member_ids)
    counts = dict.fromkeys(member_ids, 0)
    for key, member_id in given.items():
        _give(units[key], member_id, day)
        counts[member_id] += len(units[key])
    db.session.flush()
    return counts


def assign_by_hand(team: Team, hamlet: Area, day: date, member_id: int, *,
                   household_ids: list[int], person_ids: list[int]) -> int:
    """Give the chosen households (all their people) and people to one member; return how many."""
    members = _check_team(team, hamlet, day)
    if member_id not in {m.id for m in members}:
        raise DomainError(_l("Người này không thuộc đoàn."), "member_id")
    if not household_ids and not person_ids:
        raise DomainError(_l("Hãy chọn ít nhất một hộ hoặc một người."))
    people = [p for p in db.session.execute(open_people(team.campaign_id, hamlet.id)).scalars()
              if p.id in set(person_ids) or p.household_id in set(household_ids)]
    if not people:
        raise DomainError(_l("Không còn ai trong các hộ đã chọn cần đến."))
    _give(people, member_id, day)
    db.session.flush()
    return len(people)


def hamlet_people(team: Team, hamlet: Area) -> list[ListedPerson]:
    """Return the hamlet's people still to visit, by street, address and name, for the lead."""
    people = list(db.session.execute(open_people(team.campaign_id, hamlet.id)).scalars())
    streets = _streets({p.household_id for p in people if p.household_id})
    return sorted(people, key=lambda p: (streets.get(p.household_id, "~"),
                                         p.household_id or 0, p.name_folded))


def unassigned(team: Team, people: list[ListedPerson]) -> list[ListedPerson]:
    """Return the people no member of this team answers for (nobody, or someone outside it)."""
    member_ids = {m.id for m in team.members}
    return [p for p in people if p.assignee_id not in member_ids]
