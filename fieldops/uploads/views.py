"""The pages every import shares: send a file, preview it, confirm it once, or cancel it.

A feature's view picks the importer and the scope, checks who may import, and hands over to
these helpers; like every view they never commit (the request commits once on a normal return).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from fieldops.db import db
from fieldops.forms import ConfirmUploadForm
from fieldops.tasks import live_job
from fieldops.uploads import background, staging
from fieldops.uploads.models import StagedUpload
from fieldops.web import rules_flashed


def upload_or_404(importers: dict[str, staging.Importer], token: str, **scope) -> StagedUpload:
    """Return the staged upload of one of these imports with this token and scope, or 404."""
    upload = db.session.execute(db.select(StagedUpload).where(
        StagedUpload.token == token, StagedUpload.kind.in_(importers))).scalar_one_or_none()
    if upload is None or any(upload.scope.get(k) != v for k, v in scope.items()):
        abort(404)
    return upload


def upload_page(importer: staging.Importer, form: FlaskForm, scope: Callable[[], dict],
                template: str, preview_url: Callable[[str], str], **context):
    """Stage a file that reads cleanly and go to its preview; else show every problem."""
    staged = None
    if form.validate_on_submit():
        file = form.file.data
        staged = staging.stage(importer, file.filename or "", file.read(), scope(), current_user)
        if staged.upload is not None:
            return redirect(preview_url(staged.upload.token))
    # The form pages show a refused file's problems with the upload_problems macro.
    return render_template(template, form=form, plan=staged, **context)


def preview_page(importer: staging.Importer, upload: StagedUpload, *, done_url: str,
                 cancel_url: str, form: FlaskForm | None = None,
                 template: str = "uploads/preview.html", **context):
    """Show what a staged upload would change; apply it, once, when its form is sent.

    A file above its import's background threshold is applied by a job: the confirmation
    goes to the job's progress page (and so does the preview once the job is asked for).
    """
    job = live_job(background.job_key(upload))
    if job is not None:
        return redirect(url_for("jobs.detail", job_id=job.id))
    if upload.applied_at is not None:
        flash(staging.ALREADY_APPLIED, "info")
        return redirect(done_url)
    form = form or ConfirmUploadForm()
    if form.validate_on_submit():
        if background.in_background(importer, upload):
            with rules_flashed():
                background.start_apply(importer, upload, current_user, form.data,
                                       done_url=done_url, retry_url=request.path)
            # Ours, or the one a confirmation racing with this one asked for first.
            job = live_job(background.job_key(upload))
            if job is not None:
                return redirect(url_for("jobs.detail", job_id=job.id))
        else:
            with rules_flashed() as outcome:
                message = staging.confirm(importer, upload, current_user, form.data)
            if not outcome.failed:
                flash(message, "success")
                return redirect(done_url)
        if upload.applied_at is not None:  # a second confirmation lost the race to the first
            return redirect(done_url)
    preview = staging.preview(importer, upload)
    return render_template(template, upload=upload, preview=preview, plan=preview.plan,
                           form=form, cancel_url=cancel_url, **context)


def cancel_page(upload: StagedUpload, *, done_url: str, preview_url: str):
    """Drop a staged upload that was not applied, and say that nothing changed."""
    if live_job(background.job_key(upload)) is not None:
        return redirect(preview_url)  # being applied: its preview leads to the job's page
    if ConfirmUploadForm().validate_on_submit() and upload.applied_at is None:
        staging.drop(upload)
        flash(_("Đã hủy bản nhập; không có gì thay đổi."), "info")
        return redirect(done_url)
    return redirect(preview_url)
