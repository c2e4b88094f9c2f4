"""Deadlines on the task queue's scheduler: reminders before the hour, missing reports after.

Every five minutes (2, 7, 12, ... past the hour) the schedule reminds the units that have not
reported once the duty's reminder time has come (16:00 for a 17:00 deadline), one reminder per
unit and period (the `report_reminder` row, unique, is the record), e-mailed to the unit's
mailbox when SMTP is configured; and it records a missing report for each unit with nothing at
a passed deadline.
Page views never do either; the home page only reads what is owed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from huey import crontab
from sqlalchemy.exc import IntegrityError

from fieldops.accountability import duties, submissions, units
from fieldops.accountability.duty_models import (
    MISSING,
    ReportingDuty,
    ReportingUnit,
    ReportReminder,
    UnitReport,
)
from fieldops.accountability.mail import mail_configured, send_mail
from fieldops.auth.models import User
from fieldops.clock import LOCAL_TZ, now_utc
from fieldops.db import db
from fieldops.tasks import schedule

log = logging.getLogger(__name__)

#: the home page shows a period's reminder from this long before its deadline
HOME_NOTICE = timedelta(hours=24)


def _submitted_units(duty: ReportingDuty, period: duties.Period) -> set[int]:
    return set(db.session.execute(sa.select(UnitReport.unit_id).where(
        UnitReport.duty_id == duty.id, UnitReport.period_start == period.start,
        UnitReport.version > 0)).scalars())


def remind_due(now: datetime) -> list[ReportReminder]:
    """Record a reminder for each unit owing a report whose reminder time has come; return the
    new ones (a unit already reminded for the period gets none)."""
    made = []
    for duty in db.session.execute(db.select(ReportingDuty)).scalars():
        period = duties.current_period(duty, now)
        if period is None or now < period.due_at - timedelta(minutes=duty.remind_before_minutes):
            continue
        done = _submitted_units(duty, period)
        reminded = set(db.session.execute(sa.select(ReportReminder.unit_id).filter_by(
            duty_id=duty.id, period_start=period.start)).scalars())
        for unit in duties.units_of(duty.campaign, duty.unit_kind):
            if unit.id in done or unit.id in reminded:
                continue
            reminder = ReportReminder(duty_id=duty.id, unit_id=unit.id,
                                      period_start=period.start)
            try:
                # Another process running the same schedule may have recorded it first.
                with db.session.begin_nested():
                    db.session.add(reminder)
            except IntegrityError:
                continue
            made.append(reminder)
    return made


def _mail_reminder(reminder: ReportReminder) -> None:
    duty = db.session.get(ReportingDuty, reminder.duty_id)
    unit = db.session.get(ReportingUnit, reminder.unit_id)
    if not unit.email:
        return
    period = duties.period_of(duty, reminder.period_start)
    due = period.due_at.astimezone(LOCAL_TZ)
    subject = _("Nhắc nộp báo cáo: %(title)s", title=duty.title)
    body = _("Kính gửi %(unit)s,\n\nĐơn vị chưa nộp “%(title)s” kỳ %(start)s – %(end)s. Hạn nộp: "
             "%(hour)s ngày %(day)s.\n\nĐơn vị vào ứng dụng để nộp báo cáo.\n",
             unit=unit.name, title=duty.title, start=period.start.strftime("%d/%m/%Y"),
             end=period.end.strftime("%d/%m/%Y"), hour=due.strftime("%H:%M"),
             day=due.strftime("%d/%m/%Y"))
    try:
        send_mail([unit.email], subject, body)
        reminder.emailed_at = now_utc()
    except Exception as error:  # noqa: BLE001 (any failure is recorded, none retried)
        log.warning("report reminder e-mail to %s failed: %s", unit.email, error)
        reminder.email_error = str(error)[:255]


# At 2, 7, 12, ... minutes past: a 16:00 reminder goes by 16:02, a 17:00 deadline is marked by
# 17:02, and the run never shares its minute with the daily clean-ups (03:10, 03:20).
@schedule(crontab(minute="2-59/5"), "report_deadlines")
def check_report_deadlines() -> tuple[int, int]:
    """Remind units before their deadlines and record missing reports after; return
    (reminders made, missing reports recorded)."""
    now = now_utc()
    made = remind_due(now)
    missed = submissions.mark_missed(now)
    # The reminders are recorded before any e-mail goes: a slow SMTP server never holds the
    # database, and a second run never sends the same reminder again.
    db.session.commit()
    if made and mail_configured():
        for reminder in made:
            _mail_reminder(reminder)
        db.session.commit()
    return len(made), missed


@dataclass
class Owed:
    """A report the signed-in user's unit still owes."""

    duty: ReportingDuty
    unit: ReportingUnit
    period: duties.Period
    state: str


def owed_by(user: User, now: datetime) -> list[Owed]:
    """Return the reports the user's units owe now: started and due within a day, or late but
    not closed."""
    unit_ids = units.unit_ids_of(user)
    if not unit_ids:
        return []
    today = now.astimezone(LOCAL_TZ).date()
    found = []
    unit_rows = list(db.session.execute(db.select(ReportingUnit).where(
        ReportingUnit.id.in_(unit_ids))).scalars())
    campaign_ids = {u.campaign_id for u in unit_rows}
    for duty in db.session.execute(db.select(ReportingDuty).where(
            ReportingDuty.campaign_id.in_(campaign_ids)).order_by(ReportingDuty.id)).scalars():
        # A period not started yet takes no report: it is not owed until its first day.
        wanted = [p for p in (duties.last_due_period(duty, now), duties.current_period(duty, now))
                  if p is not None and not p.is_closed(now) and p.start <= today
                  and now >= p.due_at - HOME_NOTICE]
        for unit in unit_rows:
            if unit.campaign_id != duty.campaign_id or unit.kind != duty.unit_kind:
                continue
            for period in wanted:
                report = submissions.find_report(duty, unit, period.start)
                state = submissions.state_of(report, period, now)
                if report is None or report.version == 0:
                    found.append(Owed(duty, unit, period, state))
    found.sort(key=lambda o: (o.state != MISSING, o.period.due_at))
    return found
