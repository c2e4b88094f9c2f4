"""The one table of background jobs: what the user waits for, its progress and its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.db import UTCDateTime, created_at, db, int_pk

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class Job(db.Model):
    """A piece of work run by the task queue for a user, seen on its page while it runs."""

    __tablename__ = "job"
    __table_args__ = (
        sa.CheckConstraint(sa.text("status IN ('queued', 'running', 'done', 'failed')"),
                           name="status"),
        # One live job per key: a second confirmation of one upload finds the first's job.
        # A failed job frees its key, so the work can be asked for again.
        sa.Index("uq_job_live_key", "key", unique=True,
                 sqlite_where=sa.text("status != 'failed'"),
                 postgresql_where=sa.text("status != 'failed'")),
    )

    id: Mapped[int_pk]
    #: which job function runs it ("upload.apply", ...)
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: what the work is about, unique among live jobs ("upload:12"); None for free work
    key: Mapped[str | None] = mapped_column(sa.String(100))
    #: the job page's heading, in Vietnamese ("Nhập tệp thon-ap.xlsx")
    title: Mapped[str] = mapped_column(sa.String(255))
    #: the job function's arguments, JSON-able
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    #: None until the job knows how much it has to do
    total: Mapped[int | None]
    #: what the user reads when it ends: the outcome, or why it failed (Vietnamese)
    message: Mapped[str | None] = mapped_column(sa.Text)
    #: where the user goes to see the result
    result_url: Mapped[str | None] = mapped_column(sa.String(500))
    #: the exception's type and text for the log reader; the traceback goes to the log
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        """True once the job is done or failed."""
        return self.status in (DONE, FAILED)

    @property
    def percent(self) -> int | None:
        """The share done, 0-100, or None while the total is unknown."""
        if self.status == DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
