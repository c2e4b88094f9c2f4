"""The member's "Danh sách hôm nay": their doors for the day (households, or people on their own).

Read in three queries (the people, their households, nothing per row), so that the page stays
quick with a province's list in the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.clock import LOCAL_TZ, local_day_bounds
from fieldops.db import db
from fieldops.drive.models import Household, ListedPerson
from fieldops.teams.models import Member
from fieldops.text import fold, fold_words

NO_STREET = _l("Chưa rõ đường, ngõ")


@dataclass
class Door:
    """A household to knock on, or one listed person whose address matched no household."""

    household: Household | None
    people: list[ListedPerson] = field(default_factory=list)
    #: visited today, by person id
    visited: set[int] = field(default_factory=set)

    @property
    def street(self) -> str:
        """Return the street or lane the door is on ("" when unknown)."""
        return (self.household.street or "") if self.household else ""

    @property
    def address(self) -> str:
        """Return the door's address as the list or the survey wrote it."""
        if self.household is not None:
            return self.household.address
        return self.people[0].address or ""

    @property
    def done(self) -> bool:
        """Return whether every person of the door was visited today."""
        return all(p.id in self.visited for p in self.people)

    @property
    def search_text(self) -> str:
        """Return the folded words a search of the day's list looks in."""
        words = [self.address, self.street, *(p.full_name for p in self.people)]
        if self.household is not None and self.household.head_name:
            words.append(self.household.head_name)
        return fold_words(" ".join(words))


def visited_on(person: ListedPerson, day: date) -> bool:
    """Return whether the person's last visit was on this local day."""
    return person.last_visit_at is not None and \
        person.last_visit_at.astimezone(LOCAL_TZ).date() == day


def member_of(user: User) -> Member | None:
    """Return the member record of a signed-in user, if they have one."""
    return db.session.execute(db.select(Member).where(Member.user_id == user.id)
                              .order_by(Member.id)).scalars().first()


def today_people(member_id: int, day: date) -> list[ListedPerson]:
    """Return the people a member answers for on a day: due by then, or visited that day."""
    start, end = local_day_bounds(day)
    stmt = db.select(ListedPerson).where(
        ListedPerson.assignee_id == member_id, ListedPerson.on_list_id.is_not(None),
        ListedPerson.gone_on.is_(None),
        sa.or_(
            sa.and_(ListedPerson.due_date <= day, ListedPerson.absent_listed_on.is_(None)),
            ListedPerson.last_visit_at.between(start, end)))
    return list(db.session.execute(stmt).scalars())


def doors_of(people: list[ListedPerson], day: date, query: str = "") -> list[Door]:
    """Group people into doors, by street then address; keep those matching the folded query."""
    household_ids = {p.household_id for p in people if p.household_id}
    households = {h.id: h for h in db.session.execute(
        db.select(Household).where(Household.id.in_(household_ids))).scalars()
    } if household_ids else {}
    doors: dict[object, Door] = {}
    for person in sorted(people, key=lambda p: p.name_folded):
        key = ("h", person.household_id) if person.household_id else ("p", person.id)
        door = doors.setdefault(key, Door(households.get(person.household_id)))
        door.people.append(person)
        if visited_on(person, day):
            door.visited.add(person.id)
    found = sorted(doors.values(), key=lambda d: (d.street == "", fold(d.street),
                                                  fold_words(d.address)))
    words = fold_words(query).split()
    if words:
        found = [d for d in found if all(w in d.search_text for w in words)]
    return found


def by_street(doors: list[Door]) -> list[tuple[str, list[Door]]]:
    """Return the doors in groups of one street each, in order."""
    groups: list[tuple[str, list[Door]]] = []
    for door in doors:
        name = door.street or str(NO_STREET)
        if groups and groups[-1][0] == name:
            groups[-1][1].append(door)
        else:
            groups.append((name, [door]))
    return groups
