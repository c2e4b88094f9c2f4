"""The trial campaign's progress in Chromium: its desk records show in the teams view too,
both views give the same total, and the chart's axis reads whole, distinct numbers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories.auth import DEMO_ADMIN, sign_in_page

pytestmark = pytest.mark.browser


def _trial_progress(page: Page) -> None:
    sign_in_page(page, *DEMO_ADMIN)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("^Dùng thử: hỗ trợ tại bàn")).first.click()
    page.locator("#campaign-progress a").click()
    expect(page.locator("h1")).to_have_text("Tiến độ Tuần dùng thử")


def _total_done(page: Page) -> str:
    return page.locator("#progress-total th").nth(2).inner_text()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_desk_records_add_up_in_both_views(open_page, shoot, size):
    page = open_page(size)
    _trial_progress(page)
    places_total = _total_done(page)
    assert int(places_total.replace(".", "")) > 0  # the demo's desk records
    ticks = page.locator("svg.burnup text[text-anchor=end]").all_text_contents()
    assert len(ticks) == len(set(ticks)) and all(re.fullmatch(r"[\d.]+", t) for t in ticks)
    shoot(page, f"reports-progress-trial-places-{size['width']}")
    page.get_by_role("link", name="Theo đoàn và cá nhân").click()
    expect(page.locator("#progress-table tr[data-key=t-none]")).to_contain_text(
        "Tại bàn, không qua đoàn")
    expect(page.locator("#progress-total th").nth(2)).to_have_text(places_total)
    expect(page.locator("#progress-table")).not_to_contain_text("Chưa có đơn vị nào")
    shoot(page, f"reports-progress-trial-teams-{size['width']}")
