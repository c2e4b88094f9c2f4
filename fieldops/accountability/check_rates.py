"""Confirmation rates of spot-checks: by check, by team and by commune, for the ranking."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from fieldops.accountability.check_models import (
    CONFIRMED,
    REJECTED,
    UNREACHABLE,
    SpotCheck,
    SpotCheckItem,
)
from fieldops.areas.models import Area
from fieldops.campaigns.models import Campaign
from fieldops.checkin.models import Registration
from fieldops.db import db


class Rate:
    """Confirmed, rejected and unreachable call-backs of a unit; the rate leaves out the
    unreachable (not reaching someone proves nothing)."""

    def __init__(self) -> None:
        self.confirmed = self.rejected = self.unreachable = self.waiting = 0

    def add(self, verdict: str | None) -> None:
        """Count one item's verdict."""
        if verdict == CONFIRMED:
            self.confirmed += 1
        elif verdict == REJECTED:
            self.rejected += 1
        elif verdict == UNREACHABLE:
            self.unreachable += 1
        else:
            self.waiting += 1

    @property
    def rate_x100(self) -> int | None:
        """Return the per cent confirmed (times 100) of the results reached, or None."""
        reached = self.confirmed + self.rejected
        return self.confirmed * 10000 // reached if reached else None


def rates(checks: list[SpotCheck]) -> tuple[Rate, dict[int | None, Rate]]:
    """Return the checks' rate overall and by team (None: results of no team)."""
    total, by_team = Rate(), defaultdict(Rate)
    for check in checks:
        for item in check.items:
            total.add(item.verdict)
            by_team[item.team_id].add(item.verdict)
    return total, dict(by_team)


def campaign_rates(campaign: Campaign, first_day: date | None = None,
                   last_day: date | None = None) -> dict[tuple[str, int], Rate]:
    """Return the rates by ("team", id) and ("commune", id) of checks in the period."""
    stmt = (sa.select(SpotCheckItem.verdict, SpotCheckItem.team_id, Area.parent_id)
            .join(SpotCheck, SpotCheck.id == SpotCheckItem.spot_check_id)
            .join(Registration, Registration.id == SpotCheckItem.registration_id)
            .outerjoin(Area, Area.id == Registration.hamlet_id)
            .where(SpotCheck.campaign_id == campaign.id))
    if first_day is not None and last_day is not None:
        stmt = stmt.where(SpotCheck.first_day <= last_day, SpotCheck.last_day >= first_day)
    found: dict[tuple[str, int], Rate] = defaultdict(Rate)
    for verdict, team_id, commune_id in db.session.execute(stmt):
        if team_id is not None:
            found[("team", team_id)].add(verdict)
        if commune_id is not None:
            found[("commune", commune_id)].add(verdict)
    return dict(found)


def ranking_rates(_sender, *, campaign: Campaign, phase, **_more) -> dict[tuple[str, int], int]:
    """Answer the ranking's question: each commune's and team's confirmation rate in a phase."""
    found = campaign_rates(campaign, phase.start_date, phase.end_date)
    return {key: rate.rate_x100 for key, rate in found.items() if rate.rate_x100 is not None}
