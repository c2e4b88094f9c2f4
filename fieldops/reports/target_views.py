"""Targets pages: set by hand, cascade down, settings (the appendix import: appendix_views)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldops.areas.models import Area
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.reports import cascade, confirmed, targets
from fieldops.reports.forms import ConfirmForm, SettingsForm, TargetForm
from fieldops.reports.models import ProgressSettings
from fieldops.reports.progress import current_phase
from fieldops.reports.views import bp
from fieldops.scope import (
    area_visible,
    teams_in_scope,
    visible_communes,
    whole_campaign_visible,
)
from fieldops.teams.models import Member, Team, team_members
from fieldops.text import by_name
from fieldops.web import rules_flashed


def _phase(campaign: Campaign):
    phase_id = request.values.get("phase", type=int)
    if phase_id is None:
        phase = current_phase(campaign, local_today())
        if phase is None:
            abort(404)
        return phase
    return targets.phase_of(campaign, phase_id)


def _service(campaign: Campaign) -> int | None:
    service_id = request.values.get("service", type=int) or None
    return service_id if service_id in {s.id for s in campaign.services} else None


@bp.get("/campaigns/<int:campaign_id>/targets")
@role_required(ORGANIZER)
def targets_page(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.phases:
        flash(_("Chiến dịch chưa có giai đoạn nào; hãy thêm giai đoạn trước."), "info")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    phase, service_id = _phase(campaign), _service(campaign)
    commune_id = request.args.get("commune", type=int)
    communes = visible_communes(current_user, campaign)
    commune = next((c for c in communes if c.id == commune_id), None)

    def value(**unit):
        found = targets.find_target(phase, service_id=service_id, **unit)
        return found.value if found else None

    # Vietnamese order, as on every other page: Chi Lăng, Chí Hoà, ... Đông Hoà after Đa Kia.
    rows = [(c, value(area=c)) for c in by_name(communes)]
    hamlets = [(h, value(area=h)) for h in by_name(cascade.hamlets_of(commune))] if commune \
        else []
    teams = [(t, value(team=t), [(m, value(member=m)) for m in t.people])
             for t in db.session.execute(teams_in_scope(
                 db.select(Team).filter_by(campaign_id=campaign.id).order_by(Team.id),
                 current_user)).scalars()]
    settings = targets.settings_of(campaign)
    form = SettingsForm(data={"person_floor": settings.person_floor,
                              "phase_floor": _phase_floor(phase),
                              "green_percent": settings.green_percent,
                              "amber_percent": settings.amber_percent,
                              "list_percent": confirmed.list_percent(phase),
                              "count_mode": "confirmed" if confirmed.count_confirmed_only(
                                  campaign) else "claimed"})
    problems = cascade.sum_problems(phase, commune, service_id) if commune else []
    return render_template("reports/targets.html", campaign=campaign, phase=phase, rows=rows,
                           commune=commune, hamlets=hamlets, teams=teams, form=form,
                           team_problems=cascade.member_sum_problems(campaign, phase, service_id),
                           target_form=TargetForm(), confirm=ConfirmForm(), problems=problems,
                           service_id=service_id,
                           changes=targets.changes_of(campaign, 20, current_user),
                           floor=cascade.person_floor(campaign, phase))


def _phase_floor(phase) -> int | None:
    from fieldops.reports.models import PhaseFloor

    found = db.session.get(PhaseFloor, phase.id)
    return found.person_floor if found else None


def _back(campaign: Campaign, phase, service_id, commune_id=None):
    return redirect(url_for("reports.targets_page", campaign_id=campaign.id, phase=phase.id,
                            service=service_id, commune=commune_id))


def _unit_visible(kind: str, obj) -> bool:
    """Return whether a target's unit lies in the organizer's area (a member: through one of
    their teams, led or joined)."""
    if kind == "area":
        return area_visible(current_user, obj.id)
    stmt = db.select(Team.id)
    if kind == "team":
        stmt = stmt.where(Team.id == obj.id)
    else:
        stmt = stmt.where(sa.or_(Team.lead_member_id == obj.id, Team.id.in_(
            db.select(team_members.c.team_id).where(team_members.c.member_id == obj.id))))
    return db.session.execute(teams_in_scope(stmt, current_user)).first() is not None


@bp.post("/campaigns/<int:campaign_id>/targets/set")
@role_required(ORGANIZER)
def set_target(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    phase, service_id = _phase(campaign), _service(campaign)
    form = TargetForm()
    kind, unit_id = request.form.get("kind"), request.form.get("unit", type=int)
    unit = {"area": Area, "team": Team, "member": Member}.get(kind or "")
    obj = db.session.get(unit, unit_id) if unit and unit_id else None
    if obj is None or not _unit_visible(kind, obj):
        abort(404)
    commune_id = request.form.get("commune", type=int)
    if not form.validate_on_submit():
        label = {"area": "display_name", "team": "name", "member": "full_name"}[kind]
        for error in form.value.errors:
            flash(f"{getattr(obj, label)}: {error}", "error")
        return _back(campaign, phase, service_id, commune_id)
    with rules_flashed():
        targets.set_target(phase, form.value.data, user=current_user, service_id=service_id,
                           reason=form.reason.data, **{kind: obj})
        flash(_("Đã lưu chỉ tiêu; thay đổi đã được ghi lại."), "success")
        commune = db.session.get(Area, commune_id) if commune_id else None
        for problem in cascade.sum_problems(phase, commune, service_id) if commune else []:
            flash(problem, "warning")
    return _back(campaign, phase, service_id, commune_id)


@bp.post("/campaigns/<int:campaign_id>/targets/cascade")
@role_required(ORGANIZER)
def cascade_targets(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    phase, service_id = _phase(campaign), _service(campaign)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    commune_id = request.form.get("commune", type=int)
    team_id = request.form.get("team", type=int)
    with rules_flashed():
        if team_id:
            team = db.session.get(Team, team_id)
            if team is None or team.campaign_id != campaign.id \
                    or not _unit_visible("team", team):
                abort(404)
            shares = cascade.cascade_to_members(phase, team, user=current_user,
                                                service_id=service_id)
            message = _("Đã chia chỉ tiêu %(team)s cho %(n)s người.", team=team.name,
                        n=len(shares))
        elif commune_id:
            commune = next((c for c in visible_communes(current_user, campaign)
                            if c.id == commune_id), None)
            if commune is None:
                abort(404)
            shares = cascade.cascade_to_hamlets(phase, commune, user=current_user,
                                                service_id=service_id)
            message = _("Đã chia chỉ tiêu cho %(n)s thôn/ấp.", n=len(shares))
        else:
            if not whole_campaign_visible(current_user, campaign):
                abort(404)  # the campaign's whole target is shared by areas beyond this one
            shares = cascade.cascade_to_teams(campaign, phase, user=current_user,
                                              service_id=service_id)
            message = _("Đã giao chỉ tiêu cho %(n)s đoàn.", n=len(shares))
        flash(message, "success")
    return _back(campaign, phase, service_id, commune_id)


@bp.post("/campaigns/<int:campaign_id>/targets/settings")
@role_required(ORGANIZER)
def save_settings(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    phase, service_id = _phase(campaign), _service(campaign)
    if not whole_campaign_visible(current_user, campaign):
        abort(404)  # the settings hold for every commune of the campaign
    form = SettingsForm()
    if form.validate_on_submit() and form.amber_percent.data <= form.green_percent.data:
        settings = db.session.get(ProgressSettings, campaign.id) or ProgressSettings(
            campaign_id=campaign.id)
        settings.person_floor = form.person_floor.data
        settings.green_percent = form.green_percent.data
        settings.amber_percent = form.amber_percent.data
        db.session.add(settings)
        cascade.set_phase_floor(phase, form.phase_floor.data)
        confirmed.set_list_percent(phase, form.list_percent.data)
        confirmed.set_count_confirmed_only(campaign, form.count_mode.data == "confirmed")
        flash(_("Đã lưu cài đặt tiến độ."), "success")
    elif form.list_percent.errors:
        flash(form.list_percent.errors[0], "error")
    else:
        flash(_("Cài đặt không hợp lệ: các số phải là số nguyên không âm, ngưỡng vàng không lớn "
                "hơn ngưỡng xanh."), "error")
    return _back(campaign, phase, service_id)
