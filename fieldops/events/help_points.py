"""Where to get help: a campaign's help desks and mobile points from today on, for the public.

Read in one query of plain columns (events, their desks, the desks' services), never ORM
objects: the page may be shared by a whole commune and must stay cheap to serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from urllib.parse import quote

from flask_babel import get_locale

from fieldops.campaigns.models import Service
from fieldops.clock import local_now
from fieldops.db import db
from fieldops.events.models import FINISHED, HelpDesk, LaunchEvent, help_desk_services


@dataclass
class DeskLine:
    """One desk as the public sees it: who runs it and what it helps with."""

    table_label: str
    organisation: str
    purpose: str | None
    services: list[str] = field(default_factory=list)


@dataclass
class HelpPoint:
    """One place and time where citizens get help: an event with desks, or a mobile point."""

    kind: str
    title: str
    start_time: time
    end_time: time
    venue_name: str
    venue_address: str | None
    latitude: float | None
    longitude: float | None
    desks: list[DeskLine] = field(default_factory=list)

    @property
    def map_link(self) -> str | None:
        """Return a geo: link that opens the phone's map app at the venue, if its point is known."""
        if self.latitude is None or self.longitude is None:
            return None
        point = f"{self.latitude:.6f},{self.longitude:.6f}"
        return f"geo:{point}?q={point}({quote(self.venue_name)})"


@dataclass
class HelpDay:
    """The help points of one day, earliest first."""

    day: date
    is_today: bool
    points: list[HelpPoint] = field(default_factory=list)


def upcoming(campaign_id: int) -> list[HelpDay]:
    """Return the campaign's help points grouped by day, from now on (past ones left out)."""
    now = local_now()
    today, clock = now.date(), now.time().replace(tzinfo=None)
    english = str(get_locale()) == "en"
    rows = db.session.execute(
        db.select(LaunchEvent.id, LaunchEvent.kind, LaunchEvent.title, LaunchEvent.event_date,
                  LaunchEvent.start_time, LaunchEvent.end_time, LaunchEvent.venue_name,
                  LaunchEvent.venue_address, LaunchEvent.latitude, LaunchEvent.longitude,
                  HelpDesk.id, HelpDesk.table_label, HelpDesk.organisation,
                  HelpDesk.purpose,
                  Service.name_vi, Service.name_en)
        .join(HelpDesk, HelpDesk.event_id == LaunchEvent.id)
        .outerjoin(help_desk_services, help_desk_services.c.desk_id == HelpDesk.id)
        .outerjoin(Service, Service.id == help_desk_services.c.service_id)
        .where(LaunchEvent.campaign_id == campaign_id, LaunchEvent.event_date >= today,
               LaunchEvent.status != FINISHED)
        .order_by(LaunchEvent.event_date, LaunchEvent.start_time, LaunchEvent.id, HelpDesk.id,
                  Service.position, Service.id)
    ).all()
    days: dict[date, HelpDay] = {}
    points: dict[int, HelpPoint] = {}
    desks: dict[int, DeskLine] = {}
    for (event_id, kind, title, day, start, end, venue, address, lat, lon,
         desk_id, label, organisation, purpose, name_vi, name_en) in rows:
        if day == today and end <= clock:
            continue  # over for today: nobody should walk there now
        point = points.get(event_id)
        if point is None:
            point = points[event_id] = HelpPoint(kind, title, start, end, venue, address,
                                                 lat, lon)
            days.setdefault(day, HelpDay(day, day == today)).points.append(point)
        desk = desks.get(desk_id)
        if desk is None:
            desk = desks[desk_id] = DeskLine(label, organisation, purpose)
            point.desks.append(desk)
        if name_vi is not None:
            desk.services.append(name_en if english and name_en else name_vi)
    return list(days.values())

