"""Changing and deleting a reporting duty without losing what units already reported.

A report's record (`unit_report`) keeps its own period and deadline, and its status is fixed
when it is first submitted, so nothing already recorded is re-dated by an edit. Two kinds of
change are still refused, because the pages find a report by the period it belongs to:

- a new way of cutting periods (frequency, weekday, phase) or a new kind of unit that would
  leave a recorded report (submitted, or marked missing) outside every period of the duty;
- a new hour or due date that would move a deadline across the present moment: a period
  already due would open again (its missing marks wrong), or one not yet due would be overdue
  at once. A new hour therefore applies only to periods whose deadline is still ahead, old
  and new.

A duty with submitted reports is never deleted (the consolidated reports read them); one with
none is deleted with its reminders and missing marks.
"""

from __future__ import annotations

from datetime import date, datetime, time
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.accountability import duties
from fieldops.accountability.duty_models import (
    COMMUNE,
    ORGANISATION,
    ReportingDuty,
    ReportingUnit,
    ReportReminder,
    UnitReport,
)
from fieldops.campaigns.models import Phase
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.errors import DomainError


def submitted_count(duty: ReportingDuty) -> int:
    """Return how many unit reports of the duty were submitted (at least one version)."""
    return db.session.execute(sa.select(sa.func.count()).select_from(UnitReport).where(
        UnitReport.duty_id == duty.id, UnitReport.version > 0)).scalar_one()


def _unit_kind_column(kind: str):
    return {COMMUNE: ReportingUnit.area_id,
            ORGANISATION: ReportingUnit.organisation_id}.get(kind, ReportingUnit.team_id)


def _left_out(duty: ReportingDuty, planned) -> tuple[int, int]:
    """Return (submitted, missing) recorded reports that fit no period of the planned duty."""
    fitting = {(p.start, p.end) for p in duties.periods(planned)}
    rows = db.session.execute(
        sa.select(UnitReport.period_start, UnitReport.period_end, UnitReport.version,
                  _unit_kind_column(planned.unit_kind).is_not(None))
        .join(ReportingUnit, ReportingUnit.id == UnitReport.unit_id)
        .where(UnitReport.duty_id == duty.id)).all()
    submitted = missing = 0
    for start, end, version, same_kind in rows:
        if same_kind and (start, end) in fitting:
            continue
        if version > 0:
            submitted += 1
        else:
            missing += 1
    return submitted, missing


def _moved_deadline(duty: ReportingDuty, planned, now: datetime) -> duties.Period | None:
    """Return a period whose deadline the change would move across `now`, if any."""
    # Only the same days compare: a new way of cutting periods makes new periods, and the
    # check on recorded reports above has already kept those that hold reports.
    before = {(p.start, p.end): p for p in duties.periods(duty)}
    for period in duties.periods(planned):
        old = before.get((period.start, period.end))
        if old is not None and (old.due_at <= now) != (period.due_at <= now):
            return old
    return None


def change_duty(duty: ReportingDuty, *, now: datetime, title: str, frequency: str,
                unit_kind: str, deadline: time, weekday: int | None = None,
                phase: Phase | None = None, due_on: date | None = None,
                close_after_days: int = 3, remind_before_minutes: int = 60) -> ReportingDuty:
    """Change a duty's settings for the periods still to come; refuse a change that would
    leave recorded reports without their period or move a deadline across `now`."""
    campaign = duty.campaign
    settings = dict(title=title, frequency=frequency, unit_kind=unit_kind, weekday=weekday,
                    phase=phase, due_on=due_on, close_after_days=close_after_days,
                    remind_before_minutes=remind_before_minutes)
    duties.check_settings(campaign, **settings)
    # The duty as it would be, for `periods` to read; nothing is written before the checks.
    planned = SimpleNamespace(campaign=campaign, deadline=deadline, **settings)
    submitted, missing = _left_out(duty, planned)
    field = "unit_kind" if unit_kind != duty.unit_kind else "frequency"
    if submitted:
        raise DomainError(_l(
            "Không thể đổi như vậy: %(n)s báo cáo các đơn vị đã nộp sẽ không còn thuộc kỳ nào "
            "của báo cáo định kỳ này. Báo cáo đã nộp được giữ nguyên; nếu cần cách báo cáo "
            "mới, hãy thêm một báo cáo định kỳ mới.", n=submitted), field)
    if missing:
        raise DomainError(_l(
            "Không thể đổi như vậy: %(n)s lần ghi nhận đơn vị chưa nộp của các kỳ đã qua hạn sẽ "
            "không còn thuộc kỳ nào. Chỉ đổi tần suất, thứ, giai đoạn hoặc đơn vị báo cáo khi "
            "chưa có kỳ nào qua hạn.", n=missing), field)
    moved = _moved_deadline(duty, planned, now)
    if moved is not None:
        due = moved.due_at.astimezone(LOCAL_TZ)
        raise DomainError(_l(
            "Không đổi được lúc này: hạn mới sẽ đổi kỳ bắt đầu %(start)s từ \"đã qua hạn\" thành "
            "\"chưa đến hạn\" hoặc ngược lại. Hạn mới chỉ áp dụng cho các kỳ chưa đến hạn; "
            "hãy sửa lại sau %(hour)s ngày %(day)s.", start=moved.start.strftime("%d/%m/%Y"),
            hour=due.strftime("%H:%M"), day=due.strftime("%d/%m/%Y")),
            "due_on" if due_on != duty.due_on else "deadline")
    return duties.save_duty(campaign, duty, deadline=deadline, **settings)


def delete_duty(duty: ReportingDuty) -> None:
    """Delete a duty nobody has reported to, with its reminders and missing marks."""
    submitted = submitted_count(duty)
    if submitted:
        raise DomainError(_l(
            "Không thể xóa \"%(title)s\": đã có %(n)s báo cáo các đơn vị nộp, cần giữ lại cho "
            "tổng hợp và sơ kết, tổng kết.", title=duty.title, n=submitted))
    # Deleted here rather than by the foreign keys: SQLite may run without them enforced.
    db.session.execute(sa.delete(ReportReminder).where(ReportReminder.duty_id == duty.id))
    db.session.execute(sa.delete(UnitReport).where(UnitReport.duty_id == duty.id))
    db.session.delete(duty)
    db.session.flush()
