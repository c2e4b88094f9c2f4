"""The outbox with the service worker at work, in Chromium: a 502 and a lost answer at replay are
retried and stored once while the worker controls the page, and Background Sync (a 'sync'
event dispatched to the worker through the DevTools protocol, as Chromium does when the
network returns) sends what waits with no page of the app open.

Chromium hands the context's routes the requests a page sends through a service worker that
leaves them to the network (the outbox's POSTs) and the requests the worker makes itself, so
the faults are set with context.route and catch either sender.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TIMEOUT_MS, watch_csp, without_automatic_sync
from tests.browser.test_checkin_browser import SCENE, live_server  # noqa: F401 (the scene)
from tests.browser.test_outbox_browser import cccd, pending, stored, type_record
from tests.factories.auth import DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def volunteer(browser, live_server):  # noqa: F811
    """The desk's volunteer on the walk-in form, the page controlled by the service worker.

    Its own context, not open_page's: that one fails a test on any 5xx, and here a 502 is
    what the test fakes.
    """
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server,
                                  service_workers="allow")
    context.set_default_timeout(TIMEOUT_MS)
    without_automatic_sync(context)
    refused: list[str] = []
    watch_csp(context, refused)
    page = signed_in_page(context.new_page(), DEMO_VOLUNTEER)
    page.goto(f"/checkin/desks/{SCENE['desk_id']}/new")
    expect(page.locator("[data-outbox-ready]")).to_be_visible()
    page.reload()  # a page opened once the worker is active is one it controls
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    yield page
    context.close()
    assert not refused, f"refused by the Content-Security-Policy: {refused}"


def posts_seen(context) -> list[str]:
    """Record who sent each POST to the server: 'worker' or 'page'."""
    seen: list[str] = []
    context.on("request", lambda r: r.method == "POST" and seen.append(
        "worker" if r.service_worker else "page"))
    return seen


def test_a_502_at_replay_is_retried_and_stored_once_with_the_worker(volunteer):
    answered = []

    def gateway(route):
        if route.request.method == "POST" and not answered:
            answered.append(502)
            route.fulfill(status=502, body="Bad Gateway")
        else:
            route.fallback()

    volunteer.context.route("**/checkin/desks/*/new", gateway)
    type_record(volunteer, "Cổng Lỗi Có Worker", cccd(410))
    expect(volunteer.locator(".offline-note")).to_be_visible()  # kept, to be retried
    expect(volunteer.locator("[data-outbox-synced]")).not_to_have_text("—")
    expect(pending(volunteer)).to_have_text("0")
    assert answered == [502]
    assert stored("full_name = 'Cổng Lỗi Có Worker'") == 1


def test_a_lost_answer_is_resent_and_stored_once_with_the_worker(volunteer):
    cut = []

    def lose_answer(route):
        if route.request.method == "POST" and not cut:
            cut.append(route.fetch(max_redirects=0).status)  # the server stores it
            route.abort("connectionreset")  # and the phone never hears back
        else:
            route.fallback()

    volunteer.context.route("**/checkin/desks/*/new", lose_answer)
    type_record(volunteer, "Mất Trả Lời Có Worker", cccd(510))
    expect(volunteer.locator("[data-outbox-synced]")).not_to_have_text("—")
    expect(pending(volunteer)).to_have_text("0")
    assert cut == [200]
    assert stored("full_name = 'Mất Trả Lời Có Worker'") == 1


def test_background_sync_sends_what_waits_with_no_page_open(volunteer, live_server):  # noqa: F811
    context = volunteer.context
    context.set_offline(True)
    for n in range(3):
        type_record(volunteer, f"Đồng Bộ Nền {n}", cccd(800 + n))
        expect(pending(volunteer)).to_have_text(str(n + 1))

    # No page of the app is open any more to send them; then the network comes back.
    volunteer.goto("about:blank")
    context.set_offline(False)
    seen = posts_seen(context)
    assert stored("full_name LIKE 'Đồng Bộ Nền %'") == 0

    cdp = context.new_cdp_session(volunteer)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(live_server))
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not any(r["scopeURL"] == origin + "/" for r in registrations):
        assert time.monotonic() < deadline, f"no service worker registration: {registrations}"
        volunteer.wait_for_timeout(100)  # lets Playwright deliver the protocol's events
    registration = next(r for r in registrations if r["scopeURL"] == origin + "/")
    cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": origin, "registrationId": registration["registrationId"], "tag": "outbox",
        "lastChance": False})

    while stored("full_name LIKE 'Đồng Bộ Nền %'") < 3:
        assert time.monotonic() < deadline, "the service worker did not send what waited"
        volunteer.wait_for_timeout(100)
    assert stored("full_name LIKE 'Đồng Bộ Nền %'") == 3
    assert seen and set(seen) == {"worker"}  # sent by the worker itself, no page open
