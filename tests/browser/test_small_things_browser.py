"""Small things a user trips on, on a 390 px phone: the printable assignment list, stacked
tables' labels, placeholders that fit their boxes, a warning about QR codes phones cannot open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_checkin_browser import SCENE, live_server  # noqa: F401 (the scene)
from tests.factories.auth import DEMO_ADMIN, signed_in_page

pytestmark = pytest.mark.browser


def _busiest_schedule() -> int:
    """Return the id of the demo campaign with the most assignments."""
    from fieldops.db import db
    from fieldops.teams.models import Assignment, Team

    with SCENE["app"].app_context():
        return db.session.execute(
            db.select(Team.campaign_id).join(Assignment, Assignment.team_id == Team.id)
            .group_by(Team.campaign_id).order_by(db.func.count().desc())).scalars().first()


def test_schedule_and_its_print_fit_a_phone_and_every_card_says_its_day(open_page, shoot):
    campaign_id = _busiest_schedule()
    page = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    page.goto(f"/campaigns/{campaign_id}/schedule")
    expect(page.locator("#schedule tbody tr").first).to_be_visible()
    days = page.locator("#schedule tbody td[data-label='Ngày']").all_inner_texts()
    assert len(days) > 1 and all(day.strip() for day in days)  # no card with an empty "Ngày"
    shoot(page, "schedule-phone")
    page.goto(f"/campaigns/{campaign_id}/schedule/print")
    expect(page.locator("#print-list")).to_be_visible()
    shoot(page, "schedule-print-phone")


def _placeholder_fits(page, selector: str) -> None:
    """Fail unless every matching input shows its whole placeholder."""
    cut = page.evaluate("""(selector) => [...document.querySelectorAll(selector)].filter(input => {
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d');
        context.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
        return context.measureText(input.placeholder).width > room + 0.5;
    }).map(input => input.name + ': ' + input.placeholder + ' in ' + input.clientWidth + 'px')""",
                        selector)
    assert not cut, cut


def test_reason_and_date_time_placeholders_are_not_cut(open_page, shoot):
    from fieldops.campaigns.models import Phase
    from fieldops.db import db
    from fieldops.events.models import AgendaItem, HelpDesk

    with SCENE["app"].app_context():
        phase = db.session.execute(db.select(Phase).order_by(Phase.id)).scalars().first()
        desk = db.session.get(HelpDesk, SCENE["desk_id"])
        targets = f"/campaigns/{phase.campaign_id}/targets?phase={phase.id}"
        desk_page = f"/events/{desk.event_id}/desks/{desk.id}"
        event_id = db.session.execute(db.select(AgendaItem.event_id).group_by(
            AgendaItem.event_id).order_by(db.func.count().desc())).scalars().first()
    page = signed_in_page(open_page(PHONE), DEMO_ADMIN)
    page.goto(targets)
    expect(page.locator("input[name=reason]").first).to_be_visible()
    shoot(page, "targets-phone")
    _placeholder_fits(page, "input[name=reason]")
    page.goto(desk_page)
    expect(page.locator("input[name=valid_from]").first).to_be_visible()
    # the live server is 127.0.0.1, which the QR codes carry: no phone could open them
    expect(page.locator("#public-address-warning")).to_contain_text("127.0.0.1")
    expect(page.locator("#public-address-warning")).to_contain_text("FIELDOPS_PUBLIC_BASE_URL")
    shoot(page, "desk-phone")
    _placeholder_fits(page, "input[name=valid_from], input[name=valid_until]")
    page.goto(f"/events/{event_id}/agenda")
    expect(page.locator("input[name=reason]")).to_be_visible()
    _placeholder_fits(page, "input[name=reason]")
    shoot(page, "agenda-phone")
    page.goto("/organisations")
    _placeholder_fits(page, "input[name=name]")
