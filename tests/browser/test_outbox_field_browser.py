"""The outbox on the field pages a volunteer uses all day, in Chromium with its service worker:
20 door-to-door records typed offline through a reload and a closed tab are stored exactly
once each; queue taps (vắng, call next) kept offline apply once, a call calling one citizen.

The scene is test_checkin_browser's: a campaign running today, its event and desk, and the
volunteer's team sent to Ấp Chợ today.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from contextlib import closing

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_checkin_browser import SCENE, live_server  # noqa: F401 (the scene)
from tests.factories.auth import DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

DOOR_RECORDS = 20


def query(sql: str, *args):
    """Run a query on the live server's database; return all rows."""
    with closing(sqlite3.connect(SCENE["database"])) as db:
        return db.execute(sql, args).fetchall()


def pending(page):
    return page.locator("[data-outbox-pending]")


def type_door_record(page, n: int) -> None:
    """Fill the door-to-door record for household n and press Lưu."""
    number = f"0751900{700 + n:05d}"  # Đồng Nai, a woman born 1990
    page.locator("input[name=full_name]").fill(f"Gõ Cửa Hộ {n}")
    page.locator("input[name=citizen_id]").fill(number)
    page.locator("input[name=citizen_id_confirm]").fill(number)
    page.get_by_label("Cài đặt ứng dụng VNeID", exact=True).select_option("done")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Lưu").click()


@pytest.fixture
def signal():
    """The scene's server-side signal switch, restored after the test whatever happens."""
    yield SCENE["signal"]
    SCENE["signal"].cut_paths = ()


def test_twenty_door_records_typed_offline_are_stored_exactly_once(open_page, shoot, signal):
    door = f"/checkin/door?team_id={SCENE['team_id']}"
    page = signed_in_page(open_page(PHONE), DEMO_VOLUNTEER)
    page.goto(door)
    expect(page.get_by_role("heading", name="Ghi nhận tại nhà")).to_be_visible()
    expect(page.locator("[data-outbox-ready]")).to_be_visible()  # today's pages are kept
    # No Background Sync here (conftest.NO_AUTOMATIC_SYNC): it would send while "offline".
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.sync === undefined)")

    # Chromium's offline mode is per page and a reopened tab's first requests can slip past it:
    # the server side of the signal is cut too (conftest.NoSignal), as a phone out of reach.
    signal.cut_paths = ("/checkin/door",)
    page.context.set_offline(True)
    for n in range(DOOR_RECORDS):
        type_door_record(page, n)
        expect(pending(page)).to_have_text(str(n + 1))
        expect(page.locator("input[name=full_name]")).to_have_value("")
    shoot(page, "outbox-door-pending")

    # Still offline: the page reloads from the phone, then the tab is closed and reopened.
    page.reload()
    expect(pending(page)).to_have_text(str(DOOR_RECORDS))
    context = page.context
    page.close()
    again = context.new_page()
    again.goto(door)
    expect(pending(again)).to_have_text(str(DOOR_RECORDS))
    assert query("SELECT count(*) FROM registration WHERE full_name LIKE 'Gõ Cửa Hộ %'") == [(0,)]

    signal.cut_paths = ()
    context.set_offline(False)
    expect(pending(again)).to_have_text("0")
    rows = query("SELECT full_name, team_id, source FROM registration "
                 "WHERE full_name LIKE 'Gõ Cửa Hộ %'")
    assert len(rows) == DOOR_RECORDS
    assert {name for name, _team, _source in rows} == {
        f"Gõ Cửa Hộ {n}" for n in range(DOOR_RECORDS)}
    assert {(team, source) for _name, team, source in rows} == {(SCENE["team_id"], "door")}
    again.reload()  # nothing is sent twice
    expect(pending(again)).to_have_text("0")
    assert query("SELECT count(*) FROM registration WHERE full_name LIKE 'Gõ Cửa Hộ %'") == [
        (DOOR_RECORDS,)]


def queue_citizen(page, name: str, phone: str) -> None:
    """A citizen takes a number at the desk through the check-in form's plain POST."""
    hamlet = query("SELECT id FROM area WHERE level = 'hamlet' AND name = 'Trâu'")[0][0]
    service = query("SELECT id FROM service WHERE code = 'vneid_install'")[0][0]
    answer = page.request.post(f"/checkin/{SCENE['token']}", max_redirects=0, form={
        "submission_id": str(uuid.uuid4()), "full_name": name, "phone": phone,
        "hamlet_id": str(hamlet), "services": str(service), "consent": "y"})
    assert answer.status == 302


def status_of(name: str) -> list[str]:
    return [s for (s,) in query("SELECT status FROM registration WHERE full_name = ?", name)]


def test_queue_taps_kept_offline_apply_once(open_page, shoot):
    tag = uuid.uuid4().hex[:4]
    names = [f"Hàng Chờ {tag} {n}" for n in "ABC"]
    citizen = open_page(PHONE)
    for n, name in enumerate(names):
        queue_citizen(citizen, name, f"09{n}8{int(tag, 16) % 1000000:06d}"[:10])
    page = signed_in_page(open_page(PHONE), DEMO_VOLUNTEER)
    page.goto(f"/checkin/desks/{SCENE['desk_id']}")
    expect(page.locator("[data-outbox-ready]")).to_be_visible()
    first = page.locator("tr[data-entry]", has_text=names[0])

    # Vắng, with no network: kept and shown waiting; applied once the network is back.
    page.context.set_offline(True)
    first.get_by_role("button", name="Vắng").click()
    expect(pending(page)).to_have_text("1")
    shoot(page, "queue-action-pending-offline")
    assert status_of(names[0]) == ["waiting"]
    page.context.set_offline(False)
    expect(pending(page)).to_have_text("0")
    expect(first.locator("[data-field=status_label]")).to_have_text("Vắng")
    assert status_of(names[0]) == ["absent"]

    # Call next, tapped twice with no network: one call, of the next citizen not marked.
    page.context.set_offline(True)
    call = page.get_by_role("button", name="Gọi người tiếp theo")
    call.click()
    expect(pending(page)).to_have_text("1")
    call.click()
    expect(pending(page)).to_have_text("1")  # the same tap again, not a second call
    shoot(page, "queue-call-pending-offline")
    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(r"/checkin/registrations/\d+/record$"))
    expect(page.get_by_role("heading", name=re.compile(names[1]))).to_be_visible()
    assert (status_of(names[1]), status_of(names[2])) == (["called"], ["waiting"])
