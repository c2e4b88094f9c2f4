"""Submitting a unit's report, its versions, and the state of every unit in a period.

A report is submitted by an account of its unit. After the deadline it is still taken, marked
late, until the period closes; a correction adds a version and keeps the earlier ones.
Other features read submitted reports through `submitted_reports` (the consolidated report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.accountability import duties, units
from fieldops.accountability.duty_models import (
    LATE,
    MISSING,
    ON_TIME,
    WAITING,
    ReportingDuty,
    ReportingUnit,
    UnitReport,
    UnitReportFigure,
    UnitReportVersion,
)
from fieldops.accountability.figures import ALL_SERVICES, Figure, figures_for
from fieldops.auth.models import User
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.text import fold

#: the longest narrative part taken (a page of A4 is about 4,000 characters)
NARRATIVE_MAX = 8000


def find_report(duty: ReportingDuty, unit: ReportingUnit, start: date) -> UnitReport | None:
    """Return the unit's report for the period starting that day, if one was ever recorded."""
    return db.session.execute(db.select(UnitReport).filter_by(
        duty_id=duty.id, unit_id=unit.id, period_start=start)).scalar_one_or_none()


def report_starts(duty: ReportingDuty, unit: ReportingUnit) -> set[date]:
    """Return the first days of the periods the unit has a report record for (even missing)."""
    return set(db.session.execute(sa.select(UnitReport.period_start).filter_by(
        duty_id=duty.id, unit_id=unit.id)).scalars())


def submitted_as(submission_id: str | None) -> UnitReportVersion | None:
    """Return the version a form with this submission id stored, if one did."""
    if not submission_id:
        return None
    return db.session.execute(db.select(UnitReportVersion).filter_by(
        submission_id=submission_id)).scalar_one_or_none()


def submit(duty: ReportingDuty, unit: ReportingUnit, start: date, *, user: User, now: datetime,
           results: str, difficulties: str, proposals: str,
           own: dict[str, tuple[int | None, int | None]] | None = None,
           figures: list[Figure] | None = None,
           submission_id: str | None = None) -> UnitReport:
    """Store a new version of the unit's report for a period, with the figures as they stand.

    `own` maps a figure's key to the unit's own (period, cumulative) numbers; `figures` are
    the unit's figures for the period when the caller already has them (figures_for_units).
    A form sent again with the same `submission_id` stores nothing more.
    """
    if unit.campaign_id != duty.campaign_id or not units.belongs(unit, user):
        raise DomainError(_l("Bạn không thuộc đơn vị này nên không thể nộp báo cáo của đơn vị."))
    already = submitted_as(submission_id)
    if already is not None:
        return already.report
    period = duties.period_of(duty, start)
    if period.is_closed(now):
        raise DomainError(_l("Kỳ báo cáo này đã khóa (quá %(n)s ngày sau hạn nộp), không nhận "
                             "báo cáo nữa.", n=duty.close_after_days))
    if now.astimezone(LOCAL_TZ).date() < period.start:
        raise DomainError(_l("Kỳ báo cáo này chưa bắt đầu."))
    texts = {"results": results.strip(), "difficulties": difficulties.strip(),
             "proposals": proposals.strip()}
    for name, text in texts.items():
        if len(text) > NARRATIVE_MAX:
            raise DomainError(_l("Nội dung quá dài (tối đa %(n)s ký tự).", n=NARRATIVE_MAX), name)
    if not texts["results"]:
        raise DomainError(_l("Vui lòng nhập kết quả thực hiện."), "results")
    report = find_report(duty, unit, start)
    late = now > period.due_at
    if report is None:
        report = UnitReport(duty_id=duty.id, unit_id=unit.id, period_start=period.start,
                            period_end=period.end, due_at=period.due_at, version=0,
                            status=MISSING)
        db.session.add(report)
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.status = LATE if late else ON_TIME
    report.version += 1
    version = UnitReportVersion(number=report.version, submitted_at=now, submitted_by_id=user.id,
                                late=late, submission_id=submission_id or None, **texts)
    report.versions.append(version)
    own = own or {}
    if figures is None:
        figures = figures_for(duty.campaign, unit, period.start, period.end)
    for figure in figures:
        own_period, own_total = own.get(figure.key, (None, None))
        version.figures.append(UnitReportFigure(
            phase_id=figure.phase_id, service_id=figure.service_id, target=figure.target,
            done_period=figure.done_period, done_total=figure.done_total,
            claimed_total=figure.claimed_total, confirmed_total=figure.confirmed_total,
            own_period=own_period, own_total=own_total))
    db.session.flush()
    return report


def stored_figures(version: UnitReportVersion) -> list[Figure]:
    """Return a submitted version's figures as they were, with names for display."""
    from fieldops.campaigns.models import Phase, Service

    phases = {p.id: p for p in db.session.execute(db.select(Phase).where(
        Phase.id.in_({f.phase_id for f in version.figures}))).scalars()}
    services = {s.id: s for s in db.session.execute(db.select(Service).where(
        Service.id.in_({f.service_id for f in version.figures}))).scalars()}
    return [Figure(f.phase_id, phases[f.phase_id].name, f.service_id,
                   services[f.service_id].name if f.service_id else str(ALL_SERVICES),
                   f.target, f.done_period, f.done_total, f.claimed_total, f.confirmed_total,
                   f.own_period, f.own_total)
            for f in version.figures]


def state_of(report: UnitReport | None, period: duties.Period, now: datetime) -> str:
    """Return on_time, late, missing (deadline passed, nothing) or waiting."""
    if report is not None and report.first_submitted_at is not None:
        return report.status
    return MISSING if now >= period.due_at else WAITING


@dataclass
class BoardRow:
    """One unit on the deadline board."""

    unit: ReportingUnit
    state: str
    report: UnitReport | None


@dataclass
class Board:
    """Every unit of a duty in one period, and how many are in each state."""

    duty: ReportingDuty
    period: duties.Period
    rows: list[BoardRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def owing(self) -> list[BoardRow]:
        """Return the units that have not reported yet (waiting or missing)."""
        return [row for row in self.rows if row.state in (WAITING, MISSING)]


def board(duty: ReportingDuty, period: duties.Period, now: datetime,
          viewer: User | None = None) -> Board:
    """Return the deadline board of a period: each unit on time, late, missing or waiting
    (only the units in the viewer's area, and the counts of those, if a viewer is given)."""
    all_units = duties.units_of(duty.campaign, duty.unit_kind, viewer)
    reports = {r.unit_id: r for r in db.session.execute(db.select(UnitReport).filter_by(
        duty_id=duty.id, period_start=period.start)).scalars()}
    rows = [BoardRow(u, state_of(reports.get(u.id), period, now), reports.get(u.id))
            for u in all_units]
    counts = {state: 0 for state in (ON_TIME, LATE, MISSING, WAITING)}
    for row in rows:
        counts[row.state] += 1
    # Those who still owe the report first: that is what the board is opened for.
    order = {MISSING: 0, WAITING: 1, LATE: 2, ON_TIME: 3}
    rows.sort(key=lambda row: order[row.state])
    return Board(duty, period, rows, counts)


def mark_missed(now: datetime) -> int:
    """Record a missing report for each unit with nothing at a passed deadline; return how many.

    Run by the schedule: the record stays after a late report (the ranking reads it).
    """
    marked = 0
    for duty in db.session.execute(db.select(ReportingDuty)).scalars():
        period = duties.last_due_period(duty, now)
        if period is None:
            continue
        have = set(db.session.execute(sa.select(UnitReport.unit_id).filter_by(
            duty_id=duty.id, period_start=period.start)).scalars())
        for unit in duties.units_of(duty.campaign, duty.unit_kind):
            if unit.id not in have:
                db.session.add(UnitReport(duty_id=duty.id, unit_id=unit.id,
                                          period_start=period.start, period_end=period.end,
                                          due_at=period.due_at, status=MISSING, missed_at=now))
                marked += 1
    db.session.flush()
    return marked


@dataclass
class SubmittedReport:
    """A unit's report as submitted (its version in force), for the consolidated report."""

    unit_id: int
    unit_name: str
    #: the name to sort by (a commune's without "Xã")
    sort_name: str
    status: str
    submitted_at: datetime
    version: int
    results: str
    difficulties: str
    proposals: str
    figures: list[Figure]


def submitted_reports(duty: ReportingDuty, start: date,
                      unit: ReportingUnit | None = None) -> list[SubmittedReport]:
    """Return the reports submitted for the duty's period starting that day (one unit, or all),
    each in its version in force, by unit name."""
    stmt = db.select(UnitReport).filter_by(duty_id=duty.id, period_start=start).where(
        UnitReport.version > 0)
    if unit is not None:
        stmt = stmt.filter_by(unit_id=unit.id)
    found = []
    for report in db.session.execute(stmt).scalars():
        version = report.current
        found.append(SubmittedReport(report.unit_id, report.unit.name, report.unit.sort_name,
                                     report.status, version.submitted_at, version.number,
                                     version.results, version.difficulties, version.proposals,
                                     stored_figures(version)))
    return sorted(found, key=lambda r: (fold(r.sort_name), r.sort_name))


def review_narratives(campaign, phases: list, *, final: bool) -> dict[str, str]:
    """Return {unit name: its submitted text} of the campaign's phase-review (or final) reports
    for these phases, for the consolidated review document."""
    from fieldops.accountability.duty_models import FINAL, PHASE_REVIEW

    wanted = FINAL if final else PHASE_REVIEW
    phase_ids = {p.id for p in phases}
    found: dict[str, str] = {}
    for duty in duties.duties_of(campaign):
        if duty.frequency != wanted or (not final and duty.phase_id not in phase_ids):
            continue
        for period in duties.periods(duty):
            for report in submitted_reports(duty, period.start):
                parts = [f"{label}: {text.strip()}" for label, text in (
                    ("Kết quả", report.results), ("Khó khăn", report.difficulties),
                    ("Đề xuất", report.proposals)) if text and text.strip()]
                if parts:
                    found[report.unit_name] = " ".join(parts)
    return found
