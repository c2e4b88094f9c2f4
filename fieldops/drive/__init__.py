"""The door-to-door drive: the police's daily lists, households, visits and the absent list."""

from fieldops.checkin.offline_views import offline_pages_wanted
from fieldops.checkin.signals import registration_changed
from fieldops.drive import (
    absent_views,
    assign_views,
    household_views,
    in_area,
    list_views,
    models,
    offline,
    retention,
    today_views,
    visit_views,
    visits,
)
from fieldops.drive.views import bp

# The member's day (list and visit forms) is among the pages the phone keeps offline.
bp.record_once(lambda _state: offline_pages_wanted.connect(offline.offline_pages))
# A visit voided from check-in's registrations pages puts its person back as its own page does.
bp.record_once(lambda _state: registration_changed.connect(visits.on_registration_changed))

# The view modules add their routes to `bp` when imported.
# in_area registers how the area guard finds the place of the objects the URLs name.
__all__ = ["absent_views", "assign_views", "bp", "household_views", "in_area", "list_views",
           "models", "retention", "today_views", "visit_views"]
