"""The team lead's page: the hamlet's list shared among the team's members ("5 rõ")."""

from __future__ import annotations

from collections import Counter
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.areas.models import Area
from fieldops.campaigns.models import Campaign
from fieldops.checkin.access import hamlets_today, user_teams
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.drive import assign
from fieldops.drive.forms import HandForm, SplitForm
from fieldops.drive.views import bp
from fieldops.forms import choices
from fieldops.scope import area_visible, campaigns_in_scope, teams_in_scope
from fieldops.teams.models import Team
from fieldops.web import rules_flashed


def _team_for_lead(team_id: int) -> Team:
    team = db.get_or_404(Team, team_id)
    if current_user.is_organizer:
        return team
    if team.lead is None or team.lead.user_id != current_user.id:
        abort(403)
    return team


def _day() -> date:
    raw = request.values.get("day", "")
    try:
        return date.fromisoformat(raw) if raw else local_today()
    except ValueError:
        abort(404)


def _hamlet(team: Team, day: date) -> tuple[Area | None, list[Area]]:
    wanted = request.values.get("hamlet_id", type=int)
    if wanted and not area_visible(current_user, wanted):
        abort(404)
    # A team may also work hamlets outside the organizer's area: those stay out of sight.
    hamlets = [h for h in hamlets_today(team, day) if area_visible(current_user, h.id)]
    chosen = next((h for h in hamlets if h.id == wanted), hamlets[0] if hamlets else None)
    return chosen, hamlets


@bp.get("/teams")
@login_required
def lead_teams():
    teams = user_teams(current_user)
    if current_user.is_organizer:
        visible = campaigns_in_scope(db.select(Campaign.id), current_user)
        teams = list(db.session.execute(teams_in_scope(
            db.select(Team).where(Team.campaign_id.in_(visible)), current_user)
            .order_by(Team.name)).scalars())
    teams = [t for t in teams if current_user.is_organizer or
             (t.lead is not None and t.lead.user_id == current_user.id)]
    campaigns = list(db.session.execute(campaigns_in_scope(
        db.select(Campaign), current_user).order_by(Campaign.start_date.desc())).scalars()) \
        if current_user.is_organizer else []
    return render_template("drive/lead_teams.html", teams=teams, campaigns=campaigns)


@bp.get("/teams/<int:team_id>/split")
@login_required
def split_page(team_id: int):
    team = _team_for_lead(team_id)
    day = _day()
    hamlet, hamlets = _hamlet(team, day)
    people = assign.hamlet_people(team, hamlet) if hamlet else []
    loose = assign.unassigned(team, people)
    loads = Counter(p.assignee_id for p in people)
    hand = HandForm()
    hand.member_id.choices = choices((m.id, m.full_name) for m in team.members)
    doors: list[tuple] = []
    for person in people:
        key = person.household_id or -person.id
        if doors and doors[-1][0] == key:
            doors[-1][2].append(person)
        else:
            doors.append((key, person.household, [person]))
    return render_template(
        "drive/split.html", team=team, day=day, hamlet=hamlet, hamlets=hamlets, people=people,
        unassigned=loose, loads=loads, split_form=SplitForm(), hand_form=hand, doors=doors)


def _back(team: Team, hamlet_id: int | None, day: date):
    return redirect(url_for(".split_page", team_id=team.id, hamlet_id=hamlet_id,
                            day=day.isoformat()))


@bp.post("/teams/<int:team_id>/split")
@login_required
def split_evenly(team_id: int):
    team = _team_for_lead(team_id)
    day = _day()
    hamlet, _hamlets = _hamlet(team, day)
    form = SplitForm()
    if hamlet is None:
        flash(_("%(team)s chưa được phân công thôn/ấp nào ngày này.", team=team.name), "error")
    elif form.validate_on_submit():
        with rules_flashed():
            counts = assign.split_evenly(team, hamlet, day, by=form.by.data,
                                         only_unassigned=form.only_unassigned.data == "1")
            flash(_("Đã chia %(n)s người cho %(m)s thành viên.", n=sum(counts.values()),
                    m=len(counts)), "success")
    return _back(team, hamlet.id if hamlet else None, day)


@bp.post("/teams/<int:team_id>/assign")
@login_required
def assign_by_hand(team_id: int):
    team = _team_for_lead(team_id)
    day = _day()
    hamlet, _hamlets = _hamlet(team, day)
    form = HandForm()
    form.member_id.choices = choices((m.id, m.full_name) for m in team.members)
    if hamlet is None:
        flash(_("%(team)s chưa được phân công thôn/ấp nào ngày này.", team=team.name), "error")
    elif form.validate_on_submit():
        with rules_flashed():
            n = assign.assign_by_hand(team, hamlet, day, form.member_id.data,
                                      household_ids=form.household_ids.data or [],
                                      person_ids=form.person_ids.data or [])
            flash(_("Đã giao %(n)s người.", n=n), "success")
    return _back(team, hamlet.id if hamlet else None, day)
