"""Rate limits under faults: a Redis that hangs, the circuit breaker, Retry-After, and a desk's
code counted only on registrations (a poster's photo viewed by many must not block it)."""

from __future__ import annotations

import logging
import time

from fieldops.checkin.models import Registration
from fieldops.db import db
from fieldops.ratelimit import Breaker
from tests.factories.checkin import checkin_data


def _limited(app, **config):
    from fieldops import create_app

    return create_app({**app.config, "RATELIMIT_ENABLED": True, **config})


def _count_registrations(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(Registration)
                                  ).scalar_one()


def test_a_hung_redis_costs_one_short_wait_then_requests_pass(scene, app, hung_redis, caplog):
    limited = _limited(app, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{hung_redis.port}/0",
                       RATELIMIT_STORE_TIMEOUT=0.2, RATELIMIT_STORE_PAUSE=60)
    client = limited.test_client()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        codes = [client.post(f"/checkin/{scene.token}", data=checkin_data(scene)).status_code
                 for _ in range(5)]
        codes += [client.get("/sign-in").status_code for _ in range(15)]
    elapsed = time.monotonic() - started
    assert codes == [302] * 5 + [200] * 15
    assert _count_registrations(app) == 1  # the same submission id five times: stored once
    # redis-py's defaults (5 s, or no timeout) would hold each request; the breaker asks once.
    assert elapsed < 5, f"20 requests took {elapsed:.1f} s behind a hung Redis"
    assert len(hung_redis.accepted) == 1
    outage = [r for r in caplog.records if "rate-limit store" in r.getMessage()]
    assert len(outage) == 1 and not outage[0].exc_info  # one line per outage, no traceback
    with limited.app_context():
        db.engine.dispose()


def test_the_breaker_probes_once_per_pause_and_closes_when_the_store_answers(app):
    breaker = Breaker(pause=0.05)
    with app.app_context():
        assert breaker.allow()
        breaker.failed(ConnectionError("refused"))
        assert not breaker.allow()
        time.sleep(0.06)
        assert breaker.allow()       # one request probes...
        assert not breaker.allow()   # ...while the others pass without asking
        breaker.succeeded()
        assert breaker.allow() and breaker.allow()


def test_views_of_a_code_do_not_block_its_registrations(scene, app):
    limited = _limited(app, CHECKIN_RATE_PER_CODE="3/minute", CHECKIN_RATE_PER_ADDRESS="5/minute")
    client = limited.test_client()
    url = f"/checkin/{scene.token}"
    # Twelve phones photograph the poster and open the form, each under its own limit.
    for n in range(12):
        assert client.get(url, environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code == 200
    answer = client.post(url, data=checkin_data(scene), environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert answer.status_code == 302
    with limited.app_context():
        db.engine.dispose()


def test_over_the_code_limit_the_citizen_keeps_the_form_and_is_told_when(scene, app):
    limited = _limited(app, CHECKIN_RATE_PER_CODE="2/minute", CHECKIN_RATE_PER_ADDRESS="50/minute")
    client = limited.test_client()
    url = f"/checkin/{scene.token}"
    for n in range(2):
        data = checkin_data(scene, full_name=f"Người Thứ {'Nhất' if n == 0 else 'Hai'}")
        assert client.post(url, data=data).status_code == 302
    late = checkin_data(scene, full_name="Trần Thị Chờ")
    answer = client.post(url, data=late)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 429
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
    assert "Trần Thị Chờ" in page and late["submission_id"] in page  # nothing typed is lost
    assert "giây" in page and "/sign-in" not in page
    assert _count_registrations(app) == 2
    with limited.app_context():
        db.engine.dispose()


def test_sign_in_over_its_limit_says_when_to_try_again(app):
    limited = _limited(app)
    client = limited.test_client()
    codes = [client.post("/sign-in", data={"username": "x", "password": "y"}).status_code
             for _ in range(31)]
    assert codes[-1] == 429
    last = client.post("/sign-in", data={"username": "x", "password": "y"})
    assert last.status_code == 429 and 1 <= int(last.headers["Retry-After"]) <= 60
    with limited.app_context():
        db.engine.dispose()
