"""The home of people in the field, on a phone: a team lead's team and a volunteer's desk and
day; the demo's own team lead and volunteer too.

Serves its own app (the demo campaigns have ended): the demo plus a campaign running today with
a phase, a team of its own (its lead and a volunteer are accounts made here) sent to hamlets
today and in the coming days, a target, and a desk today the volunteer staffs.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.scenes import demo_app, desk_today, running_campaign, served
from tests.factories.auth import DEMO_TEAM_LEAD, DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

LEAD = ("home_lead", "home-lead-2026")
VOLUNTEER = ("home_tnv", "home-tnv-2026")
SCENE: dict = {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Serve the demo data plus a running campaign with a team, a target and a desk today."""
    from fieldops.areas.models import Area
    from fieldops.auth import services as accounts
    from fieldops.auth.models import TEAM_LEAD
    from fieldops.auth.models import VOLUNTEER as VOLUNTEER_ROLE
    from fieldops.campaigns import services as campaigns
    from fieldops.clock import local_today
    from fieldops.db import db
    from fieldops.reports import targets
    from fieldops.teams import assignments
    from tests.factories.teams import MemberFactory, OrganisationFactory, TeamFactory

    app = demo_app(tmp_path_factory.mktemp("field-home-browser"), "home.db")
    with app.app_context():
        today = local_today()
        campaign = running_campaign("Đợt thử trang chủ đoàn", ["eid_level2"])
        hamlets = {a.name: a for a in db.session.execute(db.select(Area).filter_by(
            level="hamlet", parent_id=campaign.communes[0].id)).scalars()}
        phase = campaigns.save_phase(campaign, None, name="Cao điểm thử",
                                     start_date=campaign.start_date, end_date=campaign.end_date)
        lead_user = accounts.create_user(LEAD[0], "Phan Trưởng Nhóm", LEAD[1], TEAM_LEAD,
                                         "0968111222")
        tnv_user = accounts.create_user(VOLUNTEER[0], "Bùi Tình Nguyện", VOLUNTEER[1],
                                        VOLUNTEER_ROLE, "0968111333")
        org = OrganisationFactory(name="Đoàn Thanh niên thử trang chủ", kind="youth_union")
        lead = MemberFactory(full_name="Phan Trưởng Nhóm", phone="0968111222", organisation=org,
                             user=lead_user, it_savvy=True)
        members = [lead, MemberFactory(full_name="Bùi Tình Nguyện", phone="0968111333",
                                       organisation=org, user=tnv_user),
                   MemberFactory(full_name="Đỗ Công An", phone="0968111444", organisation=org)]
        team = TeamFactory(campaign=campaign, name="Đoàn thử trang chủ", lead_organisation=org,
                           lead=lead, members=members)
        assignments.assign(team, hamlets["Chợ"], start=today, end=today, allow_shared=True)
        assignments.assign(team, hamlets["Trâu"], start=today + timedelta(days=1),
                           end=today + timedelta(days=2), allow_shared=True)
        targets.set_target(phase, 40, user=None, team=team)
        desk = desk_today(campaign, event_title="Ngày hỗ trợ thử", table_label="Bàn 5",
                          services=["eid_level2"], staff=[tnv_user])
        db.session.commit()
        SCENE.update(team_id=team.id, desk_id=desk.id, campaign_id=campaign.id)
    with served(app) as url:
        yield url


def test_the_team_lead_lands_on_their_team(open_page, shoot):
    page = signed_in_page(open_page(), LEAD)
    card = page.locator(f"section.team-day[data-team='{SCENE['team_id']}']")
    expect(card.get_by_role("heading", name="Đoàn thử trang chủ")).to_be_visible()
    expect(card.locator(".hamlets-today")).to_contain_text("Ấp Chợ")
    expect(card.locator(".upcoming")).to_contain_text("Ấp Trâu")
    expect(card.locator(".team-target")).to_contain_text("Còn 40")
    expect(card.get_by_role("link", name="0968111444")).to_have_attribute("href", "tel:0968111444")
    expect(page.get_by_text("tỉnh/thành phố")).to_have_count(0)
    shoot(page, "home-team-lead")
    card.get_by_role("link", name="Bản đồ thôn/ấp của đoàn").click()
    expect(page).to_have_url(f"{page.url.split('/campaigns')[0]}/campaigns/"
                             f"{SCENE['campaign_id']}/map?team={SCENE['team_id']}")

    wide = signed_in_page(open_page(DESKTOP), LEAD)
    expect(wide.locator("section.team-day")).to_be_visible()
    shoot(wide, "home-team-lead-desktop")


def test_the_volunteer_sees_the_desk_first_then_the_team(open_page, shoot):
    page = signed_in_page(open_page(), VOLUNTEER)
    desk = page.locator("#my-desks-today")
    team = page.locator(f"section.team-day[data-team='{SCENE['team_id']}']")
    expect(desk).to_contain_text("Bàn 5 – Công an xã")
    expect(team).to_contain_text("Ấp Chợ")
    # The desk comes first on the screen; the member sees the lead's phone.
    assert desk.bounding_box()["y"] < team.bounding_box()["y"]
    expect(team.get_by_role("link", name="0968111222")).to_be_visible()
    expect(team.get_by_role("link", name="0968111444")).to_have_count(0)
    shoot(page, "home-volunteer")
    desk.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Bàn 5 – Công an xã")).to_be_visible()


def test_the_demo_lead_and_volunteer(open_page, shoot):
    lead = signed_in_page(open_page(), DEMO_TEAM_LEAD)
    ended = lead.locator("section.team-day").first
    expect(ended).to_contain_text("Đã kết thúc")
    expect(ended.locator(".team-target")).to_contain_text("Kết quả: đã làm")
    shoot(lead, "home-demo-team-lead")
    volunteer = signed_in_page(open_page(), DEMO_VOLUNTEER)
    expect(volunteer.locator("#my-desks-today")).to_contain_text("Bàn 1 – Viettel Đồng Nai")
    shoot(volunteer, "home-demo-volunteer")
    volunteer.goto("/checkin")
    first = volunteer.locator("a.card[data-desk]").first
    expect(first).to_contain_text("Hôm nay")
    shoot(volunteer, "checkin-my-desks")
