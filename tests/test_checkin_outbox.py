"""The phone's outbox on the server side: JSON answers (stored, replay, refused) for requests it
sends, plain form answers unchanged without it, the rules drawn into the form, the offline app."""

from __future__ import annotations

import re

import pytest

from fieldops.checkin import rules
from fieldops.checkin.models import Registration
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.outbox import HEADER
from fieldops.text import normalize_phone
from tests.factories.auth import sign_in
from tests.factories.checkin import checkin_data, record_data

OUTBOX = {HEADER: "1", "Accept": "application/json"}




def count(app, submission_id: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(Registration).where(
            Registration.submission_id == submission_id)).scalar_one()


def test_walk_in_from_the_outbox_is_answered_stored_then_replay(app, scene, volunteer):
    data = record_data(scene)
    url = f"/checkin/desks/{scene.desk_id}/new"
    first = volunteer.post(url, data=data, headers=OUTBOX)
    assert first.status_code == 200
    assert first.json == {"status": "stored", "errors": {},
                          "redirect": f"/checkin/desks/{scene.desk_id}"}
    again = volunteer.post(url, data=data, headers=OUTBOX)  # its answer was lost on the way
    assert again.json["status"] == "replay"
    assert count(app, data["submission_id"]) == 1


def test_a_refusal_comes_back_with_each_fields_messages(app, scene, volunteer):
    data = record_data(scene, full_name="", birth_year="1990", consent="")
    answer = volunteer.post(f"/checkin/desks/{scene.desk_id}/new", data=data, headers=OUTBOX)
    assert answer.status_code == 422 and answer.json["status"] == "refused"
    assert answer.json["errors"]["full_name"] == ["Vui lòng nhập trường này."]
    assert count(app, data["submission_id"]) == 0


def test_the_plain_form_post_is_answered_as_before(app, scene, volunteer):
    data = record_data(scene)
    answer = volunteer.post(f"/checkin/desks/{scene.desk_id}/new", data=data)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/checkin/desks/{scene.desk_id}")
    bad = volunteer.post(f"/checkin/desks/{scene.desk_id}/new",
                         data=record_data(scene, full_name=""))
    assert bad.status_code == 422 and "text/html" in bad.content_type


def test_a_door_record_resent_after_its_answer_was_lost_is_kept_once(app, scene, volunteer):
    data = record_data(scene)
    url = f"/checkin/door?team_id={scene.team_id}"
    statuses = [volunteer.post(url, data=data, headers=OUTBOX).json["status"] for _ in range(2)]
    assert statuses == ["stored", "replay"]
    assert count(app, data["submission_id"]) == 1


def test_the_citizens_form_answers_the_outbox(app, scene, client):
    data = checkin_data(scene)
    answer = client.post(f"/checkin/{scene.token}", data=data, headers=OUTBOX)
    assert answer.json["status"] == "stored"
    assert answer.json["redirect"] == f"/checkin/ticket/{data['submission_id']}"
    refused = client.post(f"/checkin/{scene.token}", headers=OUTBOX,
                          data=checkin_data(scene, consent=""))
    assert refused.status_code == 422
    assert refused.json["errors"]["consent"] == ["Cần đánh dấu đồng ý để đăng ký."]


@pytest.mark.parametrize("raw", [
    "0987 111 222", "+84 987 111 222", "84987111222", "(098) 711-1222", "0987.111.222",
    "0187111222", "098711122", "09871112223", "+840987111222", "8498711122", "abc", "",
    "0321234567", "0311234567", "0591234567", "0701234567", "0711234567"])
def test_the_phones_pattern_takes_what_the_server_takes(raw):
    by_pattern = re.fullmatch(rules.PHONE_PATTERN, raw) is not None
    assert by_pattern == (normalize_phone(raw) is not None)


@pytest.mark.parametrize("raw", ["Nguyễn Văn An", "Sai <Số>", "A{b}", "x|y", 'say "hi"',
                                 "Lê Thị-Mai", "a;b", "$x", "a`b", "a\\b"])
def test_the_names_pattern_refuses_what_the_server_refuses(raw):
    try:
        rules.clean_name(raw)
        taken = True
    except DomainError:
        taken = False
    assert (re.fullmatch(rules.NAME_PATTERN, raw) is not None) == taken


def test_the_form_carries_the_rules_for_the_phone(app, scene, volunteer):
    page = volunteer.get(f"/checkin/desks/{scene.desk_id}/new").get_data(as_text=True)
    assert 'data-outbox="next"' in page and 'name="submission_id"' in page
    name = re.search(r'<input[^>]*name="full_name"[^>]*>', page).group(0)
    assert "required" in name and 'data-required-message="Vui lòng nhập trường này."' in name
    assert "pattern=" in name


def test_the_offline_app_is_served(app, scene, volunteer):
    worker = volunteer.get("/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.content_type
    assert "importScripts" in worker.get_data(as_text=True)
    worker.close()
    manifest = volunteer.get("/manifest.webmanifest")
    assert manifest.json["start_url"] == "/checkin" and manifest.json["display"] == "standalone"
    pages = volunteer.get("/checkin/offline-pages").json
    assert f"/checkin/desks/{scene.desk_id}" in pages["pages"]
    assert f"/checkin/desks/{scene.desk_id}/new" in pages["pages"]
    # The reception counter of the desk's event, and the team's door form (a hamlet today).
    assert f"/events/{scene.event_id}/reception" in pages["pages"]
    assert f"/checkin/door?team_id={scene.team_id}" in pages["pages"]
    # The same file under its content-hashed name when static files are hashed.
    assert any(re.fullmatch(r"/static/js/outbox(\.[0-9a-f]{12})?\.js", url)
               for url in pages["static"])


def test_the_manifest_lists_real_png_icons_a_phone_installs(app, volunteer):
    """Android asks for 192 and 512 px PNGs (and a maskable one) to install the app."""
    import io

    from PIL import Image

    icons = volunteer.get("/manifest.webmanifest").json["icons"]
    pngs = {(i["sizes"], i["purpose"]): i["src"] for i in icons if i["type"] == "image/png"}
    assert set(pngs) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, purpose), src in pngs.items():
        answer = volunteer.get(src)
        assert answer.status_code == 200 and answer.content_type == "image/png"
        image = Image.open(io.BytesIO(answer.data))
        assert image.format == "PNG" and f"{image.width}x{image.height}" == sizes
        # The maskable one is filled to its edges: the phone cuts the shape, no corner shows.
        corner = image.convert("RGBA").getpixel((0, 0))
        assert (corner[3] == 255) == (purpose == "maskable"), (src, corner)
        answer.close()


def test_signing_out_clears_what_the_phone_kept(app, scene, volunteer):
    answer = volunteer.post("/sign-out")
    assert answer.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_a_queued_citizens_record_resent_is_a_replay_and_a_second_one_refused(
        app, scene, volunteer):
    app.test_client().post(f"/checkin/{scene.token}", data=checkin_data(scene))
    target = volunteer.post(f"/checkin/desks/{scene.desk_id}/call").headers["Location"]
    data = record_data(scene)
    assert volunteer.post(target, data=data, headers=OUTBOX).json["status"] == "stored"
    # The answer was lost; the page now says the citizen is recorded, yet the resend is kept once.
    assert volunteer.post(target, data=data, headers=OUTBOX).json["status"] == "replay"
    other = volunteer.post(target, data=record_data(scene), headers=OUTBOX)
    assert other.status_code == 409 and other.json["status"] == "refused"
    assert other.json["errors"][""] == ["Hồ sơ vừa được ghi ở nơi khác. Hãy tải lại và kiểm tra."]


def test_a_correction_from_the_outbox_is_answered_too(app, scene, volunteer):
    data = record_data(scene)
    volunteer.post(f"/checkin/desks/{scene.desk_id}/new", data=data, headers=OUTBOX)
    with app.app_context():
        registration_id = db.session.execute(db.select(Registration.id).where(
            Registration.submission_id == data["submission_id"])).scalar_one()
    organizer = app.test_client()
    sign_in(organizer, "toch")
    url = f"/registrations/{registration_id}/edit"
    refused = organizer.post(url, headers=OUTBOX, data=record_data(scene, reason=""))
    assert refused.status_code == 422 and "reason" in refused.json["errors"]
    fixed = record_data(scene, full_name="Nguyễn Văn Ân", citizen_id="", reason="Sai dấu tên")
    answers = [organizer.post(url, headers=OUTBOX, data=fixed).json for _ in range(2)]
    assert [a["status"] for a in answers] == ["stored", "stored"]  # the resend changes nothing
    assert answers[0]["redirect"] == f"/registrations/{registration_id}"


def test_two_copies_of_a_record_at_once_are_one_record_answered_stored(app, scene, volunteer,
                                                                        monkeypatch):
    """The page and its service worker send one kept record at the same moment: the copy that
    checked for an earlier one before the other committed is a replay, not a refusal."""
    from fieldops.checkin import recording

    data = record_data(scene)
    url = f"/checkin/desks/{scene.desk_id}/new"
    assert volunteer.post(url, data=data, headers=OUTBOX).json["status"] == "stored"
    lookup, calls = recording.replayed, []

    def late(submission_id, user):
        calls.append(submission_id)
        return None if len(calls) == 1 else lookup(submission_id, user)

    monkeypatch.setattr(recording, "replayed", late)
    again = volunteer.post(url, data=data, headers=OUTBOX)
    # Its own checks found the same citizen's record (a duplicate): it is that record's copy.
    assert again.status_code == 200 and again.json["status"] == "stored", again.json
    assert len(calls) == 2 and count(app, data["submission_id"]) == 1
