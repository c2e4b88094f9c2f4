"""Refused check-ins on a phone: the citizen is told the desk has their details, the desk's
volunteer sees the count, takes one into the queue and dismisses another with a reason.

Serves its own app (the demo campaigns have ended): a campaign running today, an event today
and a desk of its own, staffed by the demo volunteer, whose code this test revokes.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.scenes import demo_app, demo_user, desk_today, running_campaign, served
from tests.factories.auth import DEMO_ADMIN, DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

SCENE: dict = {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Serve the demo data plus a running campaign with an event and a desk today."""
    from fieldops.db import db
    from fieldops.events.models import CHECKIN

    app = demo_app(tmp_path_factory.mktemp("refusals-browser"), "refusals.db")
    with app.app_context():
        campaign = running_campaign("Đợt thử từ chối đăng ký", ["eid_level2"])
        desk = desk_today(campaign, event_title="Ra quân thử từ chối", table_label="Bàn 7",
                          services=["eid_level2"], staff=[demo_user(DEMO_VOLUNTEER[0])])
        db.session.commit()
        SCENE.update(app=app, desk_id=desk.id, campaign_id=campaign.id,
                     token=desk.current_code(CHECKIN).token)
    with served(app) as url:
        yield url


def _revoke_code(revoked: bool = True) -> None:
    """The organizer revoked the desk's code while the citizens' forms were open (or, for a
    second run of the test, the desk starts again: code valid, no refusals, empty queue)."""
    from fieldops.checkin.models import RefusedSubmission, Registration
    from fieldops.clock import now_utc
    from fieldops.db import db
    from fieldops.events.models import DeskCode

    with SCENE["app"].app_context():
        db.session.execute(db.update(DeskCode).where(DeskCode.token == SCENE["token"])
                           .values(revoked_at=now_utc() if revoked else None))
        if not revoked:
            for model in (RefusedSubmission, Registration):
                db.session.execute(db.delete(model).where(model.desk_id == SCENE["desk_id"]))
        db.session.commit()


def _send(citizen, name: str, phone: str) -> None:
    citizen.locator("input[name=full_name]").fill(name)
    citizen.locator("input[name=phone]").fill(phone)
    citizen.locator("input[data-filter]").fill("cho")
    citizen.get_by_label("Ấp Chợ").check()
    citizen.get_by_label("Kích hoạt định danh điện tử mức độ 2").check()
    citizen.locator("input[name=consent]").check()
    citizen.get_by_role("button", name="Lấy số thứ tự").click()


def test_refused_citizens_are_seen_taken_into_the_queue_or_dismissed(open_page, shoot):
    _revoke_code(revoked=False)
    first, second = open_page(), open_page()
    for citizen in (first, second):
        citizen.goto(f"/checkin/{SCENE['token']}")
        expect(citizen.get_by_role("heading", name="Đăng ký nhanh")).to_be_visible()
    _revoke_code()
    _send(first, "Hồ Thị Cúc", "0987 300 400")
    # The phone's outbox keeps the form and shows why, and what happens to what was sent.
    told = first.get_by_role("alert").filter(has_text="Mã QR này đã bị thu hồi")
    expect(told).to_contain_text("hiện trong danh sách của bàn")
    shoot(first, "refusal-citizen")
    _send(second, "Mai Văn Đức", "0987 300 500")
    expect(second.get_by_role("alert").filter(has_text="danh sách của bàn")).to_be_visible()

    volunteer = open_page()
    signed_in_page(volunteer, DEMO_VOLUNTEER)
    volunteer.goto(f"/checkin/desks/{SCENE['desk_id']}")
    badge = volunteer.locator("#refusals-badge")
    expect(badge).to_contain_text("2 lượt đăng ký bị từ chối đang chờ xử lý")
    shoot(volunteer, "refusal-desk-badge")
    badge.get_by_role("link").click()
    expect(volunteer.get_by_role("heading", name=re.compile("Đăng ký bị từ chối"))).to_be_visible()
    cuc = volunteer.locator("article.refusal", has_text="Hồ Thị Cúc")
    expect(cuc).to_contain_text("Mã QR này đã bị thu hồi")
    expect(cuc).to_contain_text("Ấp Chợ")
    shoot(volunteer, "refusal-list")
    cuc.get_by_role("button", name="Xếp vào hàng chờ").click()
    expect(volunteer.get_by_text("Đã xếp Hồ Thị Cúc vào hàng chờ của Bàn 7 – Công an xã: số 1."))\
        .to_be_visible()
    cuc = volunteer.locator("article.refusal", has_text="Hồ Thị Cúc")
    expect(cuc.locator("[data-resolution=queued]")).to_contain_text("số 1")
    duc = volunteer.locator("article.refusal", has_text="Mai Văn Đức")
    duc.get_by_label("Lý do bỏ qua").fill("Đã gọi, anh Đức về rồi")
    duc.get_by_role("button", name="Bỏ qua").click()
    expect(volunteer.get_by_text("Đã bỏ qua lượt đăng ký này.")).to_be_visible()
    expect(volunteer.locator("#refusals-waiting")).to_have_text("0")
    shoot(volunteer, "refusal-list-done")
    volunteer.goto(f"/checkin/desks/{SCENE['desk_id']}")
    expect(volunteer.locator("td", has_text="Hồ Thị Cúc")).to_be_visible()
    expect(volunteer.locator("#refusals-badge")).to_have_count(0)

    organizer = open_page()
    signed_in_page(organizer, DEMO_ADMIN)
    organizer.goto(f"/campaigns/{SCENE['campaign_id']}")
    expect(organizer.locator("#refusals-badge")).to_contain_text("0 lượt đăng ký")
    organizer.locator("#refusals-badge a").click()
    expect(organizer.locator("article.refusal", has_text="Mai Văn Đức")).to_contain_text(
        "Đã gọi, anh Đức về rồi")
