"""Import members from a CSV/XLSX list through the staged-upload pages."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.teams.forms import MembersImportForm
from fieldops.teams.imports import MEMBERS
from fieldops.teams.views import bp
from fieldops.uploads.views import cancel_page, preview_page, upload_or_404, upload_page

IMPORTERS = {MEMBERS.kind: MEMBERS}


def _preview_url(token: str) -> str:
    return url_for("teams.import_preview", token=token)


@bp.route("/members/import", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_members():
    # The area rides with the upload: its plan is made again at confirm time.
    return upload_page(MEMBERS, MembersImportForm(), lambda: {"area_id": current_user.area_id},
                       "teams/import.html", _preview_url)


@bp.route("/members/import/<token>", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_preview(token: str):
    return preview_page(MEMBERS, upload_or_404(IMPORTERS, token),
                        done_url=url_for("teams.members"),
                        cancel_url=url_for("teams.import_cancel", token=token))


@bp.post("/members/import/<token>/cancel")
@role_required(ORGANIZER)
def import_cancel(token: str):
    return cancel_page(upload_or_404(IMPORTERS, token), done_url=url_for("teams.members"),
                       preview_url=_preview_url(token))
