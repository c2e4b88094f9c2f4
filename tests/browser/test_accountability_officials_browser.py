"""The officials' own e-ID in Chromium: the organizers' page of Hưng Hà's communes (lagging
first, one without a roster) on a desktop, and a commune adding an official on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories.auth import DEMO_ADMIN, signed_in_page

pytestmark = pytest.mark.browser


def test_organizers_see_the_lagging_communes_first(open_page, shoot):
    page = signed_in_page(open_page(DESKTOP), DEMO_ADMIN)
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("^Cuộc vận động cài đặt")).first.click()
    page.locator("#campaign-officials").click()
    expect(page.locator("h1")).to_have_text("Cán bộ, công chức tự thực hiện định danh điện tử")
    first = page.locator("#officials-table tbody tr").first
    expect(first).to_contain_text("Xã Hồng Minh")
    expect(first).to_contain_text("chưa có danh sách")
    expect(page.locator("#officials-table tbody tr").nth(1)).to_contain_text("chưa đủ")
    expect(page.locator("#officials-table tbody tr").last).to_contain_text("100 %")
    expect(page.locator("#officials-not-done")).to_contain_text("Dùng trên Cổng DVC")
    shoot(page, "officials-campaign-desktop")
    page.get_by_role("link", name="tốt nhất trước").click()
    expect(page.locator("#officials-table tbody tr").last).to_contain_text("Xã Hồng Minh")


def test_a_commune_adds_an_official_to_its_roster_on_a_phone(open_page, shoot):
    from fieldops.accountability.duty_demo import DEMO_PASSWORD

    page = signed_in_page(open_page(PHONE), ("xa_hongminh", DEMO_PASSWORD))
    page.goto("/my-reports")
    page.locator("#my-officials a").first.click()
    expect(page.locator("h1")).to_contain_text("Cán bộ của Xã Hồng Minh")
    expect(page.locator("#unit-state")).to_contain_text("chưa có danh sách")
    page.get_by_label("Họ và tên").fill("Nguyễn Văn Minh")
    page.get_by_label("Chức vụ").fill("Chủ tịch UBND xã")
    page.get_by_label("Định danh mức 2").check()
    page.locator("#eid_level2_on").fill("20/04/2023")
    page.get_by_label("Cài đặt, kích hoạt VNeID").check()
    page.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.locator(".flash").first).to_contain_text("Đã thêm Nguyễn Văn Minh")
    row = page.locator("#roster tbody tr").first
    expect(row.locator('[data-check="eid_level2"]')).to_contain_text("20/04/2023")
    expect(row.locator('[data-check="public_services_account"]')).to_contain_text("chưa")
    expect(page.locator("#unit-state")).to_contain_text("còn 1 người chưa đủ")
    expect(page.locator("#unit-completion .stat").first).to_contain_text("0,0 %")
    shoot(page, "officials-unit-phone")
