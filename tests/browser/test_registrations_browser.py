"""The registrations list on a 390 px phone with long names everywhere: a desk named as the
public-administration centre names itself, a team named after its hamlets, citizens with
long names, one typed without spaces. Nothing may make the phone scroll sideways: a word
longer than a card once widened the page to 418 px (a flex item does not shrink below its
longest word), now it breaks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_checkin_browser import SCENE, live_server  # noqa: F401 (the scene)
from tests.factories.auth import DEMO_ADMIN, signed_in_page

pytestmark = pytest.mark.browser

LONG_DESK = "Trung tâm Phục vụ hành chính công huyện Nhơn Trạch tỉnh Đồng Nai"
LONG_TEAM = ("Đoàn công tác số 3 – Tổ công nghệ số cộng đồng ấp Phước Mỹ, ấp Mỹ Khoan và "
             "ấp Bến Cam (phối hợp Đoàn Thanh niên, Hội Phụ nữ, Hội Cựu chiến binh xã)")
LONG_NAMES = ("Nguyễn Thị Hoàng Phương Thảo Nguyên Bích Ngọc",
              "Tôn Nữ Thị Huyền Trang Công Tằng Tôn Nữ Bảo Khánh",
              "Trần Lê Nguyễn Phạm Huỳnh Hoàng Phan Vũ Võ Đặng Bùi Đỗ",
              # typed on a phone without spaces, as citizens sometimes do
              "NguyễnThịHoàngPhươngThảoNguyênBíchNgọc")


@pytest.fixture(scope="module")
def long_names():
    """A desk and a team with long names, and citizens with long names recorded by both."""
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign
    from fieldops.checkin import recording
    from fieldops.checkin.services import Outcome
    from fieldops.db import db
    from fieldops.events.models import LaunchEvent
    from fieldops.teams.models import Team
    from tests.factories.campaigns import services_by_code
    from tests.factories.events import HelpDeskFactory
    from tests.factories.teams import TeamFactory

    with SCENE["app"].test_request_context():
        campaign = db.session.get(Campaign, SCENE["campaign_id"])
        desk = HelpDeskFactory(event=db.session.get(LaunchEvent, SCENE["event_id"]),
                               organisation=LONG_DESK, table_label="Bàn 1")
        team = TeamFactory(campaign=campaign, name=LONG_TEAM)
        service = services_by_code()["eid_level2"]
        hamlet = db.session.execute(
            db.select(Area).filter_by(level="hamlet", name="Trâu")).scalar_one()
        user = db.session.execute(db.select(User).filter_by(username=DEMO_ADMIN[0])).scalar_one()
        for n, name in enumerate(LONG_NAMES * 2):
            at_desk = n < len(LONG_NAMES)
            recording.record(
                None, submission_id=f"long-names-{n:04d}", user=user, campaign=campaign,
                source="desk" if at_desk else "door", full_name=name, phone=None,
                hamlet_id=hamlet.id, birth_year=None, citizen_id=f"0751900{900 + n:05d}",
                outcomes=[Outcome(service.id, "done")], consent=True,
                desk=desk if at_desk else None, team=None if at_desk else db.session.get(
                    Team, team.id))
        db.session.commit()
        return {"desk_id": desk.id, "team_id": team.id}


def test_long_desk_team_and_citizen_names_fit_a_phone(open_page, long_names, shoot):
    page = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    widths = {}
    for query in ("", f"desk_id={long_names['desk_id']}", f"team_id={long_names['team_id']}",
                  "q=nguyenthihoang"):
        page.goto(f"/registrations?{query}")
        expect(page.locator("table.list tbody tr").first).to_be_visible()
        widths[query] = page.evaluate("document.scrollingElement.scrollWidth")
    expect(page.locator("table.list")).to_contain_text(LONG_NAMES[-1])
    page.goto(f"/registrations?desk_id={long_names['desk_id']}")
    expect(page.locator("table.list")).to_contain_text(f"Bàn 1 – {LONG_DESK}")
    shoot(page, "registrations-long-names")
    assert all(width <= PHONE["width"] for width in widths.values()), widths
