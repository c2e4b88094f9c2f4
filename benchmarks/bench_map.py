"""How fast is the hamlet map with 3,321 hamlets (as many as Vietnam has communes)?

Measures, on a throw-away SQLite database, medians of several runs:
  (a) our map page (folium map built and rendered per request) and its GeoJSON endpoint,
      plus the endpoint's 304 answer when the phone already has the data;
  (b) a bare folium map holding the same GeoJSON in one folium.GeoJson layer (styled, popups);
  (c) folium with one folium.Polygon per hamlet, for 300 hamlets only: why we do not.
Prints a table, then ONE JSON line of figures. Run: .venv/bin/python benchmarks/bench_map.py
"""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HAMLETS = 3321
TEAMS = 30
RUNS = 5
PER_SHAPE = 300
BUDGET_S = 55  # stop repeating once this is spent, so the script stays under a minute


def _hexagon(lat: float, lon: float, radius: float = 0.01) -> dict:
    ring = [[round(lon + radius * math.cos(math.pi / 3 * k), 6),
             round(lat + radius * math.sin(math.pi / 3 * k), 6)] for k in range(6)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _build(app) -> int:
    """Create 1 province, 34 communes, 3,321 hamlet polygons, 30 teams with assignments."""
    from fieldops.areas.models import COMMUNE, HAMLET, PROVINCE, Area
    from fieldops.auth import services as accounts
    from fieldops.campaigns import services as campaigns
    from fieldops.db import db
    from fieldops.teams import services
    from fieldops.teams.models import Assignment

    rng = random.Random(4)
    with app.app_context():
        db.create_all()
        accounts.create_user("bench", "Người đo", "mat-khau-bench", "organizer", "0912000999")
        province = Area(level=PROVINCE, kind="tinh", name="Thử nghiệm")
        communes = [Area(level=COMMUNE, kind="xa", name=f"Xã {i}", parent=province,
                         latitude=16.0, longitude=106.0) for i in range(34)]
        db.session.add_all([province, *communes])
        for n in range(HAMLETS):
            # Spread over the mainland box that validate_geometry accepts.
            lat, lon = rng.uniform(8.8, 22.8), rng.uniform(102.6, 109.3)
            db.session.add(Area(level=HAMLET, kind="thon", name=f"Thôn {n}",
                                parent=communes[n % 34], population_14plus=rng.randint(300, 4000),
                                latitude=lat, longitude=lon,
                                boundary=json.dumps(_hexagon(lat, lon), separators=(",", ":"))))
        db.session.flush()
        campaign = campaigns.save_campaign(None, title="Đo bản đồ", start_date=date(2025, 10, 10),
                                           end_date=date(2025, 11, 8), communes=communes)
        org = services.save_organisation(None, name="Đoàn Thanh niên", kind="youth_union")
        hamlets = sorted((h for c in communes for h in c.children), key=lambda h: h.id)
        for t in range(TEAMS):
            lead = services.save_member(None, full_name=f"Trưởng đoàn {t}",
                                        phone=f"09130{t:05d}", organisation=org, it_savvy=True)
            team = services.save_team(campaign, None, name=f"Đoàn {t + 1}",
                                      lead_organisation=org, lead=lead, members=[lead])
            # Bulk rows: the benchmark measures reading the map, not the overlap checks.
            for hamlet in hamlets[t::TEAMS][:60]:
                db.session.add(Assignment(team=team, hamlet=hamlet, start_date=date(2025, 10, 10),
                                          end_date=date(2025, 11, 8), weekday=5))
        db.session.commit()
        return campaign.id


def _median_ms(fn, runs: int, deadline: float) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() > deadline:
            break
    return statistics.median(times), result


def main() -> None:
    started = time.perf_counter()
    deadline = started + BUDGET_S
    tmp = Path(tempfile.mkdtemp(prefix="bench-map-"))
    os.environ["FIELDOPS_INSTANCE_PATH"] = str(tmp)
    import folium

    from fieldops import create_app
    from fieldops.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "MAP_TILES_URL": ""})
    t0 = time.perf_counter()
    campaign_id = _build(app)
    build_s = time.perf_counter() - t0
    client = app.test_client()
    client.post("/sign-in", data={"username": "bench", "password": "mat-khau-bench"})

    page_ms, page = _median_ms(lambda: client.get(f"/campaigns/{campaign_id}/map"), RUNS,
                               deadline)
    from fieldops.teams.maps import forget_cached_bodies

    geojson_url = f"/campaigns/{campaign_id}/map.geojson"

    def cold():
        forget_cached_bodies()  # as after any change: the JSON is built again
        return client.get(geojson_url)

    data_ms, data = _median_ms(cold, RUNS, deadline)
    warm_ms, _warm = _median_ms(lambda: client.get(geojson_url), RUNS, deadline)
    assert page.status_code == 200 and data.status_code == 200
    etag = data.headers["ETag"]
    not_modified_ms, unchanged = _median_ms(lambda: client.get(
        f"/campaigns/{campaign_id}/map.geojson", headers={"If-None-Match": etag}), RUNS, deadline)
    assert unchanged.status_code == 304
    def filtered_cold():
        forget_cached_bodies()
        return client.get(f"{geojson_url}?team=1&day=18/10/2025")

    filtered_ms, filtered = _median_ms(filtered_cold, RUNS, deadline)
    collection = json.loads(data.get_data(as_text=True))
    features = len(collection["features"])

    def bare() -> str:
        fmap = folium.Map(location=[16, 106], zoom_start=6, tiles=None)
        folium.GeoJson(
            collection,
            style_function=lambda f: {"color": f["properties"]["color"],
                                      "fillColor": f["properties"]["color"], "weight": 2},
            popup=folium.GeoJsonPopup(fields=["name", "commune", "population_14plus"]),
        ).add_to(fmap)
        return fmap.get_root().render()

    bare_ms, bare_html = _median_ms(bare, RUNS, deadline)

    def per_shape() -> str:
        fmap = folium.Map(location=[16, 106], zoom_start=6, tiles=None)
        for feature in collection["features"][:PER_SHAPE]:
            ring = feature["geometry"]["coordinates"][0]
            props = feature["properties"]
            folium.Polygon([(lat, lon) for lon, lat in ring], color=props["color"], fill=True,
                           popup=props["name"]).add_to(fmap)
        return fmap.get_root().render()

    shape_ms, shape_html = _median_ms(per_shape, max(1, RUNS - 2), deadline)
    with app.app_context():
        db.engine.dispose()

    figures = {
        "hamlets": features,
        "our_page_ms": round(page_ms, 1), "our_page_bytes": len(page.data),
        "geojson_ms": round(data_ms, 1), "geojson_bytes": len(data.data),
        "geojson_gzip_bytes": len(gzip.compress(data.data)),
        "geojson_cached_ms": round(warm_ms, 1),
        "geojson_304_ms": round(not_modified_ms, 1),
        "geojson_team_day_ms": round(filtered_ms, 1),
        "geojson_team_day_bytes": len(filtered.data),
        "bare_folium_ms": round(bare_ms, 1), "bare_folium_bytes": len(bare_html),
        "per_polygon_300_ms": round(shape_ms, 1), "per_polygon_300_bytes": len(shape_html),
        "page_plus_geojson_vs_bare_time": round((page_ms + data_ms) / bare_ms, 2),
        "page_plus_geojson_vs_bare_bytes": round((len(page.data) + len(data.data))
                                                 / len(bare_html), 2),
        "build_db_s": round(build_s, 1), "total_s": round(time.perf_counter() - started, 1),
    }
    rows = (
        ("our map page (HTML, folium built per request)", page_ms, len(page.data)),
        (f"our GeoJSON endpoint, {features} hamlets, built", data_ms, len(data.data)),
        ("  same, gzip-compressed size for reference", None, len(gzip.compress(data.data))),
        ("  same, body kept from an earlier request", warm_ms, len(data.data)),
        ("  same, unchanged (304 with ETag)", not_modified_ms, len(unchanged.data)),
        ("  same, one team on one Saturday", filtered_ms, len(filtered.data)),
        ("bare folium, same GeoJSON in one layer", bare_ms, len(bare_html)),
        (f"folium, one Polygon per hamlet ({PER_SHAPE} only)", shape_ms, len(shape_html)),
    )
    print(f"Hamlet map benchmark: {features} hamlet polygons, {TEAMS} teams, median of "
          f"up to {RUNS} runs (database built in {build_s:.1f} s)")
    print(f"{'case':<52} {'server ms':>10} {'bytes':>12}")
    for label, ms, size in rows:
        shown = "" if ms is None else f"{ms:.1f}"
        print(f"{label:<52} {shown:>10} {size:>12,}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
