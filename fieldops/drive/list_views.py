"""The police's daily lists: import (upload, column mapping, preview, hamlet names, confirm),
the campaign's lists by commune and kind, and a list's comparison with the previous one."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, TEAM_LEAD
from fieldops.campaigns.models import Campaign
from fieldops.checkin.citizen_id import mask
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.drive import list_files, list_services
from fieldops.drive.compare import GONE, entries_query, page_of
from fieldops.drive.in_area import own_upload_or_404
from fieldops.drive.list_columns import FIELDS, header_key, recognise
from fieldops.drive.list_forms import ListImportForm
from fieldops.drive.lists import POLICE_LIST
from fieldops.drive.models import ENTRY_CHANGES, LIST_KINDS, PoliceList
from fieldops.drive.views import bp
from fieldops.forms import choices
from fieldops.scope import area_visible, campaign_visible, commune_ids_in_scope, visible_communes
from fieldops.uploads import staging
from fieldops.uploads.tables import ImportProblem
from fieldops.uploads.views import cancel_page, preview_page, upload_or_404
from fieldops.web import rules_flashed

IMPORTERS = {POLICE_LIST.kind: POLICE_LIST}
PER_PAGE = 50
#: problems shown on the upload page; a file wrong in every row is told by its count
SHOWN_PROBLEMS = 200


@bp.route("/campaigns/<int:campaign_id>/lists")
@role_required(ORGANIZER, TEAM_LEAD)
def lists(campaign_id: int):
    """The campaign's lists per commune and kind: each day's rows, new, still, back, gone."""
    campaign = db.get_or_404(Campaign, campaign_id)
    chains = list_services.chains(campaign, commune_ids_in_scope(current_user))
    return render_template("drive/lists.html", campaign=campaign, chains=chains,
                           kinds=LIST_KINDS)


def _mapping_rows(headers: list[str], mapping: dict[str, str]) -> list[tuple[str, str, str]]:
    """Return (folded key, header as written, field chosen) for the mapping step's table."""
    rows = []
    for header in headers:
        if header:
            key = header_key(header)
            rows.append((key, header, mapping[key] if key in mapping else recognise(header) or ""))
    return rows


def _posted_mapping() -> dict[str, str]:
    """Return the column mapping sent with the form: map-<n>-key and map-<n>-field."""
    mapping = {}
    for name, key in request.form.items():
        if name.startswith("map-") and name.endswith("-key"):
            field = request.form.get(name[:-4] + "-field", "")
            mapping[key] = field if field in FIELDS else ""
    return mapping


@bp.route("/campaigns/<int:campaign_id>/lists/import", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_list(campaign_id: int):
    """Upload a police list; show every problem, and the columns to map when needed."""
    campaign = db.get_or_404(Campaign, campaign_id)
    # A day's list of a province runs to tens of MB: a limit of its own, above the app's 8 MB.
    request.max_content_length = list_files.MAX_BYTES + 256 * 1024
    problems: list[ImportProblem] = []
    try:
        form = ListImportForm()
    except RequestEntityTooLarge:
        # Nothing of the body can be read: the page again, saying what the limit is.
        form = ListImportForm(formdata=None)
        problems = [ImportProblem(None, None, list_files.too_large(request.content_length or 0))]
    form.commune_id.choices = choices(
        [("", _choose_from_file())]
        + [(c.id, c.display_name) for c in visible_communes(current_user, campaign)])
    if request.method == "GET":
        form.list_day.data = local_today()
        form.kind.data = request.args.get("kind", form.kind.choices[0].value)
    headers: list[str] = []
    submitted = not problems and form.validate_on_submit()
    saved = list_services.saved_mapping(campaign.id, form.kind.data or "")
    mapping = {**saved, **(_posted_mapping() if request.method == "POST" and not problems
                           else {})}
    if submitted:
        file = form.file.data
        content = file.read()
        if form.commune_id.data and form.commune_id.data not in {c.id for c in campaign.communes}:
            form.commune_id.data = None
        scope = {"campaign_id": campaign.id, "kind": form.kind.data,
                 "list_day": form.list_day.data.isoformat(), "commune_id": form.commune_id.data,
                 "mapping": mapping, "user_id": current_user.id}
        staged = staging.stage(POLICE_LIST, file.filename or "", content, scope, current_user)
        if staged.upload is not None:
            return redirect(url_for("drive.import_preview", token=staged.upload.token))
        problems = staged.problems
        if any(p.row is None or p.column is None for p in problems[:5]):
            # A header problem: show the file's columns so that they can be mapped.
            headers = list_files.header_of(file.filename or "", content, mapping)
    shown = _mapping_rows(headers, mapping) if headers else [
        (key, key, field) for key, field in saved.items()]
    return render_template("drive/list_import.html", campaign=campaign, form=form,
                           problems=problems[:SHOWN_PROBLEMS], problem_count=len(problems),
                           mapping_rows=shown, fields=FIELDS, mapping_needed=bool(headers),
                           max_mb=list_files.MAX_BYTES // 1024 // 1024)


def _choose_from_file() -> str:
    return _("Theo cột Xã/Phường hoặc địa chỉ trong tệp")


def _upload_context(token: str):
    upload = own_upload_or_404(upload_or_404(IMPORTERS, token))
    campaign = db.get_or_404(Campaign, upload.scope["campaign_id"])
    if not campaign_visible(current_user, campaign):
        abort(404)
    return upload, campaign


@bp.route("/lists/import/<token>", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_preview(token: str):
    """Preview a staged list: counts per commune, unknown hamlets to map; confirm it once."""
    upload, campaign = _upload_context(token)
    return preview_page(POLICE_LIST, upload,
                        done_url=url_for("drive.lists", campaign_id=campaign.id),
                        cancel_url=url_for("drive.import_cancel", token=token),
                        template="drive/list_preview.html", campaign=campaign,
                        kind_label=LIST_KINDS.get(upload.scope["kind"]),
                        list_day=date.fromisoformat(upload.scope["list_day"]))


@bp.post("/lists/import/<token>/hamlets")
@role_required(ORGANIZER)
def import_hamlets(token: str):
    """Map the list's unknown hamlet names to hamlets, once for every later list."""
    _upload, campaign = _upload_context(token)
    chosen = []
    for name in request.form:
        hamlet_id = request.form.get(name, type=int) if name.startswith("hamlet-") else None
        if hamlet_id:
            index = name.removeprefix("hamlet-")
            chosen.append((request.form.get(f"commune-{index}", type=int),
                           request.form.get(f"text-{index}", ""), hamlet_id))
    if any(not area_visible(current_user, commune_id) for commune_id, _text, _id in chosen):
        abort(404)
    with rules_flashed():
        list_services.map_hamlets(campaign, chosen)
    return redirect(url_for("drive.import_preview", token=token))


@bp.post("/lists/import/<token>/cancel")
@role_required(ORGANIZER)
def import_cancel(token: str):
    """Drop a staged list that was not confirmed."""
    upload, campaign = _upload_context(token)
    return cancel_page(upload, done_url=url_for("drive.lists", campaign_id=campaign.id),
                       preview_url=url_for("drive.import_preview", token=token))


@bp.route("/lists/<int:list_id>")
@role_required(ORGANIZER, TEAM_LEAD)
def list_detail(list_id: int):
    """A day's list against the previous one: new, still, back and gone people, by hamlet."""
    police_list = db.get_or_404(PoliceList, list_id)
    change = request.args.get("change") or None
    if change not in (*ENTRY_CHANGES, GONE, None):
        change = None
    hamlet_id = request.args.get("hamlet", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = page_of(entries_query(police_list, change, hamlet_id), page, PER_PAGE)
    hamlets = {h.id: h.display_name for h in police_list.commune.children}
    return render_template("drive/list_detail.html", police_list=police_list, rows=rows,
                           total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
                           change=change, hamlet_id=hamlet_id, hamlets=hamlets,
                           changes={**ENTRY_CHANGES, GONE: list_services.GONE_LABEL},
                           campaign=police_list.campaign, mask=mask)
