"""The police's daily list on a 390 px phone: upload with title rows, preview, an unknown hamlet
mapped, confirm, then the next day's list and its comparison page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories.auth import signed_in_page
from tests.factories.drive_lists import list_csv, person_rows

pytestmark = pytest.mark.browser


def _upload(page, day: str, content: bytes, name: str) -> None:
    page.locator("input[name=list_day]").fill(day)
    page.locator("select[name=commune_id]").select_option(label="Xã Nhơn Trạch")
    page.locator("input[name=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content})
    page.get_by_role("button", name="Xem trước").click()


def test_import_a_list_with_title_rows_and_compare_the_next_day(page, shoot):
    signed_in_page(page)
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("30 ngày phổ cập chữ ký số")).first.click()
    page.locator("#campaign-lists").click()
    expect(page.locator("h1")).to_have_text("Danh sách của công an")
    page.locator("#import-list").click()
    first = list_csv(person_rows(["an", "binh", "cuong"], hamlets={"cuong": "Ấp Phước Mỹ Cũ"}))
    _upload(page, "20/10/2025", first, "ds-20-10.csv")
    expect(page).to_have_url(re.compile(r"/drive/lists/import/"))
    expect(page.locator("#list-summary")).to_contain_text("3 người — 3 mới")
    # The two closest first; other tests' hamlets (random names) may add a third.
    expect(page.locator("#unknown-hamlets")).to_contain_text("Có phải: Ấp Phước Mỹ, Ấp Phước Lý")
    expect(page.locator("#confirm-list")).to_be_disabled()
    shoot(page, "drive-list-preview-unknown-hamlet")
    page.get_by_role("button", name="Lưu cách hiểu tên thôn/ấp").click()
    expect(page.locator("#unknown-hamlets")).to_have_count(0)
    expect(page.locator("#preview-rows")).to_contain_text("********1234")
    shoot(page, "drive-list-preview")
    page.locator("#confirm-list").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Đã nhập danh sách ngày 20/10/2025: 3 người (3 mới")

    page.locator("#import-list").click()
    _upload(page, "21/10/2025", list_csv(person_rows(["an", "dung"])), "ds-21-10.csv")
    expect(page.locator("#list-summary")).to_contain_text(
        "2 người — 1 mới, 1 vẫn còn, 0 quay lại; 2 người ra khỏi danh sách")
    page.locator("#confirm-list").click()
    expect(page.locator(".flash-success")).to_contain_text("2 người đã ra khỏi danh sách")
    shoot(page, "drive-lists")
    page.get_by_role("link", name="21/10/2025").first.click()
    page.locator("#list-changes").get_by_role("link", name=re.compile("Đã ra khỏi")).click()
    people = page.locator("#list-people")
    expect(people).to_contain_text("Trần Thị Bình")
    expect(people).to_contain_text("Lê Văn Cường")
    expect(people).not_to_contain_text("Nguyễn Văn An")
    expect(people).to_contain_text("********2345")
    shoot(page, "drive-list-gone")
    page.locator("#list-changes").get_by_role("link", name=re.compile("Vẫn còn")).click()
    expect(people).to_contain_text("Nguyễn Văn An")
    expect(people.locator("td[data-label='Số ngày trong danh sách']")).to_have_text("2")
    shoot(page, "drive-list-still")


def test_a_column_not_recognised_is_mapped_on_the_phone(page, shoot):
    signed_in_page(page)
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("30 ngày phổ cập chữ ký số")).first.click()
    page.locator("#campaign-lists").click()
    page.locator("#import-list").click()
    page.locator("select[name=kind]").select_option(label="Có CCCD gắn chip, chưa đề nghị mức độ 2")
    header = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Mã công dân", "Số điện thoại",
              "Nơi thường trú", "Thôn/Ấp/Tổ", "Trạng thái")
    content = list_csv(person_rows(["em"]), header=header)
    _upload(page, "20/10/2025", content, "chip.csv")
    mapping = page.locator("#column-mapping")
    expect(page.locator("#upload-problems")).to_contain_text("1 lỗi")
    expect(mapping).to_contain_text("Mã công dân")
    shoot(page, "drive-list-column-mapping")
    mapping.get_by_label("Mã công dân").select_option(label="Số định danh cá nhân (CCCD)")
    _upload(page, "20/10/2025", content, "chip.csv")
    expect(page.locator("#list-summary")).to_contain_text("1 người — 1 mới")
