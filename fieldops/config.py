"""Configuration: defaults here, then instance/config.py, then the environment, then tests."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask


class DefaultConfig:
    """Settings a fresh install runs with."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # filled with instance/fieldops.db
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: a pooled connection idle this long is pinged before use (database servers only)
    DATABASE_PING_AFTER_IDLE = 10
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    # In-process limits; set FIELDOPS_RATELIMIT_STORAGE_URI=redis://... when several
    # processes serve the app so that they share one count.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 14
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a form left open all morning at a desk must still submit
    #: failed sign-ins allowed before each further attempt is delayed
    SIGN_IN_FREE_ATTEMPTS = 5
    SIGN_IN_DELAY_SECONDS = 30
    PASSWORD_HASH_METHOD = "scrypt"
    #: the address printed in desk QR codes, e.g. "https://fieldops.nhontrach.gov.vn"; empty
    #: means the address the organizer's browser used when the poster was made
    PUBLIC_BASE_URL: str | None = None
    # checkin: citizen ID keys (HMAC for duplicates, Fernet for the audited "show"); empty means
    # generated into the instance folder on first run. Back them up: lose them and duplicates
    # go unnoticed and stored numbers can no longer be shown.
    CHECKIN_HASH_KEY: str | None = None
    CHECKIN_ENCRYPTION_KEY: str | None = None
    #: largest body the public check-in form accepts; a real one is under 2 KB
    CHECKIN_MAX_BODY = 64 * 1024
    #: a crowd behind one carrier address shares these (per desk code, and per code and address)
    CHECKIN_RATE_PER_CODE = "600/minute"
    CHECKIN_RATE_PER_ADDRESS = "60/minute"


def instance_path_from_env() -> str | None:
    """Return the instance folder chosen with FIELDOPS_INSTANCE_PATH, if any."""
    value = os.environ.get("FIELDOPS_INSTANCE_PATH")
    return str(Path(value).resolve()) if value else None


def database_url(url: str) -> str:
    """Return a SQLAlchemy URL, sending postgres:// URLs to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in the documented order and make sure a secret key exists."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    # FIELDOPS_SECRET_KEY, FIELDOPS_RATELIMIT_STORAGE_URI, ... (values parsed as JSON when possible)
    app.config.from_prefixed_env("FIELDOPS")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'fieldops.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Wait up to 5 s for a writer instead of failing with "database is locked".
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"timeout": 5})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    for name in ("CHECKIN_HASH_KEY", "CHECKIN_ENCRYPTION_KEY"):
        if not app.config.get(name):
            app.config[name] = _instance_secret(instance / name.lower())


def _instance_secret(path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it on first run."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
