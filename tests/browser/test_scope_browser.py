"""A commune organizer on a phone: the organizer without an area gives them Xã Nhơn Trạch on the
accounts page; they then see only Nhơn Trạch's campaigns and its rows of progress. The demo's
commune officer of Hồng Minh sees no other commune of Hưng Hà."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fieldops.demo import DEMO_USERS, HUNG_HA_COMMUNES
from tests.browser.conftest import PHONE
from tests.factories.auth import DEMO_ADMIN, sign_in_page, signed_in_page

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "can-bo-xa-pham-vi", "matkhau-pham-vi"


def test_a_commune_organizer_sees_their_commune_only(open_page, shoot):
    admin = open_page(PHONE)
    sign_in_page(admin, *DEMO_ADMIN)
    expect(admin).to_have_url(re.compile(r"/$"))
    admin.goto("/users/new")
    admin.locator("input[name=username]").fill(USERNAME)
    admin.locator("input[name=full_name]").fill("Cán Bộ Xã Phạm Vi")
    admin.locator("select[name=role]").select_option("organizer")
    area = admin.locator("select[name=area_id] option", has_text=re.compile(r"^Xã Nhơn Trạch,"))
    admin.locator("select[name=area_id]").select_option(area.get_attribute("value"))
    admin.locator("input[name=password]").fill(PASSWORD)
    admin.locator("form button[type=submit].primary").click()
    expect(admin.locator("table.list")).to_contain_text(USERNAME)
    expect(admin.locator("tr", has_text=USERNAME)).to_contain_text("Xã Nhơn Trạch")

    officer = open_page(PHONE)
    sign_in_page(officer, USERNAME, PASSWORD)
    expect(officer).to_have_url(re.compile(r"/$"))
    officer.goto("/campaigns")
    expect(officer.locator("main")).to_contain_text("63/KH-UBND")
    # Hưng Hà's campaign covers none of Nhơn Trạch: it is not listed.
    expect(officer.locator("main")).not_to_contain_text("định danh điện tử")
    shoot(officer, "scope-commune-organizer-campaigns-390")
    officer.get_by_role("link", name=re.compile("30 ngày phổ cập chữ ký số")).first.click()
    officer.locator("#campaign-progress a").click()
    expect(officer.locator("#progress-table")).to_contain_text("Xã Nhơn Trạch")
    shoot(officer, "scope-commune-organizer-progress-390")


def _demo_login(username: str) -> tuple[str, str]:
    return next((user[0], user[4]) for user in DEMO_USERS if user[0] == username)


def test_the_demo_commune_officer_sees_hong_minh_only(open_page, shoot):
    """The demo's hongminh, limited to xã Hồng Minh of Hưng Hà's 35 communes: progress and
    ranking name no other commune, and a neighbour's place page answers the 404 page."""
    admin = open_page(PHONE)
    signed_in_page(admin, DEMO_ADMIN)
    found = admin.request.get("/areas/search.json?level=commune&q=Hồng Lĩnh").json()
    neighbour = next(a["id"] for a in found if a["name"] == "Xã Hồng Lĩnh")

    officer = signed_in_page(open_page(PHONE), _demo_login("hongminh"))
    officer.goto("/campaigns")
    officer.get_by_role("link", name=re.compile("định danh điện tử")).first.click()
    officer.locator("#campaign-progress a").click()
    expect(officer.locator("#progress-table")).to_contain_text("Xã Hồng Minh")
    others = [name for name, _people in HUNG_HA_COMMUNES if name not in ("Hồng Minh", "Hưng Hà")]
    others.append("Thị trấn Hưng Hà")  # the district's name alone is on every page
    shoot(officer, "scope-demo-hongminh-progress-390")
    assert not [name for name in others if name in officer.locator("main").inner_text()]
    officer.get_by_role("link", name="Xếp hạng", exact=True).click()
    expect(officer.locator("main")).to_contain_text("Xã Hồng Minh")
    shoot(officer, "scope-demo-hongminh-ranking-390")
    assert not [name for name in others if name in officer.locator("main").inner_text()]

    answer = officer.goto(f"/areas/{neighbour}")
    assert answer.status == 404
    expect(officer.locator("main")).to_contain_text("Không tìm thấy")
