"""Reporting duties: their rules, the periods they generate, and the units that report.

A daily duty's period is the day; a weekly one's the week ending on its weekday (the first
week starts with the campaign); a phase review's the phase; a final report's the campaign.
Each period is due on its last day at the duty's hour (a review or final report: on its due
date), in Asia/Ho_Chi_Minh. A period is closed `close_after_days` days after its deadline:
until then a late report is taken and marked late; after it nothing is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.accountability.area_scope import units_in_scope
from fieldops.accountability.duty_models import (
    COMMUNE,
    DAILY,
    FINAL,
    FREQUENCIES,
    ORGANISATION,
    PHASE_REVIEW,
    TEAM,
    UNIT_KINDS,
    WEEKLY,
    ReportingDuty,
    ReportingUnit,
)
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.errors import DomainError, DomainErrors, NotFound
from fieldops.teams.models import Member, Team, team_members
from fieldops.text import fold


@dataclass(frozen=True)
class Period:
    """One period of a duty: its days and its deadline (UTC)."""

    start: date
    end: date
    due_at: datetime
    closes_at: datetime

    def is_closed(self, now: datetime) -> bool:
        """Return True once no report, even late, is taken."""
        return now >= self.closes_at


def save_duty(campaign: Campaign, duty: ReportingDuty | None, *, title: str, frequency: str,
              unit_kind: str, deadline: time, weekday: int | None = None,
              phase: Phase | None = None, due_on: date | None = None,
              close_after_days: int = 3, remind_before_minutes: int = 60,
              user: User | None = None) -> ReportingDuty:
    """Create or change a campaign's reporting duty, after checking what its frequency needs."""
    check_settings(campaign, title=title, frequency=frequency, unit_kind=unit_kind,
                   weekday=weekday, phase=phase, due_on=due_on,
                   close_after_days=close_after_days,
                   remind_before_minutes=remind_before_minutes)
    if duty is None:
        duty = ReportingDuty(campaign_id=campaign.id, created_by_id=user.id if user else None)
        db.session.add(duty)
    duty.title = title.strip()
    duty.frequency = frequency
    duty.unit_kind = unit_kind
    duty.deadline = deadline
    duty.weekday = weekday if frequency == WEEKLY else None
    duty.phase_id = phase.id if frequency == PHASE_REVIEW and phase else None
    duty.due_on = due_on if frequency in (PHASE_REVIEW, FINAL) else None
    duty.close_after_days = close_after_days
    duty.remind_before_minutes = remind_before_minutes
    db.session.flush()
    sync_units(campaign, unit_kind)
    return duty


def check_settings(campaign: Campaign, *, title: str, frequency: str, unit_kind: str,
                   weekday: int | None, phase: Phase | None, due_on: date | None,
                   close_after_days: int, remind_before_minutes: int) -> None:
    """Raise DomainErrors when the settings lack what their frequency needs."""
    errors = []
    if not title.strip():
        errors.append(DomainError(_l("Vui lòng nhập tên báo cáo."), "title"))
    if frequency not in FREQUENCIES:
        errors.append(DomainError(_l("Tần suất không hợp lệ."), "frequency"))
    if unit_kind not in UNIT_KINDS:
        errors.append(DomainError(_l("Đơn vị báo cáo không hợp lệ."), "unit_kind"))
    if frequency == WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        errors.append(DomainError(_l("Báo cáo tuần cần chọn thứ trong tuần."), "weekday"))
    if frequency == PHASE_REVIEW and (phase is None or phase.campaign_id != campaign.id):
        errors.append(DomainError(_l("Sơ kết cần chọn giai đoạn của chiến dịch."), "phase_id"))
    if frequency in (PHASE_REVIEW, FINAL) and due_on is None:
        errors.append(DomainError(_l("Vui lòng nhập hạn nộp."), "due_on"))
    if close_after_days < 0 or remind_before_minutes < 0:
        errors.append(DomainError(_l("Phải là số nguyên không âm."), "close_after_days"))
    if errors:
        raise DomainErrors(errors)


def _due(duty: ReportingDuty, day: date) -> datetime:
    return datetime.combine(day, duty.deadline, tzinfo=LOCAL_TZ).astimezone(UTC)


def _period(duty: ReportingDuty, start: date, end: date, due_day: date) -> Period:
    due_at = _due(duty, due_day)
    return Period(start, end, due_at, due_at + timedelta(days=duty.close_after_days))


def periods(duty: ReportingDuty) -> list[Period]:
    """Return every period of the duty, in order."""
    campaign = duty.campaign
    if duty.frequency == DAILY:
        days = (campaign.end_date - campaign.start_date).days + 1
        return [_period(duty, d, d, d) for d in
                (campaign.start_date + timedelta(days=n) for n in range(days))]
    if duty.frequency == WEEKLY:
        end = campaign.start_date + timedelta(days=(duty.weekday - campaign.start_date.weekday())
                                              % 7)
        found = []
        while True:
            found.append(_period(duty, max(end - timedelta(days=6), campaign.start_date),
                                 end, end))
            if end >= campaign.end_date:
                return found
            end += timedelta(days=7)
    if duty.frequency == PHASE_REVIEW:
        return [_period(duty, duty.phase.start_date, duty.phase.end_date, duty.due_on)]
    return [_period(duty, campaign.start_date, campaign.end_date, duty.due_on)]


def period_of(duty: ReportingDuty, start: date) -> Period:
    """Return the duty's period starting on that day; NotFound if it has none."""
    campaign = duty.campaign
    if duty.frequency == DAILY:
        # A day of the campaign is a period: no need to list all of them.
        if not campaign.start_date <= start <= campaign.end_date:
            raise NotFound()
        return _period(duty, start, start, start)
    found = next((p for p in periods(duty) if p.start == start), None)
    if found is None:
        raise NotFound()
    return found


def current_period(duty: ReportingDuty, now: datetime) -> Period | None:
    """Return the first period whose deadline has not passed yet (None once all have)."""
    return next((p for p in periods(duty) if p.due_at > now), None)


def last_due_period(duty: ReportingDuty, now: datetime) -> Period | None:
    """Return the last period whose deadline has passed, if any."""
    passed = [p for p in periods(duty) if p.due_at <= now]
    return passed[-1] if passed else None


def board_period(duty: ReportingDuty, now: datetime) -> Period:
    """Return the period the board opens on: the one running today, else the last one due."""
    today = now.astimezone(LOCAL_TZ).date()
    running = current_period(duty, now)
    if running is not None and running.start <= today:
        return running
    return last_due_period(duty, now) or periods(duty)[0]


def duties_of(campaign: Campaign) -> list[ReportingDuty]:
    """Return a campaign's duties, in the order they were made."""
    return list(db.session.execute(db.select(ReportingDuty).filter_by(campaign_id=campaign.id)
                                   .order_by(ReportingDuty.id)).scalars())


def sync_units(campaign: Campaign, kind: str) -> list[ReportingUnit]:
    """Make sure every commune, organisation or team of the campaign is a reporting unit."""
    column = {COMMUNE: ReportingUnit.area_id, ORGANISATION: ReportingUnit.organisation_id,
              TEAM: ReportingUnit.team_id}[kind]
    if kind == COMMUNE:
        wanted = {c.id for c in campaign.communes}
    elif kind == TEAM:
        wanted = set(db.session.execute(sa.select(Team.id).filter_by(campaign_id=campaign.id))
                     .scalars())
    else:
        # The organisations that lead the campaign's teams or lend them members.
        leading = sa.select(Team.lead_organisation_id).where(
            Team.campaign_id == campaign.id, Team.lead_organisation_id.is_not(None))
        lending = (sa.select(Member.organisation_id)
                   .join(team_members, team_members.c.member_id == Member.id)
                   .join(Team, Team.id == team_members.c.team_id)
                   .where(Team.campaign_id == campaign.id))
        wanted = set(db.session.execute(sa.union(leading, lending)).scalars())
    have = set(db.session.execute(sa.select(column).where(
        ReportingUnit.campaign_id == campaign.id, column.is_not(None))).scalars())
    for unit_id in sorted(wanted - have):
        db.session.add(ReportingUnit(campaign_id=campaign.id, **{column.key: unit_id}))
    db.session.flush()
    return units_of(campaign, kind)


def units_of(campaign: Campaign, kind: str, viewer: User | None = None) -> list[ReportingUnit]:
    """Return the campaign's reporting units of a kind, by name (those in the viewer's area,
    if a viewer is given)."""
    column = {COMMUNE: ReportingUnit.area_id, ORGANISATION: ReportingUnit.organisation_id,
              TEAM: ReportingUnit.team_id}[kind]
    found = db.session.execute(units_in_scope(db.select(ReportingUnit).where(
        ReportingUnit.campaign_id == campaign.id, column.is_not(None)), viewer)).scalars()
    return sorted(found, key=lambda unit: (fold(unit.sort_name), unit.sort_name))
