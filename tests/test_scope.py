"""Organizers' areas: a commune organizer sees their commune only, a province organizer all
below it, an organizer without an area everything; what lies outside answers 404."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest

from fieldops.areas import services as areas
from fieldops.areas.models import COMMUNE, HAMLET, PROVINCE, Area
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.teams import assignments
from tests.factories.areas import add_hamlets
from tests.factories.auth import UserFactory, signed_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.checkin import build_scene, recorded
from tests.factories.teams import TeamFactory
from tests.test_checkin_api import token_for


@dataclass
class World:
    """Ids of the places, campaigns and people the matrix reads."""

    shared: int  # Nhơn Trạch and Long Tân (both in Đồng Nai)
    long_tan_only: int
    elsewhere: int  # Thái Bình
    event: int
    team: int
    outside_team: int  # sent to Long Tân only
    nhon_trach: int
    long_tan: int
    dong_nai: int
    thai_binh: int
    users: dict[str, int]


@pytest.fixture
def world(app, users) -> World:
    scene = build_scene(app)
    with app.app_context():
        nhon_trach = db.session.execute(
            db.select(Area).filter_by(level=COMMUNE, name="Nhơn Trạch")).scalar_one()
        dong_nai = nhon_trach.parent
        long_tan = areas.save_area(None, level=COMMUNE, name="Long Tân", parent=dong_nai)
        (ben,) = add_hamlets(long_tan, [("Bến Cam", 800)])
        thai_binh = areas.save_area(None, level=PROVINCE, name="Thái Bình")
        dong_hung = areas.save_area(None, level=COMMUNE, name="Đông Hưng", parent=thai_binh)
        shared = db.session.get(Campaign, scene.campaign_id)
        shared.communes.append(long_tan)
        db.session.add(Phase(campaign=shared, name="Giai đoạn 1", start_date=shared.start_date,
                             end_date=shared.end_date))
        only = CampaignFactory(title="Chiến dịch riêng Long Tân", communes=[long_tan])
        elsewhere = CampaignFactory(title="Chiến dịch Thái Bình", communes=[dong_hung])
        people = {
            "xa": UserFactory(username="xa_nt", role=ORGANIZER, area_id=nhon_trach.id),
            "tinh": UserFactory(username="tinh_dn", role=ORGANIZER, area_id=dong_nai.id),
        }
        outside_team = TeamFactory(campaign=shared, name="Đoàn Long Tân")
        assignments.assign(outside_team, ben, start=shared.start_date, end=shared.end_date)
        db.session.flush()
        scene.hamlets["Bến Cam"] = ben.id
        recorded(scene, "tnv1", 1, hamlet="Chợ", desk=True)
        recorded(scene, "tnv1", 2, hamlet="Bến Cam", desk=True)
        db.session.commit()
        ids = {name: u.id for name, u in people.items()}
        ids["toch"] = db.session.execute(
            db.select(User.id).filter_by(username="toch")).scalar_one()
        return World(shared.id, only.id, elsewhere.id, scene.event_id, scene.team_id,
                     outside_team.id, nhon_trach.id, long_tan.id, dong_nai.id, thai_binh.id, ids)


WHO = {"toch": "toch", "tinh": "tinh_dn", "xa": "xa_nt"}


def _routes(w: World) -> list[tuple[str, dict[str, int]]]:
    """(url, {who: status}) for the pages whose URL names something that has an area."""
    everyone = {"toch": 200, "tinh": 200, "xa": 200}
    province = {"toch": 200, "tinh": 200, "xa": 404}
    unscoped = {"toch": 200, "tinh": 404, "xa": 404}
    return [
        (f"/campaigns/{w.shared}", everyone),
        (f"/campaigns/{w.shared}/progress", everyone),
        (f"/campaigns/{w.shared}/targets", everyone),
        (f"/campaigns/{w.shared}/ranking", everyone),
        (f"/campaigns/{w.shared}/teams/{w.team}", everyone),
        (f"/campaigns/{w.shared}/teams/{w.outside_team}", province),
        (f"/events/{w.event}", everyone),
        (f"/campaigns/{w.long_tan_only}", province),
        (f"/campaigns/{w.long_tan_only}/edit", province),
        (f"/campaigns/{w.long_tan_only}/teams", province),
        (f"/campaigns/{w.elsewhere}", unscoped),
        (f"/campaigns/{w.elsewhere}/progress.csv", unscoped),
        (f"/areas/{w.nhon_trach}", everyone),
        (f"/areas/{w.long_tan}", province),
        (f"/areas/{w.dong_nai}", province),
        (f"/areas/{w.thai_binh}", unscoped),
        ("/areas/new?level=province", unscoped),
        (f"/areas/new?level=commune&parent={w.dong_nai}", province),
        (f"/areas/new?level=hamlet&parent={w.nhon_trach}", everyone),
        (f"/users/{w.users['xa']}/edit", everyone),
        (f"/users/{w.users['tinh']}/edit", province),
        (f"/users/{w.users['toch']}/edit", unscoped),
    ]


def test_pages_answer_by_area_role_matrix(app, world):
    clients = {who: signed_in(app, name) for who, name in WHO.items()}
    got, wanted = {}, {}
    for url, expected in _routes(world):
        for who, status in expected.items():
            response = clients[who].get(url)
            got[(url, who)], wanted[(url, who)] = response.status_code, status
            response.close()
    assert got == wanted


def test_lists_and_exports_hold_only_rows_of_the_area(app, world):
    for who, titles, names in (
            ("toch", {"Chiến dịch riêng Long Tân", "Chiến dịch Thái Bình"}, {1, 2}),
            ("tinh", {"Chiến dịch riêng Long Tân"}, {1, 2}),
            ("xa", set(), {1})):
        client = signed_in(app, WHO[who])
        for url in ("/campaigns", "/", "/registrations"):  # lists, home, list filters
            listing = client.get(url).get_data(as_text=True)
            assert {t for t in ("Chiến dịch riêng Long Tân", "Chiến dịch Thái Bình")
                    if t in listing} == titles, (who, url)
        registrations = client.get("/registrations").get_data(as_text=True)
        assert {n for n in (1, 2) if f"Người dân {n}<" in registrations} == names, who
        assert ("Bến Cam" in registrations) == (2 in names), who  # the hamlet filter
        rows = list(csv.reader(io.StringIO(
            client.get("/registrations/export.csv").data.decode("utf-8-sig"))))
        assert {n for n in (1, 2) if any(f"Người dân {n}" in row for row in rows)} == names, who


def test_progress_hides_communes_outside_the_area(app, world):
    page = signed_in(app, "xa_nt").get(f"/campaigns/{world.shared}/progress")
    text = page.get_data(as_text=True)
    assert "Xã Nhơn Trạch" in text and "Long Tân" not in text
    whole = signed_in(app, "tinh_dn").get(f"/campaigns/{world.shared}/progress")
    assert "Xã Long Tân" in whole.get_data(as_text=True)
    outside = signed_in(app, "xa_nt").get(
        f"/campaigns/{world.shared}/progress?level=commune&unit={world.long_tan}")
    assert outside.status_code == 404
    detail = signed_in(app, "xa_nt").get(f"/campaigns/{world.shared}").get_data(as_text=True)
    assert "Nhơn Trạch" in detail and "Long Tân" not in detail


def test_api_reads_are_limited_to_the_area(app, client, world):
    headers = {"Authorization": f"Bearer {token_for(app, 'xa_nt')}"}
    listed = client.get("/api/campaigns", headers=headers).json
    assert [c["id"] for c in listed["items"]] == [world.shared]
    assert [c["name"] for c in listed["items"][0]["communes"]] == ["Xã Nhơn Trạch"]
    for url in (f"/api/campaigns/{world.long_tan_only}",
                f"/api/campaigns/{world.elsewhere}/progress",
                f"/api/campaigns/{world.elsewhere}/teams"):
        assert client.get(url, headers=headers).status_code == 404, url
    report = client.get(f"/api/campaigns/{world.shared}/progress", headers=headers).json
    assert [line["label"] for line in report["lines"]] == ["Xã Nhơn Trạch"]
    assert report["total"]["claimed"] == 1  # the Long Tân record is not counted here
    province = {"Authorization": f"Bearer {token_for(app, 'tinh_dn')}"}
    whole = client.get(f"/api/campaigns/{world.shared}/progress", headers=province).json
    assert whole["total"]["claimed"] == 2


def test_an_organizer_gives_no_wider_area_than_their_own(app, world):
    xa = signed_in(app, "xa_nt")
    form = xa.get("/users/new").get_data(as_text=True)
    assert "Toàn bộ (không giới hạn)" not in form and "Long Tân" not in form
    base = {"username": "can_bo_2", "full_name": "Cán Bộ Hai", "role": ORGANIZER,
            "password": "matkhau-123"}
    refused = "chỉ có thể giao địa bàn nằm trong địa bàn của mình"
    for area in (str(world.dong_nai), ""):  # the province above, or the whole install
        page = xa.post("/users/new", data={**base, "area_id": area})
        assert refused in page.get_data(as_text=True), area
    assert xa.post("/users/new", data={**base, "area_id": str(world.nhon_trach)}
                   ).status_code == 302
    toch = signed_in(app, "toch")
    assert toch.post(f"/users/{world.users['xa']}/edit", data={
        "full_name": "Cán Bộ Xã", "role": ORGANIZER, "area_id": str(world.long_tan)}
    ).status_code == 302
    with app.app_context():
        made = db.session.execute(db.select(User).filter_by(username="can_bo_2")).scalar_one()
        moved = db.session.get(User, world.users["xa"])
        assert (made.area_id, moved.area_id) == (world.nhon_trach, world.long_tan)
        hamlet = db.session.execute(db.select(Area.id).filter_by(level=HAMLET)).scalars().first()
    page = toch.post(f"/users/{world.users['xa']}/edit", data={
        "full_name": "Cán Bộ Xã", "role": ORGANIZER, "area_id": str(hamlet)})
    assert "Hãy chọn một tỉnh, huyện hoặc xã." in page.get_data(as_text=True)


def test_only_who_sees_every_commune_edits_a_campaign(app, world):
    xa, tinh = signed_in(app, "xa_nt"), signed_in(app, "tinh_dn")
    with app.app_context():
        campaign = db.session.get(Campaign, world.shared)
        data = {"title": "Đổi tên", "start_date": campaign.start_date.strftime("%d/%m/%Y"),
                "end_date": campaign.end_date.strftime("%d/%m/%Y"),
                "communes": [str(world.nhon_trach)],
                "services": [str(s.id) for s in campaign.services]}
    assert xa.get(f"/campaigns/{world.shared}/edit").status_code == 404
    assert xa.post(f"/campaigns/{world.shared}/edit", data=data).status_code == 404
    assert f'href="/campaigns/{world.shared}/edit"' not in xa.get(
        f"/campaigns/{world.shared}").get_data(as_text=True)
    both = {**data, "communes": [str(world.nhon_trach), str(world.long_tan)]}
    assert tinh.post(f"/campaigns/{world.shared}/edit", data=both).status_code == 302
    with app.app_context():
        campaign = db.session.get(Campaign, world.shared)
        assert campaign.title == "Đổi tên"
        assert {c.id for c in campaign.communes} == {world.nhon_trach, world.long_tan}


def test_targets_maps_and_places_show_only_the_area(app, world):
    xa, tinh = signed_in(app, "xa_nt"), signed_in(app, "tinh_dn")
    targets = xa.get(f"/campaigns/{world.shared}/targets").get_data(as_text=True)
    assert "Xã Nhơn Trạch" in targets and "Long Tân" not in targets
    assert "Xã Long Tân" in tinh.get(f"/campaigns/{world.shared}/targets").get_data(as_text=True)
    assert xa.post(f"/campaigns/{world.shared}/targets/set", data={
        "kind": "area", "unit": str(world.long_tan), "value": "50"}).status_code == 404
    assert xa.post(f"/campaigns/{world.shared}/targets/settings", data={
        "person_floor": "1", "green_percent": "90", "amber_percent": "60"}).status_code == 404
    teams = xa.get(f"/campaigns/{world.shared}/teams").get_data(as_text=True)
    assert "Đoàn 1" in teams and "Đoàn Long Tân" not in teams
    toch = signed_in(app, "toch")
    for commune in (world.nhon_trach, world.long_tan):  # only units with a target are ranked
        assert toch.post(f"/campaigns/{world.shared}/targets/set", data={
            "kind": "area", "unit": str(commune), "value": "50"}).status_code == 302
    ranking = xa.get(f"/campaigns/{world.shared}/ranking").get_data(as_text=True)
    assert "Xã Nhơn Trạch" in ranking and "Long Tân" not in ranking
    assert "Xã Long Tân" in tinh.get(f"/campaigns/{world.shared}/ranking").get_data(as_text=True)
    shapes = xa.get(f"/campaigns/{world.shared}/progress-map.geojson").get_data(as_text=True)
    assert "Ấp Chợ" in shapes and "Bến Cam" not in shapes
    assert "Bến Cam" in tinh.get(f"/campaigns/{world.shared}/progress-map.geojson"
                                 ).get_data(as_text=True)
    places = xa.get("/areas/").get_data(as_text=True)
    assert "Nhơn Trạch" in places and "Thái Bình" not in places
    found = [a["name"] for a in tinh.get("/areas/search.json?q=xa").json]
    assert "Xã Long Tân" in found and "Xã Đông Hưng" not in found
    choices = tinh.get("/areas/import").get_data(as_text=True)
    assert "Tỉnh Đồng Nai" in choices and "Thái Bình" not in choices
