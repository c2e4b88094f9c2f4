"""Bad input that used to slip through: invisible and bidi characters in names, an over-long
note cut without a word, and an OpenAPI document that did not say what the server accepts."""

from __future__ import annotations

import re

import pytest

from fieldops.checkin.citizen_id import check_shape
from fieldops.checkin.models import Registration
from fieldops.checkin.openapi import CITIZEN_ID_PATTERN
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.text import nfc
from tests.factories.checkin import checkin_data
from tests.test_checkin_api import body, token_for


def test_invisible_and_bidi_characters_never_reach_a_stored_name(app, scene):
    sneaky = "Lê\u200b Văn\u202e B\ufeff\u2066ình\u2069"
    answer = app.test_client().post(f"/checkin/{scene.token}",
                                    data=checkin_data(scene, full_name=sneaky))
    assert answer.status_code == 302
    with app.app_context():
        stored = db.session.execute(db.select(Registration.full_name)).scalar_one()
    assert stored == "Lê Văn Bình"
    assert nfc("\u00adTrần\u200dThị\u200c") == "TrầnThị"  # what a screen shows is what is kept


def test_an_over_long_note_is_refused_whole_not_cut(app, client, users, scene):
    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    too_long = body(scene, outcomes=[{"service_code": "eid_level2", "outcome": "done",
                                      "note": "x" * 309}])
    refused = client.post("/api/registrations", json=too_long, headers=headers)
    assert refused.status_code == 422 and "255" in refused.json["error"]
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Registration.id))).scalar_one() == 0
    whole = body(scene, outcomes=[{"service_code": "eid_level2", "outcome": "done",
                                   "note": "y" * 255}])
    stored = client.post("/api/registrations", json=whole, headers=headers)
    assert stored.status_code == 201
    assert stored.json["services"][0]["note"] == "y" * 255


@pytest.mark.parametrize("typed", ["079 198 000 777", "079-198-000-778", "079.198.000.779",
                                   "000000000000", "07919800077", "123456789012", "079198 00077a"])
def test_the_openapi_pattern_for_an_id_number_says_what_the_server_accepts(typed):
    try:
        check_shape(typed)
        accepted = True
    except DomainError:
        accepted = False
    assert bool(re.match(CITIZEN_ID_PATTERN, typed)) == accepted
