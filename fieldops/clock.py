"""The one clock: Vietnam's time zone, "now" and "today" as every feature must read them.

Times are stored in UTC and shown in Asia/Ho_Chi_Minh; a day (a queue's numbers, a progress
count, a team's assignment) is always a local day, never the server's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

#: the name databases and Babel take
TIME_ZONE_NAME = "Asia/Ho_Chi_Minh"
LOCAL_TZ = ZoneInfo(TIME_ZONE_NAME)


def now_utc() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local_now() -> datetime:
    """Return the current time in Vietnam."""
    return datetime.now(LOCAL_TZ)


def local_today() -> date:
    """Return today's date in Vietnam (a queue starts again at 1 each local day)."""
    return datetime.now(LOCAL_TZ).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the UTC start and end of a local day."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    end = datetime.combine(day, time.max, tzinfo=LOCAL_TZ).astimezone(UTC)
    return start, end
