"""Organisations and members (people are shared by every campaign).

The blueprint is defined here; team, schedule, map and member import pages add their routes to
it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from xstatic.pkg import leaflet

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.db import db
from fieldops.forms import choices
from fieldops.scope import member_visible, users_in_scope
from fieldops.teams import services
from fieldops.teams.forms import MemberForm, OrganisationForm
from fieldops.teams.models import Member, Organisation
from fieldops.web import rules_on

# Leaflet's JS, CSS and images are served by us from the xstatic package (with its licence),
# so a map opens with no internet: the blueprint's static folder is Leaflet's dist folder.
bp = Blueprint("teams", __name__, static_folder=leaflet.BASE_DIR,
               static_url_path="/vendor/leaflet")


@bp.route("/organisations", methods=["GET", "POST"])
@role_required(ORGANIZER)
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        with rules_on(form):
            organisation = services.save_organisation(None, name=form.name.data,
                                                      kind=form.kind.data)
            flash(_("Đã thêm tổ chức “%(name)s”.", name=organisation.name), "success")
            return redirect(url_for("teams.organisations"))
    listed = services.all_organisations(current_user)
    counts = {o.id: 0 for o in listed}
    for member in services.all_members(current_user):
        counts[member.organisation_id] = counts.get(member.organisation_id, 0) + 1
    return render_template("teams/organisations.html", form=form, organisations=listed,
                           counts=counts)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    if organisation not in services.all_organisations(current_user):
        abort(404)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        with rules_on(form):
            services.save_organisation(organisation, name=form.name.data, kind=form.kind.data)
            flash(_("Đã lưu tổ chức."), "success")
            return redirect(url_for("teams.organisations"))
    return render_template("teams/organisation_form.html", form=form, organisation=organisation)


@bp.get("/members")
@role_required(ORGANIZER)
def members():
    query = request.args.get("org", type=int)
    people = services.all_members(current_user)
    if query:
        people = [m for m in people if m.organisation_id == query]
    return render_template("teams/members.html", members=people,
                           organisations=services.all_organisations(current_user), org=query)


def _member_form(member: Member | None) -> MemberForm:
    form = MemberForm(obj=member)
    form.organisation_id.choices = choices(
        [("", _("— Chọn tổ chức —"))]
        + [(o.id, o.name) for o in services.all_organisations(current_user)])
    accounts = db.session.execute(users_in_scope(
        db.select(User).where(User.active.is_(True)), current_user).order_by(User.full_name)
    ).scalars()
    form.user_id.choices = choices(
        [("", _("— Không có —"))] + [(u.id, f"{u.full_name} ({u.username})") for u in accounts])
    return form


@bp.route("/members/new", methods=["GET", "POST"])
@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_member(member_id: int | None = None):
    member = db.get_or_404(Member, member_id) if member_id else None
    if member is not None and not member_visible(current_user, member.id):
        abort(404)
    form = _member_form(member)
    if form.validate_on_submit():
        organisation = (db.session.get(Organisation, form.organisation_id.data)
                        if form.organisation_id.data else None)
        user = db.session.get(User, form.user_id.data) if form.user_id.data else None
        with rules_on(form):
            saved = services.save_member(member, full_name=form.full_name.data,
                                         phone=form.phone.data, organisation=organisation,
                                         it_savvy=form.it_savvy.data, user=user)
            flash(_("Đã lưu thành viên %(name)s.", name=saved.full_name), "success")
            return redirect(request.args.get("next") if _safe_next() else
                            url_for("teams.members"))
    return render_template("teams/member_form.html", form=form, member=member)


def _safe_next() -> bool:
    target = request.args.get("next", "")
    return target.startswith("/") and not target.startswith("//")
