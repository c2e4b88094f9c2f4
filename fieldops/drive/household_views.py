"""Households of a campaign per hamlet (plan 004's survey) and their import from a survey sheet."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_login import current_user

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, TEAM_LEAD
from fieldops.campaigns.models import Campaign
from fieldops.checkin.services import campaign_hamlets
from fieldops.db import db
from fieldops.drive import rules
from fieldops.drive.forms import HouseholdsImportForm
from fieldops.drive.households import hamlet_households
from fieldops.drive.households_import import HOUSEHOLDS
from fieldops.drive.in_area import own_upload_or_404
from fieldops.drive.models import Household
from fieldops.drive.views import bp
from fieldops.scope import area_visible, hamlet_ids_in_scope
from fieldops.uploads.views import cancel_page, preview_page, upload_or_404, upload_page

IMPORTERS = {HOUSEHOLDS.kind: HOUSEHOLDS}


@bp.get("/campaigns/<int:campaign_id>/households")
@role_required(ORGANIZER, TEAM_LEAD)
def households(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    hamlets = campaign_hamlets(campaign)
    sums = [sa.func.count(Household.id)] + [
        sa.func.coalesce(sa.func.sum(getattr(Household, name)), 0)
        for name in rules.SURVEY_FIELDS]
    stmt = sa.select(Household.hamlet_id, *sums).where(Household.campaign_id == campaign.id)
    within = hamlet_ids_in_scope(current_user)
    if within is not None:
        hamlets = [h for h in hamlets if h.id in within]
        stmt = stmt.where(Household.hamlet_id.in_([h.id for h in hamlets]))
    totals = {row[0]: row[1:] for row in db.session.execute(stmt.group_by(Household.hamlet_id))}
    chosen = request.args.get("hamlet_id", type=int)
    if chosen and not area_visible(current_user, chosen):
        abort(404)
    shown = hamlet_households(campaign.id, chosen) if chosen else []
    return render_template("drive/households.html", campaign=campaign, hamlets=hamlets,
                           totals=totals, chosen=chosen, shown=shown,
                           labels=[rules.SURVEY_LABELS[n] for n in rules.SURVEY_FIELDS])


def _preview_url(campaign_id: int, token: str) -> str:
    return url_for("drive.households_preview", campaign_id=campaign_id, token=token)


@bp.route("/campaigns/<int:campaign_id>/households/import", methods=["GET", "POST"])
@role_required(ORGANIZER)
def households_import(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    # The uploader's area decides which hamlets the file may write to (households_import).
    return upload_page(HOUSEHOLDS, HouseholdsImportForm(),
                       lambda: {"campaign_id": campaign.id, "user_id": current_user.id},
                       "drive/households_import.html",
                       lambda token: _preview_url(campaign.id, token), campaign=campaign)


@bp.route("/campaigns/<int:campaign_id>/households/import/<token>", methods=["GET", "POST"])
@role_required(ORGANIZER)
def households_preview(campaign_id: int, token: str):
    upload = own_upload_or_404(upload_or_404(IMPORTERS, token, campaign_id=campaign_id))
    return preview_page(HOUSEHOLDS, upload,
                        done_url=url_for("drive.households", campaign_id=campaign_id),
                        cancel_url=url_for("drive.households_cancel", campaign_id=campaign_id,
                                           token=token))


@bp.post("/campaigns/<int:campaign_id>/households/import/<token>/cancel")
@role_required(ORGANIZER)
def households_cancel(campaign_id: int, token: str):
    upload = own_upload_or_404(upload_or_404(IMPORTERS, token, campaign_id=campaign_id))
    return cancel_page(upload,
                       done_url=url_for("drive.households", campaign_id=campaign_id),
                       preview_url=_preview_url(campaign_id, token))
