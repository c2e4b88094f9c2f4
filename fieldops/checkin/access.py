"""Who may see and change which registrations, and the audit log of personal data."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import has_request_context, request

from fieldops.areas.models import Area
from fieldops.auth.models import ORGANIZER, TEAM_LEAD, User
from fieldops.campaigns.models import Campaign
from fieldops.checkin.models import NOT_COUNTED, AuditEntry, Registration
from fieldops.db import db
from fieldops.events.models import HelpDesk, LaunchEvent, desk_staff
from fieldops.scope import campaign_visible, campaigns_in_scope, registrations_in_scope
from fieldops.teams.models import Assignment, Member, Team, team_members


def audit(action: str, user: User | None, registration: Registration | None = None,
          detail: str | None = None) -> AuditEntry:
    """Write who did what to personal data, when and from which address."""
    entry = AuditEntry(action=action, user_id=user.id if user else None,
                       registration_id=registration.id if registration else None,
                       detail=detail,
                       remote_addr=request.remote_addr if has_request_context() else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def user_teams(user: User) -> list[Team]:
    """Return the teams the user leads or belongs to (through their member record)."""
    member_ids = db.select(Member.id).where(Member.user_id == user.id)
    stmt = db.select(Team).where(sa.or_(
        Team.lead_member_id.in_(member_ids),
        Team.id.in_(db.select(team_members.c.team_id)
                    .where(team_members.c.member_id.in_(member_ids))),
    )).order_by(Team.name)
    return list(db.session.execute(stmt).scalars())


def staffed_desks(user: User) -> list[HelpDesk]:
    """Return the desks the user works at (every desk for an organizer, inside their area if
    they have one)."""
    stmt = db.select(HelpDesk)
    if user.role == ORGANIZER and user.area_id is not None:
        stmt = stmt.where(HelpDesk.event_id.in_(db.select(LaunchEvent.id).where(
            LaunchEvent.campaign_id.in_(campaigns_in_scope(db.select(Campaign.id), user)))))
    if user.role != ORGANIZER:
        stmt = stmt.where(HelpDesk.id.in_(
            db.select(desk_staff.c.desk_id).where(desk_staff.c.user_id == user.id)))
    return list(db.session.execute(stmt.order_by(HelpDesk.id)).scalars())


def by_date(desks: list[HelpDesk], today: date) -> list[HelpDesk]:
    """Return desks as a volunteer looks for them: today's and coming ones by date and hour,
    then past ones, the most recent first."""
    def when(desk: HelpDesk):
        return desk.event.event_date, desk.event.start_time, desk.id

    coming = sorted((d for d in desks if d.event.event_date >= today), key=when)
    past = sorted((d for d in desks if d.event.event_date < today), key=when, reverse=True)
    return coming + past


def can_work_desk(user: User, desk: HelpDesk) -> bool:
    """Return whether the user may call and record at a desk (an organizer: any desk of a
    campaign in their area)."""
    if user.role == ORGANIZER:
        return campaign_visible(user, desk.event.campaign)
    return any(s.id == user.id for s in desk.staff)


def hamlets_today(team: Team, day: date) -> list[Area]:
    """Return the hamlets a team is assigned to on a day (every day, or that weekday)."""
    stmt = db.select(Assignment).where(
        Assignment.team_id == team.id, Assignment.start_date <= day, Assignment.end_date >= day,
        sa.or_(Assignment.weekday.is_(None), Assignment.weekday == day.weekday()))
    hamlets = {a.hamlet_id: a.hamlet for a in db.session.execute(stmt).scalars()}
    return sorted(hamlets.values(), key=lambda a: a.name_folded)


def visible_registrations(user: User) -> sa.Select:
    """Return a select of the registrations the user may see.

    Organizers see all (inside their area, if they have one); team leads their teams' and
    their desks' records and their own; volunteers their own.
    """
    stmt = registrations_in_scope(db.select(Registration), user)
    if user.role == ORGANIZER:
        return stmt
    mine = Registration.volunteer_id == user.id
    if user.role != TEAM_LEAD:
        return stmt.where(mine)
    team_ids = [t.id for t in user_teams(user)]
    desk_ids = [d.id for d in staffed_desks(user)]
    return stmt.where(sa.or_(mine, Registration.team_id.in_(team_ids),
                             Registration.desk_id.in_(desk_ids)))


def can_see(user: User, registration: Registration) -> bool:
    """Return whether the user may open a registration."""
    stmt = visible_registrations(user).where(Registration.id == registration.id)
    return db.session.execute(stmt.with_only_columns(Registration.id)).first() is not None


def can_edit(user: User, registration: Registration) -> bool:
    """Organizers and team leads who see a record may correct it; its volunteer too."""
    if registration.status in NOT_COUNTED or registration.purged_at is not None \
            or not can_see(user, registration):
        return False
    return user.role in (ORGANIZER, TEAM_LEAD) or registration.volunteer_id == user.id


def can_void(user: User, registration: Registration) -> bool:
    """Only organizers and team leads who see a record may cancel it."""
    return (registration.status not in NOT_COUNTED and registration.purged_at is None
            and user.role in (ORGANIZER, TEAM_LEAD)
            and can_see(user, registration))
