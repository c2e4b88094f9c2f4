"""Spot-checks and tasks on a phone (390 px) in Chromium, on the demo data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories.auth import DEMO_ADMIN, signed_in_page

pytestmark = pytest.mark.browser


def _campaign(page, name: str) -> None:
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile(name)).first.click()


def test_a_spot_check_drawn_and_called_back_on_a_phone(open_page, shoot):
    page = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    _campaign(page, "Dùng thử")
    page.locator("#campaign-accountability").get_by_role("link", name="Kiểm tra xác suất").click()
    # The demo's own check: two rejected, one not reached, three confirmed -> 60 %.
    expect(page.locator("#checks tbody tr")).to_have_count(1)
    expect(page.locator("#checks tbody tr").first).to_contain_text("3 / 2 / 1")
    form = page.locator("#draw-form")
    form.get_by_label("Đơn vị được kiểm tra").select_option(label="Ấp Chợ (Xã Nhơn Trạch)")
    form.get_by_label("Cỡ mẫu (số kết quả hoặc %)").fill("5")
    form.get_by_role("button", name="Rút mẫu").click()
    # Ấp Chợ has 3 results today: a sample of 5 is refused and nothing is drawn.
    expect(form.locator(".error")).to_contain_text("Cỡ mẫu 5 lớn hơn số kết quả")
    shoot(page, "accountability-spot-checks-refused-phone")
    form.get_by_label("Cỡ mẫu (số kết quả hoặc %)").fill("2")
    form.get_by_role("button", name="Rút mẫu").click()
    expect(page.locator("h1")).to_contain_text("Gọi lại kiểm tra")
    items = page.locator("li.callback")
    expect(items).to_have_count(2)
    expect(items.first.locator("a.phone")).to_have_attribute("href", re.compile(r"^tel:09"))
    shoot(page, "accountability-callbacks-drawn-phone")
    first = items.nth(0)
    first.get_by_label("Xác nhận đúng").check()
    first.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash-success")).to_contain_text("Xác nhận đúng")
    second = page.locator("li.callback").nth(1)
    second.get_by_label("Không đúng, loại").check()
    second.get_by_placeholder("Lý do (bắt buộc khi loại)").fill("Người dân chưa kích hoạt")
    second.get_by_role("button", name="Lưu").click()
    expect(page.locator("li.callback").nth(1)).to_have_class(re.compile("verdict-rejected"))
    expect(page.locator("#check-rate strong")).to_have_text(re.compile(r"^50"))
    shoot(page, "accountability-callbacks-verdicts-phone")
    # Drawn again for the same hamlet and day: the same sample, not a second one.
    page.go_back()
    page.goto(page.locator("nav.crumbs a").first.get_attribute("href"))
    form = page.locator("#draw-form")
    form.get_by_label("Đơn vị được kiểm tra").select_option(label="Ấp Chợ (Xã Nhơn Trạch)")
    form.get_by_label("Cỡ mẫu (số kết quả hoặc %)").fill("3")
    form.get_by_role("button", name="Rút mẫu").click()
    expect(page.locator(".flash-info")).to_contain_text("không rút mẫu thứ hai")
    expect(page.locator("li.callback")).to_have_count(2)


def test_the_launch_event_tasks_with_the_overdue_first_on_a_phone(open_page, shoot):
    page = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    _campaign(page, "30 ngày phổ cập chữ ký số")
    page.get_by_role("link", name="Lễ phát động và sự kiện").click()
    page.get_by_role("link", name=re.compile("Lễ phát động ra quân")).first.click()
    page.locator("#event-tasks").click()
    expect(page.locator("h1")).to_contain_text("Việc chuẩn bị")
    tasks = page.locator("#task-list li.task")
    expect(tasks).to_have_count(13)
    expect(page.locator("#overdue-count")).to_have_text("2 việc quá hạn.")
    for n in (0, 1):
        expect(tasks.nth(n).locator(".badge")).to_have_text("Quá hạn")
    badge = tasks.first.locator(".badge-overdue")
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(164, 22, 26)"
    expect(tasks.nth(2).locator(".badge")).to_have_text("Đã xong")
    shoot(page, "accountability-event-tasks-phone")
