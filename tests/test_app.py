"""The application as a whole: config order, secret key, health check, CLI, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldops import create_app
from fieldops.config import database_url
from fieldops.db import db


def test_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FIELDOPS_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert first == second and len(first) >= 40
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_config_order_instance_then_env_then_tests(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text("SIGN_IN_DELAY_SECONDS = 7\nMAX_CONTENT_LENGTH = 1\n")
    monkeypatch.setenv("FIELDOPS_MAX_CONTENT_LENGTH", "2048")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SIGN_IN_DELAY_SECONDS"] == 7
    assert app.config["MAX_CONTENT_LENGTH"] == 2048
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MAX_CONTENT_LENGTH": 99})
    assert app.config["MAX_CONTENT_LENGTH"] == 99


def test_default_database_is_sqlite_in_instance_with_wal(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'fieldops.db'}"
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_database_url_from_environment_uses_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/fieldops")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/fieldops"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


def test_healthz_when_database_is_gone(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    missing = tmp_path / "no-such-dir" / "x.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] is False


def test_assets_are_served_locally(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    with client.get("/static/css/app.css") as css:  # its plain name answers too
        assert css.status_code == 200 and b"font-family" in css.data


def test_unknown_page_is_vietnamese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_demo_command_creates_database_loads_once_and_prints_logins(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDOPS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "demo-admin-2025" in result.output
    assert "http://127.0.0.1:5000/" in result.output
    again = runner.invoke(args=["demo", "--no-serve", "--port", "5050"])
    assert "http://127.0.0.1:5050/" in again.output
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.demo import DEMO_USERS, HUNG_HA_COMMUNES

    with app.app_context():
        # The logins printed, and one account per Hưng Hà commune (its daily reports).
        users = db.session.scalar(db.select(db.func.count()).select_from(User))
        assert users == len(DEMO_USERS) + len(HUNG_HA_COMMUNES)
        names = set(db.session.scalars(db.select(Area.name)))
        assert {"Chợ", "Trâu", "Mỹ Khoan", "Phước Mỹ", "Tân Lễ", "Hưng Hà"} <= names
        db.engine.dispose()
    assert (tmp_path / "fieldops.db").exists()


def test_wheel_carries_templates_static_and_migrations():
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    for folder in ("templates", "static", "migrations"):
        assert f'"{folder}" = "fieldops/{folder}"' in pyproject


def _terminate(database_url: str, backend: int) -> None:
    """Drop a connection from the server's side, as a restart or a network cut would."""
    import sqlalchemy as sa

    admin = sa.create_engine(database_url)
    with admin.connect() as connection:
        # Wait (up to 5 s) until the backend is gone: without the timeout the signal is only
        # sent, and on a loaded machine the request could still run on the dying connection.
        gone = connection.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"),
                                  {"pid": backend}).scalar_one()
        assert gone, "the backend outlived pg_terminate_backend's 5 s"
    admin.dispose()


def test_a_connection_the_server_dropped_while_idle_is_replaced(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("only a database server drops connections (run with TEST_DATABASE_URL)")
    import sqlalchemy as sa

    pinging = create_app({**app.config, "DATABASE_PING_AFTER_IDLE": 0})
    with pinging.app_context():
        backend = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()  # back to the pool, idle
        _terminate(database_url, backend)
        # The next request gets a live connection, not "server closed the connection".
        assert db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != backend
        db.session.remove()
        db.engine.dispose()


def test_a_connection_dropped_while_pooled_fails_no_request(app, database_url, users, scene):
    """Dropped under a busy worker (no ping): the request runs again on a new connection."""
    if not database_url.startswith("postgresql"):
        pytest.skip("only a database server drops connections (run with TEST_DATABASE_URL)")
    import sqlalchemy as sa

    from tests.factories.auth import sign_in
    from tests.factories.checkin import checkin_data
    from tests.test_checkin_api import body, token_for

    headers = {"Authorization": f"Bearer {token_for(app, 'tnv1')}"}
    busy = create_app({**app.config, "DATABASE_PING_AFTER_IDLE": 3600})
    client = busy.test_client()
    sign_in(client, "tnv1")
    requests = {
        "api": lambda: client.post("/api/registrations", json=body(scene), headers=headers),
        "citizen": lambda: client.post(f"/checkin/{scene.token}", data=checkin_data(scene)),
        "page": lambda: client.get(f"/checkin/desks/{scene.desk_id}"),
        "health": lambda: client.get("/healthz"),
    }
    for name, send in requests.items():
        with busy.app_context():
            db.engine.dispose()  # each kind of request starts from one fresh pooled connection
            # The pool's one connection, about to be handed to the request.
            backend = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            db.session.remove()
        _terminate(database_url, backend)
        answer = send()
        assert answer.status_code in (200, 201, 302), (name, answer.status_code)
    with busy.app_context():
        db.engine.dispose()


def test_the_session_signer_is_built_only_for_requests_with_a_cookie(app, monkeypatch):
    built = []
    interface = app.session_interface
    real = interface.get_signing_serializer
    monkeypatch.setattr(interface, "get_signing_serializer",
                        lambda flask_app: built.append(1) or real(flask_app))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert built == []  # a citizen's phone with no cookie: nothing signed, nothing read
    client.post("/language", data={"lang": "en", "next": "/"})  # kept in the session cookie
    assert built and client.get_cookie("session") is not None
    built.clear()
    assert "Sign in" in client.get("/sign-in").get_data(as_text=True)
    assert built  # the cookie is read (and its language kept)
