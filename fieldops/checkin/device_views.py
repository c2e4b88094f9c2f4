"""Pages for the JSON API's device tokens: create (shown once), list, revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.checkin import access
from fieldops.checkin.devices import issue_token
from fieldops.checkin.forms import DeviceTokenForm
from fieldops.checkin.models import DeviceToken
from fieldops.checkin.views import bp
from fieldops.clock import now_utc
from fieldops.db import db


def _tokens() -> list[DeviceToken]:
    stmt = db.select(DeviceToken).order_by(DeviceToken.revoked_at.is_not(None),
                                           DeviceToken.created_at.desc())
    if not current_user.is_organizer:
        stmt = stmt.where(DeviceToken.user_id == current_user.id)
    return list(db.session.execute(stmt).scalars())


@bp.route("/checkin/devices", methods=["GET", "POST"])
@login_required
def devices():
    form = DeviceTokenForm()
    secret = None
    if form.validate_on_submit():
        token, secret = issue_token(current_user, form.label.data)
        access.audit("token_created", current_user, None, token.label)
        form = DeviceTokenForm(formdata=None)
    response = render_template("checkin/devices.html", form=form, tokens=_tokens(),
                               secret=secret)
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/checkin/devices/<int:token_id>/revoke")
@login_required
def revoke_device(token_id: int):
    token = db.get_or_404(DeviceToken, token_id)
    if token.user_id != current_user.id and not current_user.is_organizer:
        abort(404)
    # The app-wide CSRF protection already checked this POST's token.
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        access.audit("token_revoked", current_user, None, token.label)
        flash(_("Đã thu hồi mã của thiết bị “%(label)s”.", label=token.label), "success")
    return redirect(url_for(".devices"))
