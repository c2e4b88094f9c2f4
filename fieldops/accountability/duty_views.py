"""Organizers' pages: a campaign's reporting duties, and who reports for each unit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldops.accountability import duties, duty_changes, units
from fieldops.accountability.area_scope import accounts_in_scope, whole_campaign
from fieldops.accountability.duty_forms import ConfirmForm, DutyForm, UnitEmailForm, UnitUserForm
from fieldops.accountability.duty_models import UNIT_KINDS, ReportingDuty, ReportingUnit
from fieldops.accountability.views import bp
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.teams.models import WEEKDAYS
from fieldops.web import rules_flashed, rules_on


def _duty(duty_id: int) -> ReportingDuty:
    return db.get_or_404(ReportingDuty, duty_id)


def _changeable(duty: ReportingDuty) -> ReportingDuty:
    # A duty binds every unit of the campaign: only who sees all its communes changes it.
    if not whole_campaign(current_user, duty.campaign):
        abort(404)
    return duty


@bp.route("/campaigns/<int:campaign_id>/duties", methods=["GET", "POST"])
@role_required(ORGANIZER)
def duties_page(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    may_change = whole_campaign(current_user, campaign)
    if request.method == "POST" and not may_change:
        abort(404)
    form = _duty_form(campaign)
    if form.validate_on_submit():
        with rules_on(form):
            duties.save_duty(campaign, None, **_settings(form), user=current_user)
            flash(_("Đã thêm báo cáo định kỳ."), "success")
            return redirect(url_for("accountability.duties_page", campaign_id=campaign.id))
    found = duties.duties_of(campaign)
    return render_template("accountability/duties.html", campaign=campaign, form=form,
                           duties=found, weekdays=WEEKDAYS, units_label=UNIT_KINDS,
                           may_change=may_change,
                           submitted={d.id: duty_changes.submitted_count(d) for d in found}
                           if may_change else {})


def _duty_form(campaign: Campaign, duty: ReportingDuty | None = None) -> DutyForm:
    form = DutyForm(obj=duty)
    form.phase_id.choices = [(0, "—")] + [(p.id, p.name) for p in campaign.phases]
    if duty is not None and not form.is_submitted():
        # Fields the frequency leaves empty show what the add form would.
        form.weekday.data = duty.weekday if duty.weekday is not None else 4
        form.phase_id.data = duty.phase_id or 0
    return form


def _settings(form: DutyForm) -> dict:
    phase = db.session.get(Phase, form.phase_id.data) if form.phase_id.data else None
    return dict(title=form.title.data, frequency=form.frequency.data,
                unit_kind=form.unit_kind.data, deadline=form.deadline.data,
                weekday=form.weekday.data, phase=phase, due_on=form.due_on.data,
                close_after_days=form.close_after_days.data,
                remind_before_minutes=form.remind_before_minutes.data)


@bp.route("/duties/<int:duty_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_duty(duty_id: int):
    duty = _changeable(_duty(duty_id))
    form = _duty_form(duty.campaign, duty)
    if form.validate_on_submit():
        with rules_on(form):
            duty_changes.change_duty(duty, now=now_utc(), **_settings(form))
            flash(_("Đã lưu báo cáo định kỳ; thay đổi áp dụng cho các kỳ chưa đến hạn."),
                  "success")
            return redirect(url_for("accountability.duties_page",
                                    campaign_id=duty.campaign_id) + f"#duty-{duty.id}")
    return render_template("accountability/duty_edit.html", duty=duty, form=form,
                           submitted=duty_changes.submitted_count(duty))


@bp.post("/duties/<int:duty_id>/delete")
@role_required(ORGANIZER)
def delete_duty(duty_id: int):
    duty = _changeable(_duty(duty_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    campaign_id, title = duty.campaign_id, duty.title
    with rules_flashed() as outcome:
        duty_changes.delete_duty(duty)
        flash(_("Đã xóa báo cáo định kỳ \"%(title)s\".", title=title), "success")
    back = url_for("accountability.duties_page", campaign_id=campaign_id)
    return redirect(back + (f"#duty-{duty_id}" if outcome.failed else ""))


@bp.get("/duties/<int:duty_id>/units")
@role_required(ORGANIZER)
def duty_units(duty_id: int):
    duty = _duty(duty_id)
    found = duties.units_of(duty.campaign, duty.unit_kind, current_user)
    everyone = list(db.session.execute(accounts_in_scope(
        db.select(User).filter_by(active=True), current_user).order_by(User.full_name)).scalars())
    forms = {}
    for unit in found:
        user_form = UnitUserForm(prefix=f"u{unit.id}")
        user_form.user.choices = [(u.id, f"{u.full_name} ({u.username})") for u in everyone]
        forms[unit.id] = (user_form, UnitEmailForm(prefix=f"e{unit.id}", email=unit.email))
    return render_template("accountability/units.html", duty=duty, units=found, forms=forms,
                           people={u.id: units.people_of(u) for u in found})


def _unit_of(duty: ReportingDuty, unit_id: int) -> ReportingUnit:
    unit = db.get_or_404(ReportingUnit, unit_id)
    if unit.campaign_id != duty.campaign_id:
        abort(404)
    return unit


@bp.post("/duties/<int:duty_id>/units/<int:unit_id>/users")
@role_required(ORGANIZER)
def attach_unit_user(duty_id: int, unit_id: int):
    duty = _duty(duty_id)
    unit = _unit_of(duty, unit_id)
    form = UnitUserForm(prefix=f"u{unit.id}")
    user = db.session.get(User, form.user.data) if form.validate_on_submit() else None
    if user is None:
        abort(400)
    # Only an account the page offered: one outside the area answers as if it did not exist.
    if db.session.execute(accounts_in_scope(
            db.select(User.id).where(User.id == user.id), current_user)).first() is None:
        abort(404)
    with rules_flashed():
        units.attach_user(unit, user)
        flash(_("Đã thêm %(name)s vào %(unit)s.", name=user.full_name, unit=unit.name),
              "success")
    return redirect(url_for("accountability.duty_units", duty_id=duty.id) + f"#unit-{unit.id}")


@bp.post("/duties/<int:duty_id>/units/<int:unit_id>/users/<int:user_id>/remove")
@role_required(ORGANIZER)
def detach_unit_user(duty_id: int, unit_id: int, user_id: int):
    duty = _duty(duty_id)
    unit = _unit_of(duty, unit_id)
    units.detach_user(unit, db.get_or_404(User, user_id))
    flash(_("Đã bỏ tài khoản khỏi đơn vị."), "success")
    return redirect(url_for("accountability.duty_units", duty_id=duty.id) + f"#unit-{unit.id}")


@bp.post("/duties/<int:duty_id>/units/<int:unit_id>/email")
@role_required(ORGANIZER)
def set_unit_email(duty_id: int, unit_id: int):
    duty = _duty(duty_id)
    unit = _unit_of(duty, unit_id)
    form = UnitEmailForm(prefix=f"e{unit.id}")
    if not form.validate_on_submit():
        abort(400)
    with rules_flashed():
        units.set_email(unit, form.email.data)
        flash(_("Đã lưu thư điện tử của đơn vị."), "success")
    return redirect(url_for("accountability.duty_units", duty_id=duty.id) + f"#unit-{unit.id}")
