"""The demo says what its plans do not: plan 63 has no IT-savvy rule, so no warning claims one;
the Party committee's 8 invitees are an inference, and its group says so on screen."""

from __future__ import annotations

import re
from datetime import date

from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.events.models import LaunchEvent


def _campaign_id(app, plan_number: str | None = None, title_part: str = "") -> int:
    with app.app_context():
        for campaign in db.session.execute(db.select(Campaign)).scalars():
            if (plan_number is None or campaign.plan_number == plan_number) \
                    and title_part in campaign.title:
                return campaign.id
    raise AssertionError(f"no demo campaign {plan_number} {title_part}")


def test_plan_63_teams_warn_only_about_what_plan_63_says(app, demo, organizer):
    campaign_id = _campaign_id(app, "63/KH-UBND")
    page = organizer.get(f"/campaigns/{campaign_id}/teams").get_data(as_text=True)
    # the plan's own composition: Đoàn 2 has 4 of its 5 VNPT staff
    assert "Đoàn 2 thiếu 1 người của VNPT Đồng Nai" in page
    # no IT-savvy minimum borrowed from Hớn Quản or Trường Thi, presented as plan 63's
    assert "am hiểu CNTT; kế hoạch yêu cầu" not in page
    assert "mỗi thôn/ấp (thiếu" not in page
    campaign = organizer.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "phần minh hoạ kế hoạch không nêu" in campaign


def test_hon_quans_own_rule_stays_on_its_own_campaign(app, demo, organizer):
    campaign_id = _campaign_id(app, title_part="90 ngày, đêm")
    page = organizer.get(f"/campaigns/{campaign_id}/teams").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="min_it_savvy_per_team"[^>]*>', page).group(0)
    assert 'value="2"' in field  # plan 003 (Hớn Quản): at least 2 who know IT per team


def test_the_inferred_party_committee_count_is_marked_as_an_illustration(app, demo, organizer):
    with app.app_context():
        event = db.session.execute(
            db.select(LaunchEvent).filter_by(event_date=date(2025, 10, 10))).scalar_one()
        event_id = event.id
        assert sum(g.expected_count for g in event.groups) == 200
    page = organizer.get(f"/events/{event_id}/groups").get_data(as_text=True)
    assert "Ban Chấp hành Đảng ủy xã (số người minh hoạ: kế hoạch không nêu" in page
