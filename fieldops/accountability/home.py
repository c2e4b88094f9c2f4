"""The home page's block: the reports the user's units owe, and for organizers the boards."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from fieldops.accountability import duties, submissions, units
from fieldops.accountability.duty_models import ReportingDuty
from fieldops.accountability.reminders import owed_by
from fieldops.campaigns.models import Campaign
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.scope import campaigns_in_scope


def home_block(_app, user) -> Markup | None:
    """Return the block for the home page (core's `home_blocks_wanted`), or None."""
    now = now_utc()
    owed = owed_by(user, now)
    has_units = bool(units.unit_ids_of(user))
    boards = []
    if user.is_organizer:
        today = local_today()
        # An organizer with an area sees the boards of their campaigns, cut to their units.
        running = campaigns_in_scope(db.select(ReportingDuty).join(Campaign).where(
            Campaign.start_date <= today, Campaign.end_date >= today), user)
        for duty in db.session.execute(running.order_by(ReportingDuty.id)).scalars():
            boards.append(submissions.board(duty, duties.board_period(duty, now), now, user))
    if not owed and not boards and not has_units:
        return None
    return Markup(render_template("accountability/_home.html", owed=owed, boards=boards,
                                  has_units=has_units, now=now))
