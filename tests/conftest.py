"""Fixtures: an app on a fresh schema (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re

import pytest

from fieldops import create_app
from fieldops.db import db
from tests import factories


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The database every test uses; its tables are emptied after each test."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["FIELDOPS_INSTANCE_PATH"] = str(instance)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(_schema, database_url, tmp_path, monkeypatch):
    """A fresh application on an empty database."""
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # A cheap hash keeps the suite quick; production keeps scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    with app.app_context():
        from fieldops.campaigns.services import ensure_builtin_services

        ensure_builtin_services()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    """A test client, not signed in."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    """One account per role, all with the password 'matkhau-123'."""
    with app.app_context():
        made = factories.users()
        db.session.commit()
        return {role: user.username for role, user in made.items()}


@pytest.fixture
def organizer(client, users):
    """A client signed in as an organizer."""
    factories.sign_in(client, users["organizer"])
    return client


@pytest.fixture
def demo(app):
    """The demo data of `fieldops demo`."""
    from fieldops.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)
