"""The organizer's audit log page: who saw, changed or exported personal data, and its CSV."""

from __future__ import annotations

import json

from flask import Response, render_template, request, stream_with_context
from flask_login import current_user

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.checkin import access, audit_log
from fieldops.checkin.views import bp
from fieldops.clock import now_utc
from fieldops.scope import detached


@bp.get("/audit")
@role_required(ORGANIZER)
def audit_log_page():
    filters = audit_log.AuditFilters.from_args(request.args)
    before = request.args.get("before", "")
    viewer = current_user._get_current_object()
    entries, next_before = audit_log.page(
        filters, int(before) if before.isdigit() else None, viewer)
    response = Response(render_template(
        "checkin/audit.html", entries=entries, next_before=next_before, filters=filters,
        args=filters.as_args(), users=audit_log.users(viewer), actions=audit_log.ACTIONS,
        paged=before.isdigit(), action_label=audit_log.action_label,
        detail_text=audit_log.detail_text))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/audit/export.csv")
@role_required(ORGANIZER)
def audit_export():
    filters = audit_log.AuditFilters.from_args(request.args)
    # The log of who read personal data is itself personal data: its export is logged too,
    # before it is read, so the file holds its own line when the filters keep it.
    viewer = current_user._get_current_object()
    entry = access.audit("audit_export", viewer)
    entry.detail = json.dumps({"format": "csv", "rows": audit_log.count(filters, viewer),
                               **filters.as_args()}, ensure_ascii=False)
    response = Response(stream_with_context(audit_log.csv_chunks(filters, viewer=detached(viewer))),
                        mimetype="text/csv; charset=utf-8")
    name = f"nhat-ky-{now_utc().strftime('%Y%m%d-%H%M')}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
