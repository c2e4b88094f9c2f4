"""The agenda page: add, edit and delete items, shift them, and the "now / next" stage view."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops import clock
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.db import db
from fieldops.events import agenda
from fieldops.events.forms import AgendaItemForm, DeleteForm, ShiftForm, parse_time
from fieldops.events.models import AgendaItem, LaunchEvent
from fieldops.events.services import hhmm
from fieldops.events.views import bp, event_or_404
from fieldops.forms import choices
from fieldops.web import rules_on


def _shift_form(event: LaunchEvent, form: ShiftForm | None = None) -> ShiftForm:
    form = form or ShiftForm()
    form.item_id.choices = choices(
        (i.id, f"{hhmm(i.start_time)} {i.title}") for i in event.agenda_items)
    return form


def _page(event: LaunchEvent, item_form=None, shift_form=None, status: int = 200):
    return render_template(
        "events/agenda.html", event=event, item_form=item_form or AgendaItemForm(),
        shift_form=_shift_form(event, shift_form), clashes=agenda.clashing_pairs(event),
        delete_form=DeleteForm()), status


def _item_or_404(event: LaunchEvent, item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    if item.event_id != event.id:
        abort(404)
    return item


def _save(form: AgendaItemForm, event: LaunchEvent, item: AgendaItem | None) -> AgendaItem:
    return agenda.save_item(
        event, item, start_time=form.start_time.data, end_time=form.end_time.data,
        title=form.title.data, responsible_unit=form.responsible_unit.data,
        notes=form.notes.data, parallel=form.parallel.data)


@bp.get("/events/<int:event_id>/agenda")
@login_required
def agenda_page(event_id: int):
    event = event_or_404(event_id)
    form = AgendaItemForm()
    last = event.agenda_items[-1] if event.agenda_items else None
    # Suggest the next free slot: the new item usually starts where the last one ended.
    form.start_time.data = last.end_time if last else event.start_time
    return _page(event, item_form=form)


@bp.post("/events/<int:event_id>/agenda")
@role_required(ORGANIZER)
def add_item(event_id: int):
    event = event_or_404(event_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        with rules_on(form):
            _save(form, event, None)
            flash(_("Đã thêm mục vào chương trình."), "success")
            return redirect(url_for("events.agenda_page", event_id=event.id) + "#agenda")
    db.session.refresh(event)
    return _page(event, item_form=form, status=422)


@bp.route("/events/<int:event_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_item(event_id: int, item_id: int):
    event = event_or_404(event_id)
    item = _item_or_404(event, item_id)
    form = AgendaItemForm(obj=item)
    if form.validate_on_submit():
        with rules_on(form):
            _save(form, event, item)
            flash(_("Đã lưu mục “%(title)s”.", title=item.title), "success")
            return redirect(url_for("events.agenda_page", event_id=event.id) + "#agenda")
    return render_template("events/item_form.html", form=form, event=event, item=item)


@bp.post("/events/<int:event_id>/agenda/<int:item_id>/delete")
@role_required(ORGANIZER)
def delete_item(event_id: int, item_id: int):
    event = event_or_404(event_id)
    item = _item_or_404(event, item_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    agenda.delete_item(item)
    flash(_("Đã xóa mục."), "success")
    return redirect(url_for("events.agenda_page", event_id=event.id) + "#agenda")


@bp.post("/events/<int:event_id>/agenda/shift")
@role_required(ORGANIZER)
def shift(event_id: int):
    event = event_or_404(event_id)
    form = _shift_form(event)
    if form.validate_on_submit():
        item = db.session.get(AgendaItem, form.item_id.data or 0)
        if item is None or item.event_id != event.id:
            form.item_id.errors = [_("Hãy chọn một mục của chương trình.")]
        else:
            with rules_on(form):
                result = agenda.shift_from(item, form.minutes.data, reason=form.reason.data,
                                           shifted_by_id=current_user.id)
                flash(_("Đã dời %(n)s mục, %(m)s phút.", n=result.shift.items_moved,
                        m=result.shift.minutes), "success")
                if result.extended_from is not None:
                    flash(_("Giờ kết thúc sự kiện đã lùi từ %(old)s đến %(new)s.",
                            old=hhmm(result.extended_from), new=hhmm(event.end_time)), "warning")
                return redirect(url_for("events.agenda_page", event_id=event.id) + "#agenda")
    db.session.refresh(event)
    return _page(event, shift_form=form, status=422)


@bp.get("/events/<int:event_id>/now")
@login_required
def now_next(event_id: int):
    event = event_or_404(event_id)
    local_now = clock.local_now()
    # ?at=HH:MM shows the stage view at another moment: for rehearsals and tests.
    fixed = parse_time(request.args.get("at", ""))
    state = agenda.now_next(event, fixed or local_now.time(),
                            today=None if fixed else local_now.date())
    return render_template("events/now.html", event=event, state=state, fixed=fixed)
