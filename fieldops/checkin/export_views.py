"""Exports of the registrations list: streamed at once when small enough, otherwise written by a
background job with its progress page and a download link kept for a day."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    redirect,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from huey import crontab

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, User
from fieldops.checkin import access, exports
from fieldops.checkin.models import Registration
from fieldops.checkin.queries import Filters, narrowed
from fieldops.checkin.views import bp
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.i18n import format_number
from fieldops.tasks import DONE, Job, JobResult, enqueue, job, report_progress, schedule

EXPORT = "checkin.export"
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _file_of(job_id: int, kind: str) -> Path:
    return _folder() / f"job-{job_id}.{kind}"


def _download_name(kind: str) -> str:
    return f"dang-ky-{now_utc().strftime('%Y%m%d-%H%M')}.{kind}"


def _count(select: sa.Select) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(
        select.with_only_columns(Registration.id).order_by(None).subquery())).scalar_one()


def _export(kind: str):
    reveal = request.method == "POST" and request.form.get("reveal") == "1"
    if reveal and not current_user.is_organizer:
        abort(403)
    filters = Filters.from_args(request.values)
    select = narrowed(current_user, filters)
    total = _count(select)
    details = {"format": kind, "rows": total, **filters.as_args()}
    action = "export_revealed" if reveal else "export"
    if total > current_app.config["EXPORT_INLINE_ROWS"]:
        made = enqueue(EXPORT, user=current_user, title=_l(
            "Xuất %(rows)s hồ sơ đăng ký (%(format)s)", rows=format_number(total),
            format=kind.upper()), params={"kind": kind, "reveal": reveal,
                                          "filters": filters.as_args(), "result_is_file": True})
        made.result_url = url_for("checkin.export_file", job_id=made.id)
        access.audit(action, current_user, None,
                     json.dumps({**details, "job": made.id}, ensure_ascii=False))
        return redirect(url_for("jobs.detail", job_id=made.id), 303)
    access.audit(action, current_user, None, json.dumps(details, ensure_ascii=False))
    if kind == "csv":
        # Streamed as it is read: the first bytes leave at once, memory stays flat.
        body = stream_with_context(exports.csv_chunks(exports.rows(select, reveal)))
        response = Response(body, mimetype=MIMETYPES["csv"])
    else:
        # A workbook is a zip written at the end; up to EXPORT_INLINE_ROWS it is a few MB.
        response = Response(exports.to_xlsx(select, reveal), mimetype=MIMETYPES["xlsx"])
    response.headers["Content-Disposition"] = f'attachment; filename="{_download_name(kind)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/registrations/export.csv", methods=["GET", "POST"])
@role_required(ORGANIZER, "team_lead")
def export_csv():
    return _export("csv")


@bp.route("/registrations/export.xlsx", methods=["GET", "POST"])
@role_required(ORGANIZER, "team_lead")
def export_xlsx():
    return _export("xlsx")


@bp.get("/registrations/exports/<int:job_id>")
@login_required
def export_file(job_id: int):
    made = db.session.get(Job, job_id)
    if made is None or made.kind != EXPORT or made.created_by_id != current_user.id:
        abort(404)
    kind = made.params["kind"]
    path = _file_of(made.id, kind)
    if made.status != DONE or not path.exists():
        abort(404)
    response = send_file(path, mimetype=MIMETYPES[kind], as_attachment=True,
                         download_name=_download_name(kind))
    response.headers["Cache-Control"] = "no-store"
    return response


@job(EXPORT)
def write_export(made: Job) -> JobResult:
    """Write a large export to the instance folder, reporting progress; the link downloads it."""
    user = db.session.get(User, made.created_by_id)
    filters = Filters.from_args(made.params["filters"])
    select = narrowed(user, filters)
    total = _count(select)
    report_progress(0, total)
    kind = made.params["kind"]
    rows = exports.rows(select, made.params["reveal"],
                        progress=lambda done: report_progress(done, total))
    path = _file_of(made.id, kind)
    partial = path.with_suffix(".part")
    with partial.open("wb") as out:
        if kind == "csv":
            for chunk in exports.csv_chunks(rows):
                out.write(chunk)
        else:
            exports.write_xlsx(rows, out)
    partial.replace(path)  # a half-written file is never offered
    report_progress(total, total)
    return JobResult(_l("Đã xuất %(rows)s hồ sơ. Tệp được giữ trong %(hours)s giờ.",
                        rows=format_number(total),
                        hours=current_app.config["EXPORT_FILES_KEEP_HOURS"]),
                     made.result_url)


@schedule(crontab(minute="25"), "drop_old_exports")
def drop_old_exports() -> int:
    """Delete export files older than EXPORT_FILES_KEEP_HOURS (they hold personal data)."""
    before = (now_utc() - timedelta(hours=current_app.config["EXPORT_FILES_KEEP_HOURS"])
              ).timestamp()
    dropped = 0
    for path in _folder().glob("job-*"):
        if path.stat().st_mtime < before:
            path.unlink(missing_ok=True)
            dropped += 1
    return dropped
