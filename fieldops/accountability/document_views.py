"""Download the official documents: the phase and final reviews (Word, Excel, Zalo text) and the
ceremony's invitations and sign-in sheets (Word)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from fieldops.accountability import ceremony_docs, letterhead, review_docs, submissions
from fieldops.accountability.document_forms import CeremonyForm, DocumentForm, ReviewForm
from fieldops.accountability.review import build_review, zalo_text
from fieldops.accountability.views import bp
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.events.models import LaunchEvent
from fieldops.reports.progress import current_phase
from fieldops.scope import whole_campaign_visible

FINAL = "final"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INVITATIONS, SIGN_IN = "invitations", "signin"


def _filled(form_class: type[DocumentForm], campaign: Campaign, kind: str, extra: dict):
    """Return the form read from the query string over the campaign's defaults."""
    day = local_today()
    head = letterhead.default_letterhead(campaign, kind, day)
    signer = letterhead.default_signer(campaign, current_user.full_name)
    defaults = {
        "parent_body": head.parent_body, "issuing_body": head.issuing_body,
        "number": "", "symbol": head.symbol, "place": head.place,
        "day": day.strftime("%d/%m/%Y"), "signer_authority": signer.authority,
        "signer_position": signer.position, "signer_name": signer.name,
        "recipients": "\n".join(letterhead.default_recipients(campaign, kind).lines), **extra}
    # A link that names only some fields keeps the defaults of the others.
    given = {key: value for key, value in request.args.items() if key != "format"}
    return form_class(formdata=MultiDict({**defaults, **given}))


def _download(body: bytes, name: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/campaigns/<int:campaign_id>/review")
@role_required(ORGANIZER)
def review(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    # The review reports every unit of the campaign to the level above: the whole campaign's
    # document, for who sees all its communes (like the commendation proposal).
    if not whole_campaign_visible(current_user, campaign):
        abort(404)
    if not campaign.phases:
        flash(_("Chiến dịch chưa có giai đoạn nào; hãy thêm giai đoạn trước."), "info")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    running = current_phase(campaign, local_today())
    form = _filled(ReviewForm, campaign, letterhead.REPORT, {"scope": str(running.id)})
    form.scope.choices = [(str(p.id), _("Sơ kết %(phase)s", phase=p.name))
                          for p in campaign.phases] + [(FINAL, _("Tổng kết (mọi giai đoạn)"))]
    fmt = request.args.get("format")
    if fmt not in ("docx", "xlsx", "text") or not _valid_scope(form):
        return render_template("accountability/review.html", campaign=campaign, form=form,
                               shown=fmt is not None)
    final = form.scope.data == FINAL
    phases = (list(campaign.phases) if final
              else [p for p in campaign.phases if str(p.id) == form.scope.data])
    # The units' own phase-review (or final) reports, printed beside the figures.
    built = build_review(campaign, phases, day=form.day.data, final=final,
                         narratives=submissions.review_narratives(campaign, phases, final=final))
    head = form.letterhead()
    stem = ("tong-ket" if final else f"so-ket-{phases[0].id}") + \
        f"-{campaign.id}-{form.day.data:%Y%m%d}"
    if fmt == "docx":
        return _download(review_docs.review_docx(built, head, form.signer(),
                                                 form.recipient_list()), f"{stem}.docx", DOCX)
    if fmt == "xlsx":
        return _download(review_docs.review_workbook(built, head), f"{stem}.xlsx", XLSX)
    return render_template("accountability/review_text.html", campaign=campaign, form=form,
                           text=zalo_text(built, issuing_body=head.issuing_body),
                           back={k: v for k, v in request.args.items() if k != "format"})


def _valid_scope(form: ReviewForm) -> bool:
    """Validate the form, saying in Vietnamese when the report asked for is not one offered."""
    ok = form.validate()
    if form.scope.data not in {value for value, _label in form.scope.choices}:
        form.scope.errors = [*form.scope.errors, _("Hãy chọn một báo cáo trong danh sách.")]
        ok = False
    return ok


@bp.get("/events/<int:event_id>/documents")
@role_required(ORGANIZER)
def event_documents(event_id: int):
    event = db.get_or_404(LaunchEvent, event_id)
    form = _filled(CeremonyForm, event.campaign, letterhead.INVITATION, {"group": ""})
    form.group.choices = [("", _("Mọi nhóm khách mời (%(n)s)", n=len(event.groups)))] + [
        (str(g.id), g.name) for g in event.groups]
    kind = request.args.get("kind")
    if kind not in (INVITATIONS, SIGN_IN) or not _valid_group(form):
        return render_template("accountability/event_documents.html", event=event, form=form,
                               shown=kind is not None)
    groups = [g for g in event.groups if not form.group.data or str(g.id) == form.group.data]
    if not groups:
        flash(_("Sự kiện chưa có nhóm khách mời nào; hãy thêm các nhóm trước."), "error")
        return redirect(url_for("events.groups", event_id=event.id))
    head = form.letterhead()
    stem = f"{'giay-moi' if kind == INVITATIONS else 'ky-danh'}-{event.id}" + (
        f"-nhom-{groups[0].id}" if form.group.data else "")
    if kind == INVITATIONS:
        body = ceremony_docs.invitations_docx(event, groups, head, form.signer(),
                                              form.recipient_list())
    else:
        head.symbol = ""  # a sign-in sheet is not a numbered document
        body = ceremony_docs.signin_docx(event, groups, head)
    return _download(body, f"{stem}.docx", DOCX)


def _valid_group(form: CeremonyForm) -> bool:
    ok = form.validate()
    if form.group.data and form.group.data not in {v for v, _label in form.group.choices}:
        form.group.errors = [*form.group.errors, _("Nhóm khách mời không thuộc sự kiện này.")]
        ok = False
    return ok

