"""On-site registrations: the check-in QR form, the volunteer's record, the registry, the API."""

from fieldops.checkin import (
    api_views,
    audit_views,
    device_views,
    export_views,
    offline_views,
    public_views,
    queue_views,
    refusal_views,
    registration_views,
)
from fieldops.checkin.views import bp

# The view modules add their routes to `bp` when imported; the two with hooks of their own nest.
for child in (public_views.bp, api_views.bp):
    bp.register_blueprint(child)

__all__ = ["api_views", "audit_views", "bp", "device_views", "export_views", "offline_views",
           "public_views", "queue_views", "refusal_views", "registration_views"]
