"""Who belongs to a reporting unit: the accounts an organizer attached, and a team's or an
organisation's own people (a team's lead and members, an organisation's members)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.accountability.duty_models import ReportingUnit, reporting_unit_members
from fieldops.auth.models import User
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.teams.models import Member, Team, team_members

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def unit_ids_of(user: User) -> set[int]:
    """Return the ids of every reporting unit the user reports for."""
    attached = sa.select(reporting_unit_members.c.unit_id).where(
        reporting_unit_members.c.user_id == user.id)
    member_ids = sa.select(Member.id).where(Member.user_id == user.id)
    in_team = (sa.select(ReportingUnit.id).join(Team, Team.id == ReportingUnit.team_id)
               .outerjoin(team_members, team_members.c.team_id == Team.id)
               .where(sa.or_(team_members.c.member_id.in_(member_ids),
                             Team.lead_member_id.in_(member_ids))))
    in_organisation = (sa.select(ReportingUnit.id)
                       .join(Member, Member.organisation_id == ReportingUnit.organisation_id)
                       .where(Member.user_id == user.id))
    return set(db.session.execute(sa.union(attached, in_team, in_organisation)).scalars())


def belongs(unit: ReportingUnit, user: User) -> bool:
    """Return whether the user reports for this unit."""
    return unit.id in unit_ids_of(user)


def people_of(unit: ReportingUnit) -> list[User]:
    """Return the accounts that report for the unit (attached, and the team's or the
    organisation's own)."""
    found = {u.id: u for u in unit.users}
    members: list[Member] = []
    if unit.team is not None:
        members = list(unit.team.members) + ([unit.team.lead] if unit.team.lead else [])
    elif unit.organisation is not None:
        members = list(unit.organisation.members)
    for member in members:
        if member.user is not None:
            found.setdefault(member.user.id, member.user)
    return sorted(found.values(), key=lambda u: u.full_name)


def attach_user(unit: ReportingUnit, user: User) -> None:
    """Let an account report for the unit."""
    if user in unit.users:
        raise DomainError(_l("Tài khoản này đã thuộc đơn vị."), "user")
    unit.users.append(user)
    db.session.flush()


def detach_user(unit: ReportingUnit, user: User) -> None:
    """Stop an attached account reporting for the unit."""
    if user in unit.users:
        unit.users.remove(user)
        db.session.flush()


def set_email(unit: ReportingUnit, email: str | None) -> None:
    """Set (or with an empty value, clear) the mailbox the unit's reminders go to."""
    email = (email or "").strip()
    if email and not _EMAIL.match(email):
        raise DomainError(_l("Địa chỉ thư điện tử không hợp lệ."), "email")
    unit.email = email or None
    db.session.flush()
