"""The hamlet map page, its GeoJSON endpoint, and saving a boundary drawn on the map."""

from __future__ import annotations

import gzip

from flask import jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.areas import services as areas
from fieldops.areas.models import HAMLET, Area
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.forms import parse_vn_date
from fieldops.scope import visible_communes
from fieldops.teams import maps, services
from fieldops.teams.views import bp


def _filters(campaign: Campaign) -> tuple[int | None, object, str | None]:
    """Return the team id, the day and a message if the day typed cannot be read."""
    team_id = request.args.get("team", type=int)
    if team_id and not any(t.id == team_id
                           for t in services.visible_teams(campaign, current_user)):
        team_id = None
    raw = (request.args.get("day") or "").strip()
    day = parse_vn_date(raw) if raw else None
    if raw and day is None:
        return team_id, None, _("Ngày phải viết dạng ngày/tháng/năm, ví dụ 10/10/2025.")
    return team_id, day, None


@bp.get("/campaigns/<int:campaign_id>/map")
@login_required
def hamlet_map(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    team_id, day, problem = _filters(campaign)
    params = {"team": team_id or None, "day": day.strftime("%d/%m/%Y") if day else None}
    data_url = url_for("teams.hamlet_geojson", campaign_id=campaign_id,
                       **{k: v for k, v in params.items() if v})
    parts = maps.render_parts(maps.build_map(data_url, center=maps.map_center(campaign)))
    teams = services.visible_teams(campaign, current_user)
    own = {t.id for t in services.teams_of_user(campaign, current_user)}
    teams.sort(key=lambda t: (t.id not in own, t.id))
    return render_template("teams/map.html", campaign=campaign, parts=parts, teams=teams,
                           own=own, team_id=team_id, day=day, day_problem=problem,
                           communes=visible_communes(current_user, campaign),
                           raw_day=request.args.get("day", ""),
                           unassigned=maps.UNASSIGNED)


@bp.get("/campaigns/<int:campaign_id>/map.geojson")
@login_required
def hamlet_geojson(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    team_id, day, problem = _filters(campaign)
    if problem:
        return jsonify(error=problem), 400
    version = maps.data_version(campaign, viewer=current_user, team_id=team_id, day=day)
    if version in request.if_none_match:
        response = make_response("", 304)
    else:
        def build() -> str:
            return maps.features_json(
                maps.hamlet_features(campaign, viewer=current_user, team_id=team_id, day=day))

        # Coordinates compress about 8 to 1: on weak 4G that is the difference that matters.
        if "gzip" in request.accept_encodings:
            response = make_response(maps.cached_body(version + ":gzip", lambda: gzip.compress(
                maps.cached_body(version, build).encode(), compresslevel=6)))
            response.content_encoding = "gzip"
            response.vary.add("Accept-Encoding")
        else:
            response = make_response(maps.cached_body(version, build))
        response.mimetype = "application/geo+json"
    # Revalidate every time (assignments change during the day), but an unchanged map costs
    # a 304 with no body on weak 4G. Private: the JSON depends on who asks (phones).
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    response.set_etag(version)
    return response


@bp.post("/campaigns/<int:campaign_id>/hamlets/<int:hamlet_id>/boundary")
@role_required(ORGANIZER)
def save_boundary(campaign_id: int, hamlet_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    hamlet = db.get_or_404(Area, hamlet_id)
    if hamlet.level != HAMLET or hamlet.parent_id not in {c.id for c in campaign.communes}:
        return jsonify(error=_("%(name)s không thuộc chiến dịch này.",
                               name=hamlet.display_name)), 422
    payload = request.get_json(silent=True)
    geometry = payload.get("geometry") if isinstance(payload, dict) else None
    if not isinstance(geometry, dict):
        return jsonify(error=_("Không nhận được hình vẽ ranh giới (GeoJSON).")), 400
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return jsonify(error=_("Ranh giới phải là một vùng khép kín (Polygon), cần ít nhất 3 "
                               "điểm.")), 422
    areas.set_boundary(hamlet, geometry)  # a broken rule answers 422 {"error", "field"}
    return jsonify(message=_("Đã lưu ranh giới %(name)s.", name=hamlet.display_name))

