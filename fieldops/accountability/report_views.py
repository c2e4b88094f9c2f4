"""A unit's reports: the list of its periods, the pre-filled form, its versions; the board."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops import outbox
from fieldops.accountability import duties, submissions, units
from fieldops.accountability.duty_forms import own_figures, report_form
from fieldops.accountability.duty_models import ReportingDuty, ReportingUnit
from fieldops.accountability.figures import figures_for
from fieldops.accountability.views import bp
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.web import rules_on

#: how many past periods a unit's list shows per duty
PERIODS_SHOWN = 14


@bp.get("/my-reports")
@login_required
def my_reports():
    now, today = now_utc(), local_today()
    mine = list(db.session.execute(db.select(ReportingUnit).where(
        ReportingUnit.id.in_(units.unit_ids_of(current_user)))).scalars())
    sections = []
    for unit in mine:
        for duty in duties.duties_of(unit.campaign):
            if duty.unit_kind != unit.kind:
                continue
            started = [p for p in duties.periods(duty) if p.start <= today]
            # The latest periods, and any earlier one the unit reported for or missed.
            kept = submissions.report_starts(duty, unit)
            shown = [p for i, p in enumerate(started)
                     if i >= len(started) - PERIODS_SHOWN or p.start in kept]
            rows = [(p, submissions.state_of(submissions.find_report(duty, unit, p.start), p,
                                             now)) for p in reversed(shown)]
            sections.append((duty, unit, rows))
    return render_template("accountability/my_reports.html", sections=sections, now=now,
                           units=mine)


def _scope(duty_id: int, unit_id: int, start: str):
    duty = db.get_or_404(ReportingDuty, duty_id)
    unit = db.get_or_404(ReportingUnit, unit_id)
    if unit.campaign_id != duty.campaign_id or unit.kind != duty.unit_kind:
        abort(404)
    try:
        period = duties.period_of(duty, date.fromisoformat(start))
    except ValueError:
        abort(404)
    member = units.belongs(unit, current_user)
    # Organizers read every unit's reports; a unit's people only their own.
    if not member and not current_user.is_organizer:
        abort(403)
    return duty, unit, period, member


@bp.route("/duties/<int:duty_id>/units/<int:unit_id>/reports/<start>", methods=["GET", "POST"])
@login_required
def unit_report(duty_id: int, unit_id: int, start: str):
    duty, unit, period, member = _scope(duty_id, unit_id, start)
    if request.method == "POST" and not member:
        abort(403)
    now = now_utc()
    report = submissions.find_report(duty, unit, period.start)
    current = report.current if report is not None else None
    figures = figures_for(duty.campaign, unit, period.start, period.end)
    if current is not None:
        # A correction starts from what was submitted: narrative and own figures.
        previous = {f.key: f for f in submissions.stored_figures(current)}
        for figure in figures:
            if figure.key in previous:
                figure.own_period = previous[figure.key].own_period
                figure.own_total = previous[figure.key].own_total
    # Not obj=current: the new form must not take the earlier version's submission id.
    narrative = {name: getattr(current, name) for name in ("results", "difficulties",
                                                           "proposals")} if current else {}
    form = report_form(figures, data=None if request.method == "POST" else {
        **narrative, **{f"own_period_{f.key}": f.own_period for f in figures},
        **{f"own_total_{f.key}": f.own_total for f in figures}})
    here = url_for("accountability.unit_report", duty_id=duty.id, unit_id=unit.id,
                   start=period.start.isoformat())
    # A form the outbox sends again after its answer was lost: stored already.
    if request.method == "POST" and outbox.from_outbox() and submissions.submitted_as(
            request.form.get("submission_id")):
        return outbox.kept(here, replay=True)
    if member and form.validate_on_submit():
        with rules_on(form):
            saved = submissions.submit(duty, unit, period.start, user=current_user, now=now,
                                       results=form.results.data,
                                       difficulties=form.difficulties.data or "",
                                       proposals=form.proposals.data or "",
                                       own=own_figures(form, figures),
                                       submission_id=form.submission_id.data)
            if saved.version > 1:
                flash(_("Đã lưu bản sửa số %(n)s; các bản trước vẫn được giữ.", n=saved.version),
                      "success")
            elif saved.current.late:
                flash(_("Đã nộp báo cáo (nộp muộn)."), "warning")
            else:
                flash(_("Đã nộp báo cáo đúng hạn."), "success")
            return outbox.kept(here) if outbox.from_outbox() else redirect(here)
    if form.is_submitted() and outbox.from_outbox():
        return outbox.refused(outbox.form_errors(form))
    versions = [(v, submissions.stored_figures(v)) for v in reversed(report.versions)] \
        if report is not None else []
    return render_template("accountability/report.html", duty=duty, unit=unit, period=period,
                           form=form, figures=figures, report=report, versions=versions,
                           member=member, now=now,
                           report_state=submissions.state_of(report, period, now),
                           closed=period.is_closed(now))


@bp.get("/duties/<int:duty_id>/board")
@role_required(ORGANIZER)
def board(duty_id: int):
    duty = db.get_or_404(ReportingDuty, duty_id)
    now = now_utc()
    all_periods = duties.periods(duty)
    asked = request.args.get("period")
    period = None
    if asked:
        try:
            period = duties.period_of(duty, date.fromisoformat(asked))
        except ValueError:
            abort(404)
    period = period or duties.board_period(duty, now)
    index = all_periods.index(period)
    return render_template("accountability/board.html", duty=duty, now=now,
                           board=submissions.board(duty, period, now, current_user),
                           previous=all_periods[index - 1] if index else None,
                           following=all_periods[index + 1] if index + 1 < len(all_periods)
                           else None)
