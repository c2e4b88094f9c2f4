"""The organizer's side of the visits: the absent lists for the police, the return rule, and
the claims the next lists did not confirm."""

from __future__ import annotations

import json
from datetime import date

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldops.areas.models import COMMUNE, Area
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER, TEAM_LEAD
from fieldops.campaigns.models import Campaign
from fieldops.checkin.access import audit, user_teams
from fieldops.db import db
from fieldops.drive import absent, followup
from fieldops.drive.forms import DriveRulesForm
from fieldops.drive.views import bp
from fieldops.drive.visits import drive_rules, save_drive_rules
from fieldops.scope import commune_ids_in_scope, whole_campaign_visible
from fieldops.web import rules_on

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/campaigns/<int:campaign_id>/absent", methods=["GET", "POST"])
@role_required(ORGANIZER)
def absent_lists(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = DriveRulesForm(data={"absences_to_list": drive_rules(campaign.id).absences_to_list})
    # The rule holds for every commune of the campaign: only an area holding them all sets it.
    can_set_rules = whole_campaign_visible(current_user, campaign)
    if form.is_submitted() and not can_set_rules:
        abort(404)
    if form.validate_on_submit():
        with rules_on(form):
            save_drive_rules(campaign, absences_to_list=form.absences_to_list.data)
            flash(_("Đã lưu quy định."), "success")
            return redirect(url_for(".absent_lists", campaign_id=campaign.id))
    days = absent.absent_days(campaign.id, commune_ids_in_scope(current_user))
    return render_template("drive/absent.html", campaign=campaign, form=form, days=days,
                           can_set_rules=can_set_rules), \
        422 if form.is_submitted() else 200


@bp.get("/campaigns/<int:campaign_id>/absent/<int:commune_id>/<day>.xlsx")
@role_required(ORGANIZER)
def absent_download(campaign_id: int, commune_id: int, day: str):
    campaign = db.get_or_404(Campaign, campaign_id)
    commune = db.get_or_404(Area, commune_id)
    if commune.level != COMMUNE:
        abort(404)
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        abort(404)
    people = absent.absent_people(campaign.id, commune.id, the_day)
    body = absent.to_xlsx(people, commune, the_day)
    # The full ID numbers leave the app here: who, when, which list and how many rows.
    audit("absent_list", current_user, None, json.dumps(
        {"campaign_id": campaign.id, "commune_id": commune.id, "day": the_day.isoformat(),
         "rows": len(people)}, ensure_ascii=False))
    response = Response(body, mimetype=XLSX)
    name = f"vang-mat-{commune.name_folded.replace(' ', '-')}-{the_day:%Y%m%d}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/campaigns/<int:campaign_id>/unconfirmed")
@role_required(ORGANIZER, TEAM_LEAD)
def unconfirmed(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    members = None
    if not current_user.is_organizer:
        members = {m.id for t in user_teams(current_user) if t.campaign_id == campaign.id
                   for m in t.members}
    people = followup.unconfirmed(campaign.id, members, commune_ids_in_scope(current_user))
    return render_template("drive/unconfirmed.html", campaign=campaign, people=people)
