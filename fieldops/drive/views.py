"""The door-to-door drive's blueprint: the police's lists, households, the member's day, visits.

Routes are added by the drive's <topic>_views modules, imported in the package's __init__.
"""

from flask import Blueprint

bp = Blueprint("drive", __name__, url_prefix="/drive")
