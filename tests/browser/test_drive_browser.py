"""The door-to-door visits in Chromium on a 390 px phone: the lead gives households to a member,
the member's day list (by street, accent-free search), a visit at a door, another typed with no
network and sent once when it returns, and the organizer's absent list opened with openpyxl.

This module serves its own app (the demo campaigns have ended): the demo data plus a campaign
running today over Nhơn Trạch, a team on ấp Chợ today (lead: the demo team lead; member: the
demo volunteer) and a police list of Chợ with three households.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.scenes import demo_app, served
from tests.factories.auth import DEMO_ADMIN, DEMO_TEAM_LEAD, DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

SCENE: dict = {}
#: Hà Nội's province code: the ID number starts with a zero Excel must keep
ABSENT_ID = "001190004321"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Serve the demo data plus a running campaign, its team on Chợ today and Chợ's list."""
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.clock import local_today
    from fieldops.db import db
    from fieldops.teams import assignments
    from fieldops.teams.models import Member
    from tests.factories.campaigns import CampaignFactory, services_by_code
    from tests.factories.drive import HouseholdFactory, ListedPersonFactory, PoliceListFactory
    from tests.factories.teams import MemberFactory, OrganisationFactory, TeamFactory

    instance = tmp_path_factory.mktemp("drive-browser")
    app = demo_app(instance, "drive.db")
    with app.app_context():
        commune = db.session.execute(db.select(Area).filter_by(
            level="commune", name="Nhơn Trạch")).scalar_one()
        cho = next(h for h in commune.children if h.name == "Chợ")
        by_code = services_by_code()
        campaign = CampaignFactory(running=True, title="90 ngày đêm kích hoạt định danh (thử)",
                                   communes=[commune],
                                   services=[by_code["vneid_install"], by_code["eid_level2"]])
        users = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
        lead = db.session.execute(db.select(Member).filter_by(
            user_id=users[DEMO_TEAM_LEAD[0]].id)).scalar_one()
        volunteer = users[DEMO_VOLUNTEER[0]]
        member = MemberFactory(full_name=volunteer.full_name, phone=volunteer.phone,
                               organisation=OrganisationFactory(name="Chi đoàn ấp Chợ"),
                               user=volunteer)
        team = TeamFactory(campaign=campaign, name="Tổ ấp Chợ", lead=lead, members=[member])
        assignments.assign(team, cho, start=local_today(), end=local_today())
        listed = PoliceListFactory(campaign_id=campaign.id, commune_id=commune.id)
        for address, street, head in (("Số 12, Tổ 3", "Tổ 3", "Nguyễn Văn Hộ"),
                                      ("Số 14, Tổ 3", "Tổ 3", None),
                                      ("Số 2, Tổ 5", "Tổ 5", "Đỗ Thị Năm")):
            HouseholdFactory(campaign_id=campaign.id, hamlet=cho, address=address,
                             street=street, head_name=head)
        for n, (name, address) in enumerate((
                ("Nguyễn Thị Hoa", "Số 12, Tổ 3, ấp Chợ"), ("Nguyễn Văn Bảo", "Số 12, Tổ 3"),
                ("Trần Đức Cường", "Số 14, Tổ 3"), ("Đỗ Thị Dung", "Số 2, Tổ 5"))):
            ListedPersonFactory(full_name=name, address=address, hamlet=cho, on_list=listed,
                                citizen_id=f"07519000{n:04d}")
        from fieldops.drive.households import attach_people

        attach_people(campaign.id)
        gone = ListedPersonFactory(full_name="Lý Văn Vắng", address="Số 40, Tổ 9", hamlet=cho,
                                   on_list=listed, citizen_id=ABSENT_ID, absences=2,
                                   absent_listed_on=local_today(),
                                   last_note="Đi làm ăn xa, nhà khóa cửa")
        db.session.commit()
        SCENE.update(campaign_id=campaign.id, team_id=team.id, commune_id=commune.id,
                     member_id=member.id, absent_id=gone.id, today=local_today().isoformat(),
                     database=str(instance / "drive.db"))

    with served(app) as url:
        yield url


def outcome(page, name: str):
    """Return the outcome select of one person on the visit form."""
    return page.locator(".person", has_text=name).locator("select")


def count(sql: str, *args) -> int:
    """Count rows in the live server's database."""
    with closing(sqlite3.connect(SCENE["database"])) as db:
        return db.execute(sql, args).fetchone()[0]


def test_lead_gives_households_then_member_visits_online_and_offline(open_page, shoot):
    # The lead gives every household of Chợ to the volunteer by hand.
    lead = signed_in_page(open_page(), DEMO_TEAM_LEAD)
    lead.goto(f"/drive/teams/{SCENE['team_id']}/split")
    expect(lead.locator("[data-unassigned]")).to_have_text("4")
    for box in lead.locator("input[name=household_ids]").all():
        box.check()
    lead.get_by_label("Giao cho").select_option(label=DEMO_VOLUNTEER_NAME())
    shoot(lead, "drive-split-390")
    lead.get_by_role("button", name="Giao những hộ, người đã chọn").click()
    expect(lead.locator(".flash-success")).to_contain_text("Đã giao 4 người.")
    expect(lead.locator("[data-unassigned]")).to_have_text("0")

    # The member's day: streets in order, IDs masked, an accent-free search on the phone.
    phone = signed_in_page(open_page(), DEMO_VOLUNTEER)
    phone.goto("/drive/today")
    expect(phone.locator("[data-street] h2").first).to_contain_text("Tổ 3")
    expect(phone.locator("[data-remaining]")).to_have_text("4")
    assert "075190000000" not in phone.content() and "********0000" in phone.content()
    expect(phone.locator("[data-outbox-ready]")).to_be_visible()  # the day is kept offline
    shoot(phone, "drive-today-390")
    phone.locator("input[name=q]").fill("do thi dung")
    expect(phone.locator("[data-door]:visible")).to_have_count(1)
    expect(phone.locator("[data-door]:visible")).to_contain_text("Đỗ Thị Dung")
    shoot(phone, "drive-today-search-390")
    phone.locator("input[name=q]").fill("")

    # A visit with network: two people of Số 12, and the household's survey.
    phone.get_by_role("link", name="Số 12, Tổ 3").click()
    outcome(phone, "Nguyễn Thị Hoa").select_option("activated_level2")
    outcome(phone, "Nguyễn Văn Bảo").select_option("absent")
    phone.get_by_label("Số người từ 14 tuổi").fill("3")
    phone.get_by_label("Số điện thoại thông minh").fill("2")
    shoot(phone, "drive-visit-390")
    phone.get_by_role("button", name="Lưu").click()
    expect(phone).to_have_url(f"{phone.url.split('/drive')[0]}/drive/today")
    expect(phone.locator("[data-done]")).to_have_text("2")
    assert count("SELECT count(*) FROM visit v JOIN registration r ON r.id = v.registration_id"
                 " WHERE r.team_id = ?", SCENE["team_id"]) == 2
    assert count("SELECT count(*) FROM registration r JOIN visit v ON v.registration_id = r.id"
                 " WHERE r.source = 'door' AND r.team_id = ?", SCENE["team_id"]) == 2
    assert count("SELECT smartphones FROM household WHERE address = 'Số 12, Tổ 3'") == 2

    # No network: the kept visit form opens, is typed and kept; sent once when back online.
    phone.context.set_offline(True)
    phone.get_by_role("link", name="Số 2, Tổ 5").click()
    outcome(phone, "Đỗ Thị Dung").select_option("refused")
    phone.locator("input[name^=reason_]").fill("Không muốn dùng ứng dụng")
    phone.get_by_role("button", name="Lưu").click()
    expect(phone.locator(".outbox-note")).to_contain_text("Đã lưu trên máy")
    expect(phone.locator("[data-outbox-pending]")).to_have_text("1")
    shoot(phone, "drive-visit-offline-390")
    assert count("SELECT count(*) FROM visit v JOIN registration r ON r.id = v.registration_id"
                 " WHERE r.team_id = ?", SCENE["team_id"]) == 2
    phone.context.set_offline(False)
    expect(phone.locator("[data-outbox-pending]")).to_have_text("0")
    assert count("SELECT count(*) FROM visit v JOIN registration r ON r.id = v.registration_id"
                 " WHERE r.team_id = ? AND v.outcome = 'refused'", SCENE["team_id"]) == 1
    assert count("SELECT count(*) FROM visit v JOIN registration r ON r.id = v.registration_id"
                 " WHERE r.team_id = ?", SCENE["team_id"]) == 3
    phone.goto("/drive/today")
    expect(phone.locator("[data-done]")).to_have_text("3")
    shoot(phone, "drive-today-after-390")


def DEMO_VOLUNTEER_NAME() -> str:  # noqa: N802 (a constant read from the demo's accounts)
    from fieldops.demo import DEMO_USERS

    return next(u[1] for u in DEMO_USERS if u[0] == DEMO_VOLUNTEER[0])


def test_organizer_downloads_the_absent_list_and_it_opens_in_openpyxl(open_page, shoot,
                                                                      tmp_path):
    page = signed_in_page(open_page(), DEMO_ADMIN)
    page.goto(f"/drive/campaigns/{SCENE['campaign_id']}/absent")
    shoot(page, "drive-absent-390")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel").click()
    path = tmp_path / "vang-mat.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "DANH SÁCH CÔNG DÂN VẮNG MẶT TẠI NƠI CƯ TRÚ"
    assert [c.value for c in sheet[5]][:4] == ["STT", "Họ và tên", "Ngày sinh",
                                                "Số định danh cá nhân"]
    assert [c.value for c in sheet[6]][:2] == [1, "Lý Văn Vắng"]
    assert sheet["D6"].value == ABSENT_ID and sheet["D6"].number_format == "@"
    assert count("SELECT count(*) FROM checkin_audit WHERE action = 'absent_list'") == 1
