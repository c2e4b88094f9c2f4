"""Places: provinces, districts, communes, hamlets; their import and search."""

from fieldops.areas import import_views  # noqa: F401  (adds the import routes)
from fieldops.areas.views import bp

__all__ = ["bp"]
