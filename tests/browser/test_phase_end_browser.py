"""Phase end in Chromium: freezing a running phase after its confirm page and undoing it, and
the demo's ended phase (frozen automatically) with its commendation and exclusion lists."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, assert_no_sideways_scroll
from tests.factories.auth import DEMO_ADMIN, sign_in_page

pytestmark = pytest.mark.browser


def _campaign(page: Page, title: str) -> None:
    sign_in_page(page, *DEMO_ADMIN)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile(title)).first.click()


def test_freeze_asks_first_and_is_undone_before_the_end(desktop_page, shoot):
    page = desktop_page
    _campaign(page, "^Dùng thử")
    page.goto(page.url.rstrip("/") + "/ranking")
    page.locator("#freeze-link").click()
    expect(page.locator("#freeze-question")).to_contain_text("không thay đổi nữa")
    shoot(page, "phase-end-freeze-confirm")
    page.locator("#confirm-freeze").click()
    expect(page.locator("#frozen")).to_contain_text("Ban tổ chức chốt bằng tay.")
    expect(page.locator("#freeze-log")).to_contain_text("Chốt bằng tay")
    shoot(page, "phase-end-frozen-by-hand")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hủy chốt xếp hạng").click()
    expect(page.locator("#frozen")).to_have_count(0)
    expect(page.locator("#freeze-log tbody tr")).to_have_count(2)
    expect(page.locator("#freeze-log")).to_contain_text("Hủy chốt")
    expect(page.locator("#freeze-link")).to_be_visible()
    shoot(page, "phase-end-undone")


def test_the_ended_phase_s_commendation_lists_on_a_phone(open_page, shoot):
    page = open_page(PHONE)
    _campaign(page, "^Cuộc vận động cài đặt")
    page.goto(page.url.rstrip("/") + "/ranking")
    page.get_by_role("link", name="Giai đoạn 1", exact=True).click()
    expect(page.locator("#frozen")).to_contain_text("Hệ thống tự chốt khi giai đoạn kết thúc.")
    expect(page.get_by_role("button", name="Hủy chốt xếp hạng")).to_have_count(0)
    shoot(page, "phase-end-ranking-frozen-phone")
    page.locator("#commendation-link").click()
    expect(page.locator("#commended tbody tr")).to_have_count(2)
    expect(page.locator("#commended")).to_contain_text("chưa kiểm tra xác suất")
    expect(page.locator("#excluded")).to_contain_text(
        "Tỷ lệ sai khi kiểm tra xác suất 25,0 %, vượt ngưỡng 10,0 %")
    assert_no_sideways_scroll(page)
    shoot(page, "phase-end-commendation-phone")
    with page.expect_download() as download:
        page.locator("#downloads a", has_text="Word").click()
    assert download.value.suggested_filename.startswith("khen-thuong-")
