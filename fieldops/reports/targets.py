"""Targets: set one by hand (with its history); the appendix import is in appendix_import.py."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops import scope
from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError, NotFound
from fieldops.reports.models import MANUAL, ProgressSettings, Target, TargetChange
from fieldops.teams.models import Member, Team


def settings_of(campaign: Campaign) -> ProgressSettings:
    """Return the campaign's progress settings, with the defaults if none were saved."""
    found = db.session.get(ProgressSettings, campaign.id)
    if found is None:
        found = ProgressSettings(campaign_id=campaign.id, person_floor=10, green_percent=100,
                                 amber_percent=80)
    return found


def phase_of(campaign: Campaign, phase_id: int | None) -> Phase:
    """Return the campaign's phase with this id, or raise NotFound."""
    phase = next((p for p in campaign.phases if p.id == phase_id), None)
    if phase is None:
        raise NotFound(_l("Giai đoạn này không có trong chiến dịch."))
    return phase


def find_target(phase: Phase, *, service_id: int | None = None, area: Area | None = None,
                team: Team | None = None, member: Member | None = None) -> Target | None:
    """Return the target of one unit in a phase for a service (None: all services)."""
    stmt = db.select(Target).where(
        Target.phase_id == phase.id,
        Target.service_id.is_(None) if service_id is None else Target.service_id == service_id,
        Target.area_id.is_(None) if area is None else Target.area_id == area.id,
        Target.team_id.is_(None) if team is None else Target.team_id == team.id,
        Target.member_id.is_(None) if member is None else Target.member_id == member.id)
    return db.session.execute(stmt).scalars().first()


def unit_label(phase: Phase, area: Area | None, team: Team | None, member: Member | None) -> str:
    """Return "Giai đoạn 1 · Xã Bắc Sơn": what a target is for, as kept in its history."""
    unit = area.display_name if area else team.name if team else member.full_name if member else ""
    return f"{phase.name} · {unit}"[:255]


def set_target(phase: Phase, value: int | None, *, user: User | None, source: str = MANUAL,
               service_id: int | None = None, area: Area | None = None, team: Team | None = None,
               member: Member | None = None, reason: str | None = None) -> Target | None:
    """Set (or with None, remove) a unit's target and log the change; returns the target."""
    if value is not None and (not isinstance(value, int) or value < 0):
        raise DomainError(_l("Chỉ tiêu phải là số nguyên không âm."), "value")
    if sum(x is not None for x in (area, team, member)) != 1:
        raise DomainError(_l("Chỉ tiêu phải giao cho đúng một địa bàn, đoàn hoặc người."))
    target = find_target(phase, service_id=service_id, area=area, team=team, member=member)
    before = target.value if target else None
    if before == value:
        return target
    if value is None:
        db.session.delete(target)
    elif target is None:
        target = Target(campaign_id=phase.campaign_id, phase_id=phase.id, service_id=service_id,
                        area_id=area.id if area else None, team_id=team.id if team else None,
                        member_id=member.id if member else None, value=value, source=source,
                        updated_by_id=user.id if user else None)
        db.session.add(target)
    else:
        target.value, target.source = value, source
        target.updated_by_id, target.updated_at = (user.id if user else None), now_utc()
    db.session.flush()
    db.session.add(TargetChange(
        campaign_id=phase.campaign_id, target_id=target.id if value is not None else None,
        label=unit_label(phase, area, team, member), before=before, after=value, source=source,
        reason=(reason or "").strip()[:255] or None, changed_by_id=user.id if user else None))
    db.session.flush()
    return target if value is not None else None


def changes_of(campaign: Campaign, limit: int = 50,
               viewer: User | None = None) -> list[TargetChange]:
    """Return the latest target changes of a campaign, newest first (for a viewer with an
    area not holding the whole campaign, those of targets of its places, teams and members)."""
    stmt = db.select(TargetChange).where(TargetChange.campaign_id == campaign.id)
    if not scope.whole_campaign_visible(viewer, campaign):
        # A removed target's change no longer says whose it was: only the whole campaign's
        # viewers see it.
        stmt = stmt.join(Target, Target.id == TargetChange.target_id).where(sa.or_(
            Target.area_id.in_(scope.area_ids_in_scope(viewer) or {-1}),
            Target.team_id.in_(scope.teams_in_scope(sa.select(Team.id), viewer)),
            Target.member_id.in_(scope.members_in_scope(sa.select(Member.id), viewer))))
    return list(db.session.execute(
        stmt.order_by(TargetChange.id.desc()).limit(limit)).scalars())
