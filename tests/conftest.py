"""Fixtures: an app on a fresh schema (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
import socket
import threading

import pytest

from fieldops import create_app
from fieldops.db import db
from tests.factories import auth


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """The database every test of this process uses; its tables are emptied after each test.

    With pytest-xdist each worker gets its own: a SQLite file in its own temporary folder, or
    on PostgreSQL a database named after TEST_DATABASE_URL's with the worker's id appended.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if worker_id == "master":
        return url
    return _worker_database(url, worker_id)


def _worker_database(url: str, worker_id: str) -> str:
    """Create (once) a PostgreSQL database for one xdist worker; return its URL."""
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def static_build_dir(tmp_path_factory) -> str:
    """One folder of compressed static copies for every app of the run (brotli on Leaflet
    takes 0.5 s: once, not per test)."""
    folder = str(tmp_path_factory.mktemp("static-build"))
    os.environ["FIELDOPS_STATIC_BUILD_DIR"] = folder
    return folder


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
    app.extensions["tasks"].close()
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


def _consumer_threads() -> set[str]:
    import threading

    from fieldops.tasks.queue import THREAD_PREFIX

    return {t.name for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)}


@pytest.fixture(autouse=True)
def _no_task_consumer_left():
    """Fail a test that leaves the task queue's consumer threads running (they would keep
    polling the next tests' databases in this pytest-xdist worker); a module's live server
    may run one for all its tests."""
    before = _consumer_threads()
    yield
    left = _consumer_threads() - before
    assert not left, f"task consumer threads still running: {sorted(left)}"


@pytest.fixture(scope="session", autouse=True)
def _no_task_consumer_at_the_end():
    """Fail the run if any consumer thread outlived its module."""
    yield
    left = _consumer_threads()
    assert not left, f"task consumer threads still running: {sorted(left)}"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis the suite may write to: TEST_REDIS_URL, by default database 15 (never 0,
    where a deployment on this machine keeps its data). Skips when no Redis answers, unless
    FIELDOPS_REDIS_REQUIRED=1 (as in .ci/run)."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    store = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        store.ping()
    except redis.RedisError as error:
        if os.environ.get("FIELDOPS_REDIS_REQUIRED") == "1":
            pytest.fail(f"FIELDOPS_REDIS_REQUIRED=1 but Redis at {url} did not answer: {error}")
        pytest.skip(f"no Redis at {url}")
    finally:
        store.close()
    return url


class HungRedis:
    """A TCP server that accepts connections and never answers: a Redis frozen by SIGSTOP
    (the kernel still completes the handshake)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def hung_redis():
    """A fake Redis that accepts connections and never answers."""
    fake = HungRedis()
    yield fake
    fake.close()


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
        made = auth.users()
        db.session.commit()
        return {role: user.username for role, user in made.items()}


@pytest.fixture
def organizer(client, users):
    """A client signed in as an organizer."""
    auth.sign_in(client, users["organizer"])
    return client


@pytest.fixture
def demo(app):
    """The demo data of `fieldops demo`."""
    from fieldops.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()


@pytest.fixture
def scene(app, users):
    """The check-in scene: a running campaign with an event today, two desks and a team on a
    hamlet today (tests.factories.checkin.build_scene); returns its Scene of ids."""
    from tests.factories.checkin import build_scene

    return build_scene(app)


@pytest.fixture
def volunteer(app, scene):
    """A client signed in as the scene's desk volunteer (tnv1, also a member of its team)."""
    return auth.signed_in(app, "tnv1")


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)
