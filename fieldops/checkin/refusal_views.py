"""Refused check-ins, listed to the desk's staff and the organizer, taken into a queue or
dismissed (the rules are in refusals.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.checkin import access, refusals
from fieldops.checkin.forms import RefusalForm
from fieldops.checkin.models import RefusedSubmission
from fieldops.checkin.views import bp
from fieldops.db import db
from fieldops.events.models import HelpDesk
from fieldops.scope import hamlet_ids_in_scope
from fieldops.web import rules_flashed


@bp.app_template_global()
def refusals_waiting(desk: HelpDesk | None = None, campaign: Campaign | None = None) -> int:
    """Return how many refused check-ins of a desk or campaign wait for someone (for badges):
    those in the viewer's area, as the lists show."""
    if hamlet_ids_in_scope(current_user) is None:
        return refusals.waiting_count(desk=desk, campaign=campaign)
    rows = refusals.for_desk(desk) if desk is not None else refusals.for_campaign(campaign)
    return sum(1 for r in refusals.visible(current_user, rows) if r.resolution is None)


def _page(rows, **context):
    shown = [refusals.shown(r) for r in rows]
    names = refusals.service_names(sorted({s for row in shown for s in row.service_ids}))
    hamlets = refusals.hamlet_names(sorted({r.hamlet_id for r in shown if r.hamlet_id}))
    return render_template("checkin/refusals.html", rows=shown, service_names=names,
                           hamlet_names=hamlets, form=RefusalForm(),
                           labels=refusals.RESOLUTION_LABELS,
                           waiting=sum(1 for r in rows if r.resolution is None), **context)


@bp.get("/checkin/desks/<int:desk_id>/refusals")
@login_required
def desk_refusals(desk_id: int):
    desk = db.get_or_404(HelpDesk, desk_id)
    if not access.can_work_desk(current_user, desk):
        abort(403)
    return _page(refusals.visible(current_user, refusals.for_desk(desk)), desk=desk,
                 campaign=None, back="desk")


@bp.get("/checkin/campaigns/<int:campaign_id>/refusals")
@role_required(ORGANIZER)
def campaign_refusals(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    return _page(refusals.visible(current_user, refusals.for_campaign(campaign)), desk=None,
                 campaign=campaign, back="campaign")


def _refusal_for_user(refusal_id: int) -> RefusedSubmission:
    refusal = db.get_or_404(RefusedSubmission, refusal_id)
    if not refusals.in_scope(current_user, refusal):
        abort(404)  # outside the area: as if it did not exist
    if not refusals.can_follow_up(current_user, refusal):
        abort(403)
    return refusal


def _back(refusal: RefusedSubmission, form: RefusalForm) -> str:
    """Return the list the action was taken from."""
    if form.back.data == "campaign" and current_user.role == ORGANIZER \
            and refusal.campaign_id is not None:
        return url_for(".campaign_refusals", campaign_id=refusal.campaign_id)
    if refusal.desk_id is not None:
        return url_for(".desk_refusals", desk_id=refusal.desk_id)
    return url_for(".campaign_refusals", campaign_id=refusal.campaign_id)


@bp.post("/checkin/refusals/<int:refusal_id>/queue")
@login_required
def queue_refusal(refusal_id: int):
    refusal = _refusal_for_user(refusal_id)
    form = RefusalForm()
    if not form.validate_on_submit():
        flash(_("Biểu mẫu đã hết hạn. Hãy tải lại trang và gửi lại."), "error")
        return redirect(_back(refusal, form))
    with rules_flashed() as outcome:
        registration = refusals.take_into_queue(refusal, current_user)
    if not outcome.failed:
        flash(_("Đã xếp %(name)s vào hàng chờ của %(desk)s: số %(n)s.",
                name=registration.full_name, desk=registration.desk.name,
                n=registration.queue_number), "success")
    return redirect(_back(refusal, form))


@bp.post("/checkin/refusals/<int:refusal_id>/dismiss")
@login_required
def dismiss_refusal(refusal_id: int):
    refusal = _refusal_for_user(refusal_id)
    form = RefusalForm()
    if not form.validate_on_submit():
        flash(_("Biểu mẫu đã hết hạn. Hãy tải lại trang và gửi lại."), "error")
        return redirect(_back(refusal, form))
    with rules_flashed() as outcome:
        refusals.dismiss(refusal, current_user, form.note.data or "")
    if not outcome.failed:
        flash(_("Đã bỏ qua lượt đăng ký này."), "success")
    return redirect(_back(refusal, form))
