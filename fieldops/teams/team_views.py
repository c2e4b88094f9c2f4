"""A campaign's teams: composition, lead, members, the plan's rules and their warnings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.forms import choices
from fieldops.teams import rules, services
from fieldops.teams.assignments import describe
from fieldops.teams.forms import ConfirmForm, RequirementForm, RulesForm, TeamForm
from fieldops.teams.models import ORG_KINDS, Member, Organisation, Team, TeamRequirement
from fieldops.teams.views import bp
from fieldops.web import rules_flashed, rules_on


def _team_or_404(campaign_id: int, team_id: int) -> Team:
    team = db.get_or_404(Team, team_id)
    if team.campaign_id != campaign_id:
        abort(404)
    return team


def can_see_phones(team: Team) -> bool:
    """Organizers see every phone; a team lead or member only those of their own team."""
    return current_user.is_organizer or team.is_led_or_joined_by(current_user)


@bp.get("/campaigns/<int:campaign_id>/teams")
@login_required
def index(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    teams = services.visible_teams(campaign, current_user)
    own = {t.id for t in services.teams_of_user(campaign, current_user)}
    # A team lead sees their own team first.
    teams.sort(key=lambda t: (t.id not in own, t.id))
    current = services.rules_of(campaign)
    form = RulesForm(data={"min_it_savvy_per_team": current.min_it_savvy_per_team or None,
                           "min_it_savvy_per_hamlet": current.min_it_savvy_per_hamlet or None})
    return render_template("teams/index.html", campaign=campaign, teams=teams, own=own,
                           warnings=rules.campaign_warnings(campaign), rules=current,
                           rules_form=form, it_count=rules.it_savvy_count)


@bp.post("/campaigns/<int:campaign_id>/teams/rules")
@role_required(ORGANIZER)
def set_rules(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = RulesForm()
    if form.validate_on_submit():
        with rules_flashed():
            services.set_rules(campaign, per_team=form.min_it_savvy_per_team.data,
                               per_hamlet=form.min_it_savvy_per_hamlet.data)
            flash(_("Đã lưu quy định của kế hoạch."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("teams.index", campaign_id=campaign_id))


def _team_form(team: Team | None) -> TeamForm:
    form = TeamForm(obj=team)
    people = services.all_members(current_user)
    form.lead_organisation_id.choices = choices(
        [("", _("— Chọn đơn vị —"))]
        + [(o.id, o.name) for o in services.all_organisations(current_user)])
    form.lead_member_id.choices = choices(
        [("", _("— Chưa chọn —"))] + [(m.id, f"{m.full_name} · {m.organisation.name}")
                                      for m in people])
    it = _("CNTT")
    form.members.choices = choices(
        (m.id, f"{m.full_name} · {m.organisation.name}{' · ' + it if m.it_savvy else ''}")
        for m in people)
    if team is not None and not form.is_submitted():
        form.members.data = [m.id for m in team.members]
    return form


@bp.route("/campaigns/<int:campaign_id>/teams/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/teams/<int:team_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit(campaign_id: int, team_id: int | None = None):
    campaign = db.get_or_404(Campaign, campaign_id)
    team = _team_or_404(campaign_id, team_id) if team_id else None
    form = _team_form(team)
    if form.validate_on_submit():
        chosen = list(db.session.execute(
            db.select(Member).where(Member.id.in_(form.members.data or []))).scalars())
        with rules_on(form):
            saved = services.save_team(
                campaign, team, name=form.name.data,
                lead_organisation=(db.session.get(Organisation, form.lead_organisation_id.data)
                                   if form.lead_organisation_id.data else None),
                lead=(db.session.get(Member, form.lead_member_id.data)
                      if form.lead_member_id.data else None),
                members=chosen)
            flash(_("Đã lưu %(name)s.", name=saved.name), "success")
            return redirect(url_for("teams.detail", campaign_id=campaign_id, team_id=saved.id))
    return render_template("teams/team_form.html", form=form, campaign=campaign, team=team)


def _requirement_form() -> RequirementForm:
    form = RequirementForm()
    kinds = [(f"kind:{code}", _("Bất kỳ: %(kind)s", kind=label)) for code, label in
             ORG_KINDS.items()]
    named = [(f"org:{o.id}", o.name) for o in services.all_organisations(current_user)]
    form.target.choices = choices(named + kinds)
    return form


@bp.get("/campaigns/<int:campaign_id>/teams/<int:team_id>")
@login_required
def detail(campaign_id: int, team_id: int, requirement_form: RequirementForm | None = None):
    team = _team_or_404(campaign_id, team_id)
    limits = services.rules_of(team.campaign)
    warnings = rules.team_warnings(team, limits.min_it_savvy_per_team)
    return render_template("teams/detail.html", team=team, campaign=team.campaign,
                           warnings=warnings, show_phones=can_see_phones(team),
                           requirement_form=requirement_form or _requirement_form(),
                           confirm_form=ConfirmForm(), it_count=rules.it_savvy_count(team),
                           describe=describe)


@bp.post("/campaigns/<int:campaign_id>/teams/<int:team_id>/requirements")
@role_required(ORGANIZER)
def add_requirement(campaign_id: int, team_id: int):
    team = _team_or_404(campaign_id, team_id)
    form = _requirement_form()
    if form.validate_on_submit():
        what, _sep, value = (form.target.data or "").partition(":")
        organisation = db.session.get(Organisation, int(value)) if (
            what == "org" and value.isdigit()) else None
        with rules_on(form):
            services.add_requirement(team, count=form.count.data, organisation=organisation,
                                     kind=value if what == "kind" else None)
            flash(_("Đã lưu thành phần yêu cầu."), "success")
            return redirect(url_for("teams.detail", campaign_id=campaign_id, team_id=team_id))
    return detail(campaign_id, team_id, requirement_form=form), 422


@bp.post("/campaigns/<int:campaign_id>/teams/<int:team_id>/requirements/<int:line_id>/delete")
@role_required(ORGANIZER)
def remove_requirement(campaign_id: int, team_id: int, line_id: int):
    team = _team_or_404(campaign_id, team_id)
    line = db.get_or_404(TeamRequirement, line_id)
    if line.team_id != team.id or not ConfirmForm().validate_on_submit():
        abort(404)
    services.remove_requirement(line)
    return redirect(url_for("teams.detail", campaign_id=campaign_id, team_id=team_id))


@bp.post("/campaigns/<int:campaign_id>/teams/<int:team_id>/delete")
@role_required(ORGANIZER)
def delete(campaign_id: int, team_id: int):
    team = _team_or_404(campaign_id, team_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = team.name
    services.delete_team(team, by_user=current_user)
    flash(_("Đã xóa %(name)s; lịch sử giao địa bàn vẫn được giữ.", name=name), "success")
    return redirect(url_for("teams.index", campaign_id=campaign_id))
