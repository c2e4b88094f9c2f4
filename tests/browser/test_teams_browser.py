"""Teams and the hamlet map in headless Chromium, with no internet.

These tests run their own live server (demo data, Nhơn Trạch teams) so that they can switch the
map's tiles on and off; every request must stay on that server, except OpenStreetMap tiles in
the one test that turns them on and then finds them unreachable, as on a phone with no signal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, watch_csp
from tests.browser.scenes import demo_app, served
from tests.factories.auth import DEMO_ADMIN, DEMO_TEAM_LEAD, signed_in_page

pytestmark = pytest.mark.browser

SHAPES = ".leaflet-overlay-pane path.leaflet-interactive"
TILE_HOST = "tile.openstreetmap.org"


@pytest.fixture(scope="module")
def teams_server(tmp_path_factory) -> Iterator[tuple[str, object, int]]:
    """Serve the demo on 127.0.0.1 with no map tiles; yield (base URL, app, campaign id)."""
    from fieldops.campaigns.models import Campaign
    from fieldops.db import db

    app = demo_app(tmp_path_factory.mktemp("teams-browser"), "teams.db", MAP_TILES_URL="")
    with app.app_context():
        db.session.commit()
        campaign_id = db.session.execute(
            db.select(Campaign.id).filter_by(plan_number="63/KH-UBND")).scalar_one()
    with served(app) as url:
        yield url, app, campaign_id


@pytest.fixture
def opened(browser, teams_server):
    """Open pages on the teams server; fail on any request that leaves it (tiles aside)."""
    base, _app, _campaign = teams_server
    origin = urlsplit(base).netloc
    contexts, foreign, tiles, errors = [], [], [], []

    def route(route_, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == origin:
            route_.continue_()
            return
        (tiles if parts.netloc == TILE_HOST else foreign).append(request.url)
        route_.abort("internetdisconnected")

    def _open(viewport=PHONE, who=DEMO_ADMIN) -> Page:
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=base)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", route)
        watch_csp(context, errors)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
        return signed_in_page(page, who)

    _open.tiles = tiles
    yield _open
    for context in contexts:
        context.close()
    assert not foreign, f"requests left the server: {foreign}"
    assert not errors, f"page or server errors: {errors}"


def _map(page: Page, campaign_id: int, query: str = "") -> None:
    page.goto(f"/campaigns/{campaign_id}/map{query}")
    expect(page.locator("#map-status")).to_be_empty()


def test_map_offline_draws_every_hamlet(opened, teams_server, shoot):
    _base, _app, campaign_id = teams_server
    page = opened(DESKTOP)
    _map(page, campaign_id)
    # Nhơn Trạch: 6 hamlets with a boundary (polygons) and 2 known by a point (circles).
    expect(page.locator(SHAPES)).to_have_count(8)
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    expect(page.locator("#legend")).to_contain_text("Đoàn 5")
    shoot(page, "teams-map-desktop")
    _click_hamlet(page, "Ấp Chợ")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Ấp Chợ")
    expect(popup).to_contain_text("Đoàn 1")
    expect(popup).to_contain_text("0987654321")  # organizers see the lead's phone
    expect(popup).to_contain_text("Thứ Bảy hằng tuần")
    shoot(page, "teams-map-popup")

    page.locator("#team").select_option(label="Đoàn 2")
    page.locator("#day").fill("10/10/2025")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(SHAPES)).to_have_count(2)  # Mỹ Khoan and Phước Mỹ on launch day


def _click_hamlet(page: Page, name: str) -> None:
    """Click (a real mouse click) the middle of a hamlet's shape."""
    point = page.evaluate("""name => {
        let found = null;
        FieldopsMap.layer.eachLayer(l => { if (l.feature.properties.name === name) found = l; });
        const p = FieldopsMap.map.latLngToContainerPoint(found.getBounds().getCenter());
        return {x: p.x, y: p.y};
    }""", name)
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_map_without_reachable_tiles_still_shows_hamlets(opened, teams_server, shoot):
    _base, app, campaign_id = teams_server
    app.config["MAP_TILES_URL"] = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
    try:
        page = opened(PHONE)
        _map(page, campaign_id)
        expect(page.locator(SHAPES)).to_have_count(8)
        page.wait_for_timeout(300)
        assert opened.tiles, "the tile layer should have asked for tiles"
        shoot(page, "teams-map-phone-no-tiles")
    finally:
        app.config["MAP_TILES_URL"] = ""


def test_team_lead_sees_own_hamlets_and_not_other_phones(opened, teams_server, shoot):
    _base, _app, campaign_id = teams_server
    page = opened(PHONE, DEMO_TEAM_LEAD)
    with page.expect_response(re.compile(r"map\.geojson")) as info:
        _map(page, campaign_id)
    data = json.loads(info.value.text())
    first = data["features"][0]["properties"]
    assert first["own"] and first["teams"][0]["name"] == "Đoàn 1"
    others = [t for f in data["features"] for t in f["properties"]["teams"]
              if t["name"] != "Đoàn 1"]
    assert others and all(t["phone"] is None for t in others)
    expect(page.locator("#legend li.own")).to_have_text(re.compile("Đoàn 1"))
    expect(page.locator("#draw-panel")).to_have_count(0)
    expect(page.locator(SHAPES)).to_have_count(8)
    shoot(page, "teams-map-phone-lead")


def test_teams_schedule_and_assignment_clash(opened, teams_server, shoot):
    _base, _app, campaign_id = teams_server
    page = opened(PHONE)
    page.goto(f"/campaigns/{campaign_id}/teams")
    expect(page.locator("#warnings")).to_contain_text("Đoàn 2 thiếu 1 người của VNPT Đồng Nai")
    shoot(page, "teams-list-phone")
    page.get_by_role("link", name=re.compile("Đoàn 1")).first.click()
    expect(page.get_by_role("heading", name="Đoàn 1")).to_be_visible()
    shoot(page, "teams-detail-phone")

    page.goto(f"/campaigns/{campaign_id}/assignments/new")
    page.locator("#team_id").select_option(label="Đoàn 3")
    page.locator("input[data-filter='#hamlets-list']").fill("cho")
    page.locator("#hamlets-list").get_by_label(re.compile("Ấp Chợ")).check()
    page.locator("input[name=mode][value=day]").check()
    page.locator("#day").fill("18/10/2025")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".error, .flash-error").first).to_contain_text(
        "Ấp Chợ đã giao cho Đoàn 1 vào ngày 18/10/2025.")
    shoot(page, "teams-assign-clash-phone")

    page.goto(f"/campaigns/{campaign_id}/schedule")
    expect(page.locator("#schedule")).to_contain_text("Thứ Bảy, 18/10/2025")
    shoot(page, "teams-schedule-phone")
    page.goto(f"/campaigns/{campaign_id}/schedule/print")
    expect(page.locator("#print-list")).to_contain_text("Thứ Bảy hằng tuần")
    page.set_viewport_size(DESKTOP)
    shoot(page, "teams-print-desktop")


def test_organizer_draws_a_boundary(opened, teams_server, shoot):
    _base, _app, campaign_id = teams_server
    page = opened(DESKTOP)
    _map(page, campaign_id)
    expect(page.locator(SHAPES)).to_have_count(8)
    page.locator("#draw-hamlet").select_option(label="Ấp Phước Mỹ · Xã Nhơn Trạch")
    page.locator("#draw-start").click()
    box = page.locator(".folium-map").bounding_box()
    for dx, dy in ((0.2, 0.2), (0.3, 0.2), (0.3, 0.3)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        page.wait_for_timeout(350)  # apart, so that no two clicks make a double-click
    expect(page.locator("#draw-status")).to_contain_text("Đã chấm 3 điểm.")
    with page.expect_response(re.compile(r"/boundary$")) as saved:
        page.locator("#draw-save").click()
    assert saved.value.status == 200
    expect(page.locator("#draw-status")).to_have_text("Đã lưu ranh giới Ấp Phước Mỹ.")
    expect(page.locator(SHAPES)).to_have_count(8)  # the circle became a polygon
    shoot(page, "teams-map-drawn")
