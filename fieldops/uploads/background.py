"""Large uploads applied by a background job, and staged uploads nobody confirmed dropped.

An importer with `background_rows` (or the UPLOAD_BACKGROUND_ROWS setting for its kind) sends
a larger file's confirmation to the task queue: the request only creates the job, keyed by the
upload so that a second confirmation finds the first's job; the worker plans, claims and
applies it exactly as the request would (`staging.confirm`), in the job's one transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from huey import crontab

from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.tasks import Job, JobResult, enqueue, job, report_progress, schedule
from fieldops.tasks.models import QUEUED, RUNNING
from fieldops.uploads import staging
from fieldops.uploads.models import StagedUpload

if TYPE_CHECKING:
    from fieldops.auth.models import User

APPLY = "upload.apply"
GONE = _l("Bản nhập này không còn nữa (đã bị hủy hoặc quá hạn); hãy tải tệp lên lại.")


def job_key(upload: StagedUpload) -> str:
    """The key of the one live job that may apply this upload."""
    return f"upload:{upload.id}"


def in_background(importer: staging.Importer, upload: StagedUpload) -> bool:
    """Whether this upload is large enough for its import to be applied in the background."""
    limit = current_app.config["UPLOAD_BACKGROUND_ROWS"].get(importer.kind,
                                                             importer.background_rows)
    return limit is not None and upload.row_count > limit


def start_apply(importer: staging.Importer, upload: StagedUpload, user: User, options: dict,
                *, done_url: str, retry_url: str) -> Job:
    """Ask for a background job applying the upload (or return the one already asked for)."""
    if upload.applied_at is not None:
        raise DomainError(staging.ALREADY_APPLIED)
    options = {k: v for k, v in options.items() if k != "csrf_token"}
    return enqueue(APPLY, title=_l("Nhập tệp %(file)s", file=upload.filename),
                   params={"upload_id": upload.id, "options": options, "retry_url": retry_url},
                   user=user, key=job_key(upload), result_url=done_url)


@job(APPLY)
def apply_upload(job: Job) -> Any:
    """Apply a staged upload in the worker: plan, claim once, write, as a request would."""
    from fieldops.auth.models import User

    upload = db.session.get(StagedUpload, job.params["upload_id"])
    if upload is None:
        raise DomainError(GONE)
    user = db.session.get(User, job.created_by_id)
    message = staging.confirm(staging.IMPORTERS[upload.kind], upload, user,
                              job.params.get("options", {}))
    report_progress(upload.row_count, upload.row_count)
    return JobResult(message)


@schedule(crontab(minute="20", hour="20"), "drop_stale_uploads")  # 03:20 in Vietnam (UTC+7)
def drop_stale_uploads() -> int:
    """Delete uploads left unconfirmed for UPLOADS_KEEP_DAYS (they hold the file's personal
    data, e.g. a police list's ID numbers); return how many."""
    before = now_utc() - timedelta(days=current_app.config["UPLOADS_KEEP_DAYS"])
    # One being applied right now is kept: its job still needs it.
    busy = db.select(Job.key).where(Job.kind == APPLY, Job.status.in_((QUEUED, RUNNING)))
    busy_ids = [int(key.split(":", 1)[1]) for key in db.session.execute(busy).scalars()]
    deleted = db.session.execute(
        sa.delete(StagedUpload).where(StagedUpload.applied_at.is_(None),
                                      StagedUpload.created_at < before,
                                      StagedUpload.id.not_in(busy_ids))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return deleted
