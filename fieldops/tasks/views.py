"""The job page: a progress bar while background work runs, then its outcome and link."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template
from flask_login import current_user, login_required

from fieldops.auth.models import User
from fieldops.db import db
from fieldops.scope import area_ids_in_scope, users_in_scope
from fieldops.tasks.models import RUNNING, Job

# Named "jobs", as its pages: "tasks" is left to the accountability feature's tasks.
bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _own_job_or_404(job_id: int) -> Job:
    """Return a job its creator (or an organizer of the creator's area) may follow, or 404."""
    job = db.get_or_404(Job, job_id)
    if job.created_by_id == current_user.id:
        return job
    if not current_user.is_organizer or (
            area_ids_in_scope(current_user) is not None and db.session.execute(users_in_scope(
                db.select(User.id).where(User.id == job.created_by_id), current_user)).first()
            is None):
        abort(404)
    return job


def job_state(job: Job) -> dict:
    """The job as its page shows it, with a running job's last reported progress."""
    done, total, percent = job.done, job.total, job.percent
    if job.status == RUNNING:
        # Kept in the queue's store while it runs (never written back to the row here).
        reported = current_app.extensions["tasks"].progress(job.id)
        if reported is not None:
            done, total = reported
            percent = min(100, done * 100 // total) if total else None
    return {"id": job.id, "status": job.status, "finished": job.finished, "done": done,
            "total": total, "percent": percent, "message": job.message,
            "result_url": job.result_url, "retry_url": job.params.get("retry_url")}


@bp.get("/<int:job_id>")
@login_required
def detail(job_id: int):
    job = _own_job_or_404(job_id)
    return render_template("tasks/job.html", job=job, state=job_state(job))


@bp.get("/<int:job_id>.json")
@login_required
def state(job_id: int):
    response = jsonify(job_state(_own_job_or_404(job_id)))
    response.cache_control.no_store = True
    return response
