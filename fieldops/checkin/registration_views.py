"""Organizers and team leads: find, read, reveal, correct, cancel and export registrations."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops import outbox
from fieldops.areas.models import Area
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin import access, crypto, recording, services
from fieldops.checkin.citizen_id import check_citizen_id
from fieldops.checkin.forms import EditForm, VoidForm, credit_choices, record_form
from fieldops.checkin.models import OUTCOME_LABELS, STATUS_LABELS, Registration
from fieldops.checkin.queries import PAGE_SIZE, Filters, filtered
from fieldops.checkin.views import bp
from fieldops.db import db
from fieldops.events.models import HelpDesk, LaunchEvent
from fieldops.forms import choices
from fieldops.scope import campaigns_in_scope, teams_in_scope
from fieldops.teams.models import Team
from fieldops.web import rules_on


def _filter_options(user) -> list[tuple[str, str, list[tuple[object, str]]]]:
    """Return (query name, label, [(value, text)]) for each filter select of the list: only
    what lies in the user's area, so that no name from elsewhere shows."""

    def rows(stmt):
        return list(db.session.execute(stmt).scalars())

    seen = access.visible_registrations(user) if user.area_id is not None \
        else db.select(Registration)
    used = seen.with_only_columns(Registration.volunteer_id).distinct()
    hamlets = seen.with_only_columns(Registration.hamlet_id).distinct()
    campaigns = campaigns_in_scope(db.select(Campaign.id), user)
    events = db.select(LaunchEvent.id).where(LaunchEvent.campaign_id.in_(campaigns))
    return [
        ("campaign_id", _("Chiến dịch"), [(c.id, c.title) for c in rows(campaigns_in_scope(
            db.select(Campaign).order_by(Campaign.start_date.desc()), user))]),
        ("event_id", _("Sự kiện"), [(e.id, e.title) for e in rows(
            db.select(LaunchEvent).where(LaunchEvent.id.in_(events))
            .order_by(LaunchEvent.event_date.desc()))]),
        ("desk_id", _("Bàn"), [(d.id, d.name) for d in rows(
            db.select(HelpDesk).where(HelpDesk.event_id.in_(events)).order_by(HelpDesk.id))]),
        ("team_id", _("Đoàn"), [(t.id, t.name) for t in rows(teams_in_scope(
            db.select(Team).where(Team.campaign_id.in_(campaigns)).order_by(Team.name), user))]),
        ("hamlet_id", _("Thôn/ấp"), [(a.id, a.display_name) for a in rows(
            db.select(Area).where(Area.id.in_(hamlets)).order_by(Area.name_folded))]),
        ("volunteer_id", _("Người ghi nhận"), [(u.id, u.full_name) for u in rows(
            db.select(User).where(User.id.in_(used)).order_by(User.full_name))]),
        ("service_id", _("Dịch vụ"), [(s.id, s.name) for s in rows(
            db.select(Service).order_by(Service.position))]),
        ("outcome", _("Kết quả"), [(k, str(v)) for k, v in OUTCOME_LABELS.items()]),
        ("status", _("Trạng thái"), [(k, str(v)) for k, v in STATUS_LABELS.items()]),
    ]


@bp.get("/registrations")
@login_required
def registrations():
    filters = Filters.from_args(request.args)
    page = db.paginate(filtered(current_user, filters), per_page=PAGE_SIZE, error_out=False)
    return render_template("checkin/list.html", page=page, filters=filters,
                           args=filters.as_args(), options=_filter_options(current_user))


def _visible_or_404(registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if not access.can_see(current_user, registration):
        abort(404)  # not 403: do not confirm that the record exists
    return registration


def _detail(registration: Registration, revealed: str | None = None, void_form=None,
            status: int = 200):
    response = Response(render_template(
        "checkin/detail.html", registration=registration, revealed=revealed,
        void_form=void_form or VoidForm(), can_edit=access.can_edit(current_user, registration),
        can_void=access.can_void(current_user, registration)), status)
    # Personal data: keep it out of shared caches and the browser's back-forward store.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/registrations/<int:registration_id>")
@login_required
def registration(registration_id: int):
    return _detail(_visible_or_404(registration_id))


@bp.post("/registrations/<int:registration_id>/reveal")
@role_required(ORGANIZER)
def reveal(registration_id: int):
    registration = _visible_or_404(registration_id)
    if not registration.citizen_id_encrypted:
        abort(404)
    number = crypto.decrypt(registration.citizen_id_encrypted)
    access.audit("reveal", current_user, registration)
    return _detail(registration, revealed=number or _("(không giải mã được: khóa đã đổi)"))


@bp.post("/registrations/<int:registration_id>/void")
@login_required
def void(registration_id: int):
    registration = _visible_or_404(registration_id)
    if not access.can_void(current_user, registration):
        abort(403)
    form = VoidForm()
    if form.validate_on_submit():
        with rules_on(form):
            recording.void(registration, submission_id=form.submission_id.data,
                           user=current_user, reason=form.reason.data)
            access.audit("void", current_user, registration, form.reason.data)
            flash(_("Đã hủy hồ sơ #%(id)s.", id=registration.id), "success")
            return redirect(url_for(".registration", registration_id=registration.id))
    return _detail(registration, void_form=form, status=422)


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(registration_id: int):
    registration = _visible_or_404(registration_id)
    if not access.can_edit(current_user, registration):
        abort(403)
    campaign = registration.campaign
    data = {"full_name": registration.full_name, "phone": registration.phone,
            "hamlet_id": registration.hamlet_id, "birth_year": registration.birth_year,
            "credited_member_id": registration.credited_member_id or 0}
    for row in registration.services:
        data.update({f"outcome_{row.service_id}": row.outcome or "",
                     f"reason_{row.service_id}": row.failure_reason or "",
                     f"note_{row.service_id}": row.note or ""})
    form = record_form(services.services_counted(campaign), EditForm, data=data)
    form.hamlet_id.choices = choices(
        [(0, _("— Chọn thôn/ấp —"))]
        + [(h.id, h.display_name) for h in services.campaign_hamlets(campaign)])
    people = recording.creditable_people(current_user, campaign, registration.team)
    if registration.credited_member is not None and registration.credited_member not in people:
        people.append(registration.credited_member)  # kept as it is unless changed
    credit_choices(form, people)
    duplicate = None
    if form.validate_on_submit():
        with rules_on(form) as outcome:
            number = None
            if (form.citizen_id.data or "").strip():
                number = check_citizen_id(form.citizen_id.data,
                                          confirm=form.citizen_id_confirm.data,
                                          birth_year=form.birth_year.data)
            recording.edit(registration, submission_id=form.submission_id.data,
                           user=current_user, reason=form.reason.data,
                           full_name=form.full_name.data, phone=form.phone.data,
                           hamlet_id=form.hamlet_id.data or None,
                           birth_year=form.birth_year.data, citizen_id=number,
                           outcomes=form.outcomes(),
                           credited_member_id=form.credited_member_id.data or None)
            access.audit("edit", current_user, registration, form.reason.data)
            flash(_("Đã lưu thay đổi."), "success")
            next_url = url_for(".registration", registration_id=registration.id)
            return outbox.kept(next_url) if outbox.from_outbox() else redirect(next_url)
        duplicate = getattr(outcome.error, "existing", None)
    if form.is_submitted() and outbox.from_outbox():
        return outbox.refused(outbox.form_errors(form))
    requested = {row.service_id for row in registration.services}
    return render_template("checkin/record.html", form=form, registration=registration,
                           requested=requested, duplicate=duplicate, editing=True,
                           action=request.path), 422 if form.is_submitted() else 200
