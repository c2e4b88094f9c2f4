"""On-site registrations: the check-in QR form, the volunteer's record, the registry, the API."""

from flask import Blueprint

from fieldops.checkin import api, desk, devices, public, records

bp = Blueprint("checkin", __name__)
for child in (public.bp, desk.bp, records.bp, devices.bp, api.bp):
    bp.register_blueprint(child)

__all__ = ["bp"]
