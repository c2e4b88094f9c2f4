"""Targets and progress: the appendix, the cascade, the progress page, ranking and export."""

from fieldops.checkin.signals import registration_changed
from fieldops.core.views import home_blocks_wanted
from fieldops.reports import (
    api_views,
    appendix_views,
    counters,
    field_home,
    freeze_views,
    phase_end,
    target_views,
    views,
)
from fieldops.reports.views import bp

bp.register_blueprint(api_views.api_bp)

# The counters follow check-in's records, in the same transaction (see counters.py).
bp.record_once(lambda _state: registration_changed.connect(counters.on_registration_changed))

# A team lead's and a volunteer's home: their team and desk (core asks; it knows no teams).
bp.record_once(lambda _state: home_blocks_wanted.connect(field_home.home_block))

# The view modules add their routes to `bp` when imported; `phase_end` registers the schedule.
__all__ = ["api_views", "appendix_views", "bp", "field_home", "freeze_views", "phase_end",
           "target_views", "views"]
