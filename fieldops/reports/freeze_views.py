"""Freeze a phase's ranking by hand (after a confirm page) and undo it before the phase ends."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign, Phase
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.reports import phase_end, ranking
from fieldops.reports.forms import ConfirmForm
from fieldops.reports.views import bp
from fieldops.scope import whole_campaign_visible
from fieldops.web import rules_flashed


def _phase(campaign_id: int, phase_id: int) -> tuple[Campaign, Phase]:
    campaign = db.get_or_404(Campaign, campaign_id)
    phase = next((p for p in campaign.phases if p.id == phase_id), None)
    # A frozen ranking ranks every unit of the campaign: only who sees all of it freezes it.
    if phase is None or not whole_campaign_visible(current_user, campaign):
        abort(404)
    return campaign, phase


def _back(campaign: Campaign, phase: Phase):
    return redirect(url_for("reports.ranking_page", campaign_id=campaign.id, phase=phase.id))


@bp.get("/campaigns/<int:campaign_id>/phases/<int:phase_id>/ranking/freeze")
@role_required(ORGANIZER)
def confirm_freeze(campaign_id: int, phase_id: int):
    campaign, phase = _phase(campaign_id, phase_id)
    if ranking.snapshot_of(phase) is not None:
        flash(_("Xếp hạng %(phase)s đã được chốt.", phase=phase.name), "info")
        return _back(campaign, phase)
    return render_template("reports/freeze_confirm.html", campaign=campaign, phase=phase,
                           ended=phase_end.has_ended(phase, local_today()), form=ConfirmForm())


@bp.post("/campaigns/<int:campaign_id>/phases/<int:phase_id>/ranking/freeze")
@role_required(ORGANIZER)
def freeze_ranking(campaign_id: int, phase_id: int):
    campaign, phase = _phase(campaign_id, phase_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with rules_flashed():
        ranking.freeze(campaign, phase, user=current_user, today=local_today())
        flash(_("Đã chốt xếp hạng %(phase)s.", phase=phase.name), "success")
    return _back(campaign, phase)


@bp.post("/campaigns/<int:campaign_id>/phases/<int:phase_id>/ranking/undo")
@role_required(ORGANIZER)
def undo_freeze(campaign_id: int, phase_id: int):
    campaign, phase = _phase(campaign_id, phase_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with rules_flashed():
        phase_end.undo_freeze(phase, user=current_user, today=local_today())
        flash(_("Đã hủy chốt xếp hạng %(phase)s; bảng xếp hạng lại theo kết quả hiện tại.",
                phase=phase.name), "success")
    return _back(campaign, phase)
