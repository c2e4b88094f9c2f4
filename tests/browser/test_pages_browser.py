"""A button that deletes asks first, in a real browser: No keeps the page, Yes deletes."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_sideways_scroll
from tests.factories.auth import signed_in_page

pytestmark = pytest.mark.browser


def test_delete_asks_first_and_deletes_only_on_yes(page):
    signed_in_page(page)
    name = f"Tỉnh thử {uuid.uuid4().hex[:6]}"
    page.goto("/areas/new?level=province")
    page.locator("input[name=name]").fill(name)
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(r"/areas/\d+$"))
    place = page.url
    asked: list[str] = []

    def answer(yes: bool):
        def _answer(dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if yes else dialog.dismiss()
        return _answer

    delete = page.locator("form.danger-zone button.danger")
    page.once("dialog", answer(False))
    delete.click()
    expect(page.locator("h1")).to_contain_text(name)
    assert page.url == place
    page.once("dialog", answer(True))
    delete.click()
    expect(page.locator(".flash-success")).to_contain_text(f"Đã xóa {name}.")
    assert asked == ["Xóa nơi này?", "Xóa nơi này?"]
    assert page.goto(place).status == 404


def test_a_long_choice_in_a_filter_does_not_widen_the_phone_page(page):
    """A desk named at length must not make the phone scroll sideways on the registrations list."""
    signed_in_page(page)
    page.goto("/registrations")
    page.locator("form.filters details summary").click()
    page.evaluate("""() => {
        const option = document.createElement('option');
        option.textContent = 'Bàn tiếp nhận hồ sơ cấp căn cước và định danh điện tử mức độ 2 '
            + 'của Công an xã Nhơn Trạch tại Nhà văn hóa ấp Phước Mỹ (buổi sáng và buổi chiều)';
        document.querySelector('form.filters select').appendChild(option);
        option.selected = true;
    }""")
    assert_no_sideways_scroll(page)
