"""Who goes where: people attached to households by address, the lead's even split and split
by hand, the unassigned people the lead sees."""

from __future__ import annotations

import pytest

from tests.factories.auth import sign_in
from tests.factories.checkin import today
from tests.factories.drive import build_cho_scene
from tests.factories.drive import scene_person as person


@pytest.fixture
def scene(app, users):
    """Check-in's scene plus Chợ's police list and households (factories.drive)."""
    return build_cho_scene(app)

def test_people_are_attached_to_their_household_by_folded_address(app, scene):
    with app.app_context():
        homes = scene.extra["homes"]
        assert person("an", scene).household_id == homes["h1"]
        assert person("binh", scene).household_id == homes["h1"]  # "số 12 tổ 3": same address
        assert person("cuong", scene).household_id == homes["h2"]
        assert person("dung", scene).household_id == homes["h3"]
        assert person("em", scene).household_id is None  # no household at Số 99
        assert person("giang", scene).household_id is None


def test_lead_splits_evenly_by_household_in_one_click(client, scene, app):
    sign_in(client, "doan1")
    page = client.get(f"/drive/teams/{scene.team_id}/split").get_data(as_text=True)
    assert 'data-unassigned>6<' in page
    response = client.post(f"/drive/teams/{scene.team_id}/split", data={
        "by": "household", "only_unassigned": "1"}, follow_redirects=True)
    assert "Đã chia 6 người cho 2 thành viên." in response.get_data(as_text=True)
    with app.app_context():
        rows = [person(k, scene) for k in scene.extra["people"]]
        assert all(r.assignee_id is not None and r.due_date == today() for r in rows)
        # A household's people go to the same member, and the shares are even (3 and 3).
        assert person("an", scene).assignee_id == person("binh", scene).assignee_id
        shares = sorted(sum(1 for r in rows if r.assignee_id == m)
                        for m in scene.extra["members"].values())
        assert shares == [3, 3]
    page = client.get(f"/drive/teams/{scene.team_id}/split").get_data(as_text=True)
    assert 'data-unassigned>0<' in page


def test_lead_gives_chosen_households_by_hand_and_sees_who_is_left(client, scene, app):
    sign_in(client, "doan1")
    homes, people = scene.extra["homes"], scene.extra["people"]
    member = scene.extra["members"]["tnv1"]
    client.post(f"/drive/teams/{scene.team_id}/assign", data={
        "member_id": member, "household_ids": [homes["h1"]], "person_ids": [people["em"]]})
    with app.app_context():
        assert {k for k in people if person(k, scene).assignee_id == member} == {
            "an", "binh", "em"}
    page = client.get(f"/drive/teams/{scene.team_id}/split").get_data(as_text=True)
    assert 'data-unassigned>3<' in page
    unassigned = page.split("data-unassigned-list", 1)[1].split("</section>", 1)[0]
    assert "Đỗ Cường" in unassigned and "Hồ Giang" in unassigned
    assert "Nguyễn Văn An" not in unassigned


def test_a_volunteer_cannot_split_the_list(client, scene):
    sign_in(client, "tnv1")
    assert client.get(f"/drive/teams/{scene.team_id}/split").status_code == 403
    assert client.post(f"/drive/teams/{scene.team_id}/split",
                       data={"by": "household"}).status_code == 403
