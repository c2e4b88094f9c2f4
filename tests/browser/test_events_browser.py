"""Launch events in headless Chromium: agenda editing and shifting, the reception tap counter
on a phone, desk codes and poster downloads, and what a citizen's phone opens from a code.

The demo's Nhơn Trạch event is shared by the run; tests that change an agenda make their own
event, and the tap test only adds arrivals to groups no other test counts.
"""

from __future__ import annotations

import io
import re
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, wait_until
from tests.factories.auth import DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser



def open_demo_event(page: Page) -> str:
    """Go from the campaign list to the Nhơn Trạch launch event; return its URL."""
    page.goto("/campaigns")
    page.get_by_role("link", name=re.compile("30 ngày phổ cập chữ ký số")).first.click()
    page.get_by_role("link", name="Lễ phát động và sự kiện").click()
    page.locator("#event-list a.link-card").first.click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))
    return page.url


def decode(png: bytes) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png))))


def test_event_list_calendar_and_detail(open_page, shoot):
    page = signed_in_page(open_page())
    open_demo_event(page)
    expect(page.locator("dl.facts")).to_contain_text("10/10/2025, 07:00–11:00")
    expect(page.locator("dl.facts")).to_contain_text("Trụ sở UBND xã Phước Thiền (cũ)")
    expect(page.locator(".agenda-summary li")).to_have_count(6)
    shoot(page, "events-detail")
    page.locator("nav.crumbs a", has_text="Sự kiện").click()
    expect(page.locator("table.calendar .cal-event")).to_contain_text("07:00")
    shoot(page, "events-list-calendar")


def test_build_an_agenda_see_clashes_and_shift_it(open_page, shoot):
    page = signed_in_page(open_page(DESKTOP))
    open_demo_event(page)
    page.locator("nav.crumbs a", has_text="Sự kiện").click()
    page.get_by_role("link", name="Tạo sự kiện").click()
    title = f"Ngày hội chữ ký số {uuid.uuid4().hex[:6]}"
    page.locator("input[name=title]").fill(title)
    page.locator("input[name=event_date]").fill("18/10/2025")
    page.locator("input[name=start_time]").fill("07h00")
    page.locator("input[name=end_time]").fill("11:00")
    page.locator("input[name=venue_name]").fill("Nhà văn hóa ấp Chợ")
    page.locator("input[name=expected_attendance]").fill("120")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã tạo sự kiện. Hãy lập chương trình chi tiết.")).to_be_visible()
    page.locator("nav.tabs").get_by_role("link", name="Chương trình").click()

    form = page.locator("#add-item")

    def add(start: str, end: str, what: str, parallel: bool = False) -> None:
        form.locator("input[name=start_time]").fill(start)
        form.locator("input[name=end_time]").fill(end)
        form.locator("input[name=title]").fill(what)
        if parallel:
            form.locator("input[name=parallel]").check()
        # Wait for the answer page: filling the next item into the page being left loses it.
        with page.expect_navigation():
            form.get_by_role("button", name="Thêm mục").click()

    add("07:00", "08:00", "Đón tiếp đại biểu")
    expect(page.get_by_text("Đã thêm mục vào chương trình.")).to_be_visible()
    # The form suggests the next slot: where the last item ended.
    expect(form.locator("input[name=start_time]")).to_have_value("08:00")
    add("08:00", "08:05", "Khai mạc")
    add("08:05", "10:30", "Các đoàn xuất quân")
    add("07:30", "08:10", "Văn nghệ chào mừng")
    expect(form.locator(".error")).to_contain_text(
        "Trùng giờ với: “Đón tiếp đại biểu” (07:00–08:00); “Khai mạc” (08:00–08:05); "
        "“Các đoàn xuất quân” (08:05–10:30)")
    shoot(page, "events-agenda-clash")
    form.locator("input[name=end_time]").fill("08:00")
    form.locator("input[name=parallel]").check()
    form.get_by_role("button", name="Thêm mục").click()
    expect(page.locator("tr.agenda-item")).to_have_count(4)
    expect(page.locator("tr.parallel")).to_contain_text("song song")

    shift = page.locator("#shift")
    shift.locator("select[name=item_id]").select_option(label="08:00 Khai mạc")
    shift.locator("input[name=minutes]").fill("40")
    shift.locator("input[name=reason]").fill("Khai mạc bắt đầu muộn")
    shift.get_by_role("button", name="Dời giờ").click()
    expect(page.get_by_text("Đã dời 2 mục, 40 phút.")).to_be_visible()
    expect(page.get_by_text("Giờ kết thúc sự kiện đã lùi từ 11:00 đến 11:10.")).to_be_visible()
    times = page.locator("tr.agenda-item td.time")
    expect(times).to_have_text(["07:00–08:00", "07:30–08:00", "08:40–08:45", "08:45–11:10"])
    expect(page.locator("#shift-log")).to_contain_text("Từ “Khai mạc” (08:00): +40 phút, 2 mục")
    shoot(page, "events-agenda-shifted")

    # Late, later, latest: the fourth shift would run past midnight and is refused.
    for start in ("12:45", "16:45", "20:45", None):
        shift.locator("select[name=item_id]").select_option(index=3)
        shift.locator("input[name=minutes]").fill("240")
        shift.get_by_role("button", name="Dời giờ").click()
        if start:
            expect(times.nth(3)).to_have_text(re.compile(f"^{start}–"))
    expect(shift.locator(".error")).to_contain_text("sau nửa đêm (quá 23:59)")
    expect(times.nth(3)).to_have_text("20:45–23:10")  # nothing moved

    page.locator("nav.tabs").get_by_role("link", name="Đang diễn ra").click()
    page.goto(page.url + "?at=08:42")
    expect(page.locator(".stage-now")).to_contain_text("Khai mạc")
    expect(page.locator(".stage-clock")).to_have_text("08:42")
    page.set_viewport_size({"width": 390, "height": 800})
    shoot(page, "events-now-next")


def test_reception_tap_counter_on_a_phone(open_page, shoot):
    page = signed_in_page(open_page(), DEMO_VOLUNTEER)
    open_demo_event(page)
    page.locator("nav.tabs").get_by_role("link", name="Lễ tân").click()
    card = page.locator(".tap-card", has_text="Ban giám hiệu các trường học")
    count = card.locator("[data-arrived]")
    total = page.locator("#arrived-total")
    expect(page.locator("#expected-total")).to_have_text("200")
    start = int(total.inner_text())
    before = int(count.inner_text())
    for _ in range(3):
        card.locator("button.tap-plus").click()
    expect(count).to_have_text(str(before + 3))
    expect(total).to_have_text(str(start + 3))
    card.locator("button.tap-minus").click()
    expect(count).to_have_text(str(before + 2))
    page.evaluate("window.scrollTo(0, 0)")  # the sticky total sits at the top, as on the phone
    shoot(page, "events-reception")

    # No signal for a moment: the tap waits in the phone's outbox, counted on screen, and is
    # sent when the network is back; the bar says how many wait, as on every field page.
    pending = page.locator("[data-outbox-pending]")
    expect(pending).to_have_text("0")  # the taps made with signal have all been sent
    page.context.set_offline(True)
    card.locator("button.tap-plus").click()
    expect(pending).to_have_text("1")
    expect(count).to_have_text(str(before + 3))
    expect(page.locator(".outbox-net")).to_have_text("Mất mạng")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "events-reception-offline")
    page.context.set_offline(False)
    expect(pending).to_have_text("0")
    page.reload()
    expect(count).to_have_text(str(before + 3))  # stored once on the server
    expect(total).to_have_text(str(start + 3))


def test_a_refused_tap_needs_attention_with_its_message_until_dropped(open_page, shoot):
    page = signed_in_page(open_page(), DEMO_VOLUNTEER)
    open_demo_event(page)
    page.locator("nav.tabs").get_by_role("link", name="Lễ tân").click()
    card = page.locator(".tap-card", has_text="Đại diện Sở Khoa học và Công nghệ")
    expect(card.locator("[data-arrived]")).to_have_text("0")
    card.locator("button.tap-minus").click()  # nobody to take away: the server refuses it
    expect(page.locator("[data-outbox-attention]")).to_have_text("1")
    expect(card.locator("[data-arrived]")).to_have_text("0")
    page.locator("[data-outbox-details] summary").click()
    item = page.locator("li.outbox-item.attention")
    expect(item).to_contain_text("Đại diện Sở Khoa học và Công nghệ")
    expect(item).to_contain_text("chưa có ai đến để bớt")
    expect(item.get_by_role("link", name="Sửa và gửi lại")).to_have_count(0)  # nothing to fix
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "events-reception-needs-attention")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Bỏ").click()
    expect(page.locator("[data-outbox-attention-wrap]")).to_be_hidden()


def test_taps_left_in_the_old_queue_move_into_the_outbox_once(open_page):
    """A phone that updated with taps still in the counter's old localStorage queue: they are
    sent through the outbox, and one the server had already counted counts once."""
    page = signed_in_page(open_page(), DEMO_VOLUNTEER)
    open_demo_event(page)
    page.locator("nav.tabs").get_by_role("link", name="Lễ tân").click()
    card = page.locator(".tap-card", has_text="Doanh nghiệp viễn thông, bưu điện, ngân hàng")
    count = card.locator("[data-arrived]")
    before = int(count.inner_text())
    url = card.locator("form.tap-form").first.get_attribute("action")
    counted = str(uuid.uuid4())
    card.locator("input[name=tap_id]").first.evaluate("(input, id) => input.value = id", counted)
    card.locator("button.tap-plus").click()  # counted by the server before the update
    expect(page.locator("[data-outbox-pending]")).to_have_text("0")
    expect(count).to_have_text(str(before + 1))
    old = [{"id": counted, "url": url, "delta": "1", "csrf": "old"},
           {"id": str(uuid.uuid4()), "url": url, "delta": "1", "csrf": "old"},
           {"id": str(uuid.uuid4()), "url": url, "delta": "1", "csrf": "old"}]
    page.evaluate("([key, taps]) => localStorage.setItem(key, JSON.stringify(taps))",
                  ["fieldops-taps:" + urlsplit(page.url).path, old])
    page.reload()
    expect(count).to_have_text(str(before + 3))
    expect(page.locator("[data-outbox-pending]")).to_have_text("0")
    assert page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('fieldops-taps:'))") == []
    page.reload()  # moved once: nothing is sent again
    expect(count).to_have_text(str(before + 3))


def test_desk_codes_poster_download_and_the_public_pages(open_page, shoot, live_server,
                                                         screenshot_dir, tmp_path):
    page = signed_in_page(open_page())
    open_demo_event(page)
    page.locator("nav.tabs").get_by_role("link", name="Bàn hỗ trợ").click()
    expect(page.locator("a.desk-card")).to_have_count(6)
    shoot(page, "events-desks")
    page.locator("a.desk-card", has_text="Công an xã Nhơn Trạch").click()
    # Both codes drawn (the SVG images loaded), not just their boxes.
    wait_until(page, "[...document.querySelectorAll('.code img')]"
                     ".every(i => i.complete && i.naturalWidth > 0)")
    guide_url = page.locator("#code-guide .code-url a").get_attribute("href")
    checkin_url = page.locator("#code-checkin .code-url a").get_attribute("href")
    assert guide_url.startswith(f"{live_server}/q/") and checkin_url.startswith(live_server)
    shoot(page, "events-desk")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biển bàn (PDF)").click()
    pdf = tmp_path / "poster.pdf"
    download.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "120", str(pdf), str(tmp_path / "poster")],
                   check=True)
    rendered = tmp_path / "poster-1.png"
    assert decode(rendered.read_bytes()) == sorted([guide_url, checkin_url])
    rendered.replace(screenshot_dir / "events-poster-page.png")  # looked at by a person

    with page.expect_download() as png:
        page.locator("#code-guide").get_by_role("link", name="Tải PNG").click()
    assert decode(Path(png.value.path()).read_bytes()) == [guide_url]

    phone = open_page()  # a citizen's phone: not signed in
    phone.goto(guide_url)
    expect(phone.get_by_role("heading", name="Hướng dẫn cài đặt, kích hoạt")).to_be_visible()
    expect(phone.locator(".guide-steps li").first).to_contain_text("Cài ứng dụng VNeID")
    shoot(phone, "events-public-guide")
    phone.goto(checkin_url)
    # The check-in code hands the phone to the quick form; the demo's 2025 campaign is over,
    # so the form says so plainly and names the desk rather than taking a registration.
    assert "/checkin/" in phone.url
    expect(phone.get_by_role("alert")).to_contain_text("Chiến dịch này đã kết thúc")
    expect(phone.locator("main")).to_contain_text("Bàn 6")

    page.locator("select[name=kind]").select_option("guide")
    page.get_by_role("button", name="Cấp mã mới").click()
    expect(page.get_by_text("Đã cấp mã mới; mã cũ không còn dùng được.")).to_be_visible()
    phone.goto(guide_url)
    expect(phone.get_by_role("heading", name="Mã này không còn hiệu lực")).to_be_visible()
    shoot(phone, "events-public-invalid")


def test_where_to_get_help_on_a_phone_from_the_campaign_page(open_page, shoot, live_server):
    from fieldops.clock import local_now

    organizer = signed_in_page(open_page())
    organizer.goto("/campaigns")
    organizer.get_by_role("link", name=re.compile("Dùng thử")).first.click()
    link = organizer.locator("#help-page-link")
    url = link.get_attribute("href")
    assert re.fullmatch(rf"{live_server}/help/\d+", url)
    wait_until(organizer, "document.querySelector('#help-page-share img').naturalWidth > 0")
    with organizer.expect_download() as png:
        organizer.get_by_role("link", name="Tải mã QR (PNG)").click()
    assert decode(Path(png.value.path()).read_bytes()) == [url]

    phone = open_page()  # anyone's phone: not signed in
    phone.goto(url)
    expect(phone.get_by_role("heading", name="Nơi hỗ trợ người dân")).to_be_visible()
    points = phone.locator(".help-point")
    expect(points.filter(has_text="Nhà văn hóa ấp Chợ")).to_contain_text("07:30–11:00")
    expect(points.filter(has_text="Nhà văn hóa ấp Trâu")).to_contain_text("13:30–17:00")
    expect(phone.locator(".help-kind")).to_have_count(2)
    expect(points.filter(has_text="Nhà văn hóa ấp Chợ").locator("a.help-map")).to_have_attribute(
        "href", re.compile(r"^geo:10\.766200,106\.923700"))
    if local_now().hour < 17:  # the trial's desks at the commune office close at 17:00
        expect(phone.locator(".help-today h2")).to_contain_text("Hôm nay")
        expect(points.first).to_contain_text("Trụ sở UBND xã Nhơn Trạch")
    shoot(phone, "events-help-page")
    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("heading", name="Where to get help")).to_be_visible()
    expect(phone.locator(".help-kind").first).to_have_text("Mobile collection point")
