"""A phase's commendation page (from its frozen ranking), its thresholds, Word and Excel."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from fieldops.accountability import commendation, commendation_docs, letterhead
from fieldops.accountability.commendation_forms import ThresholdsForm
from fieldops.accountability.document_forms import DocumentForm
from fieldops.accountability.document_views import DOCX, XLSX, _download, _filled
from fieldops.accountability.views import bp
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.scope import whole_campaign_visible
from fieldops.web import rules_on


def _phase(campaign_id: int, phase_id: int) -> tuple[Campaign, Phase]:
    campaign = db.get_or_404(Campaign, campaign_id)
    phase = next((p for p in campaign.phases if p.id == phase_id), None)
    # The proposal ranks every unit of the campaign against each other and its thresholds are
    # the campaign's: it is the whole campaign's document, for who sees all its communes.
    if phase is None or not whole_campaign_visible(current_user, campaign):
        abort(404)
    return campaign, phase


@bp.route("/campaigns/<int:campaign_id>/phases/<int:phase_id>/commendation",
          methods=["GET", "POST"])
@role_required(ORGANIZER)
def commendation_page(campaign_id: int, phase_id: int):
    campaign, phase = _phase(campaign_id, phase_id)
    settings = commendation.settings_for(campaign)
    form = ThresholdsForm(data={"min_confirmation": settings.min_confirmation_percent,
                                "max_rejection": settings.max_rejection_percent})
    if form.validate_on_submit():
        with rules_on(form):
            commendation.save_settings(campaign, min_confirmation=form.min_confirmation.data,
                                       max_rejection=form.max_rejection.data)
            flash(_("Đã lưu ngưỡng khen thưởng của chiến dịch."), "success")
            return redirect(url_for("accountability.commendation_page", campaign_id=campaign.id,
                                    phase_id=phase.id))
    return render_template("accountability/commendation.html", campaign=campaign, phase=phase,
                           form=form, lists=commendation.build_lists(campaign, phase))


@bp.get("/campaigns/<int:campaign_id>/phases/<int:phase_id>/commendation.<fmt>")
@role_required(ORGANIZER)
def commendation_download(campaign_id: int, phase_id: int, fmt: str):
    campaign, phase = _phase(campaign_id, phase_id)
    if fmt not in ("docx", "xlsx"):
        abort(404)
    # The document is Vietnamese whatever the interface language (Decree 30).
    with force_locale("vi"):
        lists = commendation.build_lists(campaign, phase)
    if lists is None:
        flash(_("Xếp hạng %(phase)s chưa được chốt; danh sách khen thưởng lập từ bảng đã chốt.",
                phase=phase.name), "error")
        return redirect(url_for("accountability.commendation_page", campaign_id=campaign.id,
                                phase_id=phase.id))
    # A proposal goes up, like a report: the level above first, then the archive.
    above = "\n".join(letterhead.default_recipients(campaign, letterhead.REPORT).lines)
    form = _filled(DocumentForm, campaign, commendation_docs.PROPOSAL, {"recipients": above})
    if not form.validate():
        flash(_("Thông tin văn bản chưa đủ; hãy sửa ở trang Sơ kết, tổng kết rồi tải lại."),
              "error")
        return redirect(url_for("accountability.commendation_page", campaign_id=campaign.id,
                                phase_id=phase.id))
    head = form.letterhead()
    stem = f"khen-thuong-{campaign.id}-{phase.id}-{form.day.data:%Y%m%d}"
    if fmt == "docx":
        body = commendation_docs.commendation_docx(lists, head, form.signer(),
                                                   form.recipient_list())
        return _download(body, f"{stem}.docx", DOCX)
    return _download(commendation_docs.commendation_workbook(lists, head), f"{stem}.xlsx", XLSX)
