"""A visit after the fact: read it, correct its outcome with a reason, or cancel it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.checkin import access
from fieldops.checkin.forms import VoidForm
from fieldops.db import db
from fieldops.drive import rules
from fieldops.drive.forms import EditVisitForm
from fieldops.drive.models import Visit
from fieldops.drive.views import bp
from fieldops.drive.visits import edit_visit, void_visit
from fieldops.forms import choices
from fieldops.web import rules_on


def _visible_or_404(visit_id: int) -> Visit:
    visit = db.get_or_404(Visit, visit_id)
    if not access.can_see(current_user, visit.registration):
        abort(404)  # not 403: do not confirm that the visit exists
    return visit


def _edit_form(visit: Visit, **kwargs) -> EditVisitForm:
    chosen = visit.outcome + (f"/{visit.reason}" if visit.reason in rules.NO_SMARTPHONE_ROUTES
                              else "")
    form = EditVisitForm(data={"outcome": chosen, "reason": visit.reason}, **kwargs)
    form.outcome.choices = choices(rules.outcome_choices())
    return form


def _page(visit: Visit, edit_form=None, void_form=None, status: int = 200):
    registration = visit.registration
    return render_template(
        "drive/visit_detail.html", visit=visit, registration=registration,
        edit_form=edit_form or _edit_form(visit), void_form=void_form or VoidForm(),
        can_edit=access.can_edit(current_user, registration),
        can_void=access.can_void(current_user, registration)), status


@bp.get("/visits/<int:visit_id>")
@login_required
def visit_detail(visit_id: int):
    return _page(_visible_or_404(visit_id))


@bp.post("/visits/<int:visit_id>/edit")
@login_required
def visit_edit(visit_id: int):
    visit = _visible_or_404(visit_id)
    if not access.can_edit(current_user, visit.registration):
        abort(403)
    form = _edit_form(visit)
    if form.validate_on_submit():
        with rules_on(form):
            outcome, route = rules.split_choice(form.outcome.data)
            edit_visit(visit, user=current_user, submission_id=form.submission_id.data,
                       outcome=outcome, reason=route or form.reason.data, why=form.why.data)
            access.audit("edit", current_user, visit.registration, form.why.data)
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for(".visit_detail", visit_id=visit.id))
    return _page(visit, edit_form=form, status=422)


@bp.post("/visits/<int:visit_id>/void")
@login_required
def visit_void(visit_id: int):
    visit = _visible_or_404(visit_id)
    if not access.can_void(current_user, visit.registration):
        abort(403)
    form = VoidForm()
    if form.validate_on_submit():
        with rules_on(form):
            void_visit(visit, user=current_user, submission_id=form.submission_id.data,
                       reason=form.reason.data)
            access.audit("void", current_user, visit.registration, form.reason.data)
            flash(_("Đã hủy lần đến này."), "success")
            return redirect(url_for(".visit_detail", visit_id=visit.id))
    return _page(visit, void_form=form, status=422)
