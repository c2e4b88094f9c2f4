"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from fieldops import create_app
from fieldops.db import db


@contextmanager
def _fresh_database(tmp_path):
    """Yield the URL of an empty database of the kind the suite runs on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"fieldops_mig_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def migrated_app(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    with _fresh_database(tmp_path) as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(migrated_app):
    upgrade()
    assert _differences() == []


def test_migrations_go_down_and_up_again(migrated_app):
    upgrade()
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    assert _differences() == []


def test_credited_counters_fold_back_into_their_volunteer_on_downgrade(migrated_app):
    # 0018 splits a volunteer's counter by credited member; going back must lose no count.
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO campaign (id, title, start_date, end_date, created_at) "
            "VALUES (1, 'C', '2026-11-01', '2026-11-30', '2026-11-01 00:00:00')"))
        for member_id, count in ((None, 2), (7, 3), (8, 1)):
            bucket = f"5:2026-11-02:1:2:3:{'' if member_id is None else member_id}"
            connection.execute(sa.text(
                "INSERT INTO daily_count (campaign_id, service_id, day, hamlet_id, team_id, "
                "volunteer_id, member_id, bucket, count) VALUES (1, 5, '2026-11-02', 1, 2, 3, "
                ":member, :bucket, :count)"), {"member": member_id, "bucket": bucket,
                                               "count": count})
    downgrade(revision="0017")
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT bucket, count FROM daily_count")).all()
    assert [tuple(row) for row in rows] == [("5:2026-11-02:1:2:3", 6)]
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT bucket, member_id FROM daily_count")).all()
    assert [tuple(row) for row in rows] == [("5:2026-11-02:1:2:3:", None)]
