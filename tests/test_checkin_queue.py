"""Check-in: the same person gets the same number, marked entries are skipped, live JSON."""

from __future__ import annotations

import threading

import pytest

from fieldops.checkin import rules
from fieldops.checkin.models import Registration, RegistrationChange
from fieldops.db import db
from tests.factories.auth import signed_in
from tests.factories.checkin import checkin_data, sid


def rows(app) -> list[tuple[str, int, str]]:
    with app.app_context():
        return [(r.full_name, r.queue_number, r.status) for r in db.session.execute(
            db.select(Registration).order_by(Registration.queue_number)).scalars()]


def register(client, scene, name, phone="0987 654 321"):
    """Send the citizen's form as a fresh page would (a new submission id); return Location."""
    response = client.post(f"/checkin/{scene.token}",
                           data=checkin_data(scene, full_name=name, phone=phone))
    assert response.status_code == 302
    return response.headers["Location"]


# --- same person, same number -----------------------------------------------------------------


@pytest.mark.parametrize("name, phone", [
    ("Nguyễn Văn An", "0987 654 321"),      # the answer was lost: sent again as it was
    ("nguyen  van AN", "+84 987 654 321"),  # no accents, other case and spacing, +84
    ("NGUYỄN VĂN AN", "84987654321"),
    ("Nguyễn Văn An", "0987.654.321"),
])
def test_the_same_person_scanning_again_gets_their_ticket_back(app, client, scene, name, phone):
    first = register(client, scene, "Nguyễn Văn An")
    assert register(client, scene, name, phone) == first
    assert rows(app) == [("Nguyễn Văn An", 1, "waiting")]
    page = client.get(first).get_data(as_text=True)
    assert 'data-field="queue_number"' in page and ">1</p>" in page


def test_back_and_resend_gives_the_same_ticket(app, client, scene):
    data = checkin_data(scene, full_name="Trần Thị Bích")
    first = client.post(f"/checkin/{scene.token}", data=data).headers["Location"]
    # Back shows the sent form: the same id, or a new one once the page is shown again.
    assert client.post(f"/checkin/{scene.token}", data=data).headers["Location"] == first
    again = client.post(f"/checkin/{scene.token}", data={**data, "submission_id": sid()})
    assert again.headers["Location"] == first
    assert rows(app) == [("Trần Thị Bích", 1, "waiting")]


def test_another_name_on_the_same_phone_is_another_person(app, client, scene):
    # A family shares one phone: each member takes a number.
    first = register(client, scene, "Nguyễn Văn An")
    assert register(client, scene, "Nguyễn Thị Hoa") != first
    assert [n for _name, n, _status in rows(app)] == [1, 2]


def test_two_sends_at_once_take_one_number(app, scene):
    # Two phones (or a phone and its outbox) send the same person at the same moment.
    start = threading.Barrier(4)
    answers: list[str] = []

    def send(phone):
        client = app.test_client()
        start.wait()
        response = client.post(f"/checkin/{scene.token}",
                               data=checkin_data(scene, full_name="Lê Văn Cường", phone=phone))
        answers.append(f"{response.status_code} {response.headers.get('Location')}")

    threads = [threading.Thread(target=send, args=(phone,)) for phone in
               ("0912345678", "+84912345678", "0912 345 678", "84912345678")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(answers)) == 1 and answers[0].startswith("302 ")
    assert rows(app) == [("Lê Văn Cường", 1, "waiting")]


def test_a_send_racing_the_same_persons_first_takes_no_second_number(app, client, scene,
                                                                     monkeypatch):
    from fieldops.checkin import prereg

    first = register(client, scene, "Nguyễn Văn An")
    read, calls = prereg.read_facts, []

    def read_before_the_first_committed(writer, token, submission):
        facts = read(writer, token, submission)
        calls.append(facts)
        # The first read missed the other send, which committed just after it.
        return facts._replace(same_person=None) if len(calls) == 1 else facts

    monkeypatch.setattr(prereg, "read_facts", read_before_the_first_committed)
    assert register(client, scene, "nguyễn văn an", "+84987654321") == first
    assert len(calls) == 2  # the write hit the one-live-ticket index; the retry read again
    # Nothing doubled, and the failed write gave back its queue number.
    register(client, scene, "Trần Thị Bích")
    assert [n for _name, n, _status in rows(app)] == [1, 2]


# --- marks: trùng, vắng -----------------------------------------------------------------------


def _ids(app) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(
            db.select(Registration.queue_number, Registration.id)).all())


def test_call_next_skips_entries_marked_duplicate_or_absent(app, client, scene):
    for name in ("Nguyễn Văn An", "Phạm Văn Bình", "Trần Thị Bích", "Lê Văn Cường"):
        register(client, scene, name)
    volunteer = signed_in(app, "tnv1")
    ids = _ids(app)
    for number, mark in ((1, "duplicate"), (2, "absent")):
        marked = volunteer.post(f"/checkin/registrations/{ids[number]}/mark", data={"mark": mark})
        assert marked.headers["Location"].endswith(f"/checkin/desks/{scene.desk_id}")
    page = volunteer.get(f"/checkin/desks/{scene.desk_id}").get_data(as_text=True)
    assert "Trùng" in page and "Vắng" in page and "Hàng chờ hôm nay (<span" in page
    assert '<span data-field="waiting">2</span>' in page
    called = volunteer.post(f"/checkin/desks/{scene.desk_id}/call")
    assert called.headers["Location"].endswith(f"/registrations/{ids[3]}/record")
    assert [status for _n, _number, status in rows(app)] == [
        "duplicate", "absent", "called", "waiting"]
    with app.app_context():
        assert db.session.execute(db.select(RegistrationChange.action).where(
            RegistrationChange.registration_id == ids[2])).scalars().all() == ["absent"]


def test_a_mark_is_undone_and_the_entry_waits_again(app, client, scene):
    register(client, scene, "Nguyễn Văn An")
    volunteer = signed_in(app, "tnv1")
    entry = _ids(app)[1]
    volunteer.post(f"/checkin/registrations/{entry}/mark", data={"mark": "absent"})
    assert volunteer.post(f"/checkin/desks/{scene.desk_id}/call",
                          follow_redirects=True).get_data(as_text=True).count(
                              "Không còn ai đang chờ.") == 1
    volunteer.post(f"/checkin/registrations/{entry}/mark", data={"mark": "waiting"})
    assert rows(app) == [("Nguyễn Văn An", 1, "waiting")]


def test_undoing_a_mark_of_someone_who_scanned_again_is_refused(app, client, scene):
    first = register(client, scene, "Nguyễn Văn An")
    volunteer = signed_in(app, "tnv1")
    volunteer.post(f"/checkin/registrations/{_ids(app)[1]}/mark", data={"mark": "absent"})
    # Absent is not a live ticket: scanning again takes a new number at the end.
    assert register(client, scene, "Nguyễn Văn An") != first
    page = volunteer.post(f"/checkin/registrations/{_ids(app)[1]}/mark", data={"mark": "waiting"},
                          follow_redirects=True).get_data(as_text=True)
    assert "đã có một số khác đang chờ" in page
    assert rows(app) == [("Nguyễn Văn An", 1, "absent"), ("Nguyễn Văn An", 2, "waiting")]


def test_only_live_entries_take_a_mark(app, client, scene):
    register(client, scene, "Nguyễn Văn An")
    volunteer = signed_in(app, "tnv1")
    entry = _ids(app)[1]
    page = volunteer.post(f"/checkin/registrations/{entry}/mark", data={"mark": "recorded"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Đánh dấu không hợp lệ." in page
    assert signed_in(app, "doan1").post(
        f"/checkin/registrations/{entry}/mark", data={"mark": "absent"}).status_code == 403
    assert rows(app) == [("Nguyễn Văn An", 1, "waiting")]


@pytest.mark.parametrize("status, mark, allowed", [
    ("waiting", "duplicate", True), ("called", "absent", True), ("recorded", "absent", False),
    ("voided", "duplicate", False), ("absent", "waiting", True), ("waiting", "waiting", False),
    ("waiting", "recorded", False),
])
def test_mark_rule(status, mark, allowed):
    try:
        rules.check_mark(status, mark)
    except Exception:  # noqa: BLE001 - the rule raises DomainError
        assert not allowed
    else:
        assert allowed


def test_queue_rules_on_plain_values():
    queue = [(1, "duplicate"), (2, "called"), (3, "absent"), (4, "waiting"), (5, "waiting")]
    assert rules.next_waiting(queue) == 4
    assert rules.people_ahead(queue, 5) == 2
    assert rules.same_person("+84 987.654.321", " NGUYỄN  Văn đức ") == ("0987654321",
                                                                        "nguyen van duc")


# --- the live pages' JSON ---------------------------------------------------------------------


def test_ticket_json_says_the_number_and_who_is_ahead(app, client, scene):
    register(client, scene, "Nguyễn Văn An")
    ticket = register(client, scene, "Trần Thị Bích")
    answer = client.get(ticket + ".json")
    assert answer.headers["Cache-Control"] == "no-store"
    data = answer.get_json()
    assert (data["queue_number"], data["status_label"], data["ahead"]) == (2, "Đang chờ", 1)
    assert data["ahead_label"] == "còn 1 người trước bạn"
    assert len(data["updated_at"]) == 16 and data["updated_at"][2] == "/"  # dd/mm/yyyy HH:MM
    signed_in(app, "tnv1").post(f"/checkin/registrations/{_ids(app)[1]}/mark",
                                data={"mark": "absent"})
    assert client.get(ticket + ".json").get_json()["ahead"] == 0
    assert client.get("/checkin/ticket/not-a-ticket.json").status_code == 404


def test_queue_json_lists_the_marks_for_the_desk_only(app, client, scene):
    register(client, scene, "Nguyễn Văn An")
    register(client, scene, "Trần Thị Bích")
    volunteer = signed_in(app, "tnv1")
    volunteer.post(f"/checkin/registrations/{_ids(app)[1]}/mark", data={"mark": "duplicate"})
    data = volunteer.get(f"/checkin/desks/{scene.desk_id}/queue.json").get_json()
    assert data["waiting"] == 1
    assert [(e["number"], e["name"], e["status_label"]) for e in data["entries"]] == [
        (1, "Nguyễn Văn An", "Trùng"), (2, "Trần Thị Bích", "Đang chờ")]
    assert client.get(f"/checkin/desks/{scene.desk_id}/queue.json").status_code in (302, 401)
    assert signed_in(app, "doan1").get(
        f"/checkin/desks/{scene.desk_id}/queue.json").status_code == 403


def test_the_live_pages_say_when_they_were_read_in_english_too(app, client, scene):
    ticket = register(client, scene, "Nguyễn Văn An")
    page = client.get(ticket).get_data(as_text=True)
    assert 'data-updated="Cập nhật lúc {time}"' in page and "Cập nhật lúc " in page
    assert 'http-equiv="refresh"' not in page and "Tải lại để cập nhật" in page
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.get(ticket).get_data(as_text=True)
    assert 'data-offline="No connection – showing the information of {time}"' in page
    assert "Updated at " in page
    assert client.get(ticket + ".json").get_json()["status_label"] == "Waiting"
