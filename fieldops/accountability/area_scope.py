"""What an organizer with an area sees of accountability (see fieldops/scope.py for the rule).

A reporting unit, a spot-check or a task lies where its commune, hamlet or team works: a commune
unit in its commune, a team's in the team's hamlets (as `scope.teams_in_scope` decides). A unit
or task of an organisation has no place: it belongs to its campaign, seen by whoever sees that.

Only organizers are limited here: a unit's own people (and a named checker, a task's person)
reach what is theirs by belonging to it, as before, whatever area their account carries.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from fieldops import scope
from fieldops.accountability.check_models import SpotCheck
from fieldops.accountability.duty_models import (
    ReportingDuty,
    ReportingUnit,
    reporting_unit_members,
)
from fieldops.accountability.official_models import UnitOfficial
from fieldops.accountability.task_models import Task
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.teams.models import Assignment, Member, Team


def limited(user: User | None) -> bool:
    """Return whether the user's accountability lists are cut to an area."""
    return bool(getattr(user, "is_organizer", False)) and getattr(user, "area_id", None) is not None


def _visible_teams(user: User) -> sa.Select:
    return scope.teams_in_scope(sa.select(Team.id), user)


def units_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of reporting units to the organizer's area (organisations stay)."""
    if not limited(user):
        return stmt
    return stmt.where(sa.or_(
        ReportingUnit.area_id.in_(scope.commune_ids_in_scope(user) or {-1}),
        ReportingUnit.team_id.in_(_visible_teams(user)),
        ReportingUnit.organisation_id.is_not(None)))


def accounts_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of accounts to those a picker may offer the organizer: accounts of their
    area, and those reporting for a commune or team unit or standing for a member in it (a
    commune's office account carries no area of its own)."""
    if not limited(user):
        return stmt
    placed = sa.select(ReportingUnit.id).where(sa.or_(
        ReportingUnit.area_id.in_(scope.commune_ids_in_scope(user) or {-1}),
        ReportingUnit.team_id.in_(_visible_teams(user))))
    return stmt.where(sa.or_(
        User.id.in_(scope.users_in_scope(sa.select(User.id), user)),
        User.id.in_(sa.select(reporting_unit_members.c.user_id).where(
            reporting_unit_members.c.unit_id.in_(placed))),
        User.id.in_(scope.members_in_scope(
            sa.select(Member.user_id).where(Member.user_id.is_not(None)), user))))


def checks_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of spot-checks to those of a commune, hamlet or team in the area."""
    if not limited(user):
        return stmt
    return stmt.where(sa.or_(
        SpotCheck.area_id.in_(scope.area_ids_in_scope(user) or {-1}),
        SpotCheck.team_id.in_(_visible_teams(user))))


def tasks_in_scope(stmt: sa.Select, user: User | None) -> sa.Select:
    """Narrow a select of tasks to those of a team in the area, or of an organisation."""
    if not limited(user):
        return stmt
    return stmt.where(sa.or_(Task.organisation_id.is_not(None),
                             Task.team_id.in_(_visible_teams(user))))


def team_ids_in_scope(user: User | None, campaign: Campaign) -> set[int] | None:
    """Return the ids of the campaign's teams a picker may offer the user (None: all)."""
    if not limited(user):
        return None
    return set(db.session.execute(scope.teams_in_scope(
        sa.select(Team.id).where(Team.campaign_id == campaign.id), user)).scalars())


def area_choice_visible(user: User | None, area_id: int) -> bool:
    """Return whether a commune or hamlet may be offered to the user in a picker."""
    return not limited(user) or scope.area_visible(user, area_id)


def whole_campaign(user: User | None, campaign: Campaign) -> bool:
    """Return whether the user may change what spans the whole campaign."""
    return scope.whole_campaign_visible(user, campaign)


# --- the request guard's finders --------------------------------------------------------------
# Each returns (campaign id, place id) of the object a URL argument names, for scope.guard_url.


def _team_place(team_id: int) -> int | None:
    """Return a hamlet that decides a team's visibility for the current user: one of the area
    if the team works in any, else any of its hamlets; None for a team sent nowhere yet (seen
    by all, as scope.teams_in_scope has it)."""
    hamlets = set(db.session.execute(sa.select(Assignment.hamlet_id).where(
        Assignment.team_id == team_id)).scalars())
    if not hamlets:
        return None
    inside = hamlets & (scope.hamlet_ids_in_scope(current_user) or set())
    return min(inside or hamlets)


def _guarded() -> bool:
    # The guard only runs for accounts with an area; a unit's own people keep their access.
    return limited(current_user)


@scope.url_owner("duty_id")
def _duty_owner(duty_id: int):
    if not _guarded():
        return None
    return scope.owner_row(sa.select(ReportingDuty.campaign_id, sa.null())
                           .where(ReportingDuty.id == duty_id))


def _unit_owner_of(row) -> tuple[int, int | None] | None:
    if row is None:
        return None
    campaign_id, area_id, team_id = row
    return campaign_id, _team_place(team_id) if team_id else area_id


@scope.url_owner("unit_id")
def _unit_owner(unit_id: int):
    if not _guarded():
        return None
    return _unit_owner_of(db.session.execute(sa.select(
        ReportingUnit.campaign_id, ReportingUnit.area_id, ReportingUnit.team_id)
        .where(ReportingUnit.id == unit_id)).first())


@scope.url_owner("official_id")
def _official_owner(official_id: int):
    if not _guarded():
        return None
    return _unit_owner_of(db.session.execute(sa.select(
        ReportingUnit.campaign_id, ReportingUnit.area_id, ReportingUnit.team_id)
        .join(UnitOfficial, UnitOfficial.unit_id == ReportingUnit.id)
        .where(UnitOfficial.id == official_id)).first())


@scope.url_owner("check_id")
def _check_owner(check_id: int):
    if not _guarded():
        return None
    return _unit_owner_of(db.session.execute(sa.select(
        SpotCheck.campaign_id, SpotCheck.area_id, SpotCheck.team_id)
        .where(SpotCheck.id == check_id)).first())


@scope.url_owner("task_id")
def _task_owner(task_id: int):
    if not _guarded():
        return None
    row = db.session.execute(sa.select(Task.campaign_id, Task.team_id)
                             .where(Task.id == task_id)).first()
    if row is None:
        return None
    return row[0], _team_place(row[1]) if row[1] else None
