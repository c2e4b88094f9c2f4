"""The phone's outbox in Chromium: records typed with no network are stored once each when it
returns, through a reload and a closed tab; a refusal stays with its messages; a 502 and a lost
answer at replay are retried and stored once.

The scene is test_checkin_browser's (a campaign running today, an event and the volunteer's
desk); the 502 and the lost answer are faked with page.route here in a context without the
service worker, as on a phone that reaches the server over plain http on a LAN (no worker
runs outside a secure context); test_outbox_worker_browser repeats them with the worker.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TIMEOUT_MS, watch_csp
from tests.browser.test_checkin_browser import SCENE, live_server  # noqa: F401 (the scene)
from tests.factories.auth import DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

RECORDS = 6


def cccd(n: int) -> str:
    """Return a valid citizen ID number (Đồng Nai, a woman born 1990), one per n."""
    return f"0751900{n:05d}"


def stored(where: str, *args) -> int:
    """Count the registrations matching a WHERE clause in the live server's database."""
    with closing(sqlite3.connect(SCENE["database"])) as db:
        return db.execute(f"SELECT count(*) FROM registration WHERE {where}", args).fetchone()[0]


def type_record(page, name: str, number: str, birth_year: str = "") -> None:
    """Fill the volunteer's walk-in record for one citizen and press Lưu.

    The ID number is confirmed by typing it twice, or by the birth year when one is given.
    """
    page.locator("input[name=full_name]").fill(name)
    page.locator("input[name=citizen_id]").fill(number)
    if birth_year:
        page.locator("input[name=birth_year]").fill(birth_year)
    else:
        page.locator("input[name=citizen_id_confirm]").fill(number)
    page.get_by_label("Cài đặt ứng dụng VNeID", exact=True).select_option("done")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Lưu").click()


def pending(page):
    return page.locator("[data-outbox-pending]")


@pytest.fixture
def volunteer(open_page):
    """The desk's volunteer, signed in on a phone, on the desk's walk-in record form."""
    page = signed_in_page(open_page(PHONE), DEMO_VOLUNTEER)
    page.goto(f"/checkin/desks/{SCENE['desk_id']}/new")
    return page


@pytest.fixture
def plain_volunteer(browser, live_server):  # noqa: F811
    """The same, in a context without service workers, for faking answers with page.route."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server,
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    refused: list[str] = []
    watch_csp(context, refused)
    page = signed_in_page(context.new_page(), DEMO_VOLUNTEER)
    page.goto(f"/checkin/desks/{SCENE['desk_id']}/new")
    yield page
    context.close()
    assert not refused, f"refused by the Content-Security-Policy: {refused}"


@pytest.fixture
def signal():
    """The scene's server-side signal switch (conftest.NoSignal), restored after the test."""
    yield SCENE["signal"]
    SCENE["signal"].cut_paths = ()


def test_records_typed_offline_are_stored_once_each(volunteer, shoot, signal):
    # In the morning, with network: the day's pages are downloaded and the bar says so.
    expect(volunteer.locator("[data-outbox-ready]")).to_be_visible()
    shoot(volunteer, "outbox-ready-offline")

    # The reopened tab's first requests can slip past Chromium's offline emulation: the
    # server side of the signal is cut too.
    signal.cut_paths = ("/checkin/desks/",)
    volunteer.context.set_offline(True)
    for n in range(RECORDS):
        type_record(volunteer, f"Ngoại Tuyến Số {n}", cccd(100 + n))
        expect(pending(volunteer)).to_have_text(str(n + 1))
        expect(volunteer.locator("input[name=full_name]")).to_have_value("")  # ready for the next
    expect(volunteer.locator(".offline-note")).to_be_visible()
    shoot(volunteer, "outbox-pending")
    assert stored("full_name LIKE 'Ngoại Tuyến Số %'") == 0

    # Still no network: the page reloads from the phone, then the tab is closed and reopened.
    volunteer.reload()
    expect(pending(volunteer)).to_have_text(str(RECORDS))
    context = volunteer.context
    volunteer.close()
    again = context.new_page()
    again.goto(f"/checkin/desks/{SCENE['desk_id']}/new")
    expect(pending(again)).to_have_text(str(RECORDS))
    assert stored("full_name LIKE 'Ngoại Tuyến Số %'") == 0

    signal.cut_paths = ()
    context.set_offline(False)
    expect(pending(again)).to_have_text("0")
    expect(again.locator("[data-outbox-synced]")).not_to_have_text("—")
    assert stored("full_name LIKE 'Ngoại Tuyến Số %'") == RECORDS
    again.reload()  # a reload or another "online" event sends nothing twice
    expect(pending(again)).to_have_text("0")
    assert stored("full_name LIKE 'Ngoại Tuyến Số %'") == RECORDS


def test_a_refused_record_stays_with_its_messages_until_fixed(volunteer, shoot):
    volunteer.context.set_offline(True)
    # A birth year the phone cannot judge; the server finds it does not match the ID number.
    type_record(volunteer, "Cần Sửa Lại", cccd(200), birth_year="1991")
    expect(pending(volunteer)).to_have_text("1")
    volunteer.context.set_offline(False)

    bar = volunteer.locator("[data-outbox-bar]")
    expect(volunteer.locator("[data-outbox-attention]")).to_have_text("1")
    expect(pending(volunteer)).to_have_text("0")
    expect(bar).to_have_class("outbox-bar needs-attention")
    assert stored("full_name = 'Cần Sửa Lại'") == 0

    volunteer.locator("[data-outbox-details] summary").click()
    expect(volunteer.locator("li.outbox-item.attention")).to_contain_text("cần xử lý")
    shoot(volunteer, "outbox-items")
    volunteer.get_by_role("link", name="Sửa và gửi lại").click()
    expect(volunteer.locator("input[name=full_name]")).to_have_value("Cần Sửa Lại")
    message = volunteer.locator(".citizen-id .error")
    expect(message.first).to_be_visible()
    shoot(volunteer, "outbox-needs-attention")

    expect(message.first).to_contain_text("không khớp năm sinh 1991")
    volunteer.locator("input[name=birth_year]").fill("1990")
    volunteer.get_by_role("button", name="Lưu").click()
    expect(volunteer.get_by_text("Đã ghi nhận Cần Sửa Lại.")).to_be_visible()
    expect(volunteer.locator("[data-outbox-attention-wrap]")).to_be_hidden()
    assert stored("full_name = 'Cần Sửa Lại'") == 1


def test_phone_checks_the_servers_rules_before_keeping(volunteer):
    volunteer.locator("input[name=phone]").fill("0187 111 222")  # no such mobile prefix
    type_record(volunteer, "Sai <Số>", cccd(300))
    expect(volunteer.get_by_text("Số điện thoại không phải số di động Việt Nam")).to_be_visible()
    expect(volunteer.get_by_text("Họ tên chỉ gồm chữ cái")).to_be_visible()
    expect(pending(volunteer)).to_have_text("0")
    assert stored("full_name = 'Sai <Số>'") == 0


def test_a_502_at_replay_is_retried_and_stored_once(plain_volunteer):
    answered = []

    def gateway(route):
        if route.request.method == "POST" and not answered:
            answered.append(502)
            route.fulfill(status=502, body="Bad Gateway")
        else:
            route.continue_()

    plain_volunteer.route("**/checkin/desks/*/new", gateway)
    type_record(plain_volunteer, "Cổng Lỗi Một Lần", cccd(400))
    expect(plain_volunteer.locator(".offline-note")).to_be_visible()  # kept, to be retried
    expect(plain_volunteer.locator("[data-outbox-synced]")).not_to_have_text("—")
    expect(pending(plain_volunteer)).to_have_text("0")
    assert answered == [502]
    assert stored("full_name = 'Cổng Lỗi Một Lần'") == 1


def test_a_lost_answer_is_resent_and_stored_once(plain_volunteer):
    cut = []

    def lose_answer(route):
        if route.request.method == "POST" and not cut:
            cut.append(route.fetch(max_redirects=0).status)  # the server stores it
            route.abort("connectionreset")  # and the phone never hears back
        else:
            route.continue_()

    plain_volunteer.route("**/checkin/desks/*/new", lose_answer)
    type_record(plain_volunteer, "Mất Câu Trả Lời", cccd(500))
    expect(plain_volunteer.locator("[data-outbox-synced]")).not_to_have_text("—")
    expect(pending(plain_volunteer)).to_have_text("0")
    assert cut == [200]
    assert stored("full_name = 'Mất Câu Trả Lời'") == 1


def test_signing_out_wipes_what_the_phone_kept(volunteer):
    expect(volunteer.locator("[data-outbox-ready]")).to_be_visible()
    volunteer.context.set_offline(True)
    type_record(volunteer, "Chưa Gửi Khi Đăng Xuất", cccd(600))
    expect(pending(volunteer)).to_have_text("1")
    volunteer.context.set_offline(False)
    expect(pending(volunteer)).to_have_text("0")
    assert volunteer.evaluate("caches.keys()")  # the shell and today's pages

    volunteer.locator("label.menu-button").click()
    volunteer.get_by_role("button", name="Đăng xuất").click()
    expect(volunteer.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    assert volunteer.evaluate("caches.keys()") == []
    kept = volunteer.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open("fieldops-outbox", 1);
        open.onupgradeneeded = () => { open.result.createObjectStore("items", {keyPath: "id"});
                                       open.result.createObjectStore("meta"); };
        open.onsuccess = () => {
            const tx = open.result.transaction(["items", "meta"]);
            const items = tx.objectStore("items").count();
            const meta = tx.objectStore("meta").count();
            tx.oncomplete = () => resolve(items.result + meta.result);
        };
    })""")
    assert kept == 0
