"""Teams and the hamlet assignment map: organisations, members, teams, assignments."""

from fieldops.teams import import_views, map_views, schedule_views, team_views
from fieldops.teams.views import bp

# The view modules add their routes to `bp` when imported.
__all__ = ["bp", "import_views", "map_views", "schedule_views", "team_views"]
