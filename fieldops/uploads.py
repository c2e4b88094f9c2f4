"""Uploaded files kept between their preview and their confirmation (places, members, ...)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l

from fieldops.db import db, now_utc
from fieldops.errors import DomainError

ALREADY_APPLIED = _l("Tệp này đã được nhập rồi; không nhập lại lần nữa.")


def new_token() -> str:
    """Return an unguessable token for a preview's address."""
    return secrets.token_urlsafe(24)


def upload_or_404(model, token: str):
    """Return the stored upload with this token, or answer 404."""
    upload = db.session.execute(db.select(model).filter_by(token=token)).scalar_one_or_none()
    if upload is None:
        abort(404)
    return upload


def claim(model, upload) -> None:
    """Mark a previewed upload as applied, or raise DomainError if it already was."""
    # A conditional UPDATE: of two confirmations sent at once, only one finds applied_at empty,
    # so a file is never imported twice (the row lock decides on PostgreSQL, the write lock on
    # SQLite).
    claimed = db.session.execute(
        sa.update(model)
        .where(model.id == upload.id, model.applied_at.is_(None))
        .values(applied_at=now_utc())
    ).rowcount
    if not claimed:
        raise DomainError(ALREADY_APPLIED)
    db.session.refresh(upload)
