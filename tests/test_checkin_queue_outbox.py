"""Queue taps at a desk through the phone's outbox: call next, mark and unmark apply once per
submission id; a resend (its answer lost, or sent again from the phone) answers "replay" and
changes nothing more, and a call never calls two people for one tap."""

from __future__ import annotations

from fieldops.checkin import services
from fieldops.checkin.models import Registration, RegistrationChange
from fieldops.db import db
from fieldops.outbox import HEADER
from tests.factories.checkin import checkin_data, sid

OUTBOX = {HEADER: "1", "Accept": "application/json"}


def queued(app, client, scene, *names: str) -> list[int]:
    """Register citizens by the desk's QR in this order; return their registration ids."""
    for n, name in enumerate(names):
        client.post(f"/checkin/{scene.token}",
                    data=checkin_data(scene, full_name=name, phone=f"098765432{n}"))
    with app.app_context():
        return list(db.session.execute(
            db.select(Registration.id).order_by(Registration.queue_number)).scalars())


def statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(
            db.select(Registration.status).order_by(Registration.queue_number)).scalars())


def test_a_call_resent_is_the_same_call_never_a_second_person(app, client, scene, volunteer):
    first, second = queued(app, client, scene, "Nguyễn Văn An", "Trần Thị Bích")
    url = f"/checkin/desks/{scene.desk_id}/call"
    tap = {"submission_id": sid()}
    answer = volunteer.post(url, data=tap, headers=OUTBOX)
    assert answer.json == {"status": "stored", "errors": {},
                           "redirect": f"/checkin/registrations/{first}/record"}
    again = volunteer.post(url, data=tap, headers=OUTBOX)  # the phone never heard the answer
    assert again.json["status"] == "replay"
    assert again.json["redirect"] == f"/checkin/registrations/{first}/record"
    assert statuses(app) == ["called", "waiting"]
    # Without JavaScript the same tap sent twice (Back, send again) is one call too.
    plain = volunteer.post(url, data=tap)
    assert plain.headers["Location"].endswith(f"/checkin/registrations/{first}/record")
    assert statuses(app) == ["called", "waiting"]
    # A new tap is a new call: the next person.
    nxt = volunteer.post(url, data={"submission_id": sid()}, headers=OUTBOX)
    assert nxt.json["redirect"] == f"/checkin/registrations/{second}/record"
    assert statuses(app) == ["called", "called"]


def test_two_copies_of_a_call_at_once_call_one_person(app, client, scene, volunteer,
                                                        monkeypatch):
    first, _second = queued(app, client, scene, "Nguyễn Văn An", "Trần Thị Bích")
    url = f"/checkin/desks/{scene.desk_id}/call"
    tap = {"submission_id": sid()}
    assert volunteer.post(url, data=tap, headers=OUTBOX).json["status"] == "stored"
    # The second copy looked for the first before it had committed, and picked the next one.
    lookup, calls = services.find_change, []

    def late(submission_id):
        calls.append(submission_id)
        return None if len(calls) == 1 else lookup(submission_id)

    monkeypatch.setattr(services, "find_change", late)
    again = volunteer.post(url, data=tap, headers=OUTBOX)
    assert again.json["status"] == "replay" and len(calls) == 2
    assert again.json["redirect"] == f"/checkin/registrations/{first}/record"
    assert statuses(app) == ["called", "waiting"]  # its write went back with the rest


def test_a_late_resend_of_a_mark_does_not_undo_what_came_after(app, client, scene, volunteer):
    (entry,) = queued(app, client, scene, "Nguyễn Văn An")
    url = f"/checkin/registrations/{entry}/mark"
    absent = {"submission_id": sid(), "mark": "absent"}
    stored = volunteer.post(url, data=absent, headers=OUTBOX)
    assert stored.json == {"status": "stored", "errors": {},
                           "redirect": f"/checkin/desks/{scene.desk_id}"}
    unmark = volunteer.post(url, data={"submission_id": sid(), "mark": "waiting"},
                            headers=OUTBOX)
    assert unmark.json["status"] == "stored" and statuses(app) == ["waiting"]
    # The "absent" tap again, from a phone that never heard its answer: applied once already.
    late = volunteer.post(url, data=absent, headers=OUTBOX)
    assert late.status_code == 200 and late.json["status"] == "replay"
    assert statuses(app) == ["waiting"]
    with app.app_context():
        assert db.session.execute(db.select(RegistrationChange.action).where(
            RegistrationChange.registration_id == entry).order_by(
            RegistrationChange.id)).scalars().all() == ["absent", "unmarked"]


def test_a_refused_queue_tap_comes_back_with_its_message(app, client, scene, volunteer):
    (entry,) = queued(app, client, scene, "Nguyễn Văn An")
    tap = {"submission_id": sid(), "mark": "waiting"}  # nothing to unmark
    answer = volunteer.post(f"/checkin/registrations/{entry}/mark", data=tap, headers=OUTBOX)
    assert answer.status_code == 422 and answer.json == {
        "status": "refused", "errors": {"": ["Người này không có đánh dấu nào để bỏ."]}}
    too_long = volunteer.post(f"/checkin/registrations/{entry}/mark", headers=OUTBOX,
                              data={"submission_id": "x" * 65, "mark": "absent"})
    assert too_long.status_code == 422 and "submission_id" in too_long.json["errors"]
    assert statuses(app) == ["waiting"]


def test_a_call_at_an_empty_queue_is_answered_and_calls_nobody(app, scene, volunteer):
    answer = volunteer.post(f"/checkin/desks/{scene.desk_id}/call",
                            data={"submission_id": sid()}, headers=OUTBOX)
    assert answer.json["status"] == "stored"
    assert answer.json["redirect"] == f"/checkin/desks/{scene.desk_id}"
    page = volunteer.get(answer.json["redirect"]).get_data(as_text=True)
    assert "Không còn ai đang chờ." in page


def test_the_queue_page_sends_its_taps_through_the_outbox(app, client, scene, volunteer):
    queued(app, client, scene, "Nguyễn Văn An")
    page = volunteer.get(f"/checkin/desks/{scene.desk_id}").get_data(as_text=True)
    # The call button and each row's marks: outbox forms, each with its own submission id.
    assert page.count('data-outbox="follow"') == 1 and page.count('data-outbox="next"') == 2
    assert page.count('name="submission_id"') == 3
