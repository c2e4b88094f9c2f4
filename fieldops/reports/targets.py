"""Targets: set one by hand (with its history), and import an appendix table all or nothing."""

from __future__ import annotations

import difflib
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.imports import strip_kind_prefix
from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db, now_utc
from fieldops.errors import DomainError
from fieldops.reports.appendix import AppendixRow, Mismatch, parse_appendix
from fieldops.reports.models import (
    APPENDIX,
    MANUAL,
    ProgressSettings,
    Target,
    TargetChange,
    TargetImport,
)
from fieldops.teams.models import Member, Team
from fieldops.text import fold
from fieldops.uploads import ImportFileError, ImportProblem, read_table


def settings_of(campaign: Campaign) -> ProgressSettings:
    """Return the campaign's progress settings, with the defaults if none were saved."""
    found = db.session.get(ProgressSettings, campaign.id)
    if found is None:
        found = ProgressSettings(campaign_id=campaign.id, person_floor=10, green_percent=100,
                                 amber_percent=80)
    return found


def phase_of(campaign: Campaign, phase_id: int | None) -> Phase:
    """Return the campaign's phase with this id, or raise DomainError naming the field."""
    phase = next((p for p in campaign.phases if p.id == phase_id), None)
    if phase is None:
        raise DomainError(_l("Giai đoạn này không có trong chiến dịch."), "phase_id")
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


def changes_of(campaign: Campaign, limit: int = 50) -> list[TargetChange]:
    """Return the latest target changes of a campaign, newest first."""
    return list(db.session.execute(
        db.select(TargetChange).where(TargetChange.campaign_id == campaign.id)
        .order_by(TargetChange.id.desc()).limit(limit)).scalars())


# --- appendix import ---------------------------------------------------------------------------

@dataclass
class AppendixPlan:
    """What an appendix import would store, its problems and the total row's mismatches."""

    rows: list[tuple[AppendixRow, Area]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    #: phase number in the file -> the campaign's phase
    phases: dict[int, Phase] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)
    total_row: int | None = None

    @property
    def target_count(self) -> int:
        """Return how many targets the import sets."""
        return sum(len([p for p in r.targets if p in self.phases]) for r, _ in self.rows)


def _name_key(name: str) -> str:
    return fold(strip_kind_prefix(name))


def plan_appendix(campaign: Campaign, filename: str, content: bytes) -> AppendixPlan:
    """Match an appendix file's units with the campaign's communes and its phases."""
    plan = AppendixPlan()
    try:
        parsed = parse_appendix(read_table(filename, content))
    except ImportFileError as error:
        plan.problems.append(ImportProblem(None, None, error.message))
        return plan
    plan.problems.extend(parsed.problems)
    plan.mismatches, plan.headers, plan.total_row = parsed.mismatches, parsed.phases, \
        parsed.total_row
    for number, header in parsed.phases.items():
        if number < 1 or number > len(campaign.phases):
            plan.problems.append(ImportProblem(None, header, _l(
                "Chiến dịch không có giai đoạn %(n)s (chỉ có %(count)s giai đoạn).",
                n=number, count=len(campaign.phases))))
        else:
            plan.phases[number] = campaign.phases[number - 1]
    communes = {_name_key(c.name): c for c in campaign.communes}
    seen: dict[int, int] = {}
    for row in parsed.rows:
        commune = communes.get(_name_key(row.name))
        if commune is None:
            close = difflib.get_close_matches(_name_key(row.name), list(communes), n=3,
                                              cutoff=0.6)
            message = _l("Không có đơn vị “%(name)s” trong chiến dịch.", name=row.name)
            if close:
                message = _l("%(message)s Có phải: %(hint)s?", message=message,
                             hint=", ".join(communes[c].display_name for c in close))
            plan.problems.append(ImportProblem(row.row, "Đơn vị", message))
            continue
        if commune.id in seen:
            plan.problems.append(ImportProblem(row.row, "Đơn vị", _l(
                "%(name)s đã có ở dòng %(first)s.", name=commune.display_name,
                first=seen[commune.id])))
            continue
        seen[commune.id] = row.row
        plan.rows.append((row, commune))
    return plan


def store_upload(campaign: Campaign, filename: str, content: bytes, *, user: User,
                 service_id: int | None) -> TargetImport:
    """Keep an appendix that previewed without problems, so the user can confirm it."""
    upload = TargetImport(token=secrets.token_urlsafe(24), campaign_id=campaign.id,
                          service_id=service_id, filename=filename[:255], content=content,
                          created_by_id=user.id)
    db.session.add(upload)
    db.session.flush()
    return upload


def apply_upload(upload: TargetImport, campaign: Campaign, *, user: User,
                 update_population: bool) -> AppendixPlan:
    """Store every target of a previewed appendix, or raise DomainError and store nothing."""
    # Claim with a conditional UPDATE: of two confirmations at once, only one finds it open.
    claimed = db.session.execute(
        sa.update(TargetImport)
        .where(TargetImport.id == upload.id, TargetImport.applied_at.is_(None))
        .values(applied_at=now_utc())).rowcount
    if not claimed:
        raise DomainError(_l("Tệp này đã được nhập rồi; không nhập lại lần nữa."))
    db.session.refresh(upload)
    plan = plan_appendix(campaign, upload.filename, upload.content)
    if plan.problems:
        raise DomainError(_l("Dữ liệu đã thay đổi từ lúc xem trước; hãy tải tệp lên lại."))
    for row, commune in plan.rows:
        for number, value in row.targets.items():
            set_target(plan.phases[number], value, user=user, source=APPENDIX,
                       service_id=upload.service_id, area=commune,
                       reason=f"Nhập phụ lục {upload.filename}")
        if update_population and row.population_14plus is not None:
            commune.population_14plus = row.population_14plus
            commune.updated_at = now_utc()
    db.session.flush()
    return plan
