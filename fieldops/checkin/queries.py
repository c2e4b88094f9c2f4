"""The registrations list: filters, accent-free name search, and the same rows for exports."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fieldops.auth.models import User
from fieldops.checkin.access import visible_registrations
from fieldops.checkin.models import OUTCOMES, STATUSES, Registration, RegistrationService
from fieldops.clock import local_day_bounds
from fieldops.db import db
from fieldops.forms import parse_vn_date
from fieldops.text import fold

PAGE_SIZE = 50


@dataclass
class Filters:
    """What the list is narrowed to; every field optional."""

    campaign_id: int | None = None
    event_id: int | None = None
    desk_id: int | None = None
    team_id: int | None = None
    hamlet_id: int | None = None
    volunteer_id: int | None = None
    service_id: int | None = None
    outcome: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read filters from a query string, ignoring values that do not parse."""
        result = cls()
        for item in fields(cls):
            raw = (args.get(item.name) or "").strip()
            if not raw:
                continue
            if item.name.endswith("_id"):
                if raw.isdigit():
                    setattr(result, item.name, int(raw))
            elif item.name.startswith("date_"):
                setattr(result, item.name, parse_vn_date(raw))
            elif item.name == "outcome":
                result.outcome = raw if raw in OUTCOMES else None
            elif item.name == "status":
                result.status = raw if raw in STATUSES else None
            else:
                result.q = raw[:100]
        return result

    def as_args(self) -> dict[str, str]:
        """Return the filters as query-string values (for export links and paging)."""
        out = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value:
                out[item.name] = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(
                    value)
        return out


def filtered(user: User, filters: Filters) -> sa.Select:
    """Return the registrations the user may see, narrowed by the filters, newest first."""
    return narrowed(user, filters).options(
        selectinload(Registration.services).selectinload(RegistrationService.service),
        selectinload(Registration.hamlet), selectinload(Registration.volunteer),
        selectinload(Registration.credited_member),
        selectinload(Registration.desk), selectinload(Registration.team),
    ).order_by(Registration.created_at.desc(), Registration.id.desc())


def narrowed(user: User, filters: Filters) -> sa.Select:
    """Return the registrations the user may see, narrowed by the filters (no order)."""
    stmt = visible_registrations(user)
    for name in ("campaign_id", "event_id", "desk_id", "team_id", "hamlet_id", "volunteer_id"):
        value = getattr(filters, name)
        if value:
            stmt = stmt.where(getattr(Registration, name) == value)
    if filters.status:
        stmt = stmt.where(Registration.status == filters.status)
    if filters.service_id or filters.outcome:
        sub = db.select(RegistrationService.registration_id)
        if filters.service_id:
            sub = sub.where(RegistrationService.service_id == filters.service_id)
        if filters.outcome:
            sub = sub.where(RegistrationService.outcome == filters.outcome)
        stmt = stmt.where(Registration.id.in_(sub))
    if filters.date_from:
        stmt = stmt.where(Registration.created_at >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        stmt = stmt.where(Registration.created_at <= local_day_bounds(filters.date_to)[1])
    for word in fold(filters.q).split():
        # Every word must appear: "nguyen van" finds "Nguyễn Văn An".
        stmt = stmt.where(Registration.name_folded.contains(word, autoescape=True))
    return stmt
