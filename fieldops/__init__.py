"""fieldops: plan and run Vietnam's digital-transformation field campaigns."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent

#: feature packages, each exporting a blueprint `bp`; dependencies point down this list
FEATURES = (
    "areas",
    "campaigns",
    "events",
    "teams",
    "checkin",
    "drive",
    "reports",
    "accountability",
)


def resource_dir(name: str) -> Path:
    """Return templates/, static/ or migrations/: inside the wheel, or beside the package."""
    bundled = PACKAGE_DIR / name
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / name


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints and commands."""
    from fieldops import cli, i18n, ratelimit, scope, security, static_files, tasks, web
    from fieldops.auth import bp as auth_bp
    from fieldops.config import instance_path_from_env, load_config
    from fieldops.core import bp as core_bp
    from fieldops.db import db
    from fieldops.extensions import csrf, migrate
    from fieldops.sessions import LazyCookieSessionInterface

    app = web.FieldopsFlask(
        __name__,
        instance_path=instance_path_from_env(),
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    load_config(app, test_config)
    app.session_interface = LazyCookieSessionInterface()

    db.init_app(app)
    with app.app_context():
        _tune_engine(db.engine, app.config["DATABASE_PING_AFTER_IDLE"],
                     app.config["DATABASE_BUSY_TIMEOUT"])
    migrate.init_app(app, db, directory=str(resource_dir("migrations")))
    csrf.init_app(app)
    ratelimit.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    tasks.init_app(app)

    from fieldops.auth import login

    login.init_app(app)
    security.init_app(app)
    scope.init_app(app)
    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(tasks.bp)
    for feature in FEATURES:
        app.register_blueprint(importlib.import_module(f"fieldops.{feature}").bp)
    static_files.init_app(app)  # after the blueprints: Leaflet's folder is one of theirs
    cli.init_app(app)
    return app


def _tune_engine(engine, ping_after_idle: float, busy_timeout: float) -> None:
    """Turn on WAL, a busy timeout and foreign keys on SQLite; ping idle server connections."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        _ping_when_idle(engine, ping_after_idle)
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside a writer; NORMAL sync is safe with WAL.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _ping_when_idle(engine, idle_seconds: float) -> None:
    """Ping a pooled connection before use when it sat idle; replace it if the server left.

    pool_pre_ping would ping on every checkout: one more round trip on every request, where
    a connection a busy worker used a moment ago is alive. (SQLAlchemy's documented
    pessimistic check, on a checkout event, limited to idle connections.)
    """
    import time

    from sqlalchemy import event, exc

    @event.listens_for(engine, "checkin")
    def _stamp(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out a fresh one.
            raise exc.DisconnectionError(str(error)) from error
