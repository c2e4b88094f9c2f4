"""Launch events of a campaign: list and calendar, create and edit, detail, run sheet."""

from __future__ import annotations

import calendar
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.events import agenda, desks, pdf, services
from fieldops.events.forms import DeleteForm, EventForm
from fieldops.events.models import LaunchEvent
from fieldops.web import rules_on

bp = Blueprint("events", __name__)


def event_or_404(event_id: int) -> LaunchEvent:
    """Return an event or answer 404."""
    return db.get_or_404(LaunchEvent, event_id)


def month_grid(year: int, month: int, events: list[LaunchEvent]) -> list[list[tuple]]:
    """Return the weeks of a month (Monday first) as (day, events that day) pairs."""
    by_day: dict[date, list[LaunchEvent]] = {}
    for event in events:
        by_day.setdefault(event.event_date, []).append(event)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[(day, by_day.get(day, [])) for day in week] for week in weeks]


def _shown_month(campaign: Campaign, events: list[LaunchEvent]) -> date:
    raw = request.args.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        pass
    first = events[0].event_date if events else campaign.start_date
    return first.replace(day=1)


@bp.get("/campaigns/<int:campaign_id>/events")
@login_required
def index(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    events = list(db.session.execute(
        db.select(LaunchEvent).filter_by(campaign_id=campaign.id)
        .order_by(LaunchEvent.event_date, LaunchEvent.start_time)).scalars())
    shown = _shown_month(campaign, events)
    previous = (shown.replace(day=1) - date.resolution).replace(day=1)
    following = (shown.replace(day=28) + 4 * date.resolution).replace(day=1)
    conflicts = {e.id: services.venue_conflicts(e) for e in events}
    return render_template(
        "events/index.html", campaign=campaign, events=events, conflicts=conflicts,
        weeks=month_grid(shown.year, shown.month, events), shown=shown, previous=previous,
        following=following)


@bp.route("/campaigns/<int:campaign_id>/events/new", methods=["GET", "POST"])
@role_required(ORGANIZER)
def new(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = EventForm()
    if not form.is_submitted():
        form.event_date.data = campaign.start_date
    if form.validate_on_submit():
        with rules_on(form):
            event = _save(form, campaign, None)
            flash(_("Đã tạo sự kiện. Hãy lập chương trình chi tiết."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, campaign=campaign, event=None)


def _save(form: EventForm, campaign: Campaign, event: LaunchEvent | None) -> LaunchEvent:
    return services.save_event(
        campaign, event, title=form.title.data, event_date=form.event_date.data,
        start_time=form.start_time.data, end_time=form.end_time.data,
        venue_name=form.venue_name.data, venue_address=form.venue_address.data,
        latitude=form.latitude.data, longitude=form.longitude.data,
        expected_attendance=form.expected_attendance.data, status=form.status.data,
        kind=form.kind.data, created_by_id=current_user.id)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit(event_id: int):
    event = event_or_404(event_id)
    form = EventForm(obj=event)
    if form.validate_on_submit():
        with rules_on(form):
            _save(form, event.campaign, event)
            flash(_("Đã lưu sự kiện."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, campaign=event.campaign, event=event)


@bp.post("/events/<int:event_id>/delete")
@role_required(ORGANIZER)
def delete(event_id: int):
    event = event_or_404(event_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    campaign_id = event.campaign_id
    db.session.delete(event)
    flash(_("Đã xóa sự kiện."), "success")
    return redirect(url_for("events.index", campaign_id=campaign_id))


@bp.get("/events/<int:event_id>")
@login_required
def detail(event_id: int):
    event = event_or_404(event_id)
    return render_template(
        "events/detail.html", event=event, arrivals=services.arrivals(event),
        venue_conflicts=services.venue_conflicts(event),
        staff_conflicts=desks.staff_conflicts(event),
        clashes=agenda.clashing_pairs(event), delete_form=DeleteForm())


@bp.get("/events/<int:event_id>/run-sheet.pdf")
@login_required
def run_sheet(event_id: int):
    event = event_or_404(event_id)
    content = pdf.run_sheet(event)
    name = f"chuong-trinh-{event.event_date:%Y%m%d}-{event.id}.pdf"
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
