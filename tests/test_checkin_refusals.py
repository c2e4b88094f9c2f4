"""Refused check-ins followed up: listed to the desk and the organizer, taken into the queue by
the check-in's rules (once), or dismissed with a reason; both logged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin import refusals
from fieldops.checkin.models import AuditEntry, RefusedSubmission, Registration
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import DeskCode
from tests.factories.auth import signed_in
from tests.factories.checkin import checkin_data


def _revoke(app, scene) -> None:
    with app.app_context():
        code = db.session.execute(db.select(DeskCode).filter_by(token=scene.token)).scalar_one()
        code.revoked_at = now_utc()
        db.session.commit()


def _refused(app, client, scene, **overrides) -> tuple[int, dict]:
    """Send the citizen's form to a revoked code; return the stored refusal's id and the body."""
    data = checkin_data(scene, **overrides)
    response = client.post(f"/checkin/{scene.token}", data=data)
    assert response.status_code == 409
    with app.app_context():
        refusal = db.session.execute(db.select(RefusedSubmission).filter_by(
            submission_id=data["submission_id"])).scalar_one()
        return refusal.id, data


def _registrations(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(db.select(
            Registration.full_name, Registration.queue_number, Registration.status,
            Registration.desk_id).order_by(Registration.id)).all()


def test_the_citizen_is_told_the_desk_lists_it_and_the_desk_sees_it(app, client, scene):
    _revoke(app, scene)
    response = client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    html = response.get_data(as_text=True)
    assert "hiện trong danh sách của bàn" in html and "xếp bạn vào hàng chờ" in html
    with app.app_context():
        refusal = db.session.execute(db.select(RefusedSubmission)).scalar_one()
        assert refusal.campaign_id == scene.campaign_id and refusal.resolution is None
    volunteer = signed_in(app, "tnv1")
    queue = volunteer.get(f"/checkin/desks/{scene.desk_id}").get_data(as_text=True)
    assert "1 lượt đăng ký bị từ chối đang chờ xử lý" in queue
    listed = volunteer.get(f"/checkin/desks/{scene.desk_id}/refusals").get_data(as_text=True)
    assert "Nguyễn Văn An" in listed and "0987654321" in listed and "đã bị thu hồi" in listed
    assert "Ấp Chợ" in listed and "Xếp vào hàng chờ" in listed
    # The other desk's staff (none) and a volunteer of no desk see nothing of it.
    assert signed_in(app, "doan1").get(
        f"/checkin/desks/{scene.desk_id}/refusals").status_code == 403
    organizer = signed_in(app, "toch")
    campaign = organizer.get(f"/campaigns/{scene.campaign_id}").get_data(as_text=True)
    assert "1 lượt đăng ký bị từ chối đang chờ xử lý" in campaign
    assert "Nguyễn Văn An" in organizer.get(
        f"/checkin/campaigns/{scene.campaign_id}/refusals").get_data(as_text=True)
    assert volunteer.get(f"/checkin/campaigns/{scene.campaign_id}/refusals").status_code == 403


def test_taking_it_into_the_queue_gives_the_next_number_once(app, client, scene):
    first = client.post(f"/checkin/{scene.token}", data=checkin_data(
        scene, full_name="Trần Thị Bình", phone="0912345678"))
    assert first.status_code == 302
    _revoke(app, scene)
    refusal_id, data = _refused(app, client, scene)
    volunteer = signed_in(app, "tnv1")
    taken = volunteer.post(f"/checkin/refusals/{refusal_id}/queue", data={"back": "desk"},
                           follow_redirects=True)
    assert "Đã xếp Nguyễn Văn An vào hàng chờ của Bàn 1 – Công an xã: số 2." in taken.get_data(
        as_text=True)
    # Clicked twice: the same entry, no third number.
    volunteer.post(f"/checkin/refusals/{refusal_id}/queue", data={"back": "desk"})
    rows = _registrations(app)
    assert rows == [("Trần Thị Bình", 1, "waiting", scene.desk_id),
                    ("Nguyễn Văn An", 2, "waiting", scene.desk_id)]
    queue = volunteer.get(f"/checkin/desks/{scene.desk_id}/queue.json").json
    assert [e["name"] for e in queue["entries"]] == ["Trần Thị Bình", "Nguyễn Văn An"]
    with app.app_context():
        refusal = db.session.get(RefusedSubmission, refusal_id)
        assert refusal.resolution == "queued" and refusal.resolved_by.username == "tnv1"
        assert refusal.registration.queue_number == 2 and refusal.resolved_at is not None
        logged = db.session.execute(
            db.select(AuditEntry).filter_by(action="refusal_queued")).scalars().all()
        assert len(logged) == 1 and logged[0].registration_id == refusal.registration_id
        assert json.loads(logged[0].detail)["refusal_id"] == refusal_id
    # The citizen sends the same form again: now it is their ticket, not a refusal.
    again = client.post(f"/checkin/{scene.token}", data=data)
    assert again.status_code == 302 and "/checkin/ticket/" in again.headers["Location"]
    assert client.get(again.headers["Location"]).status_code == 200
    assert "bị từ chối đang chờ" not in volunteer.get(
        f"/checkin/desks/{scene.desk_id}").get_data(as_text=True)


def test_the_same_person_already_waiting_keeps_their_ticket(app, client, scene):
    _revoke(app, scene)
    refusal_id, _data = _refused(app, client, scene, full_name="nguyễn  văn an")
    # The desk put up a new code and the citizen scanned it before anyone took the refusal.
    with app.app_context():
        db.session.execute(db.update(DeskCode).values(revoked_at=None))
        db.session.commit()
    assert client.post(f"/checkin/{scene.token}", data=checkin_data(scene)).status_code == 302
    with app.test_request_context():
        refusal = db.session.get(RefusedSubmission, refusal_id)
        user = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        registration = refusals.take_into_queue(refusal, user)
        db.session.commit()
        assert registration.queue_number == 1
    assert len(_registrations(app)) == 1


def test_an_ended_campaign_can_only_be_dismissed_with_a_reason(app, client, scene):
    with app.app_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        campaign.start_date -= timedelta(days=60)
        campaign.end_date = campaign.start_date + timedelta(days=10)
        db.session.commit()
    response = client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    assert "Ban tổ chức sẽ xem danh sách này" in response.get_data(as_text=True)
    with app.app_context():
        refusal_id = db.session.execute(db.select(RefusedSubmission.id)).scalar_one()
    organizer = signed_in(app, "toch")
    page = organizer.post(f"/checkin/refusals/{refusal_id}/queue", data={"back": "campaign"},
                          follow_redirects=True).get_data(as_text=True)
    assert "chỉ có thể bỏ qua" in page
    assert _registrations(app) == []
    no_reason = organizer.post(f"/checkin/refusals/{refusal_id}/dismiss",
                               data={"back": "campaign", "note": "  "}, follow_redirects=True)
    assert "Hãy ghi lý do bỏ qua" in no_reason.get_data(as_text=True)
    done = organizer.post(f"/checkin/refusals/{refusal_id}/dismiss",
                          data={"back": "campaign", "note": "Đã gọi, hẹn đợt sau"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Đã bỏ qua lượt đăng ký này." in done and "Phạm Tổ Chức" in done
    assert "Đã gọi, hẹn đợt sau" in done
    # Dismissed once: a second dismiss changes nothing, taking it now is refused by name.
    organizer.post(f"/checkin/refusals/{refusal_id}/dismiss", data={"note": "lại"})
    with app.app_context():
        refusal = db.session.get(RefusedSubmission, refusal_id)
        assert (refusal.resolution, refusal.resolution_note) == ("dismissed",
                                                                 "Đã gọi, hẹn đợt sau")
        with pytest.raises(DomainError, match="Phạm Tổ Chức"):
            refusals.take_into_queue(refusal, refusal.resolved_by)
        assert db.session.execute(db.select(db.func.count()).select_from(AuditEntry).filter_by(
            action="refusal_dismissed")).scalar_one() == 1
    assert "0 lượt đăng ký bị từ chối" in organizer.get(
        f"/campaigns/{scene.campaign_id}").get_data(as_text=True)


def test_a_devices_refused_record_is_listed_but_only_dismissed(app, scene):
    with app.app_context():
        db.session.add(RefusedSubmission(
            submission_id="api-wrong-desk-1", reason="wrong_desk", source="api",
            desk_id=scene.desk_id, campaign_id=scene.campaign_id,
            payload=json.dumps({"full_name": "Lý Thiết Bị", "phone": "0911222333"})))
        db.session.commit()
    volunteer = signed_in(app, "tnv1")
    page = volunteer.get(f"/checkin/desks/{scene.desk_id}/refusals").get_data(as_text=True)
    assert "Lý Thiết Bị" in page and "Xếp vào hàng chờ" not in page and "Bỏ qua" in page
    with app.app_context():
        refusal_id = db.session.execute(db.select(RefusedSubmission.id)).scalar_one()
    refused = volunteer.post(f"/checkin/refusals/{refusal_id}/queue", follow_redirects=True)
    assert "chỉ có thể bỏ qua" in refused.get_data(as_text=True)
    assert _registrations(app) == []
    # Staff of another desk may not act on it.
    assert signed_in(app, "doan1").post(f"/checkin/refusals/{refusal_id}/dismiss",
                                        data={"note": "x"}).status_code == 403
