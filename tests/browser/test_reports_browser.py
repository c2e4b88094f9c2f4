"""Targets and progress used for real in Chromium: progress, drill-down, chart, import, map."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from fieldops.reports.demo import appendix_workbook
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories.auth import DEMO_ADMIN, sign_in_page

pytestmark = pytest.mark.browser


def _hung_ha_progress(page: Page) -> None:
    sign_in_page(page, *DEMO_ADMIN)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("^Cuộc vận động cài đặt")).first.click()
    page.locator("#campaign-progress a").click()
    page.get_by_role("link", name="Giai đoạn 1", exact=True).click()
    expect(page.locator("h1")).to_have_text("Tiến độ Giai đoạn 1")


def test_progress_table_chart_drill_down_and_excel(open_page, shoot, tmp_path):
    page = open_page(DESKTOP)
    _hung_ha_progress(page)
    rows = page.locator("#progress-table tbody tr")
    expect(rows).to_have_count(35)
    tan_le = page.locator("#progress-table tr", has_text="Xã Tân Lễ")
    expect(tan_le.locator("td").nth(1)).to_have_text("2.500")
    expect(page.locator("#progress-total th").nth(1)).to_have_text("51.500")
    assert page.locator("svg.burnup polyline.done-line").count() == 1
    expect(page.locator(".light-red, .light-amber, .light-green").first).to_be_visible()
    shoot(page, "reports-progress-desktop")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel theo mẫu phụ lục").click()
    path = tmp_path / "tien-do.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet["A4"].value == "STT" and sheet["D4"].value == "Giai đoạn 1"
    assert sheet.max_row == 5 + 35 + 1 and sheet.cell(41, 2).value == "Tổng"
    assert sheet.cell(41, 4).value == 51500
    tan_le.get_by_role("link").click()
    expect(page.locator("#drill-crumbs")).to_contain_text("Xã Tân Lễ")
    expect(page.locator("#progress-table tbody tr")).to_have_count(3)
    shoot(page, "reports-progress-commune")


def test_progress_on_a_phone(open_page, shoot):
    page = open_page(PHONE)
    _hung_ha_progress(page)
    expect(page.locator("#progress-table tbody tr").first).to_be_visible()
    page.locator("#burnup").scroll_into_view_if_needed()
    assert page.locator("svg.burnup").bounding_box()["width"] <= PHONE["width"]
    shoot(page, "reports-progress-phone")


def test_import_preview_shows_the_total_row_mismatches(open_page, shoot, tmp_path):
    page = open_page(PHONE)
    _hung_ha_progress(page)
    page.get_by_role("link", name="Chỉ tiêu", exact=True).click()
    page.get_by_role("link", name="Nhập phụ lục chỉ tiêu (CSV/Excel)").click()
    file = tmp_path / "phu-luc-60-KH.xlsx"
    file.write_bytes(appendix_workbook())
    page.locator("input[type=file]").set_input_files(str(file))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#mismatches")).to_contain_text("không khớp tổng các dòng ở 3 cột")
    expect(page.locator("#mismatch-table tbody tr")).to_have_count(3)
    expect(page.locator("#mismatch-table")).to_contain_text("80.900")
    shoot(page, "reports-import-preview")
    page.get_by_role("button", name=re.compile("Xác nhận nhập 105 chỉ tiêu")).click()
    expect(page.locator(".flash-success")).to_contain_text("Đã nhập 105 chỉ tiêu")


def test_progress_map_colours_hamlets(open_page, shoot):
    page = open_page(DESKTOP)
    # No internet here: answer the map tiles empty, as a phone without signal would see them.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    _hung_ha_progress(page)
    page.get_by_role("link", name="Bản đồ tiến độ").click()
    expect(page.locator(".leaflet-interactive").first).to_be_attached()
    colours = page.evaluate("""() => [...document.querySelectorAll('.leaflet-interactive')]
        .map(e => e.getAttribute('fill'))""")
    assert len(colours) == 105 and len(set(colours)) >= 2, set(colours)
    page.wait_for_timeout(800)  # let Leaflet's zoom to all hamlets finish before the picture
    shoot(page, "reports-map")
