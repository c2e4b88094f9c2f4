"""Asking for background work: a job row now, sent to the queue when the request commits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.tasks.models import FAILED, Job
from fieldops.tasks.queue import JOBS, remember_to_send

if TYPE_CHECKING:
    from fieldops.auth.models import User

ALREADY_QUEUED = _l("Việc này đã được gửi đi xử lý rồi; không gửi lại lần nữa.")


def enqueue(kind: str, *, title: str, params: dict[str, Any] | None = None,
            user: User | None = None, key: str | None = None,
            result_url: str | None = None) -> Job:
    """Create a queued job; it is sent to the queue when the caller's transaction commits.

    With a `key`, a live (queued, running or done) job of the same key is returned instead of
    a new one, and of two requests racing for one key the second gets DomainError.
    """
    if kind not in JOBS:
        raise ValueError(f"unknown job kind {kind!r}")
    if key is not None and (existing := live_job(key)) is not None:
        return existing
    # The job's messages are written in the language of the page that asked for it.
    locale = str(get_locale()) if has_request_context() else None
    job = Job(kind=kind, key=key, title=str(title)[:255],
              params={**(params or {}), "locale": locale},
              created_by_id=user.id if user is not None else None, result_url=result_url)
    try:
        db.session.add(job)
        db.session.flush()
    except sa.exc.IntegrityError as error:
        # Another request took the key between our look and our insert (unique partial index).
        raise DomainError(ALREADY_QUEUED) from error
    remember_to_send(db.session(), job.id)
    return job


def live_job(key: str) -> Job | None:
    """Return the queued, running or done job of this key, if any."""
    return db.session.execute(db.select(Job).where(Job.key == key, Job.status != FAILED)
                              ).scalar_one_or_none()


def last_job(key: str) -> Job | None:
    """Return the newest job of this key, failed or not."""
    return db.session.execute(db.select(Job).where(Job.key == key).order_by(Job.id.desc())
                              .limit(1)).scalar_one_or_none()
