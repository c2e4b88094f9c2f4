"""Check-in under load and faults: racing replays, a locked SQLite, ids past the integer range.

(The dropped PostgreSQL connection is in test_app.py, beside the idle one.)
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from fieldops import create_app
from fieldops.checkin import recording
from fieldops.checkin.models import Registration
from fieldops.db import db
from tests.factories.auth import signed_in
from tests.factories.checkin import checkin_data, record_data
from tests.test_checkin_api import body, token_for

PAIRS = 50
BIG = 2**31  # one past PostgreSQL's integer


def _rows_by_submission(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(
            db.select(Registration.submission_id, db.func.count())
            .group_by(Registration.submission_id)).all())


@pytest.fixture
def live(app):
    """The app served by a threaded server on a free port; yields its base address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _post_json(url: str, payload: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_racing_copies_of_one_api_record_store_one_and_answer_it(app, users, scene, live):
    """The phone and its resend at the same moment, many times over a live server: one row
    each, one copy answered 201 and its twin 200 with the same record, never a 409."""
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    answers: dict[str, list[tuple[int, int | None]]] = {}
    pairs = int(os.environ.get("FIELDOPS_RACE_PAIRS", PAIRS))

    def send(payload, start):
        start.wait()
        status, answer = _post_json(f"{live}/api/registrations", payload, headers)
        answers[payload["submission_id"]].append((status, answer.get("id")))

    for n in range(pairs):
        payload = body(scene, citizen_id=f"0750{85 + n // 10**6:02d}{n % 10**6:06d}",
                       full_name=f"Người dân {n}")
        answers[payload["submission_id"]] = []
        start = threading.Barrier(2)
        pair = [threading.Thread(target=send, args=(payload, start)) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
    outcomes = Counter(tuple(sorted(code for code, _id in pair)) for pair in answers.values())
    print(f"{pairs} racing pairs: {dict(outcomes)}")
    wrong = {key: pair for key, pair in answers.items()
             if sorted(code for code, _id in pair) != [200, 201] or pair[0][1] != pair[1][1]}
    assert not wrong, (dict(outcomes), wrong)
    assert _rows_by_submission(app) == dict.fromkeys(answers, 1)


@pytest.mark.parametrize("missed", [1, 2])
def test_a_copy_that_looked_before_its_twin_committed_is_its_replay(app, client, users, scene,
                                                                    monkeypatch, missed):
    """Its twin committed after this copy's first look (missed=1: record() finds it) or after
    both looks (missed=2: its citizen is then a duplicate of itself): 200, never 201 or 409."""
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    payload = body(scene)
    first = client.post("/api/registrations", json=payload, headers=headers)
    assert first.status_code == 201
    lookup, calls = recording.replayed, []

    def late(submission_id, user):
        calls.append(submission_id)
        return None if len(calls) <= missed else lookup(submission_id, user)

    monkeypatch.setattr(recording, "replayed", late)
    again = client.post("/api/registrations", json=payload, headers=headers)
    assert again.status_code == 200 and again.json["id"] == first.json["id"], again.json
    assert len(calls) == missed + 1
    assert _rows_by_submission(app) == {payload["submission_id"]: 1}


@contextmanager
def _write_lock_held(app, database_url, **config):
    """Yield an app that waits briefly for SQLite's write lock, which another connection holds."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's one write lock")
    impatient = create_app({**app.config, "DATABASE_BUSY_TIMEOUT": 0.2, **config})
    holder = sa.create_engine(database_url).connect()
    holder.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield impatient, holder
    finally:
        holder.rollback()
        holder.close()
        with impatient.app_context():
            db.engine.dispose()


def test_a_locked_sqlite_answers_503_with_retry_after(app, users, scene, database_url):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    with _write_lock_held(app, database_url, DATABASE_RETRIES=1) as (impatient, _holder):
        client = impatient.test_client()
        api = client.post("/api/registrations", json=body(scene), headers=headers)
        citizen = client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert "chưa được lưu" in api.json["error"]
    assert citizen.status_code == 503 and citizen.headers["Retry-After"] == "5"
    assert "chưa được lưu" in citizen.get_data(as_text=True)
    assert _rows_by_submission(app) == {}


def test_a_write_lock_released_during_the_retries_stores_the_record(app, users, scene,
                                                                     database_url):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    with _write_lock_held(app, database_url, DATABASE_BUSY_TIMEOUT=0.3) as (impatient, holder):
        # Held a little past one busy timeout: the request's second try gets it.
        release = threading.Timer(0.45, holder.rollback)
        release.start()
        answer = impatient.test_client().post("/api/registrations", json=body(scene),
                                              headers=headers)
        release.join()
    assert answer.status_code == 201, answer.json
    assert list(_rows_by_submission(app).values()) == [1]


def test_ids_past_the_integer_range_answer_404_or_422(app, client, users, scene, volunteer):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    for path in (f"/api/registrations/{BIG}", f"/api/desks/{BIG}/queue",
                 f"/api/registrations/{2**64}"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and "error" in answer.json, path
    assert volunteer.get(f"/registrations/{BIG}").status_code == 404
    assert volunteer.post(f"/checkin/registrations/{BIG}/record").status_code == 404
    for key in ("desk_id", "hamlet_id", "registration_id", "birth_year"):
        answer = client.post("/api/registrations", json=body(scene, **{key: BIG}),
                             headers=headers)
        assert answer.status_code == 422 and answer.json["field"] == key, (key, answer.json)
    outcome = client.post("/api/registrations", json=body(scene, outcomes=[
        {"service_id": BIG, "outcome": "done"}]), headers=headers)
    assert outcome.status_code == 422 and outcome.json["field"] == "outcomes"
    door = volunteer.post(f"/checkin/door?team_id={scene.team_id}",
                          data=record_data(scene, hamlet_id=str(BIG)))
    assert door.status_code == 422
    walk_in = volunteer.post(f"/checkin/desks/{scene.desk_id}/new",
                             data=record_data(scene, hamlet_id=str(2**70)))
    assert walk_in.status_code in (303, 302, 422)  # no hamlet is optional at the desk
    citizen = client.post(f"/checkin/{scene.token}", data=checkin_data(
        scene, hamlet_id=str(BIG), services=[str(BIG)]))
    assert citizen.status_code == 422
    assert sum(_rows_by_submission(app).values()) <= 1


def test_a_value_no_column_holds_is_refused_not_a_server_error(app, users, scene):
    """The net under the checks: a number the database refuses is the sender's mistake."""
    organizer = signed_in(app, "toch")
    answer = organizer.get(f"/campaigns/{scene.campaign_id}/map?team={BIG}")
    assert answer.status_code in (200, 422), answer.status_code


def test_an_error_after_the_commit_says_the_record_was_stored(app, users, scene):
    """The 500 answer must not say "not saved" of a record that was committed."""
    loud = create_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @loud.after_request
    def _fail(response):
        raise RuntimeError("after the commit")

    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    answer = loud.test_client().post("/api/registrations", json=body(scene), headers=headers)
    assert answer.status_code == 500
    assert "đã được lưu" in answer.json["error"] and "chưa" not in answer.json["error"]
    assert list(_rows_by_submission(app).values()) == [1]
    with loud.app_context():
        db.engine.dispose()
