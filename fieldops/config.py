"""Configuration: defaults here, then instance/config.py, then the environment, then tests."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from fieldops.clock import TIME_ZONE_NAME


class DefaultConfig:
    """Settings a fresh install runs with."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # filled with instance/fieldops.db
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: a pooled connection idle this long is pinged before use (database servers only)
    DATABASE_PING_AFTER_IDLE = 10
    #: SQLite waits this long (seconds) for another writer's lock before giving up
    DATABASE_BUSY_TIMEOUT = 5.0
    #: a request the database failed before its commit (SQLite busy, a dropped connection) is
    #: run again this many times, then answered 503 with Retry-After of this many seconds
    DATABASE_RETRIES = 2
    DATABASE_RETRY_AFTER = 5
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = TIME_ZONE_NAME
    LANGUAGES = ("vi", "en")
    # In-process limits; set FIELDOPS_RATELIMIT_STORAGE_URI=redis://... when several
    # processes serve the app so that they share one count.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    # Seconds: how long to wait for Redis before letting a request through, and how long to
    # stop asking it after it failed.
    RATELIMIT_STORE_TIMEOUT = 0.2
    RATELIMIT_STORE_PAUSE = 30
    # Registrations exports above this many rows are written by a background job (progress
    # page, download link), whose file is deleted after EXPORT_FILES_KEEP_HOURS.
    EXPORT_INLINE_ROWS = 50_000
    EXPORT_FILES_KEEP_HOURS = 24
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: cookies sent back over HTTPS only: None (the default) marks them Secure on every answer
    #: except plain http to this machine's own address (the demo); true or false forces it
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    #: behind a reverse proxy (TLS), the number of proxies whose X-Forwarded-* headers to trust;
    #: 0 trusts none (the app faces the browsers itself)
    PROXY_FIX = 0
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
    #: a tile server for the hamlet map, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    #: empty means no tiles: the hamlets on a plain background and no request to another host
    MAP_TILES_URL = ""
    #: static files compressed and cached for a year under hashed names (fieldops/static_files.py);
    #: False serves static/ as it is, revalidated on every use (handy while editing CSS)
    STATIC_HASHED = True
    #: where their compressed, hashed copies are kept (default: instance/static-build)
    STATIC_BUILD_DIR: str | None = None
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
    # Background work (fieldops/tasks): empty keeps the queue in instance/tasks.db (SQLite) and
    # `fieldops serve` / `demo` run its worker threads themselves; redis://... when several
    # processes serve the app, with `fieldops worker` running the jobs.
    TASK_QUEUE_URL = ""
    TASK_QUEUE_NAME = "fieldops"
    #: run the worker inside `fieldops serve` / `demo`: None means only with the SQLite queue
    RUN_WORKER: bool | None = None
    #: worker threads inside serve/demo (and the default of `fieldops worker`)
    TASK_WORKERS = 2
    #: an idle worker looks at the SQLite queue at least this often (seconds; Redis wakes it at
    #: once): Huey's default of 10 would leave a confirmed import "waiting" that long
    TASK_POLL_SECONDS = 1.0
    #: seconds a stopping server waits for running jobs before leaving them failed
    TASK_SHUTDOWN_TIMEOUT = 30
    #: a job writes its progress at most this often (seconds)
    JOB_PROGRESS_EVERY = 1.0
    #: finished jobs, and uploads never confirmed, are deleted after these many days
    JOBS_KEEP_DAYS = 30
    UPLOADS_KEEP_DAYS = 7
    #: per import kind, the staged rows above which a confirmation runs in the background
    #: (overrides the importer's own background_rows), e.g. {"members": 5000}
    UPLOAD_BACKGROUND_ROWS: dict = {}
    # E-mail (report reminders): empty MAIL_SERVER sends nothing; reminders still show on the
    # units' home pages.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "fieldops@localhost"
    #: seconds to wait for the SMTP server before giving up on a reminder's e-mail
    MAIL_TIMEOUT = 10


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
        options.setdefault("connect_args", {"timeout": app.config["DATABASE_BUSY_TIMEOUT"]})
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
