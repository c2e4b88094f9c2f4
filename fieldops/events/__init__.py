"""Launch events: agenda, invited groups and reception, help desks and their QR codes."""

from fieldops.events import (
    agenda_views,
    desk_views,
    help_views,
    public_views,
    reception_views,
)
from fieldops.events.views import bp

# The view modules add their routes to `bp` when imported.
__all__ = ["agenda_views", "bp", "desk_views", "help_views", "public_views",
           "reception_views"]
