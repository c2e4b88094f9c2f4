"""Targets and progress: the appendix, the cascade, the progress page, ranking and export."""

from fieldops.reports import target_views, views
from fieldops.reports.views import bp

__all__ = ["bp", "target_views", "views"]
