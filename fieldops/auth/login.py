"""Flask-Login wiring and the role check used by views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from fieldops.auth.models import User
from fieldops.db import db
from fieldops.extensions import login_manager


def load_user(session_id: str) -> User | None:
    """Return the user of a session, or None if disabled or the session is outdated."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def role_required(*roles: str) -> Callable:
    """Decorate a view so that only signed-in users with one of the roles may open it."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    """Attach Flask-Login with Vietnamese messages."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Vui lòng đăng nhập để mở trang này.")
    login_manager.login_message_category = "info"
    # A stolen cookie used from another address is treated as a new session.
    login_manager.session_protection = "basic"
