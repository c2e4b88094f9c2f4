"""Invited groups, and the reception tap counter volunteers use on their phones."""

from __future__ import annotations

import uuid

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops import outbox
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.db import db
from fieldops.events import services
from fieldops.events.forms import DeleteForm, GroupForm, TapForm
from fieldops.events.models import AttendeeGroup, LaunchEvent
from fieldops.events.views import bp, event_or_404
from fieldops.web import rules_on


def _group_or_404(event: LaunchEvent, group_id: int) -> AttendeeGroup:
    group = db.get_or_404(AttendeeGroup, group_id)
    if group.event_id != event.id:
        abort(404)
    return group


def _groups_page(event: LaunchEvent, form: GroupForm | None = None, status: int = 200):
    return render_template("events/groups.html", event=event, form=form or GroupForm(),
                           arrivals=services.arrivals(event), delete_form=DeleteForm()), status


@bp.get("/events/<int:event_id>/groups")
@login_required
def groups(event_id: int):
    return _groups_page(event_or_404(event_id))


@bp.post("/events/<int:event_id>/groups")
@role_required(ORGANIZER)
def add_group(event_id: int):
    event = event_or_404(event_id)
    form = GroupForm()
    if form.validate_on_submit():
        with rules_on(form):
            services.save_group(event, None, name=form.name.data,
                                organisation=form.organisation.data,
                                expected_count=form.expected_count.data)
            flash(_("Đã thêm nhóm khách mời."), "success")
            return redirect(url_for("events.groups", event_id=event.id))
    db.session.refresh(event)
    return _groups_page(event, form, 422)


@bp.route("/events/<int:event_id>/groups/<int:group_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_group(event_id: int, group_id: int):
    event = event_or_404(event_id)
    group = _group_or_404(event, group_id)
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        with rules_on(form):
            services.save_group(event, group, name=form.name.data,
                                organisation=form.organisation.data,
                                expected_count=form.expected_count.data)
            flash(_("Đã lưu nhóm “%(name)s”.", name=group.name), "success")
            return redirect(url_for("events.groups", event_id=event.id))
    return render_template("events/group_form.html", form=form, event=event, group=group)


@bp.post("/events/<int:event_id>/groups/<int:group_id>/delete")
@role_required(ORGANIZER)
def delete_group(event_id: int, group_id: int):
    event = event_or_404(event_id)
    group = _group_or_404(event, group_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    services.delete_group(group)
    flash(_("Đã xóa nhóm."), "success")
    return redirect(url_for("events.groups", event_id=event.id))


@bp.get("/events/<int:event_id>/reception")
@login_required
def reception(event_id: int):
    event = event_or_404(event_id)
    # Each plain (no-JS) button carries a fresh tap_id, so a double-sent form counts once.
    tap_ids = {g.id: (str(uuid.uuid4()), str(uuid.uuid4())) for g in event.groups}
    return render_template("events/reception.html", event=event, tap_ids=tap_ids,
                           arrivals=services.arrivals(event), form=TapForm())


@bp.post("/events/<int:event_id>/groups/<int:group_id>/taps")
@login_required
def tap(event_id: int, group_id: int):
    """Count one tap: JSON for the phone's outbox (with the counts to draw), else a redirect."""
    event = event_or_404(event_id)
    group = _group_or_404(event, group_id)
    form = TapForm()
    errors: dict[str, list[str]] = {}
    counted = False
    if not form.validate_on_submit():
        errors = outbox.form_errors(form) or {
            "": [_("Biểu mẫu đã hết hạn. Hãy tải lại trang và gửi lại.")]}
    else:
        try:
            delta = int(form.delta.data or "1")
        except ValueError:
            delta = 0
        with rules_on(form) as outcome:
            counted = services.record_tap(group, form.tap_id.data, delta, current_user.id)
        if outcome.failed:
            errors = {outcome.error.field or "": [str(outcome.error.message)]}
    back = url_for("events.reception", event_id=event.id) + f"#group-{group.id}"
    if outbox.from_outbox():
        # The counts ride on every answer, a refusal's too: the phone draws them.
        counts = services.arrivals(event).as_json()
        if errors:
            return outbox.refused(errors, counts=counts)
        return outbox.kept(back, replay=not counted, counts=counts)
    for messages in errors.values():
        for message in messages:
            flash(message, "error")
    if counted:
        counts = services.arrivals(event)
        flash(_("%(name)s: %(n)s/%(m)s người đã đến.", name=group.name,
                n=counts.per_group[group.id], m=group.expected_count), "success")
    return redirect(back)


@bp.get("/events/<int:event_id>/reception/counts")
@login_required
def counts(event_id: int):
    event = event_or_404(event_id)
    return jsonify(services.arrivals(event).as_json())
