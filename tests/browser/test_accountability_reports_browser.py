"""Reports on a clock in Chromium on a 390 px phone: the home reminder, filling and submitting
a report with the unit's own figure, and the deadline board."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories.auth import DEMO_ADMIN, DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser


def test_a_commune_fills_its_report_from_the_home_reminder(open_page, shoot):
    page = signed_in_page(open_page(PHONE), DEMO_VOLUNTEER)
    reminder = page.locator("#report-reminders a.reminder").filter(
        has_text="Báo cáo kết quả hằng ngày (trước 17h00)").first
    expect(reminder).to_contain_text("Xã Nhơn Trạch")
    shoot(page, "accountability-home-reminder-phone")
    reminder.click()
    expect(page.locator("h1")).to_have_text("Báo cáo kết quả hằng ngày (trước 17h00)")
    # The figures come filled in; the unit adds its own count and its narrative.
    first = page.locator("table.figures tbody tr").first
    expect(first).to_contain_text("Mọi dịch vụ của chiến dịch")
    ours = int(first.locator('[data-field="done_period"]').inner_text().replace(".", ""))
    first.locator("input[name^=own_period_]").fill(str(ours + 3))
    page.get_by_label("Kết quả thực hiện").fill("Mở 2 bàn hỗ trợ tại trụ sở UBND xã.")
    page.get_by_label("Khó khăn, vướng mắc").fill("Sóng 4G yếu ở ấp Xóm Hố.")
    shoot(page, "accountability-report-form-phone")
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.locator(".flash").first).to_contain_text("Đã nộp báo cáo")
    version = page.locator("#version-1")
    expect(version).to_contain_text("Mở 2 bàn hỗ trợ tại trụ sở UBND xã.")
    expect(version.locator('tbody tr').first.locator('[data-field="diff_period"]')) \
        .to_have_text("+3")
    shoot(page, "accountability-report-submitted-phone")
    path = urlsplit(page.url).path
    page.goto("/")
    # The period just reported is no longer reminded.
    expect(page.locator(f'#report-reminders a[href="{path}"]')).to_have_count(0)


def test_the_deadline_board_of_hung_ha_on_a_phone(open_page, shoot):
    page = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("^Cuộc vận động cài đặt")).first.click()
    page.locator("#campaign-duties a").click()
    expect(page.locator("h1")).to_have_text("Báo cáo định kỳ")
    page.get_by_role("link", name="Bảng theo dõi hạn nộp").first.click()
    # The demo week: open 17/04/2023 by its address, then step back a day with the button.
    page.goto(page.url.split("?")[0] + "?period=2023-04-17")
    page.get_by_role("link", name=re.compile("Kỳ trước")).click()
    expect(page.locator("h1")).to_have_text("Kỳ 16/04/2023")
    counts = {state: int(page.locator(f'#board-counts [data-state="{state}"] span').inner_text())
              for state in ("on_time", "late", "missing", "waiting")}
    assert sum(counts.values()) == 35 and counts["on_time"] and counts["late"] \
        and counts["missing"]
    expect(page.locator("#owing li")).to_have_count(counts["missing"])
    expect(page.locator('#board-table tr[data-state="missing"]')).to_have_count(
        counts["missing"])
    shoot(page, "accountability-board-phone")
    page.locator('#board-table tr[data-state="late"] a').first.click()
    expect(page.locator("#report-state")).to_contain_text("Nộp muộn")
    expect(page.locator("#version-1")).to_be_visible()
    shoot(page, "accountability-late-report-phone")


def test_an_organizer_edits_then_deletes_a_duty_on_a_phone(open_page, shoot):
    page = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("^Cuộc vận động cài đặt")).first.click()
    page.locator("#campaign-duties a").click()
    # The demo's daily report has submitted reports: no delete, and the page says why.
    reported = page.locator(".card[id^=duty-]").filter(
        has_text="Báo cáo tiến độ hằng ngày (trước 17h00)").first
    expect(reported).to_contain_text("nên không xóa được")
    expect(reported.get_by_role("button", name="Xóa")).to_have_count(0)
    page.get_by_label("Tên báo cáo").fill("Báo cáo tuần thử")
    page.get_by_label("Tần suất").select_option("weekly")
    page.get_by_role("button", name="Thêm").click()
    card = page.locator(".card[id^=duty-]").filter(has_text="Báo cáo tuần thử")
    card.get_by_role("link", name="Sửa").click()
    expect(page.locator("h1")).to_have_text("Sửa báo cáo định kỳ")
    expect(page.get_by_label("Tên báo cáo")).to_have_value("Báo cáo tuần thử")
    expect(page.get_by_label("Tần suất")).to_have_value("weekly")
    page.get_by_label("Tên báo cáo").fill("Báo cáo tuần (trước 16h30 thứ Bảy)")
    page.get_by_label("Báo cáo tuần: thứ").select_option("5")
    page.get_by_label("Giờ hạn nộp").fill("16:30")
    shoot(page, "accountability-duty-edit-phone")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash").first).to_contain_text("Đã lưu báo cáo định kỳ")
    card = page.locator(".card[id^=duty-]").filter(has_text="Báo cáo tuần (trước 16h30 thứ Bảy)")
    expect(card).to_contain_text("hạn 16:30")
    shoot(page, "accountability-duty-edited-phone")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Xóa").click()
    expect(page.locator(".flash").first).to_contain_text("Đã xóa báo cáo định kỳ")
    expect(page.locator(".card[id^=duty-]").filter(has_text="Báo cáo tuần")).to_have_count(0)
    shoot(page, "accountability-duty-deleted-phone")
