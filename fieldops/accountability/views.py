"""The accountability feature's blueprint: reports on a clock, spot-checks, tasks, documents.

Routes are added by the feature's <topic>_views modules, imported in the package's __init__.
"""

from flask import Blueprint

bp = Blueprint("accountability", __name__)
