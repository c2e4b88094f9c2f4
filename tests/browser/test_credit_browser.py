"""Credit to people in Chromium, on a phone: the volunteer (the team's lead) records a walk-in at
the desk with no network, crediting a team member who has no account; it is stored once when the
network returns, credited to that member and marked "ghi thay".

The scene is test_checkin_browser's; the member without an account is this test's own.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_no_sideways_scroll
from tests.browser.test_checkin_browser import SCENE, live_server  # noqa: F401 (the scene)
from tests.browser.test_outbox_browser import pending, type_record
from tests.factories.auth import DEMO_VOLUNTEER, signed_in_page

pytestmark = pytest.mark.browser

GUIDE = "Cô Tám Hướng Dẫn Không Máy"


def _guide_id() -> int:
    """Add the member without an account to the scene's team (once); return its id."""
    from fieldops.db import db
    from fieldops.teams.models import Member, Team
    from tests.factories.teams import MemberFactory

    with SCENE["app"].app_context():
        guide = db.session.execute(
            db.select(Member).filter_by(full_name=GUIDE)).scalar_one_or_none()
        if guide is None:
            team = db.session.get(Team, SCENE["team_id"])
            guide = MemberFactory(full_name=GUIDE, phone="0912999888",
                                  organisation=team.lead_organisation)
            team.members.append(guide)
            db.session.commit()
        return guide.id


def _stored(name: str) -> list[tuple]:
    with closing(sqlite3.connect(SCENE["database"])) as db:
        return db.execute("SELECT id, credited_member_id FROM registration WHERE full_name = ?",
                          (name,)).fetchall()


@pytest.fixture
def signal():
    """The scene's server-side signal switch (conftest.NoSignal), restored after the test."""
    yield SCENE["signal"]
    SCENE["signal"].cut_paths = ()


def test_a_desk_record_typed_offline_credits_a_member_without_an_account(open_page, shoot,
                                                                         signal):
    guide_id = _guide_id()
    page = signed_in_page(open_page(PHONE), DEMO_VOLUNTEER)
    page.goto(f"/checkin/desks/{SCENE['desk_id']}/new")
    expect(page.locator("[data-outbox-ready]")).to_be_visible()
    credited = page.get_by_label("Người hướng dẫn")
    expect(credited).to_be_visible()
    expect(credited.locator("option", has_text=GUIDE)).to_have_count(1)

    signal.cut_paths = ("/checkin/desks/",)
    page.context.set_offline(True)
    credited.select_option(label=GUIDE)
    shoot(page, "credit-desk-record-offline")
    type_record(page, "Người Dân Được Hướng Dẫn", "075190099001")
    expect(pending(page)).to_have_text("1")
    assert _stored("Người Dân Được Hướng Dẫn") == []

    signal.cut_paths = ()
    page.context.set_offline(False)
    expect(pending(page)).to_have_text("0")
    rows = _stored("Người Dân Được Hướng Dẫn")
    assert [credited_id for _id, credited_id in rows] == [guide_id]

    page.goto(f"/registrations/{rows[0][0]}")
    expect(page.locator("dd", has_text=GUIDE)).to_contain_text("ghi thay")
    assert_no_sideways_scroll(page)
    shoot(page, "credit-record-on-behalf")
