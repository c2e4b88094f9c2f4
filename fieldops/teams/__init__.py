"""Teams and the hamlet assignment map: organisations, members, teams, assignments."""

from fieldops.teams import map_views, schedule_views, team_views  # noqa: F401  (add routes)
from fieldops.teams.views import bp

__all__ = ["bp"]
