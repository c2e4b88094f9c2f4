"""Who did what, on time, and is it true: reporting duties, spot-checks, tasks, phase reviews."""

from fieldops.accountability import (
    area_scope,
    check_models,
    check_rates,
    commendation_models,
    commendation_views,
    document_views,
    duty_views,
    home,
    official_models,
    official_views,
    reminders,
    report_views,
    spotcheck_views,
    task_models,
    task_views,
)
from fieldops.accountability.views import bp
from fieldops.core.views import home_blocks_wanted
from fieldops.reports.ranking import confirmation_rates

# The ranking shows each unit's spot-check confirmation rate; reports asks, we answer.
bp.record_once(lambda _state: confirmation_rates.connect(check_rates.ranking_rates))
# The home page shows what a unit owes (core asks; it does not know about reports).
bp.record_once(lambda _state: home_blocks_wanted.connect(home.home_block))

# The view modules add their routes to `bp` when imported; `reminders` registers the schedule;
# `area_scope` tells the request guard where the units, checks and tasks URLs name lie.
__all__ = ["area_scope", "bp", "check_models", "commendation_models", "commendation_views",
           "document_views", "duty_views", "official_models", "official_views", "reminders",
           "report_views", "spotcheck_views", "task_models", "task_views"]
