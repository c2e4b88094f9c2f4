"""The hamlet map: offline assets, one GeoJSON layer, filters, privacy, boundaries, imports."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from openpyxl import Workbook

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.teams import assignments, services
from fieldops.teams.models import Member
from tests.factories.auth import PASSWORD, sign_in
from tests.factories.teams import TeamFactory, build_setup, ids

HEXAGON = {"type": "Polygon", "coordinates": [[
    [106.9272, 10.7662], [106.9254, 10.7692], [106.9219, 10.7692], [106.9202, 10.7662],
    [106.9219, 10.7631], [106.9254, 10.7631], [106.9272, 10.7662]]]}


@pytest.fixture
def setup(app, users):
    """Đoàn 1 (led by the team-lead account) on Chợ and Trâu on 10/10; Đoàn 2 on Mỹ Khoan."""
    with app.app_context():
        made = build_setup()
        campaign, people, hamlets = made["campaign"], made["people"], made["hamlets"]
        from fieldops.areas import services as areas

        areas.set_boundary(hamlets["Chợ"], HEXAGON)
        hamlets["Trâu"].latitude, hamlets["Trâu"].longitude = 10.7591, 106.9314
        hamlets["Mỹ Khoan"].latitude, hamlets["Mỹ Khoan"].longitude = 10.7528, 106.9170
        people["lead"].user = db.session.execute(
            db.select(User).filter_by(username="doan1")).scalar()
        one = TeamFactory(campaign=campaign, name="Đoàn 1", lead=people["lead"],
                          members=[people["nurse"]])
        two = TeamFactory(campaign=campaign, name="Đoàn 2", lead=people["vnpt"],
                          members=[people["viettel"]])
        launch = date(2025, 10, 10)
        for team, place in ((one, "Chợ"), (one, "Trâu"), (two, "Mỹ Khoan")):
            assignments.assign(team, hamlets[place], start=launch, end=launch)
        assignments.assign(two, hamlets["Mỹ Khoan"], start=launch, end=date(2025, 11, 8),
                           weekday=5)
        db.session.commit()
        return {**ids(made), "teams": [one.id, two.id], "colors": [one.color, two.color]}


def _geojson(client, setup, query=""):
    response = client.get(f"/campaigns/{setup['campaign']}/map.geojson{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response, json.loads(response.get_data(as_text=True))


def test_map_page_loads_only_from_our_server(app, organizer, setup):
    page = organizer.get(f"/campaigns/{setup['campaign']}/map").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    # Named by their content (cached for a year, see test_static_files.py).
    assert any(re.fullmatch(r"/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", s) for s in sources)
    assert any(re.fullmatch(r"/vendor/leaflet/leaflet\.[0-9a-f]{12}\.css", s) for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    # One layer, filled from the endpoint: the page does not grow with the hamlets.
    assert page.count("FieldopsMap.hamletLayer(") == 1
    assert f"/campaigns/{setup['campaign']}/map.geojson" in page
    # Tiles are off by default (no tile layer, no other host), on when configured.
    assert "L.tileLayer" not in page and "openstreetmap" not in page
    app.config["MAP_TILES_URL"] = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    page = organizer.get(f"/campaigns/{setup['campaign']}/map").get_data(as_text=True)
    assert "L.tileLayer" in page and "tile.openstreetmap.org" in page
    app.config["MAP_TILES_URL"] = ""
    for asset in ("leaflet.js", "leaflet.css", "images/layers.png"):
        with organizer.get(f"/vendor/leaflet/{asset}") as response:
            assert response.status_code == 200


def test_geojson_colours_by_team_and_filters(organizer, setup):
    response, data = _geojson(organizer, setup)
    features = {f["properties"]["name"]: f for f in data["features"]}
    assert set(features) == {"Ấp Chợ", "Ấp Trâu", "Ấp Mỹ Khoan"}  # Phước Mỹ has no shape
    assert data["properties"]["without_shape"] == 1
    assert features["Ấp Chợ"]["geometry"]["type"] == "Polygon"
    assert features["Ấp Trâu"]["geometry"] == {"type": "Point", "coordinates": [106.9314, 10.7591]}
    assert features["Ấp Chợ"]["properties"]["color"] == setup["colors"][0]
    assert features["Ấp Mỹ Khoan"]["properties"]["color"] == setup["colors"][1]
    chợ = features["Ấp Chợ"]["properties"]
    assert chợ["population_14plus"] == 1000 and chợ["commune"] == "Xã Nhơn Trạch"
    assert chợ["teams"][0]["lead"] == "Võ Trưởng Đoàn"
    assert chợ["teams"][0]["phone"] == "0912000002"  # organizers see every lead's phone
    assert features["Ấp Mỹ Khoan"]["properties"]["teams"][0]["days"] == [
        "10/10/2025", "Thứ Bảy hằng tuần, 10/10/2025 – 08/11/2025"]

    _, by_team = _geojson(organizer, setup, f"?team={setup['teams'][1]}")
    assert [f["properties"]["name"] for f in by_team["features"]] == ["Ấp Mỹ Khoan"]
    _, saturday = _geojson(organizer, setup, "?day=18/10/2025")
    assert [f["properties"]["name"] for f in saturday["features"]] == ["Ấp Mỹ Khoan"]
    _, friday = _geojson(organizer, setup, "?day=10/10/2025")
    assert len(friday["features"]) == 3
    bad = organizer.get(f"/campaigns/{setup['campaign']}/map.geojson?day=31/02/2025")
    assert bad.status_code == 400 and "ngày/tháng/năm" in bad.get_json()["error"]


def test_geojson_is_cached_with_an_etag(organizer, setup):
    response, _ = _geojson(organizer, setup)
    etag = response.headers["ETag"]
    assert "private" in response.headers["Cache-Control"]
    again = organizer.get(f"/campaigns/{setup['campaign']}/map.geojson",
                          headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # Any change to what the map shows gives a new version: the phone gets the new data.
    organizer.post(f"/campaigns/{setup['campaign']}/assignments/new", data={
        "team_id": str(setup["teams"][1]), "hamlets": [str(setup["hamlets"]["Trâu"])],
        "mode": "day", "day": "11/10/2025"})
    changed = organizer.get(f"/campaigns/{setup['campaign']}/map.geojson",
                            headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    trâu = next(f for f in changed.get_json()["features"] if f["properties"]["name"] == "Ấp Trâu")
    assert [t["name"] for t in trâu["properties"]["teams"]] == ["Đoàn 1", "Đoàn 2"]


def test_team_lead_sees_own_hamlets_first_and_no_other_phones(client, users, setup):
    sign_in(client, users["team_lead"])
    response, data = _geojson(client, setup)
    names = [f["properties"]["name"] for f in data["features"]]
    assert names[:2] == ["Ấp Chợ", "Ấp Trâu"] and all(
        f["properties"]["own"] for f in data["features"][:2])
    text = response.get_data(as_text=True)
    assert "0912000002" in text  # my own lead phone
    # Đoàn 2's lead and members: never sent to another team's lead.
    assert "0911777888" not in text and "0868555666" not in text
    page = client.get(f"/campaigns/{setup['campaign']}/map").get_data(as_text=True)
    assert "Đoàn 1 (đoàn của tôi)" in page
    assert "draw-panel" not in page  # only organizers draw boundaries


def _post_boundary(client, setup, hamlet_id, geometry):
    return client.post(f"/campaigns/{setup['campaign']}/hamlets/{hamlet_id}/boundary",
                       json={"geometry": geometry})


def test_drawn_boundary_is_saved(app, organizer, setup):
    response = _post_boundary(organizer, setup, setup["hamlets"]["Trâu"], HEXAGON)
    assert response.status_code == 200
    assert response.get_json()["message"] == "Đã lưu ranh giới Ấp Trâu."
    with app.app_context():
        assert db.session.get(Area, setup["hamlets"]["Trâu"]).geometry == HEXAGON


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "Point", "coordinates": [106.92, 10.76]}, "Ranh giới phải là một vùng khép kín"),
    ({"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86],
                                          [2.35, 48.85]]]}, "nằm ngoài lãnh thổ Việt Nam"),
    ({"type": "Polygon", "coordinates": [[[106.92, 10.76], [106.93, 10.76]]]},
     "cần ít nhất 4 điểm"),
    ({"type": "LineString", "coordinates": [[106.92, 10.76], [106.93, 10.76]]},
     "Ranh giới phải là một vùng khép kín"),
])
def test_bad_boundary_is_refused_and_nothing_changes(app, organizer, setup, geometry, message):
    response = _post_boundary(organizer, setup, setup["hamlets"]["Chợ"], geometry)
    assert response.status_code == 422
    assert message in response.get_json()["error"]
    with app.app_context():
        assert db.session.get(Area, setup["hamlets"]["Chợ"]).geometry == HEXAGON


def test_boundary_of_another_campaigns_hamlet_or_by_a_lead_is_refused(app, organizer, users,
                                                                      setup):
    response = _post_boundary(organizer, setup, setup["other_hamlet"], HEXAGON)
    assert response.status_code == 422
    assert "không thuộc chiến dịch này" in response.get_json()["error"]
    lead = app.test_client()
    sign_in(lead, users["team_lead"])
    assert _post_boundary(lead, setup, setup["hamlets"]["Chợ"], HEXAGON).status_code == 403


def test_boundary_post_needs_the_csrf_token(app, setup):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"username": "toch", "password": PASSWORD,
                                  "csrf_token": token})
    url = f"/campaigns/{setup['campaign']}/hamlets/{setup['hamlets']['Trâu']}/boundary"
    assert client.post(url, json={"geometry": HEXAGON}).status_code == 400
    map_page = client.get(f"/campaigns/{setup['campaign']}/map").get_data(as_text=True)
    csrf = re.search(r'data-csrf="([^"]+)"', map_page).group(1)
    ok = client.post(url, json={"geometry": HEXAGON}, headers={"X-CSRFToken": csrf})
    assert ok.status_code == 200


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_members_import_preview_then_confirm(app, organizer, setup):
    content = _xlsx([
        ["DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ"],
        ["STT", "Họ và tên", "Số điện thoại", "Đơn vị", "Am hiểu CNTT", "Tài khoản"],
        [1, "Trần Thị Mới", "0987 111 222", "viettel dong nai", "x", ""],
        [2, "Lê Thị Y", "0938111222", "Trạm Y tế xã", "có", "tnv1"],
    ])
    preview = organizer.post("/members/import", data={
        "file": (io.BytesIO(content), "thanh-vien.xlsx")})
    assert preview.status_code == 302
    page = organizer.get(preview.headers["Location"]).get_data(as_text=True)
    assert "1 thành viên mới, 1 cập nhật." in page
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Member.id))).scalar() == 5
    assert organizer.post(preview.headers["Location"]).status_code == 302
    with app.app_context():
        new = db.session.execute(db.select(Member).filter_by(phone="0987111222")).scalar_one()
        assert (new.full_name, new.organisation.name, new.it_savvy) == (
            "Trần Thị Mới", "Viettel Đồng Nai", True)
        nurse = db.session.execute(db.select(Member).filter_by(phone="0938111222")).scalar_one()
        assert nurse.it_savvy and nurse.user.username == "tnv1"
    again = organizer.post(preview.headers["Location"], follow_redirects=True)
    assert "Tệp này đã được nhập rồi" in again.get_data(as_text=True)


def test_members_import_with_errors_names_rows_and_columns_and_stores_nothing(app, organizer,
                                                                             setup):
    csv = ("Họ và tên;Số điện thoại;Tổ chức;Am hiểu CNTT\n"
           "Nguyễn Văn A;0912 999 888;Viettel Đồng Nai;có\n"
           "Nguyễn Văn B;024 3825 1234;Viettel Đồng Nai;\n"
           "Nguyễn Văn C;0912999777;Hội Làm Vườn;\n"
           "Nguyễn Văn D;0912999888;VNPT Đồng Nai;rồi\n").encode("utf-8-sig")
    response = organizer.post("/members/import", data={"file": (io.BytesIO(csv), "tv.csv")})
    page = response.get_data(as_text=True)
    assert "Tệp có 4 lỗi; chưa có gì được lưu." in page
    assert "“024 3825 1234” không phải số di động Việt Nam" in page
    assert "Chưa có tổ chức “Hội Làm Vườn”." in page
    assert "Trùng số điện thoại với dòng 2." in page
    assert "“rồi” không rõ" in page
    assert re.search(r"<td>3</td><td>Số điện thoại</td>", page)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Member.id))).scalar() == 5


def test_demo_nhon_trach_teams_are_on_the_map(app, client, users):
    from fieldops.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
        campaign = db.session.execute(
            db.select(Campaign).filter_by(plan_number="63/KH-UBND")).scalar_one()
        campaign_id = campaign.id
        teams = [t.name for t in services.teams_of(campaign)]
    assert teams == ["Đoàn 1", "Đoàn 2", "Đoàn 3", "Đoàn 4", "Đoàn 5"]
    sign_in(client, "admin", "demo-admin-2025")
    _, launch = _geojson(client, {"campaign": campaign_id}, "?day=10/10/2025")
    by_team = {f["properties"]["name"]: f["properties"]["teams"][0]["name"]
               for f in launch["features"]}
    assert by_team == {"Ấp Chợ": "Đoàn 1", "Ấp Trâu": "Đoàn 1", "Ấp Mỹ Khoan": "Đoàn 2",
                       "Ấp Phước Mỹ": "Đoàn 2"}
    _, saturday = _geojson(client, {"campaign": campaign_id}, "?day=18/10/2025")
    assert len({f["properties"]["teams"][0]["name"] for f in saturday["features"]}) == 5


def test_geojson_is_gzipped_for_phones_that_accept_it(organizer, setup):
    import gzip

    plain, features = _geojson(organizer, setup)
    packed = organizer.get(f"/campaigns/{setup['campaign']}/map.geojson",
                           headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(gzip.decompress(packed.data)) == features
    assert packed.headers["ETag"] == plain.headers["ETag"]
