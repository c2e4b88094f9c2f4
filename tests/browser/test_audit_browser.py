"""The organizer's audit log in a browser: a reveal made on a record shows up in the log, with
who, when and from where, and the log filters down to it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories.auth import DEMO_ADMIN, signed_in_page

pytestmark = pytest.mark.browser


def test_a_reveal_appears_in_the_audit_log_and_the_filters_find_it(open_page, shoot):
    page = signed_in_page(open_page(DESKTOP), DEMO_ADMIN)
    page.goto("/registrations?source=desk")
    page.locator("table.list tbody tr td a").first.click()
    record = re.search(r"/registrations/(\d+)", page.url).group(1)
    page.get_by_role("button", name="Hiện số đầy đủ").click()
    expect(page.locator("code.revealed")).to_be_visible()

    page.get_by_role("link", name="Nhật ký truy cập", exact=True).click()
    rows = page.locator("#audit-entries tbody tr")
    expect(rows.first).to_contain_text("Xem số CCCD đầy đủ")
    expect(rows.first).to_contain_text("Nguyễn Văn An")
    expect(rows.first.locator(f'a[href="/registrations/{record}"]')).to_be_visible()
    expect(rows.first).to_contain_text("127.0.0.1")
    page.select_option("#f-action", "reveal")
    page.fill("#f-registration", record)
    page.get_by_role("button", name="Lọc").click()
    expect(rows).to_have_count(1)
    shoot(page, "audit-log-desktop")

    phone = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    phone.goto("/audit")
    expect(phone.locator("#audit-entries tbody tr").first).to_contain_text("Xem số CCCD")
    shoot(phone, "audit-log-phone")
