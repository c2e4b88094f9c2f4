"""Check-in views commit once per request: a copy that loses a race is undone and answered."""

from __future__ import annotations

from fieldops.auth.models import User
from fieldops.checkin import recording
from fieldops.checkin.devices import issue_token
from fieldops.checkin.models import AuditEntry, Registration, RegistrationChange
from fieldops.db import db
from tests.factories.auth import signed_in
from tests.factories.checkin import CCCD_2003, record_data, sid


def missing(lookup, times: int):
    """Return `lookup` answering None its first `times` calls: the other copy had not committed."""
    calls = []

    def late(*args):
        calls.append(args)
        return None if len(calls) <= times else lookup(*args)

    return late


def test_an_edit_sent_twice_at_once_keeps_the_first_and_says_so(app, users, scene, monkeypatch):
    volunteer = signed_in(app, "tnv1")
    assert volunteer.post(f"/checkin/desks/{scene.desk_id}/new",
                          data=record_data(scene)).status_code == 302
    with app.app_context():
        registration_id = db.session.execute(db.select(Registration.id)).scalar_one()
    organizer = signed_in(app, "toch")
    url = f"/registrations/{registration_id}/edit"
    first = record_data(scene, full_name="Nguyễn Văn Ân", citizen_id="", reason="Sai dấu tên")
    assert organizer.post(url, data=first).status_code == 302

    # The second copy checked for an earlier one before the first copy committed.
    monkeypatch.setattr(recording, "find_change", missing(recording.find_change, 1))
    second = organizer.post(url, data={**first, "full_name": "Nguyễn Văn Bình"})
    assert second.status_code == 422
    assert "Hồ sơ vừa được sửa ở nơi khác" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, registration_id).full_name == "Nguyễn Văn Ân"
        changes = db.session.execute(db.select(RegistrationChange.action)).scalars().all()
        assert changes.count("edited") == 1
        # The losing copy's audit line went with the rest of its request.
        audits = db.session.execute(db.select(AuditEntry.action)).scalars().all()
        assert audits == ["edit"]


def test_an_api_copy_losing_the_race_is_answered_with_the_stored_record(app, users, scene,
                                                                       monkeypatch):
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="tnv1")).scalar_one()
        _token, secret = issue_token(user, "Điện thoại bàn 1")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    payload = {"submission_id": sid(), "desk_id": scene.desk_id, "full_name": "Nguyễn Văn An",
               "phone": "0987654321", "hamlet_id": scene.hamlets["Chợ"],
               "citizen_id": "075085001234", "birth_year": 1985, "consent": True,
               "outcomes": [{"service_code": "eid_level2", "outcome": "done"}]}
    first = client_post(app, payload, headers)
    assert first.status_code == 201

    # Both copies looked for an earlier one (view, then service) before the first committed;
    # this copy's body differs (a corrupted resend), so only the unique submission id stops it.
    monkeypatch.setattr(recording, "replayed", missing(recording.replayed, 2))
    second = client_post(app, {**payload, "citizen_id": CCCD_2003, "birth_year": 2003},
                         headers)
    assert second.status_code == 200 and second.json["id"] == first.json["id"]
    assert second.json["citizen_id_masked"] == "********1234"
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Registration.id))).scalar_one() == 1


def client_post(app, payload, headers):
    return app.test_client().post("/api/registrations", json=payload, headers=headers)
