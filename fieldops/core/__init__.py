"""Pages that belong to no single feature: home, language, health, errors."""

from fieldops.core.views import bp

__all__ = ["bp"]
