"""Assign teams to hamlets, the schedule (who goes where, which day) and its printable list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.areas.models import Area
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.forms import choices
from fieldops.scope import area_visible, hamlet_ids_in_scope, team_visible
from fieldops.teams import assignments, services
from fieldops.teams.forms import AssignmentForm, ConfirmForm
from fieldops.teams.models import WEEKDAYS, Assignment, Team
from fieldops.teams.team_views import can_see_phones
from fieldops.teams.views import bp
from fieldops.web import rules_on


def _assignment_form(campaign: Campaign, assignment: Assignment | None) -> AssignmentForm:
    form = AssignmentForm()
    form.team_id.choices = choices(
        (t.id, t.name) for t in services.visible_teams(campaign, current_user))
    form.hamlets.choices = choices(
        (h.id, f"{h.display_name} · {h.parent.display_name}")
        for h in assignments.campaign_hamlets(campaign, hamlet_ids_in_scope(current_user)))
    if assignment is not None and not form.is_submitted():
        form.team_id.data = assignment.team_id
        form.hamlets.data = [assignment.hamlet_id]
        form.allow_shared.data = assignment.allow_shared
        if assignment.weekday is not None:
            form.mode.data, form.weekday.data = "weekly", assignment.weekday
        else:
            form.mode.data = "day" if assignment.start_date == assignment.end_date else "range"
        form.day.data = assignment.start_date
        form.start_date.data, form.end_date.data = assignment.start_date, assignment.end_date
    elif not form.is_submitted() and request.args.get("team", type=int):
        form.team_id.data = request.args.get("team", type=int)
    return form


def _save(form: AssignmentForm, campaign: Campaign, assignment: Assignment | None) -> int:
    team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
    if team is None or team.campaign_id != campaign.id or not team_visible(current_user, team.id):
        raise DomainError(_("Vui lòng chọn một đoàn của chiến dịch này."), "team_id")
    hamlet_ids = form.hamlets.data or []
    if not hamlet_ids:
        raise DomainError(_("Vui lòng chọn ít nhất một thôn/ấp."), "hamlets")
    if assignment is not None and len(hamlet_ids) != 1:
        raise DomainError(_("Khi sửa, chọn đúng một thôn/ấp."), "hamlets")
    if form.mode.data == "day" and form.day.data is None:
        raise DomainError(_("Vui lòng nhập ngày."), "day")
    start, end, weekday = form.dates(campaign)
    for hamlet_id in hamlet_ids:
        hamlet = db.session.get(Area, hamlet_id)
        if hamlet is None or not area_visible(current_user, hamlet_id):
            raise DomainError(_("Không tìm thấy thôn/ấp đã chọn."), "hamlets")
        options = dict(start=start, end=end, weekday=weekday,
                       allow_shared=form.allow_shared.data, by_user=current_user)
        if assignment is None:
            assignments.assign(team, hamlet, **options)
        else:
            assignments.change_assignment(assignment, team=team, hamlet=hamlet, **options)
    return team.id


@bp.route("/campaigns/<int:campaign_id>/assignments/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/assignments/<int:assignment_id>/edit",
          methods=["GET", "POST"])
@role_required(ORGANIZER)
def assign(campaign_id: int, assignment_id: int | None = None):
    campaign = db.get_or_404(Campaign, campaign_id)
    assignment = db.get_or_404(Assignment, assignment_id) if assignment_id else None
    if assignment is not None and assignment.team.campaign_id != campaign_id:
        abort(404)
    form = _assignment_form(campaign, assignment)
    if form.validate_on_submit():
        # One day is typed in the "Ngày" box: a clash of its dates is shown there.
        renamed = {"start_date": "day", "end_date": "day"} if form.mode.data == "day" else None
        with rules_on(form, renamed=renamed):  # all hamlets or none: a clash changes nothing
            team_id = _save(form, campaign, assignment)
            flash(_("Đã lưu việc giao địa bàn."), "success")
            return redirect(url_for("teams.detail", campaign_id=campaign_id, team_id=team_id))
    status = 422 if form.is_submitted() else 200
    return render_template("teams/assign.html", form=form, campaign=campaign,
                           assignment=assignment), status


@bp.post("/campaigns/<int:campaign_id>/assignments/<int:assignment_id>/delete")
@role_required(ORGANIZER)
def unassign(campaign_id: int, assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    if assignment.team.campaign_id != campaign_id or not ConfirmForm().validate_on_submit():
        abort(404)
    team_id = assignment.team_id
    assignments.remove_assignment(assignment, by_user=current_user)
    flash(_("Đã bỏ việc giao địa bàn."), "success")
    return redirect(url_for("teams.detail", campaign_id=campaign_id, team_id=team_id))


def _own_first(campaign: Campaign, teams: list[Team]) -> tuple[list[Team], set[int]]:
    own = {t.id for t in services.teams_of_user(campaign, current_user)}
    return sorted(teams, key=lambda t: (t.id not in own, t.id)), own


@bp.get("/campaigns/<int:campaign_id>/schedule")
@login_required
def schedule(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    team_id = request.args.get("team", type=int)
    hamlets = hamlet_ids_in_scope(current_user)
    teams, own = _own_first(campaign, services.visible_teams(campaign, current_user))
    history = (assignments.history(campaign_id, hamlets=hamlets)
               if current_user.is_organizer else [])
    return render_template("teams/schedule.html", campaign=campaign, teams=teams, own=own,
                           days=assignments.schedule(campaign_id, team_id, hamlets),
                           team_id=team_id, weekdays=WEEKDAYS, history=history)


@bp.get("/campaigns/<int:campaign_id>/schedule/print")
@login_required
def schedule_print(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    teams, _own = _own_first(campaign, services.visible_teams(campaign, current_user))
    hamlets = hamlet_ids_in_scope(current_user)
    rows = {t.id: [a for a in t.assignments if hamlets is None or a.hamlet_id in hamlets]
            for t in teams}
    return render_template("teams/schedule_print.html", campaign=campaign, teams=teams,
                           team_rows=rows, describe=assignments.describe,
                           can_see_phones=can_see_phones, now=now_utc())
