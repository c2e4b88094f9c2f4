"""Import a targets appendix (CSV/XLSX) through the staged-upload pages."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.forms import choices
from fieldops.reports.appendix_import import APPENDIX_IMPORT
from fieldops.reports.forms import AppendixForm, ConfirmAppendixForm
from fieldops.reports.views import bp
from fieldops.uploads.views import cancel_page, preview_page, upload_or_404, upload_page

IMPORTERS = {APPENDIX_IMPORT.kind: APPENDIX_IMPORT}


@bp.route("/campaigns/<int:campaign_id>/targets/import", methods=["GET", "POST"])
@role_required(ORGANIZER)
def import_appendix(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = AppendixForm()
    form.service_id.choices = choices([(0, _("Mọi dịch vụ của chiến dịch"))]
                                      + [(s.id, s.name) for s in campaign.services])
    return upload_page(
        APPENDIX_IMPORT, form,
        lambda: {"campaign_id": campaign.id, "service_id": form.service_id.data or None},
        "reports/import.html",
        lambda token: url_for("reports.appendix_preview", campaign_id=campaign.id, token=token),
        campaign=campaign)


@bp.route("/campaigns/<int:campaign_id>/targets/import/<token>", methods=["GET", "POST"])
@role_required(ORGANIZER)
def appendix_preview(campaign_id: int, token: str):
    campaign = db.get_or_404(Campaign, campaign_id)
    return preview_page(
        APPENDIX_IMPORT, upload_or_404(IMPORTERS, token, campaign_id=campaign.id),
        done_url=url_for("reports.targets_page", campaign_id=campaign.id),
        cancel_url=url_for("reports.appendix_cancel", campaign_id=campaign.id, token=token),
        form=ConfirmAppendixForm(), template="reports/preview.html", campaign=campaign)


@bp.post("/campaigns/<int:campaign_id>/targets/import/<token>/cancel")
@role_required(ORGANIZER)
def appendix_cancel(campaign_id: int, token: str):
    campaign = db.get_or_404(Campaign, campaign_id)
    done = url_for("reports.targets_page", campaign_id=campaign.id)
    # Cancelled or not, the organizer goes back to the targets page, as before.
    return cancel_page(upload_or_404(IMPORTERS, token, campaign_id=campaign.id),
                       done_url=done, preview_url=done)
