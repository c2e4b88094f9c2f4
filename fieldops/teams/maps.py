"""The hamlet map: GeoJSON of a campaign's hamlets by team, and the folium map that shows it.

All hamlets travel as ONE GeoJSON layer fetched from a cached endpoint, never one folium object
per shape (8-10x cheaper, see BASELINES.md), and every map asset comes from our own server.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from datetime import date

import folium
import sqlalchemy as sa
from branca.element import CssLink, JavascriptLink
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2 import Template
from markupsafe import escape

from fieldops.areas.models import HAMLET, KINDS, Area
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.scope import visible_communes
from fieldops.teams.assignments import active_on, campaign_assignments, describe
from fieldops.teams.models import Assignment, Member, Team, team_members
from fieldops.teams.services import teams_of

TILES_ATTRIBUTION = "&copy; OpenStreetMap"
#: colour of hamlets no team is assigned to (in the current filter)
UNASSIGNED = "#7a869a"
#: 5 decimals of a degree is about 1 m: plenty for a hamlet, and a third less JSON
DECIMALS = 5


_EXTRA_DIGITS = re.compile(rf"(?<=\.\d{{{DECIMALS}}})\d+")


def geometry_text(hamlet) -> str | None:
    """Return a hamlet's (an Area or a row of it) shape or point as GeoJSON text, or None.

    The stored boundary is already checked, compact JSON: cutting its digits as text is ten
    times faster than parsing, rounding and writing it again (under 1 m of error).
    """
    if hamlet.boundary:
        return _EXTRA_DIGITS.sub("", hamlet.boundary)
    if hamlet.latitude is not None and hamlet.longitude is not None:
        return json.dumps({"type": "Point", "coordinates": [
            round(hamlet.longitude, DECIMALS), round(hamlet.latitude, DECIMALS)]})
    return None


def hamlet_features(campaign: Campaign, *, viewer, team_id: int | None = None,
                    day: date | None = None) -> dict:
    """Return the campaign's hamlets, coloured by team, for features_json() to write out.

    With a team or a day, only the hamlets assigned for it are kept. A lead's phone is sent
    only to organizers and to the members of that lead's team: what the JSON holds is what
    the viewer may see.
    """
    organizer = bool(getattr(viewer, "is_organizer", False))
    # Teams, their leads and the communes are read once: thousands of hamlets share them.
    teams = {t.id: t for t in teams_of(campaign)}
    own = {t.id for t in teams.values() if t.is_led_or_joined_by(viewer)}
    team_info = {t.id: {"name": t.name, "color": t.color,
                        "lead": t.lead.full_name if t.lead else None,
                        "phone": t.lead.phone if t.lead and (organizer or t.id in own) else None}
                 for t in teams.values()}
    # A viewer with an area sees the hamlets of its communes only.
    communes = {c.id: c.display_name for c in visible_communes(viewer, campaign)}
    words: dict[tuple, str] = {}
    by_hamlet: dict[int, list[tuple[int, str]]] = {}
    for a in campaign_assignments(campaign.id):
        if (team_id and a.team_id != team_id) or (day and not active_on(a, day)):
            continue
        key = (a.start_date, a.end_date, a.weekday)
        if key not in words:
            words[key] = describe(*key)
        by_hamlet.setdefault(a.hamlet_id, []).append((a.team_id, words[key]))
    features, missing = [], []
    # Plain rows, not ORM objects: thousands of hamlets are only read here, never changed.
    rows = db.session.execute(
        sa.select(Area.id, Area.kind, Area.name, Area.parent_id, Area.population_14plus,
                  Area.boundary, Area.latitude, Area.longitude)
        .where(Area.parent_id.in_(list(communes)), Area.level == HAMLET)
        .order_by(Area.parent_id, Area.name_folded))
    for hamlet in rows:
        found = by_hamlet.get(hamlet.id, [])
        name = f"{KINDS.get(hamlet.kind, ('',))[0]} {hamlet.name}".strip()
        if (team_id or day) and not found:
            continue
        geometry = geometry_text(hamlet)
        if geometry is None:
            missing.append({"id": hamlet.id, "name": name})
            continue
        listed: dict[int, dict] = {}
        for tid, days in found:
            listed.setdefault(tid, {**team_info[tid], "days": []})["days"].append(days)
        features.append({
            "id": hamlet.id,
            "geometry": geometry,  # GeoJSON text, written as is by features_json()
            "properties": {
                "id": hamlet.id,
                "name": name,
                "commune": communes.get(hamlet.parent_id, ""),
                "population_14plus": hamlet.population_14plus,
                "color": next(iter(listed.values()))["color"] if listed else UNASSIGNED,
                "teams": list(listed.values()),
                "own": any(tid in own for tid in listed),
            },
        })
    # Own hamlets first: the page lists them first and the map zooms to them.
    features.sort(key=lambda f: not f["properties"]["own"])
    extra = {"without_shape": len(missing)}
    if organizer:
        extra["shapeless"] = missing  # offered in the boundary-drawing list
    return {"features": features, "properties": extra}


def data_version(campaign: Campaign, *, viewer, team_id: int | None, day: date | None) -> str:
    """Return a fingerprint of all the map JSON depends on, read with a few small queries.

    It is the JSON's ETag: a phone that has this version gets a 304 before anything is built.
    """
    commune_ids = [c.id for c in campaign.communes]
    hamlets = db.session.execute(
        sa.select(sa.func.count(Area.id), sa.func.max(Area.id), sa.func.max(Area.updated_at))
        .where(Area.parent_id.in_(commune_ids), Area.level == HAMLET)).one()
    work = db.session.execute(
        sa.select(sa.func.count(Assignment.id), sa.func.max(Assignment.id),
                  sa.func.max(Assignment.updated_at))
        .join(Team).where(Team.campaign_id == campaign.id)).one()
    teams = db.session.execute(
        sa.select(Team.id, Team.name, Team.color, Member.full_name, Member.phone)
        .outerjoin(Member, Team.lead_member_id == Member.id)
        .where(Team.campaign_id == campaign.id).order_by(Team.id)).all()
    own = db.session.execute(
        sa.select(team_members.c.team_id).join(Member, Member.id == team_members.c.member_id)
        .where(Member.user_id == getattr(viewer, "id", None))).scalars().all()
    communes = [(c.id, c.name, c.kind, c.updated_at) for c in campaign.communes]
    key = repr((campaign.id, tuple(hamlets), tuple(work), [tuple(t) for t in teams],
                sorted(own), communes, bool(getattr(viewer, "is_organizer", False)),
                team_id, day, str(get_locale())))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


_BODIES: OrderedDict[str, str] = OrderedDict()
_BODIES_LOCK = threading.Lock()
#: bodies kept per process: a few campaigns x filters x kinds of viewer
CACHED_BODIES = 16


def cached_body(version: str, build) -> str | bytes:
    """Return the body (JSON text, or its gzip) of a data version, built only when not kept."""
    with _BODIES_LOCK:
        if version in _BODIES:
            _BODIES.move_to_end(version)
            return _BODIES[version]
    body = build()
    with _BODIES_LOCK:
        _BODIES[version] = body
        while len(_BODIES) > CACHED_BODIES:
            _BODIES.popitem(last=False)
    return body


def forget_cached_bodies() -> None:
    """Drop every kept JSON body (benchmarks measure a cold build with it)."""
    with _BODIES_LOCK:
        _BODIES.clear()


def features_json(collection: dict) -> str:
    """Return hamlet_features() as a compact GeoJSON FeatureCollection (UTF-8 text)."""

    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = [f'{{"type":"Feature","id":{f["id"]},"geometry":{f["geometry"]},'
             f'"properties":{dumps(f["properties"])}}}' for f in collection["features"]]
    return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + '],"properties":'
            + dumps(collection["properties"]) + "}")


class HamletLayer(folium.map.Layer):
    """One Leaflet GeoJSON layer of every hamlet, filled from our JSON endpoint.

    Styling (fill by the `color` property), circles for hamlets known only by a point and the
    popup are done in static/js/map.js, so the page does not grow with the number of hamlets.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = FieldopsMap.hamletLayer(
            {{ this._parent.get_name() }}, {{ this.url|tojson }}, {{ this.labels|tojson }});
        {% endmacro %}
    """)

    def __init__(self, url: str, labels: dict, name: str | None = None):
        super().__init__(name=name, overlay=True, control=False)
        self._name = "HamletLayer"
        self.url = url
        self.labels = labels


def own_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return folium's JS and CSS lists pointing at our server instead of CDNs.

    folium would load Leaflet, jQuery, Bootstrap and Font Awesome from five CDNs; the map needs
    only Leaflet (served from xstatic-leaflet) and our own script and style.
    """
    js = [("leaflet", url_for("teams.static", filename="leaflet.js")),
          ("fieldops_map", url_for("static", filename="js/map.js"))]
    css = [("leaflet_css", url_for("teams.static", filename="leaflet.css")),
           ("fieldops_map_css", url_for("static", filename="css/map.css"))]
    return js, css


def popup_labels() -> dict:
    """Return the words the popup script shows, in the interface language."""
    return {"population": _("Nhân khẩu từ 14 tuổi"), "team": _("Đoàn"),
            "lead": _("Trưởng đoàn"), "none": _("Chưa giao cho đoàn nào"),
            "commune": _("Xã/phường"), "error": _("Không tải được bản đồ thôn/ấp.")}


def build_map(data_url: str, *, center: tuple[float, float] | None) -> folium.Map:
    """Build the folium map: our own assets, optional tiles, and the single hamlet layer."""
    fmap = folium.Map(location=list(center) if center else [16.0, 106.0],
                      zoom_start=14 if center else 6, tiles=None, control_scale=True,
                      prefer_canvas=False)
    # Instance lists: the class keeps folium's defaults for any other map in the process.
    fmap.default_js, fmap.default_css = own_assets()
    tiles = current_app.config["MAP_TILES_URL"]
    if tiles:
        # Offline, tile requests fail quietly and the hamlets stay on the plain background.
        folium.TileLayer(tiles=tiles, attr=TILES_ATTRIBUTION, max_zoom=19,
                         name="OpenStreetMap").add_to(fmap)
    HamletLayer(data_url, popup_labels(), name="hamlets").add_to(fmap)
    fmap.hamlet_data_url = data_url  # asked for early by render_parts' preload link
    return fmap


def render_parts(fmap: folium.Map) -> dict[str, str]:
    """Render the map as three parts for our page: asset links, the map element, its script.

    folium's own page header would also make html/body full-screen and forbid zooming the page
    on phones; we take only the links, and size the map in map.css. The scripts are deferred,
    so the page is drawn while Leaflet arrives.
    """
    root = fmap.get_root()
    root.render()
    links = []
    for child in root.header._children.values():
        if isinstance(child, JavascriptLink):
            # Deferred: Leaflet (42 KB compressed) must not hold the page blank on weak 4G.
            links.append(f'<script defer src="{escape(child.url)}"></script>')
        elif isinstance(child, CssLink):
            links.append(child.render())
    # The hamlets are asked for beside Leaflet, not after it: one 400 ms round trip less.
    links.append(f'<link rel="preload" href="{escape(fmap.hamlet_data_url)}" as="fetch" '
                 'crossorigin>')
    # Deferred scripts run before DOMContentLoaded: the map is made once Leaflet is there.
    script = ('document.addEventListener("DOMContentLoaded", function () {\n'
              + root.script.render() + "\n});")
    return {"head": "\n".join(links), "html": root.html.render(), "script": script}


def map_center(campaign: Campaign) -> tuple[float, float] | None:
    """Return a first view for the map: the first commune with a point, if any."""
    for commune in campaign.communes:
        if commune.latitude is not None and commune.longitude is not None:
            return commune.latitude, commune.longitude
    return None
