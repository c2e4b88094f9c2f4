"""The first screen of people in the field: the team lead sees their team (today's hamlets, the
coming days, members and phones, the map, what is left of the target); the volunteer their desk
today first, then their team's day; the organizer's home is unchanged."""

from __future__ import annotations

import re
from datetime import timedelta

from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.events.models import HelpDesk
from fieldops.reports import targets
from fieldops.teams import assignments
from fieldops.teams.models import Team
from tests.factories.auth import signed_in
from tests.factories.checkin import checkin_data, recorded
from tests.factories.events import HelpDeskFactory, LaunchEventFactory


def _phase_and_target(app, scene, value: int = 10) -> None:
    """Give the scene's campaign a phase over its dates, the team a target and 2 results."""
    with app.test_request_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        phase = campaigns.save_phase(campaign, None, name="Cao điểm",
                                     start_date=campaign.start_date, end_date=campaign.end_date)
        targets.set_target(phase, value, user=None, team=db.session.get(Team, scene.team_id))
        recorded(scene, "tnv1", 1, hamlet="Chợ")
        recorded(scene, "tnv1", 2, hamlet="Chợ")
        # Saturdays in the coming days: the card lists them under "Những ngày tới".
        team = db.session.get(Team, scene.team_id)
        trau = db.session.get(type(team.campaign.communes[0]), scene.hamlets["Trâu"])
        assignments.assign(team, trau, start=local_today() + timedelta(days=1),
                           end=local_today() + timedelta(days=3))
        db.session.commit()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_team_lead_lands_on_their_team(app, scene):
    _phase_and_target(app, scene)
    html = signed_in(app, "doan1").get("/").get_data(as_text=True)
    text = _text(html)
    assert "tỉnh/thành phố" not in html  # the organizer's overview is not theirs
    card = text[text.index("Đoàn 1"):]
    tomorrow = (local_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    assert f"Hôm nay, {local_today():%d/%m/%Y}" in card and "Ấp Chợ" in card
    assert "Những ngày tới" in card and tomorrow in card and "Ấp Trâu" in card
    assert "Còn 8 (đã làm 2 / chỉ tiêu 10)" in card
    # Every member with a phone to call, the lead first.
    assert card.index("Võ Trưởng Đoàn") < card.index("Đặng Tình Nguyện")
    assert 'href="tel:0912000003"' in html and 'href="tel:0912000002"' in html
    assert f"/campaigns/{scene.campaign_id}/map?team={scene.team_id}" in html
    assert f"/checkin/door?team_id={scene.team_id}" in html
    assert "level=team" in html and f"unit={scene.team_id}" in html


def test_the_volunteer_sees_the_desk_today_first_then_the_team(app, client, scene):
    _phase_and_target(app, scene)
    client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    html = signed_in(app, "tnv1").get("/").get_data(as_text=True)
    text = _text(html)
    assert "Bàn tôi trực hôm nay" in text and "1 người đang chờ" in text
    assert text.index("Bàn 1 – Công an xã") < text.index("Đoàn 1")
    assert f'href="/checkin/desks/{scene.desk_id}"' in html
    # A member sees the lead's phone, not the whole list, and no per-member progress.
    assert 'href="tel:0912000002"' in html and 'href="tel:0912000003"' not in html
    assert "level=team" not in html


def test_a_lead_between_campaigns_still_finds_the_last_team(app, scene):
    with app.app_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        campaign.start_date = local_today() - timedelta(days=40)
        campaign.end_date = local_today() - timedelta(days=10)
        db.session.commit()
    text = _text(signed_in(app, "doan1").get("/").get_data(as_text=True))
    ended = (local_today() - timedelta(days=10)).strftime("%d/%m/%Y")
    assert "Đoàn 1" in text and f"Đã kết thúc ngày {ended}" in text
    assert "Hôm nay," not in text and "Ghi nhận tại nhà" not in text


def test_the_organizer_home_is_unchanged(app, scene):
    html = signed_in(app, "toch").get("/").get_data(as_text=True)
    assert "tỉnh/thành phố" in html and "field-home" not in html


def test_my_desks_list_today_and_coming_first_past_last(app, scene):
    with app.app_context():
        desk = db.session.get(HelpDesk, scene.desk_id)
        volunteer = desk.staff[0]
        campaign = desk.event.campaign
        past = HelpDeskFactory(event=LaunchEventFactory(
            campaign=campaign, event_date=local_today() - timedelta(days=3)),
            table_label="Bàn cũ", organisation="VNPT", staff=[volunteer])
        coming = HelpDeskFactory(event=LaunchEventFactory(
            campaign=campaign, event_date=local_today() + timedelta(days=2)),
            table_label="Bàn tới", organisation="VNPT", staff=[volunteer])
        older = HelpDeskFactory(event=LaunchEventFactory(
            campaign=campaign, event_date=local_today() - timedelta(days=4)),
            table_label="Bàn cũ hơn", organisation="VNPT", staff=[volunteer])
        db.session.commit()
        order = [scene.desk_id, coming.id, past.id, older.id]
    html = signed_in(app, "tnv1").get("/checkin").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'data-desk="(\d+)"', html)]
    assert shown == order
    assert "Đã qua" in html and "Hôm nay" in html
