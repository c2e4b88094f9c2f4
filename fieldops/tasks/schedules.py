"""The task queue's own periodic work: finished jobs are forgotten after JOBS_KEEP_DAYS."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.tasks.models import DONE, FAILED, Job
from fieldops.tasks.queue import schedule


@schedule(crontab(minute="10", hour="20"), "forget_old_jobs")  # 03:10 in Vietnam (UTC+7)
def forget_old_jobs() -> int:
    """Delete the jobs that finished more than JOBS_KEEP_DAYS ago; return how many."""
    before = now_utc() - timedelta(days=current_app.config["JOBS_KEEP_DAYS"])
    deleted = db.session.execute(
        sa.delete(Job).where(Job.status.in_((DONE, FAILED)), Job.finished_at < before)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return deleted
