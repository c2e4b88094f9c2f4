"""The check-in feature's blueprint: the desk's queue, the door, the registry, device tokens.

Their routes are added by queue_views, registration_views and device_views. The citizen's public
form and the JSON API are child blueprints (checkin.public.*, checkin.api.*) because they carry
request hooks of their own: a body cap, token sign-in and no CSRF cookie.
"""

from flask import Blueprint

bp = Blueprint("checkin", __name__)
