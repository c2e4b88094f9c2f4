"""Check-in: a resent submission id answers as a replay only with a record its sender may read.

Another's submission id (guessed, or copied from a demo or a ticket link) goes on as if it were
new and then conflicts, without a word of the record it names, on every replay path.
"""

from __future__ import annotations

from fieldops.checkin.models import Registration, RegistrationChange
from fieldops.db import db
from fieldops.events.models import CHECKIN, HelpDesk
from fieldops.outbox import HEADER
from tests.factories.auth import signed_in
from tests.factories.checkin import CCCD_2003, checkin_data, record_data, sid
from tests.test_checkin_api import body, token_for

OUTBOX = {HEADER: "1", "Accept": "application/json"}
SECRET_NAME, SECRET_PHONE = "Lê Thị Kín", "0911222333"


def _organizer_record(app, scene) -> tuple[int, str]:
    """The organizer records a walk-in at the desk; return its id and submission id."""
    organizer = signed_in(app, "toch")
    data = record_data(scene, full_name=SECRET_NAME, phone=SECRET_PHONE)
    answer = organizer.post(f"/checkin/desks/{scene.desk_id}/new", data=data, headers=OUTBOX)
    assert answer.json["status"] == "stored", answer.json
    with app.app_context():
        record = db.session.execute(db.select(Registration).filter_by(
            submission_id=data["submission_id"])).scalar_one()
        return record.id, data["submission_id"]


def _rows(app, submission_id: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(Registration).where(
            Registration.submission_id == submission_id)).scalar_one()


def _says_nothing(answer) -> None:
    text = answer.get_data(as_text=True)
    assert SECRET_NAME not in text and SECRET_PHONE not in text, text
    assert answer.status_code not in (200, 201) or (answer.json or {}).get("status") not in (
        "stored", "replay"), text


def test_the_api_answers_anothers_submission_id_as_new_then_conflicts(app, client, users,
                                                                        scene):
    record_id, taken = _organizer_record(app, scene)
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    assert client.get(f"/api/registrations/{record_id}", headers=headers).status_code == 404
    # The id alone, as the tester sent it: checked like a new record (no desk or team named).
    bare = client.post("/api/registrations", json={"submission_id": taken}, headers=headers)
    assert bare.status_code == 422 and bare.json["field"] == "desk_id"
    _says_nothing(bare)
    # A whole valid record under that id: the id is taken, and nothing says by whom.
    full = client.post("/api/registrations", json=body(
        scene, submission_id=taken, citizen_id=CCCD_2003, birth_year=2003), headers=headers)
    assert full.status_code == 409 and "existing" not in full.json, full.json
    _says_nothing(full)
    assert _rows(app, taken) == 1
    # The organizer, who may read it, still gets the replay.
    own = {"Authorization": f"Bearer {token_for(app, 'toch')}"}
    replay = client.post("/api/registrations", json={"submission_id": taken}, headers=own)
    assert replay.status_code == 200 and replay.json["id"] == record_id


def test_a_citizens_qr_submission_id_opens_nothing_through_the_api(app, client, users, scene):
    data = checkin_data(scene, full_name=SECRET_NAME, phone=SECRET_PHONE)
    assert client.post(f"/checkin/{scene.token}", data=data).status_code == 302
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    answer = client.post("/api/registrations",
                         json={"submission_id": data["submission_id"]}, headers=headers)
    assert answer.status_code == 422
    _says_nothing(answer)
    assert "queue_number" not in answer.json


def test_the_desk_and_door_forms_do_not_replay_anothers_record(app, scene, volunteer):
    _record_id, taken = _organizer_record(app, scene)
    walk_in = f"/checkin/desks/{scene.desk_id}/new"
    door = f"/checkin/door?team_id={scene.team_id}"
    for url in (walk_in, door):
        data = record_data(scene, submission_id=taken, citizen_id=CCCD_2003, birth_year="2003")
        answer = volunteer.post(url, data=data, headers=OUTBOX)
        assert answer.status_code == 422 and answer.json["status"] == "refused", answer.json
        _says_nothing(answer)
        # Without the outbox: the form again with its message, no "recorded" flash.
        page = volunteer.post(url, data=data)
        assert page.status_code == 422
        _says_nothing(page)
    assert _rows(app, taken) == 1
    # Their own record sent again is still a replay.
    mine = record_data(scene, citizen_id=CCCD_2003, birth_year="2003")
    assert volunteer.post(walk_in, data=mine, headers=OUTBOX).json["status"] == "stored"
    assert volunteer.post(walk_in, data=mine, headers=OUTBOX).json["status"] == "replay"


def test_a_queue_tap_never_replays_another_desks_call(app, client, scene, volunteer):
    with app.app_context():
        other_token = db.session.get(HelpDesk, scene.other_desk_id).current_code(CHECKIN).token
    elsewhere = checkin_data(scene, full_name=SECRET_NAME, phone=SECRET_PHONE,
                             services=[str(scene.services["digital_signature"])])
    assert client.post(f"/checkin/{other_token}", data=elsewhere).status_code == 302
    assert client.post(f"/checkin/{scene.token}", data=checkin_data(scene)).status_code == 302
    organizer = signed_in(app, "toch")
    tap = sid()
    called = organizer.post(f"/checkin/desks/{scene.other_desk_id}/call",
                            data={"submission_id": tap}, headers=OUTBOX)
    assert called.json["status"] == "stored"
    # The desk's volunteer sends a call with that tap's id at their own desk.
    answer = volunteer.post(f"/checkin/desks/{scene.desk_id}/call", data={"submission_id": tap},
                            headers=OUTBOX)
    assert answer.json["status"] == "refused", answer.json
    assert called.json["redirect"] not in answer.get_data(as_text=True)
    _says_nothing(answer)
    with app.app_context():
        statuses = dict(db.session.execute(
            db.select(Registration.desk_id, Registration.status)).all())
        assert statuses[scene.desk_id] == "waiting"  # nobody was called by the refused tap
        assert db.session.execute(db.select(db.func.count()).select_from(
            RegistrationChange).where(RegistrationChange.submission_id == tap)).scalar_one() == 1
    # Its own call, resent, still answers with the citizen it called.
    mine = sid()
    first = volunteer.post(f"/checkin/desks/{scene.desk_id}/call", data={"submission_id": mine},
                           headers=OUTBOX).json
    again = volunteer.post(f"/checkin/desks/{scene.desk_id}/call", data={"submission_id": mine},
                           headers=OUTBOX).json
    assert again["status"] == "replay" and again["redirect"] == first["redirect"]
