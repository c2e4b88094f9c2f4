"""Check-in announces each change; what receivers return is written in the change's transaction."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

import fieldops
from fieldops.checkin.models import AuditEntry, QueueCounter, Registration
from fieldops.checkin.signals import registration_changed
from fieldops.db import db
from tests.factories.auth import sign_in
from tests.factories.checkin import checkin_data, record_data


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(db.select(sa.func.count()).select_from(model)).scalar_one()


def test_the_citizen_post_writes_what_receivers_ask_in_its_own_transaction(app, client, scene):
    seen = []

    def note(_sender, *, before, after, dialect, **_more):
        seen.append((before, after.status, after.outcomes))
        return [sa.insert(AuditEntry).values(action="noted", detail=after.status)]

    with registration_changed.connected_to(note):
        assert client.post(f"/checkin/{scene.token}", data=checkin_data(scene)).status_code == 302
    assert seen == [(None, "waiting", ((scene.services["eid_level2"], None),))]
    with app.app_context():
        assert db.session.execute(db.select(AuditEntry.detail)).scalar_one() == "waiting"
        assert db.session.execute(db.select(Registration.queue_number)).scalar_one() == 1


def test_a_receiver_that_fails_undoes_the_citizen_post(app, client, scene):
    def broken(_sender, **_change):
        return [sa.insert(AuditEntry).values(action=None)]  # action may not be empty

    with registration_changed.connected_to(broken), pytest.raises(sa.exc.IntegrityError):
        client.post(f"/checkin/{scene.token}", data=checkin_data(scene))
    assert count(app, Registration) == 0 and count(app, AuditEntry) == 0
    # The queue number went back with the rest: the next citizen is still number 1.
    assert client.post(f"/checkin/{scene.token}", data=checkin_data(scene)).status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Registration.queue_number)).scalar_one() == 1
        assert db.session.execute(db.select(QueueCounter.last_number)).scalar_one() == 1


def test_a_receiver_that_fails_undoes_the_volunteers_record(app, scene):
    volunteer = app.test_client()
    sign_in(volunteer, "tnv1")

    def broken(_sender, **_change):
        return [sa.insert(AuditEntry).values(action=None)]

    with registration_changed.connected_to(broken), pytest.raises(sa.exc.IntegrityError):
        volunteer.post(f"/checkin/desks/{scene.desk_id}/new", data=record_data(scene))
    assert count(app, Registration) == 0


def test_a_desk_record_announces_what_it_was_and_what_it_is(app, scene):
    volunteer = app.test_client()
    sign_in(volunteer, "tnv1")
    changes = []

    def note(_sender, *, before, after, dialect, **_more):
        changes.append((before and before.status, after.status, after.outcomes,
                        after.recorded_at is not None))

    app.test_client().post(f"/checkin/{scene.token}", data=checkin_data(scene))
    with registration_changed.connected_to(note):
        target = volunteer.post(f"/checkin/desks/{scene.desk_id}/call").headers["Location"]
        assert volunteer.post(target, data=record_data(scene)).status_code == 302
    eid = scene.services["eid_level2"]
    assert changes == [("waiting", "called", ((eid, None),), False),
                       ("called", "recorded", ((eid, "done"),), True)]


def test_checkin_imports_nothing_from_the_features_after_it():
    package = Path(fieldops.__file__).parent / "checkin"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert not {name for name in imported if name.startswith("fieldops.reports")}, path
