"""Places: provinces, districts, communes, hamlets; their import and search."""

from fieldops.areas.views import bp

__all__ = ["bp"]
