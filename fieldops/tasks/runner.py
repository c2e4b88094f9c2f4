"""Running one job in a worker: claim it, run it in its own transaction, record how it ended.

The job function's writes and the job's "done" are committed together, once, at its end; an
exception rolls all of its writes back (nothing is half-written) and the job is failed with a
message for the user, the traceback going to the log. While it runs, `report_progress` writes
how far it is into the queue's store, at most once every JOB_PROGRESS_EVERY seconds; the job's
row gets the final figures with its outcome.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.tasks.models import DONE, FAILED, QUEUED, RUNNING, Job
from fieldops.tasks.queue import JOBS

log = logging.getLogger(__name__)

UNEXPECTED = _l("Công việc gặp lỗi ngoài dự kiến nên đã dừng; dữ liệu chưa thay đổi gì. "
                "Hãy thử lại, hoặc báo người quản trị nếu lỗi lặp lại.")
INTERRUPTED = _l("Công việc bị dừng giữa chừng vì máy chủ tắt; dữ liệu chưa thay đổi gì. "
                 "Hãy thử lại.")
UNSENT = _l("Không gửi được công việc vào hàng đợi; dữ liệu chưa thay đổi gì. Hãy thử lại sau.")


@dataclass(frozen=True)
class JobResult:
    """What a job function may return: the message the user reads and where the result is."""

    message: Any
    url: str | None = None


@dataclass
class _Progress:
    job_id: int
    every: float
    done: int = 0
    total: int | None = None
    written_at: float | None = None


_current: ContextVar[_Progress | None] = ContextVar("fieldops_job_progress", default=None)


def report_progress(done: int, total: int | None = None) -> None:
    """Say how far the running job is (`done` of `total`); does nothing outside a job.

    Written to the queue's store at most once every JOB_PROGRESS_EVERY seconds (and when done
    reaches total), so a loop may call it on every row.
    """
    progress = _current.get()
    if progress is None:
        return
    progress.done, progress.total = done, total
    now = time.monotonic()
    finished = total is not None and done >= total
    if (progress.written_at is not None and now - progress.written_at < progress.every
            and not finished):
        return
    progress.written_at = now
    _write_progress(progress.job_id, done, total)


def _write_progress(job_id: int, done: int, total: int | None) -> None:
    """Keep the progress in the queue's store, not in the database: on SQLite the job's own
    transaction holds the one write lock until its end, and the page must see it move."""
    try:
        current_app.extensions["tasks"].put_progress(job_id, done, total)
    except Exception:
        # Only the bar stalls: the job itself goes on (the next report may get through).
        log.warning("progress of job %s not stored", job_id, exc_info=True)


def run_job(job_id: int) -> None:
    """Run a queued job once (inside an app context) and record its outcome."""
    started = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.status == QUEUED)
        .values(status=RUNNING, started_at=now_utc())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not started:
        # Sent twice, or its row is gone: a job runs once.
        log.warning("job %s is not waiting to run; skipped", job_id)
        return
    job = db.session.get(Job, job_id)
    locale = job.params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    progress = _Progress(job_id, current_app.config["JOB_PROGRESS_EVERY"])
    token = _current.set(progress)
    try:
        with force_locale(locale):
            function = JOBS.get(job.kind)
            if function is None:
                raise LookupError(f"no job function for kind {job.kind!r}")
            outcome = function(job)
            if not isinstance(outcome, JobResult):
                outcome = JobResult(outcome)
            job.status = DONE
            job.message = str(outcome.message) if outcome.message is not None else None
            job.result_url = outcome.url or job.result_url
            job.total = progress.total
            job.done = progress.total if progress.total is not None else progress.done
            job.finished_at = now_utc()
            db.session.commit()
    except Exception as error:
        db.session.rollback()
        _failed(job_id, error, locale)
    finally:
        _current.reset(token)
        if progress.written_at is not None:
            current_app.extensions["tasks"].forget_progress(job_id)


def _failed(job_id: int, error: Exception, locale: str) -> None:
    """Record why a job failed: its message for the user, the traceback for the log."""
    if isinstance(error, DomainError):
        # A rule the data broke (e.g. the upload changed since its preview): the user's to fix.
        log.info("job %s refused: %s", job_id, error)
        with force_locale(locale):
            message = " ".join(str(one.message) for one in getattr(error, "errors", [error]))
    else:
        log.exception("job %s failed", job_id)
        message = UNEXPECTED
    mark_failed(job_id, message, f"{type(error).__name__}: {error}"[:2000], locale)


def mark_failed(job_id: int, message: Any, error: str, locale: str | None = None) -> None:
    """Fail a job that has not finished, in a transaction of its own."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = str(message)
    # Its own connection: called after a rollback, or from a commit's after_commit hook.
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Job).where(Job.id == job_id, Job.status.in_((QUEUED, RUNNING)))
            .values(status=FAILED, message=text, error=error, finished_at=now_utc()))
