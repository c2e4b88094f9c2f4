"""Progress with the police's lists: claimed beside confirmed, the count mode, list targets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.checkin import crypto
from fieldops.db import db
from fieldops.drive import credit
from fieldops.drive.models import (
    ACTIVATED_LEVEL2,
    APPROVED_NOT_ACTIVATED,
    ListedPerson,
    PoliceList,
    Visit,
)
from fieldops.reports import confirmed
from fieldops.reports.progress import COMMUNE, PLACES, TEAM, TEAMS, progress
from fieldops.text import fold
from tests.factories.auth import sign_in
from tests.factories.checkin import build_scene, recorded, today


def _person(scene, commune_id, police_list, n, hamlet, *, gone_days_ago=None):
    number = f"075085{n:06d}"
    person = ListedPerson(
        campaign_id=scene.campaign_id, citizen_id_hash=crypto.citizen_hash(number),
        citizen_id_last4=number[-4:], citizen_id_encrypted=crypto.encrypt(number),
        full_name=f"Người dân {n}", name_folded=fold(f"Người dân {n}"), commune_id=commune_id,
        hamlet_id=scene.hamlets[hamlet], kind=APPROVED_NOT_ACTIVATED,
        on_list_id=None if gone_days_ago is not None else police_list.id,
        first_listed_on=police_list.list_day, last_listed_on=police_list.list_day,
        gone_on=today() - timedelta(days=gone_days_ago) if gone_days_ago is not None else None)
    db.session.add(person)
    db.session.flush()
    return person


def _visit(person, registration_id):
    db.session.add(Visit(registration_id=registration_id, person_id=person.id,
                         outcome=ACTIVATED_LEVEL2, visited_on=today()))


@pytest.fixture
def scene(app, users):
    """A 10-day phase (today its 5th day); 5 people listed in Chợ and 2 in Trâu.

    Three door records are claimed in Chợ by tnv1; two of the people they visited have left the
    list (confirmed), one is still on it; a third person left the list without any visit.
    """
    built = build_scene(app)
    with app.test_request_context():
        campaign = db.session.get(Campaign, built.campaign_id)
        phase = campaigns.save_phase(campaign, None, name="Cao điểm",
                                     start_date=today() - timedelta(days=4),
                                     end_date=today() + timedelta(days=5))
        commune = campaign.communes[0]
        first = PoliceList(campaign_id=campaign.id, commune_id=commune.id,
                           kind=APPROVED_NOT_ACTIVATED, list_day=today() - timedelta(days=4),
                           file_sha256="a" * 64, filename="ds.xlsx", row_count=7)
        db.session.add(first)
        db.session.flush()
        claims = [recorded(built, "tnv1", n, hamlet="Chợ") for n in range(3)]
        people = [_person(built, commune.id, first, 0, "Chợ", gone_days_ago=1),
                  _person(built, commune.id, first, 1, "Chợ", gone_days_ago=2),
                  _person(built, commune.id, first, 2, "Chợ"),
                  _person(built, commune.id, first, 3, "Chợ", gone_days_ago=3),
                  _person(built, commune.id, first, 4, "Chợ"),
                  _person(built, commune.id, first, 5, "Trâu"),
                  _person(built, commune.id, first, 6, "Trâu")]
        for person, claim in zip(people[:3], claims, strict=True):
            _visit(person, claim)
        # Written directly, not by a list import and record_visit: count them as those would.
        credit.rebuild(campaign.id)
        db.session.commit()
        built.extra.update(phase_id=phase.id, commune_id=commune.id)
    return built


def _line(report, label):
    line = next(x for x in report.lines if x.label == label)
    return line.target, line.done, line.claimed, line.confirmed


def test_claimed_and_confirmed_side_by_side_per_place_team_and_person(app, scene):
    with app.test_request_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        phase = campaign.phases[0]
        # By default only what the lists confirm counts (plan 003).
        places = progress(campaign, phase, level=PLACES, today=today())
        assert places.lists and places.confirmed_only
        assert _line(places, "Xã Nhơn Trạch") == (None, 3, 3, 3)
        hamlets = progress(campaign, phase, level=COMMUNE, unit_id=scene.extra["commune_id"],
                           today=today())
        assert _line(hamlets, "Ấp Chợ") == (None, 3, 3, 3)
        assert _line(hamlets, "Ấp Trâu") == (None, 0, 0, 0)
        # The unvisited person who left the list is the hamlet's, not the team's.
        teams = progress(campaign, phase, level=TEAMS, today=today())
        assert _line(teams, "Đoàn 1") == (None, 2, 3, 2)
        people = progress(campaign, phase, level=TEAM, unit_id=scene.team_id, today=today())
        assert _line(people, "Đặng Tình Nguyện")[1:] == (2, 3, 2)
        # The burn-up follows the lists: one left 3 days ago, one 2 days ago, one yesterday.
        assert [n for _day, n in places.series[-4:]] == [1, 2, 3, 3]

        confirmed.set_count_confirmed_only(campaign, False)
        teams = progress(campaign, phase, level=TEAMS, today=today())
        assert _line(teams, "Đoàn 1") == (None, 3, 3, 2)


def test_targets_as_a_share_of_the_listed(app, scene):
    with app.test_request_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        phase = campaign.phases[0]
        confirmed.set_list_percent(phase, 80)
        hamlets = progress(campaign, phase, level=COMMUNE, unit_id=scene.extra["commune_id"],
                           today=today())
        # 80 % of 5 people is 4; of 2 it is 1.6, rounded up to 2; the commune: 80 % of 7 -> 6.
        assert _line(hamlets, "Ấp Chợ")[0] == 4
        assert _line(hamlets, "Ấp Trâu")[0] == 2
        assert hamlets.total.target == 6
        # "All that remain" (plan 000) is 100 %.
        confirmed.set_list_percent(phase, 100)
        places = progress(campaign, phase, level=PLACES, today=today())
        assert _line(places, "Xã Nhơn Trạch")[0] == 7
        with pytest.raises(Exception, match="1 đến 100"):
            confirmed.set_list_percent(phase, 120)


def test_progress_page_and_settings(app, client, scene):
    sign_in(client, "toch")
    page = client.get(f"/campaigns/{scene.campaign_id}/progress?level=teams").get_data(
        as_text=True)
    assert "Danh sách xác nhận" in page and "Tự báo cáo" in page
    assert "chỉ tính người đã ra khỏi danh sách" in page
    response = client.post(f"/campaigns/{scene.campaign_id}/targets/settings", data={
        "phase": scene.extra["phase_id"], "person_floor": "10", "green_percent": "100",
        "amber_percent": "80", "list_percent": "80", "count_mode": "claimed"})
    assert response.status_code in (302, 303)
    with app.app_context():
        phase = db.session.get(Campaign, scene.campaign_id).phases[0]
        assert confirmed.list_percent(phase) == 80
        assert not confirmed.count_confirmed_only(phase.campaign)
    page = client.get(f"/campaigns/{scene.campaign_id}/progress").get_data(as_text=True)
    assert "tính kết quả các tổ ghi nhận" in page
    bad = client.post(f"/campaigns/{scene.campaign_id}/targets/settings", data={
        "phase": scene.extra["phase_id"], "person_floor": "10", "green_percent": "100",
        "amber_percent": "80", "list_percent": "150", "count_mode": "confirmed"},
        follow_redirects=True).get_data(as_text=True)
    assert "Tỷ lệ phải từ 1 đến 100%." in bad
    with app.app_context():
        assert confirmed.list_percent(db.session.get(Campaign, scene.campaign_id).phases[0]) == 80
