"""The review documents in Chromium: from the progress page to the Word file and the Zalo text
copied with one tap, on a phone; the event's invitations from its page."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, assert_no_sideways_scroll
from tests.factories.auth import DEMO_ADMIN, sign_in_page

pytestmark = pytest.mark.browser


def _hung_ha_progress(page: Page) -> None:
    sign_in_page(page, *DEMO_ADMIN)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("^Cuộc vận động cài đặt")).first.click()
    page.locator("#campaign-progress a").click()
    page.get_by_role("link", name="Giai đoạn 1", exact=True).click()


def test_review_from_the_progress_page_on_a_phone(open_page, shoot, tmp_path):
    page = open_page(PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _hung_ha_progress(page)
    section = page.locator("#review-documents")
    with page.expect_download() as download:
        section.get_by_role("link", name="Word").first.click()
    path = tmp_path / "so-ket.docx"
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("so-ket-")
    doc = Document(io.BytesIO(path.read_bytes()))
    assert "Sơ kết Giai đoạn 1 thực hiện Kế hoạch số 60/KH-TCTĐA-CA" in [
        p.text for p in doc.paragraphs]
    section.get_by_role("link", name="Sửa tiêu đề, số văn bản, người ký, nơi nhận trước khi tải"
                        ).click()
    expect(page.locator("#issuing_body")).to_have_value("Tổ công tác Đề án 06 huyện Hưng Hà")
    assert_no_sideways_scroll(page)
    shoot(page, "accountability-review-form-phone")
    page.locator("#number").fill("12a")
    page.get_by_role("button", name="Tóm tắt gửi Zalo").click()
    expect(page.get_by_text("Số văn bản chỉ gồm chữ số.")).to_be_visible()
    page.locator("#number").fill("12")
    page.get_by_role("button", name="Tóm tắt gửi Zalo").click()
    expect(page.locator("#zalo-text")).to_contain_text("SƠ KẾT KH 60/KH-TCTĐA-CA")
    page.get_by_role("button", name="Sao chép").click()
    expect(page.locator("#copy-status")).to_have_text("Đã sao chép.")
    # The clipboard is written asynchronously after the status: wait for it, as a user would.
    wanted = page.locator("#zalo-text").input_value()
    for _ in range(20):
        copied = page.evaluate("navigator.clipboard.readText()")
        if copied == wanted:
            break
        page.wait_for_timeout(100)
    assert copied == wanted
    assert_no_sideways_scroll(page)
    shoot(page, "accountability-zalo-phone")


def test_invitations_from_the_event_page(open_page, tmp_path):
    page = open_page(PHONE)
    sign_in_page(page, *DEMO_ADMIN)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("30 ngày phổ cập")).first.click()
    page.locator(".events-link a").click()
    page.get_by_role("link", name=re.compile("Lễ phát động")).first.click()
    with page.expect_download() as download:
        page.locator("#event-invitations").click()
    path = tmp_path / "giay-moi.docx"
    download.value.save_as(path)
    doc = Document(io.BytesIO(path.read_bytes()))
    assert sum(1 for p in doc.paragraphs if p.text == "GIẤY MỜI") == 8
