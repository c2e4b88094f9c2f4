"""A commune organizer on a phone: the organizer without an area gives them Xã Nhơn Trạch on the
accounts page; they then see only Nhơn Trạch's campaigns and its rows of progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories.auth import DEMO_ADMIN, sign_in_page

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
