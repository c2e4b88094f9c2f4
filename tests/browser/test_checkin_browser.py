"""Check-in on a phone in headless Chromium: scan a desk's QR, pre-register, get called and
recorded by the desk's volunteer; the organizer finds, reveals and exports the record.

This module serves its own app (overriding conftest's live_server): the demo campaigns have
ended, and a check-in needs a campaign that runs today with an event and a desk today. The
volunteer also belongs to a team sent to a hamlet today, for the door-to-door form.
"""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import NoSignal
from tests.browser.scenes import demo_app, demo_user, desk_today, running_campaign, served
from tests.factories.auth import DEMO_ADMIN, DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

CCCD = "075190001234"  # Đồng Nai, a woman born 1990 (digit 4: 1 = 1900s, female)
SCENE: dict = {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Serve the demo data plus a campaign running today, its event and one desk."""
    from fieldops.areas.models import Area
    from fieldops.db import db
    from fieldops.events.models import CHECKIN
    from fieldops.teams import assignments
    from tests.factories.teams import MemberFactory, OrganisationFactory, TeamFactory

    instance = tmp_path_factory.mktemp("checkin-browser")
    app = demo_app(instance, "checkin.db")
    with app.app_context():
        campaign = running_campaign("30 ngày phổ cập chữ ký số (thử)", [
            "vneid_install", "eid_level2", "digital_signature"])
        volunteer = demo_user(DEMO_VOLUNTEER[0])
        desk = desk_today(campaign, event_title="Lễ ra quân hôm nay", table_label="Bàn 9",
                          services=["vneid_install", "eid_level2"], staff=[volunteer],
                          venue_name="Hội trường UBND xã")
        event, commune = desk.event, campaign.communes[0]
        # Door to door today: the volunteer's team is sent to Ấp Chợ for the day.
        youth = OrganisationFactory(name="Đoàn Thanh niên xã", kind="youth_union")
        member = MemberFactory(full_name=volunteer.full_name, phone=volunteer.phone,
                               organisation=youth, user=volunteer)
        team = TeamFactory(campaign=campaign, name="Đoàn gõ cửa ấp Chợ", lead_organisation=youth,
                           lead=member, members=[])
        hamlet = db.session.execute(db.select(Area).filter_by(
            level="hamlet", name="Chợ", parent_id=commune.id)).scalar_one()
        assignments.assign(team, hamlet, start=campaign.start_date, end=campaign.end_date)
        db.session.commit()
        SCENE.update(desk_id=desk.id, token=desk.current_code(CHECKIN).token, team_id=team.id,
                     database=str(instance / "checkin.db"), app=app, campaign_id=campaign.id,
                     event_id=event.id)

    SCENE["signal"] = signal = NoSignal(app)
    with served(app, signal) as url:
        yield url


def test_scan_preregister_record_find_reveal_export(open_page, shoot, tmp_path):
    # 1. The citizen scans the desk's check-in QR code with their phone.
    citizen = open_page()
    png = citizen.request.get(f"/qr/{SCENE['token']}.png").body()
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    assert len(decoded) == 1 and decoded[0].endswith(f"/q/{SCENE['token']}")
    citizen.goto(decoded[0])
    assert "/checkin/" in citizen.url  # the desk's code hands the phone to the quick form
    expect(citizen.get_by_role("heading", name="Đăng ký nhanh")).to_be_visible()
    expect(citizen.locator("input[name=consent]")).not_to_be_checked()
    shoot(citizen, "checkin-form")

    citizen.locator("input[name=full_name]").fill("Nguyễn Văn Bình")
    citizen.locator("input[name=phone]").fill("0987 111 222")
    citizen.locator("input[data-filter]").fill("phuoc my")
    expect(citizen.get_by_label("Ấp Chợ")).to_be_hidden()
    citizen.get_by_label("Ấp Phước Mỹ").check()
    citizen.get_by_label("Kích hoạt định danh điện tử mức độ 2").check()
    citizen.get_by_role("button", name="Lấy số thứ tự").click()
    expect(citizen.get_by_text("Cần đánh dấu đồng ý để đăng ký.")).to_be_visible()
    shoot(citizen, "checkin-form-error")
    citizen.locator("input[name=consent]").check()
    citizen.get_by_role("button", name="Lấy số thứ tự").click()
    expect(citizen.get_by_role("heading", name="Số thứ tự của bạn")).to_be_visible()
    expect(citizen.locator(".queue-number")).to_have_text("1")
    shoot(citizen, "checkin-ticket")

    # 2. The volunteer at the desk calls the next citizen and completes the record.
    volunteer = open_page()
    signed_in_page(volunteer, DEMO_VOLUNTEER)
    volunteer.locator("label.menu-button").click()  # the phone's menu is folded
    volunteer.locator("nav.menu").get_by_role("link", name="Ghi nhận hỗ trợ").click()
    volunteer.get_by_role("link", name=re.compile("Bàn 9")).click()
    expect(volunteer.get_by_text("Nguyễn Văn Bình")).to_be_visible()
    shoot(volunteer, "checkin-queue")
    volunteer.get_by_role("button", name="Gọi người tiếp theo").click()
    expect(volunteer.get_by_role("heading", name=re.compile("Số 1"))).to_be_visible()
    volunteer.locator("input[name=citizen_id]").fill("075 190 001 234")
    volunteer.locator("input[name=birth_year]").fill("1991")
    eid = volunteer.get_by_label("Kích hoạt định danh điện tử mức độ 2", exact=True)
    eid.select_option("done")
    volunteer.locator("input[name=consent]").check()
    volunteer.get_by_role("button", name="Lưu").click()
    expect(volunteer.get_by_text("không khớp năm sinh 1991")).to_be_visible()
    volunteer.locator("input[name=birth_year]").fill("1990")
    volunteer.locator("input[name=consent]").check()
    shoot(volunteer, "checkin-record")
    volunteer.get_by_role("button", name="Lưu").click()
    expect(volunteer.get_by_text("Đã ghi nhận số 1 – Nguyễn Văn Bình.")).to_be_visible()

    # 3. The organizer finds the record without accents, sees it masked, reveals and exports.
    organizer = open_page()
    signed_in_page(organizer, DEMO_ADMIN)
    organizer.goto("/registrations")
    organizer.locator("input[name=q]").fill("nguyen van")
    organizer.get_by_role("button", name="Lọc").click()
    row = organizer.locator("table.list tbody tr").filter(has_text="Nguyễn Văn Bình")
    expect(row).to_have_count(1)
    expect(row.locator("code")).to_have_text("********1234")
    assert CCCD not in organizer.content()
    shoot(organizer, "checkin-list")
    row.get_by_role("link", name="Nguyễn Văn Bình").click()
    organizer.get_by_role("button", name="Hiện số đầy đủ").click()
    expect(organizer.locator("code.revealed")).to_have_text(CCCD)
    shoot(organizer, "checkin-reveal")

    organizer.goto("/registrations?q=nguyen+van")
    with organizer.expect_download() as download:
        organizer.get_by_role("link", name="Xuất Excel").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet["I2"].value == "Nguyễn Văn Bình"
    assert (sheet["K2"].value, sheet["K2"].data_type, sheet["K2"].number_format) == (
        "********1234", "s", "@")
    assert (sheet["J2"].value, sheet["J2"].data_type) == ("0987111222", "s")


def test_form_sent_without_network_is_stored_once_when_it_returns(open_page, shoot):
    import sqlite3
    from contextlib import closing

    phone = open_page()
    phone.goto(f"/checkin/{SCENE['token']}")
    phone.locator("input[name=full_name]").fill("Trần Thị Mất Sóng")
    phone.locator("input[name=phone]").fill("0987 222 333")
    phone.get_by_label("Ấp Trâu").check()
    phone.get_by_label("Cài đặt ứng dụng VNeID").check()
    phone.locator("input[name=consent]").check()
    submission_id = phone.locator("input[data-submission-id]").input_value()

    # Weak 4G in the hamlet: the network is gone when the citizen taps the button.
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Lấy số thứ tự").click()
    expect(phone.locator(".offline-note")).to_be_visible()
    shoot(phone, "checkin-offline")
    with closing(sqlite3.connect(SCENE["database"])) as db:
        stored = db.execute("SELECT count(*) FROM registration WHERE submission_id = ?",
                            (submission_id,)).fetchone()[0]
    assert stored == 0 and "/checkin/ticket/" not in phone.url

    # The network comes back: the phone sends the held form by itself, once.
    phone.context.set_offline(False)
    phone.wait_for_url(re.compile(r"/checkin/ticket/"))
    expect(phone.locator("main")).to_contain_text("Trần Thị Mất Sóng")
    phone.reload()  # a reload (or a second "online" event) must not store it again
    with closing(sqlite3.connect(SCENE["database"])) as db:
        stored = db.execute("SELECT count(*) FROM registration WHERE submission_id = ?",
                            (submission_id,)).fetchone()[0]
    assert stored == 1
