"""A name of 120 letters without a space (the public form accepts it) on a 390 px phone: the
citizen's ticket, the desk queue, registrations, members and organisations stay as wide as the
phone and the name wraps, instead of pushing every value off-screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_checkin_browser import SCENE, live_server  # noqa: F401 (the scene)
from tests.factories.auth import DEMO_ADMIN, signed_in_page

pytestmark = pytest.mark.browser

#: 120 letters, no space: what a phone's keyboard makes of a name typed without the space bar
LONG_WORD = ("NguyễnThịHoàngPhươngThảoNguyênBíchNgọc" * 4)[:120]


@pytest.fixture(scope="module")
def long_organisation():
    """An organisation and its member, both named with LONG_WORD."""
    from fieldops.db import db
    from tests.factories.teams import MemberFactory, OrganisationFactory

    with SCENE["app"].test_request_context():
        organisation = OrganisationFactory(name=f"Hội{LONG_WORD}")
        MemberFactory(full_name=f"Ông{LONG_WORD}", organisation=organisation)
        db.session.commit()


def test_a_120_letter_name_fits_every_page_of_a_phone(open_page, long_organisation, shoot):
    assert len(LONG_WORD) == 120
    citizen = open_page(PHONE)
    citizen.goto(f"/checkin/{SCENE['token']}")
    citizen.locator("input[name=full_name]").fill(LONG_WORD)
    citizen.locator("input[name=phone]").fill("0987 120 120")
    citizen.get_by_label("Ấp Phước Mỹ").check()
    citizen.get_by_label("Kích hoạt định danh điện tử mức độ 2").check()
    citizen.locator("input[name=consent]").check()
    citizen.get_by_role("button", name="Lấy số thứ tự").click()
    expect(citizen.get_by_role("heading", name="Số thứ tự của bạn")).to_be_visible()
    expect(citizen.get_by_text(LONG_WORD)).to_be_visible()
    widths = {"ticket": citizen.evaluate("document.scrollingElement.scrollWidth")}
    shoot(citizen, "long-name-ticket")

    staff = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    pages = {"queue": f"/checkin/desks/{SCENE['desk_id']}", "registrations": "/registrations",
             "members": "/members", "organisations": "/organisations"}
    for name, url in pages.items():
        staff.goto(url)
        expect(staff.locator(f"text={LONG_WORD} >> visible=true").first).to_be_visible()
        widths[name] = staff.evaluate("document.scrollingElement.scrollWidth")
        shoot(staff, f"long-name-{name}")
    assert all(width <= PHONE["width"] for width in widths.values()), widths

    desk = signed_in_page(open_page(DESKTOP), DEMO_ADMIN)
    for name, url in pages.items():
        desk.goto(url)
        expect(desk.locator(f"text={LONG_WORD} >> visible=true").first).to_be_visible()
        shoot(desk, f"long-name-{name}-desktop")


def test_the_burn_up_charts_labels_are_readable_on_a_phone(open_page, shoot):
    from fieldops.campaigns.models import Phase
    from fieldops.checkin.models import Registration
    from fieldops.db import db

    with SCENE["app"].app_context():
        busiest = db.session.execute(db.select(Registration.campaign_id).group_by(
            Registration.campaign_id).order_by(db.func.count().desc())).scalars().first()
        phase = db.session.execute(db.select(Phase).filter_by(campaign_id=busiest).order_by(
            Phase.id)).scalars().first()
        address = f"/campaigns/{phase.campaign_id}/progress?phase={phase.id}"
    for viewport in (PHONE, DESKTOP):
        page = signed_in_page(open_page(viewport), DEMO_ADMIN)
        page.goto(address)
        labels = page.locator("svg.burnup text.axis")
        expect(labels.first).to_be_visible()
        heights = [box["height"] for box in (labels.nth(i).bounding_box()
                                             for i in range(labels.count()))]
        # a label's box is about 1.35 times its font size: 14 to 26 px is a 10 to 19 px font
        # (the 640-unit chart drawn 366 px wide made it 7 px on a phone: a 10 px box)
        assert min(heights) >= 14 and max(heights) <= 26, (viewport, heights)
        shoot(page, f"burnup-{viewport['width']}")
