"""The ticket and the desk queue in headless Chromium: one number per person, the volunteer's
marks, and pages that keep their last state, saying when it was read, once the network drops.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import test_checkin_browser as checkin
from tests.factories.auth import DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

#: the same scene as the check-in module: a campaign running today and its desk "Bàn 9"
live_server = checkin.live_server
SCENE = checkin.SCENE
UPDATED = re.compile(r"Cập nhật lúc \d\d/\d\d/\d{4} \d\d:\d\d$")


def scan(page, name: str, phone: str) -> str:
    """Fill the desk's check-in form as a citizen does and send it; return the ticket's URL."""
    page.goto(f"/checkin/{SCENE['token']}")
    page.locator("input[name=full_name]").fill(name)
    page.locator("input[name=phone]").fill(phone)
    page.get_by_label("Ấp Chợ").check()
    page.get_by_label("Cài đặt ứng dụng VNeID").check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Lấy số thứ tự").click()
    page.wait_for_url(re.compile(r"/checkin/ticket/"))
    return page.url


def test_same_citizen_scanning_twice_holds_one_number_and_the_ticket_survives_offline(
        open_page, shoot):
    phone = open_page()
    first = scan(phone, "Hồ Thị Lan", "0987 333 444")
    number = phone.locator(".queue-number").inner_text()
    # The answer was "lost": they scan again, typing their name their own way and +84.
    assert scan(phone, "ho thi LAN", "+84 987 333 444") == first
    # Back to the sent form and send it again: the same ticket.
    phone.go_back()
    phone.get_by_role("button", name="Lấy số thứ tự").click()
    phone.wait_for_url(first)
    expect(phone.locator(".queue-number")).to_have_text(number)
    expect(phone.locator(".live-status")).to_have_text(UPDATED)

    # The network drops: the number stays on screen, and the page says since when.
    phone.context.set_offline(True)
    phone.evaluate("window.fieldopsLive.refresh()")
    expect(phone.locator(".live-status")).to_contain_text(
        "Mất kết nối – đang hiển thị thông tin lúc")
    expect(phone.locator(".queue-number")).to_have_text(number)
    expect(phone.get_by_text("Hồ Thị Lan")).to_be_visible()
    shoot(phone, "checkin-ticket-offline")

    phone.context.set_offline(False)
    phone.evaluate("window.fieldopsLive.refresh()")
    expect(phone.locator(".live-status")).to_have_text(UPDATED)


def test_the_volunteer_marks_duplicate_and_absent_and_call_next_skips_them(open_page, shoot):
    citizen = open_page()
    for name, phone in (("Mai Văn Một", "0911 000 001"), ("Mai Văn Hai", "0911 000 002"),
                        ("Mai Văn Ba", "0911 000 003")):
        scan(citizen, name, phone)
    volunteer = open_page()
    signed_in_page(volunteer, DEMO_VOLUNTEER)
    volunteer.goto(f"/checkin/desks/{SCENE['desk_id']}")
    row = volunteer.locator("tr[data-entry]")
    if row.filter(has_text="Hồ Thị Lan").count():  # the ticket test's citizen never came
        row.filter(has_text="Hồ Thị Lan").get_by_role("button", name="Vắng").click()
        expect(row.filter(has_text="Hồ Thị Lan")).to_contain_text("Vắng")
    row.filter(has_text="Mai Văn Một").get_by_role("button", name="Trùng").click()
    row.filter(has_text="Mai Văn Hai").get_by_role("button", name="Vắng").click()
    expect(row.filter(has_text="Mai Văn Hai")).to_contain_text("Vắng")

    # A citizen scans while the desk's page is open: it shows them without a reload.
    scan(citizen, "Mai Văn Bốn", "0911 000 004")
    volunteer.evaluate("window.fieldopsLive.refresh()")
    expect(row.filter(has_text="Mai Văn Bốn")).to_contain_text("Đang chờ")
    expect(row.filter(has_text="Mai Văn Một")).to_contain_text("Trùng")
    expect(row.filter(has_text="Mai Văn Một").get_by_role("button", name="Bỏ đánh dấu")) \
        .to_be_visible()
    expect(volunteer.locator(".live-status")).to_have_text(UPDATED)
    shoot(volunteer, "checkin-queue-marks")

    volunteer.get_by_role("button", name="Gọi người tiếp theo").click()
    expect(volunteer.get_by_role("heading", name=re.compile("Mai Văn Ba"))).to_be_visible()
