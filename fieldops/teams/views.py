"""Organisations and members (people are shared by every campaign), and the member import.

The blueprint is defined here; team, schedule and map pages add their routes to it.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from xstatic.pkg import leaflet

from fieldops import uploads
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.db import db
from fieldops.errors import DomainError, attach_to_form
from fieldops.forms import choices
from fieldops.teams import imports, services
from fieldops.teams.forms import ConfirmForm, MemberForm, MembersImportForm, OrganisationForm
from fieldops.teams.models import Member, MemberImport, Organisation

# Leaflet's JS, CSS and images are served by us from the xstatic package (with its licence),
# so a map opens with no internet: the blueprint's static folder is Leaflet's dist folder.
bp = Blueprint("teams", __name__, static_folder=leaflet.BASE_DIR,
               static_url_path="/vendor/leaflet")


@bp.route("/organisations", methods=["GET", "POST"])
@role_required(ORGANIZER)
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.save_organisation(None, name=form.name.data,
                                                      kind=form.kind.data)
        except DomainError as error:
            db.session.rollback()
            attach_to_form(form, error)
        else:
            db.session.commit()
            flash(_("Đã thêm tổ chức “%(name)s”.", name=organisation.name), "success")
            return redirect(url_for("teams.organisations"))
    return render_template("teams/organisations.html", form=form,
                           organisations=services.all_organisations())


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.save_organisation(organisation, name=form.name.data, kind=form.kind.data)
        except DomainError as error:
            db.session.rollback()
            attach_to_form(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu tổ chức."), "success")
            return redirect(url_for("teams.organisations"))
    return render_template("teams/organisation_form.html", form=form, organisation=organisation)


@bp.get("/members")
@role_required(ORGANIZER)
def members():
    query = request.args.get("org", type=int)
    people = services.all_members()
    if query:
        people = [m for m in people if m.organisation_id == query]
    return render_template("teams/members.html", members=people,
                           organisations=services.all_organisations(), org=query)


def _member_form(member: Member | None) -> MemberForm:
    form = MemberForm(obj=member)
    form.organisation_id.choices = choices(
        [("", _("— Chọn tổ chức —"))] + [(o.id, o.name) for o in services.all_organisations()])
    accounts = db.session.execute(
        db.select(User).where(User.active.is_(True)).order_by(User.full_name)).scalars()
    form.user_id.choices = choices(
        [("", _("— Không có —"))] + [(u.id, f"{u.full_name} ({u.username})") for u in accounts])
    return form


@bp.route("/members/new", methods=["GET", "POST"])
@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_member(member_id: int | None = None):
    member = db.get_or_404(Member, member_id) if member_id else None
    form = _member_form(member)
    if form.validate_on_submit():
        organisation = (db.session.get(Organisation, form.organisation_id.data)
                        if form.organisation_id.data else None)
        user = db.session.get(User, form.user_id.data) if form.user_id.data else None
        try:
            saved = services.save_member(member, full_name=form.full_name.data,
                                         phone=form.phone.data, organisation=organisation,
                                         it_savvy=form.it_savvy.data, user=user)
        except DomainError as error:
            db.session.rollback()
            attach_to_form(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu thành viên %(name)s.", name=saved.full_name), "success")
            return redirect(request.args.get("next") if _safe_next() else
                            url_for("teams.members"))
    return render_template("teams/member_form.html", form=form, member=member)


def _safe_next() -> bool:
    target = request.args.get("next", "")
    return target.startswith("/") and not target.startswith("//")


@bp.route("/members/import", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_members():
    form = MembersImportForm()
    plan = None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        plan = imports.plan_members(upload.filename or "", content)
        if not plan.problems:
            stored = imports.store_upload(upload.filename or "", content, current_user.id)
            db.session.commit()
            return redirect(url_for("teams.import_preview", token=stored.token))
    return render_template("teams/import.html", form=form, plan=plan)


def _upload_or_404(token: str) -> MemberImport:
    return uploads.upload_or_404(MemberImport, token)


@bp.route("/members/import/<token>", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_preview(token: str):
    upload = _upload_or_404(token)
    form = ConfirmForm()
    if upload.applied_at is not None:
        flash(uploads.ALREADY_APPLIED, "info")
        return redirect(url_for("teams.members"))
    if form.validate_on_submit():
        try:
            plan = imports.apply_upload(upload)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Đã nhập %(new)s thành viên mới, cập nhật %(old)s.",
                    new=plan.count("create"), old=plan.count("update")), "success")
            return redirect(url_for("teams.members"))
    plan = imports.plan_members(upload.filename, upload.content)
    return render_template("teams/import_preview.html", upload=upload, plan=plan, form=form)


@bp.post("/members/import/<token>/cancel")
@role_required(ORGANIZER)
def import_cancel(token: str):
    upload = _upload_or_404(token)
    if ConfirmForm().validate_on_submit() and upload.applied_at is None:
        db.session.delete(upload)
        db.session.commit()
        flash(_("Đã hủy bản nhập; không có gì thay đổi."), "info")
        return redirect(url_for("teams.members"))
    return redirect(url_for("teams.import_preview", token=token))
