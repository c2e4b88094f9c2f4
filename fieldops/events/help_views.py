"""The public "where to get help" page of a campaign, its QR code and its printed poster."""

from __future__ import annotations

from flask import Response, abort, render_template, url_for
from flask_login import login_required

from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.events import help_points, pdf, qr
from fieldops.events.public_views import image_response
from fieldops.events.views import bp

#: shared widely (Zalo groups, posters): phones keep it a minute, long enough to absorb reloads
#: and short enough that a desk added or moved shows up soon
PAGE_MAX_AGE = 60


@bp.app_template_global()
def help_url(campaign_id: int) -> str:
    """Return the absolute address of a campaign's public page, as its QR code carries it."""
    return qr.public_base_url() + url_for("events.help_page", campaign_id=campaign_id)


@bp.app_template_global()
def public_address_reach() -> str | None:
    """Return why phones cannot open the address the QR codes carry (loopback, private), or None."""
    return qr.address_reach(qr.public_base_url())


@bp.app_template_global()
def public_base_url() -> str:
    """Return the address the QR codes carry, for pages that explain it."""
    return qr.public_base_url()


@bp.get("/help/<int:campaign_id>")
def help_page(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        # A poster may outlive its campaign: say so plainly, in the citizen's words.
        return render_template("events/help_missing.html"), 404
    today = local_today()
    ended = campaign.end_date < today
    days = [] if ended else help_points.upcoming(campaign.id)
    response = Response(render_template(
        "events/help.html", campaign=campaign, days=days, ended=ended, today=today,
        url=help_url(campaign.id)))
    # Private: the page carries the language switch's session-bound CSRF token.
    response.cache_control.private = True
    response.cache_control.max_age = PAGE_MAX_AGE
    return response


@bp.get("/help/<int:campaign_id>/qr.<fmt>")
def help_qr(campaign_id: int, fmt: str):
    if fmt not in qr.FORMATS:
        abort(404)
    url = help_url(campaign_id)
    found = qr.cached(url, fmt)
    if found is None:
        db.get_or_404(Campaign, campaign_id)
        found = qr.image(url, fmt)  # kept for every later request by the request's commit
    return image_response(found, fmt)


@bp.get("/campaigns/<int:campaign_id>/help-poster.pdf")
@login_required
def help_poster(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    url = help_url(campaign.id)
    content = pdf.help_poster(campaign, qr.image(url, "png")[0], url)
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="noi-ho-tro-{campaign.id}.pdf"'})
