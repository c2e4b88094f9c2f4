"""The progress page, its Excel export, the ranking and the map coloured by per cent."""

from __future__ import annotations

import click
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.areas.models import Area
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.reports import chart, counters, excel, phase_end, ranking
from fieldops.reports.forms import ConfirmForm
from fieldops.reports.progress import (
    COMMUNE,
    LEVELS,
    PLACES,
    TEAM,
    TEAMS,
    current_phase,
    hamlet_progress,
    progress,
)
from fieldops.scope import commune_ids_in_scope, whole_campaign_visible
from fieldops.teams import maps
from fieldops.teams.models import Team

bp = Blueprint("reports", __name__, cli_group=None)

#: map colours by per cent of target: the same traffic-light idea, on the whole target
MAP_COLORS = ((100, "#1b7f3b"), (75, "#7cb342"), (50, "#f2b01e"), (25, "#ef6c00"), (0, "#c62828"))
NO_TARGET = "#7a869a"


@bp.app_template_filter("pct")
def format_percent(value: float | None) -> str:
    """Return a per cent with one decimal, as the interface language writes it (7,5 %)."""
    return "" if value is None else f"{format_decimal(value, format='0.0')} %"


def _scope(campaign: Campaign):
    """Return the phase, level, unit and service asked for in the query string."""
    today = local_today()
    phase_id = request.args.get("phase", type=int)
    phase = next((p for p in campaign.phases if p.id == phase_id), None) if phase_id else \
        current_phase(campaign, today)
    if phase is None:
        abort(404)
    level = request.args.get("level", PLACES)
    if level not in LEVELS:
        level = PLACES
    unit_id = request.args.get("unit", type=int)
    if level in (COMMUNE, TEAM) and not unit_id:
        level = PLACES if level == COMMUNE else TEAMS
    service_id = request.args.get("service", type=int) or None
    if service_id and service_id not in {s.id for s in campaign.services}:
        service_id = None
    return phase, level, unit_id, service_id, today


@bp.get("/campaigns/<int:campaign_id>/progress")
@login_required
def progress_page(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.phases:
        flash(_("Chiến dịch chưa có giai đoạn nào; hãy thêm giai đoạn trước."), "info")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    phase, level, unit_id, service_id, today = _scope(campaign)
    report = progress(campaign, phase, level=level, unit_id=unit_id, service_id=service_id,
                      today=today, communes=commune_ids_in_scope(current_user))
    unit = None
    if level == COMMUNE:
        unit = db.session.get(Area, unit_id)
    elif level == TEAM:
        unit = db.session.get(Team, unit_id)
    unit_name = (unit.display_name if level == COMMUNE else unit.name) if unit else None
    svg = chart.burnup_svg(phase, report.series, report.total.target,
                           title=_("Tích lũy kết quả so với chỉ tiêu %(phase)s", phase=phase.name),
                           done_label=_("Kết quả cộng dồn"), target_label=_("Đường chỉ tiêu"))
    return render_template("reports/progress.html", campaign=campaign, report=report,
                           phase=phase, level=level, unit=unit, unit_name=unit_name,
                           service_id=service_id, svg=svg,
                           whole=whole_campaign_visible(current_user, campaign),
                           args={"phase": phase.id, "service": service_id})


@bp.get("/campaigns/<int:campaign_id>/progress.xlsx")
@login_required
def progress_excel(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    service_id = request.args.get("service", type=int) or None
    today = local_today()
    body = excel.progress_workbook(campaign, today=today, service_id=service_id,
                                   communes=commune_ids_in_scope(current_user))
    name = f"tien-do-{campaign.id}-{today:%Y%m%d}.xlsx"
    return Response(body, headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/campaigns/<int:campaign_id>/progress.csv")
@login_required
def progress_csv(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    service_id = request.args.get("service", type=int) or None
    today = local_today()
    body = excel.progress_csv(campaign, today=today, service_id=service_id,
                              communes=commune_ids_in_scope(current_user))
    name = f"tien-do-{campaign.id}-{today:%Y%m%d}.csv"
    return Response(body, headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    mimetype="text/csv; charset=utf-8")


@bp.get("/campaigns/<int:campaign_id>/ranking")
@login_required
def ranking_page(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.phases:
        abort(404)
    phase, _level, _unit, service_id, today = _scope(campaign)
    snapshot = ranking.snapshot_of(phase)
    live = ranking.live_ranking(campaign, phase, today=today, service_id=service_id,
                                viewer=current_user)
    return render_template("reports/ranking.html", campaign=campaign, phase=phase, live=live,
                           snapshot=snapshot, kinds=ranking.KIND_LABELS, form=ConfirmForm(),
                           frozen=ranking.frozen_rows(snapshot, campaign, current_user)
                           if snapshot else [],
                           whole=whole_campaign_visible(current_user, campaign),
                           ended=phase_end.has_ended(phase, today),
                           log=phase_end.freeze_log(phase))


def map_color(done: int, target: int | None) -> str:
    """Return a hamlet's colour on the map by per cent of its target."""
    if not target:
        return NO_TARGET
    percent = 100 * done / target
    return next(color for floor, color in MAP_COLORS if percent >= floor)


@bp.get("/campaigns/<int:campaign_id>/progress-map")
@login_required
def progress_map(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.phases:
        abort(404)
    phase, _level, _unit, service_id, _today = _scope(campaign)
    data_url = url_for("reports.progress_geojson", campaign_id=campaign.id, phase=phase.id,
                       service=service_id)
    parts = maps.render_parts(maps.build_map(data_url, center=maps.map_center(campaign)))
    return render_template("reports/map.html", campaign=campaign, phase=phase, parts=parts,
                           colors=MAP_COLORS, no_target=NO_TARGET)


@bp.get("/campaigns/<int:campaign_id>/progress-map.geojson")
@login_required
def progress_geojson(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    phase, _level, _unit, service_id, _today = _scope(campaign)
    figures = hamlet_progress(campaign, phase, service_id, commune_ids_in_scope(current_user))
    # The teams map's features, recoloured: same shapes, popup and script, colour = per cent.
    collection = maps.hamlet_features(campaign, viewer=current_user)
    for feature in collection["features"]:
        done, target = figures.get(feature["id"], (0, None))
        props = feature["properties"]
        props["color"] = map_color(done, target)
        props["name"] += (f" — {done}/{target} ({100 * done // target} %)" if target
                          else f" — {done}")
    response = make_response(maps.features_json(collection))
    response.mimetype = "application/geo+json"
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


@bp.cli.command("rebuild-progress")
@click.option("--campaign", "campaign_id", type=int, default=None,
              help="Only this campaign (default: all).")
@with_appcontext
def rebuild_progress_command(campaign_id: int | None) -> None:
    """Recompute the daily progress counters from the registrations."""
    stmt = db.select(Campaign)
    if campaign_id:
        stmt = stmt.filter_by(id=campaign_id)
    for campaign in db.session.execute(stmt).scalars():
        rows = counters.rebuild_counters(campaign)
        click.echo(f"{campaign.id}: {rows}")
    db.session.commit()

