"""One set of check-in rules: every path (GET, citizen POST, desk, door, API) answers alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin import rules
from fieldops.checkin.devices import issue_token
from fieldops.checkin.models import RefusedSubmission, Registration
from fieldops.db import db
from fieldops.events.models import DeskCode, HelpDesk
from tests.factories.areas import commune_with_hamlets
from tests.factories.auth import signed_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.checkin import CCCD_2003, checkin_data, record_data


def api_headers(app, username: str = "tnv1") -> dict:
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        _token, secret = issue_token(user, "Điện thoại")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def api_body(scene, **overrides) -> dict:
    data = {"submission_id": checkin_data(scene)["submission_id"], "desk_id": scene.desk_id,
            "full_name": "Nguyễn Văn An", "phone": "0987654321",
            "hamlet_id": scene.hamlets["Chợ"], "citizen_id": CCCD_2003, "birth_year": 2003,
            "consent": True, "outcomes": [{"service_code": "eid_level2", "outcome": "done"}]}
    data.update(overrides)
    return data


def test_an_ended_campaign_is_refused_alike_on_every_path(app, client, scene):
    headers = api_headers(app)
    with app.app_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        campaign.start_date -= timedelta(days=60)
        campaign.end_date = campaign.start_date + timedelta(days=10)
        db.session.commit()
    ended = "đã kết thúc"
    page = client.get(f"/checkin/{scene.token}")
    assert page.status_code == 410 and ended in page.get_data(as_text=True)
    citizen = client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    assert citizen.status_code == 409 and ended in citizen.get_data(as_text=True)
    volunteer = signed_in(app, "tnv1")
    desk = volunteer.post(f"/checkin/desks/{scene.desk_id}/new", data=record_data(scene))
    assert desk.status_code == 422 and ended in desk.get_data(as_text=True)
    door = volunteer.post(f"/checkin/door?team_id={scene.team_id}",
                          data=record_data(scene, citizen_id=CCCD_2003, birth_year="2003"))
    assert door.status_code == 422 and ended in door.get_data(as_text=True)
    api = client.post("/api/registrations", json=api_body(scene), headers=headers)
    assert api.status_code == 409 and api.json["refused"] == "campaign_ended"
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Registration.id))).scalar_one() == 0
        refusals = db.session.execute(db.select(RefusedSubmission.source, RefusedSubmission.reason)
                                      .order_by(RefusedSubmission.id)).all()
        assert refusals == [("qr", "campaign_ended"), ("desk", "campaign_ended"),
                            ("door", "campaign_ended"), ("api", "campaign_ended")]


def test_a_hamlet_outside_the_campaign_is_refused_alike_on_every_path(app, client, scene):
    headers = api_headers(app)
    with app.app_context():
        elsewhere = commune_with_hamlets(province="Thái Bình", commune="Hưng Hà",
                                         hamlets=("Thôn Đông",))
        CampaignFactory(communes=[elsewhere])
        db.session.commit()
        hamlet = db.session.execute(db.select(Area.id).filter_by(name="Thôn Đông")).scalar_one()
    outside = "không thuộc địa bàn"
    citizen = client.post(f"/checkin/{scene.token}",
                          data=checkin_data(scene, hamlet_id=str(hamlet)))
    assert citizen.status_code == 422 and outside in citizen.get_data(as_text=True)
    # The desk's form offers only the campaign's hamlets; a forged choice meets the same rule.
    desk = signed_in(app, "tnv1").post(f"/checkin/desks/{scene.desk_id}/new",
                                       data=record_data(scene, hamlet_id=str(hamlet)))
    assert desk.status_code == 422
    api = client.post("/api/registrations", json=api_body(scene, hamlet_id=hamlet),
                      headers=headers)
    assert api.status_code == 422 and outside in api.json["error"]
    assert api.json["field"] == "hamlet_id"
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Registration.id))).scalar_one() == 0


def test_with_no_services_named_every_service_is_on_offer(app, client, scene):
    with app.app_context():
        db.session.get(Campaign, scene.campaign_id).services = []
        db.session.get(HelpDesk, scene.desk_id).services = []
        db.session.commit()
    page = client.get(f"/checkin/{scene.token}").get_data(as_text=True)
    assert "Chữ ký số" in page and "VssID" in page
    response = client.post(f"/checkin/{scene.token}", data=checkin_data(
        scene, services=[str(scene.services["digital_signature"])]))
    assert response.status_code == 302
    desk = signed_in(app, "tnv1").post(f"/checkin/desks/{scene.desk_id}/new", data=record_data(
        scene, **{f"outcome_{scene.services['digital_signature']}": "done"}))
    assert desk.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Registration.id))).scalar_one() == 2


@pytest.mark.parametrize("revoke", [False, True])
def test_a_citizen_post_takes_one_connection_even_when_refused(app, client, scene, revoke):
    if revoke:
        with app.app_context():
            code = db.session.execute(db.select(DeskCode).filter_by(token=scene.token)).scalar_one()
            code.revoked_at = datetime.now(UTC)
            db.session.commit()
    checkouts = []
    with app.app_context():
        engine = db.engine

    def counted(*_args):
        checkouts.append(1)

    sa.event.listen(engine, "checkout", counted)
    try:
        response = client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    finally:
        sa.event.remove(engine, "checkout", counted)
    assert response.status_code == (409 if revoke else 302)
    assert len(checkouts) == 1
    if revoke:
        body = response.get_data(as_text=True)
        assert "đã bị thu hồi" in body and "Bàn 1 – Công an xã" in body
        assert "Lễ phát động ra quân" in body
    with app.app_context():
        stored = RefusedSubmission if revoke else Registration
        assert db.session.execute(db.select(db.func.count()).select_from(stored)).scalar() == 1


def test_the_rules_on_plain_values():
    now = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)
    today, start, end = date(2025, 6, 1), date(2025, 5, 1), date(2025, 6, 1)

    def refusal(**dates):
        window = {"revoked_at": None, "valid_from": None, "valid_until": None} | dates
        return rules.code_refusal(*window.values(), start, end, at=now, today=today)

    assert refusal() is None  # the campaign's last day still takes registrations
    assert refusal(valid_until=now) == "expired"
    assert refusal(valid_from=now + timedelta(seconds=1)) == "not_yet"
    assert refusal(revoked_at=now, valid_until=now) == "revoked"
    assert rules.campaign_refusal(start, end, end + timedelta(days=1)) == "campaign_ended"
    assert rules.campaign_refusal(start, end, start - timedelta(days=1)) == "campaign_not_started"
    assert rules.offered_services([], [3, 1]) == [3, 1]
    assert rules.offered_services([2], [3, 1]) == [2]
    assert rules.offered_services([], []) is None  # every service
    assert rules.chosen_services([5, 2, 5, 9], {2, 5}) == [5, 2]
    with pytest.raises(rules.DomainError, match="ít nhất một dịch vụ"):
        rules.chosen_services([9], {2, 5})
    rules.check_hamlet(None, False, required=False)
    with pytest.raises(rules.DomainError, match="Hãy chọn thôn/ấp"):
        rules.check_hamlet(None, False, required=True)
    with pytest.raises(rules.DomainError, match="không thuộc địa bàn"):
        rules.check_hamlet(7, False, required=False)
