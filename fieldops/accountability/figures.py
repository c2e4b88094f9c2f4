"""A report's figures, read from the progress table (reports/progress.py), never recounted.

For each phase the period touches and each service of the campaign: the phase's target, what
the campaign counts in the period and from the phase's start to the period's end, and where
the campaign has the police's lists what members claim beside what the lists confirm. The
progress table is asked for a window of the phase (the same phase id, so its targets, with
the window's days), so "done" means exactly what the progress page means by it.
A commune's figures are its line of the places table, a team's its line of the teams table,
and an organisation's the sum of the teams it leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from fieldops.accountability.duty_models import ReportingUnit
from fieldops.campaigns.models import Campaign, Phase
from fieldops.reports.progress import PLACES, TEAMS, Line, progress

ALL_SERVICES = _l("Mọi dịch vụ của chiến dịch")


@dataclass(frozen=True)
class Window:
    """Some days of a phase, standing in for the phase where progress() reads its dates."""

    id: int
    campaign_id: int
    name: str
    start_date: date
    end_date: date


@dataclass
class Figure:
    """One service in one phase of a report: ours, and the unit's own where it gave them."""

    phase_id: int
    phase_name: str
    #: None: every service of the campaign together, as the progress page's default
    service_id: int | None
    service_name: str
    target: int | None
    done_period: int
    done_total: int
    claimed_total: int | None = None
    confirmed_total: int | None = None
    own_period: int | None = None
    own_total: int | None = None

    @property
    def key(self) -> str:
        """Return the form's field suffix for this line."""
        return f"{self.phase_id}_{self.service_id or 'all'}"

    @property
    def percent(self) -> float | None:
        """Return done so far as a per cent of the target."""
        return 100.0 * self.done_total / self.target if self.target else None

    @property
    def diff_period(self) -> int | None:
        """Return the unit's own figure for the period minus ours."""
        return None if self.own_period is None else self.own_period - self.done_period

    @property
    def diff_total(self) -> int | None:
        """Return the unit's own cumulative figure minus ours."""
        return None if self.own_total is None else self.own_total - self.done_total


def _window(phase: Phase, start: date, end: date) -> Window:
    return Window(phase.id, phase.campaign_id, phase.name, start, end)


def _unit_lines(report, unit: ReportingUnit) -> list[Line]:
    if unit.area_id:
        return [line for line in report.lines if line.key == f"a{unit.area_id}"]
    if unit.team_id:
        return [line for line in report.lines if line.key == f"t{unit.team_id}"]
    teams = {f"t{t.id}" for t in _led_teams(unit)}
    return [line for line in report.lines if line.key in teams]


def _led_teams(unit: ReportingUnit) -> list:
    from fieldops.db import db
    from fieldops.teams.models import Team

    return list(db.session.execute(db.select(Team).filter_by(
        campaign_id=unit.campaign_id, lead_organisation_id=unit.organisation_id)).scalars())


def _sum(lines: list[Line], name: str) -> int | None:
    values = [getattr(line, name) for line in lines if getattr(line, name) is not None]
    return sum(values) if values else None


def figures_for(campaign: Campaign, unit: ReportingUnit, start: date, end: date) -> list[Figure]:
    """Return the unit's figures for a period, per phase it touches and service."""
    return figures_for_units(campaign, [unit], start, end)[unit.id]


def figures_for_units(campaign: Campaign, units: list[ReportingUnit], start: date,
                      end: date) -> dict[int, list[Figure]]:
    """Return {unit id: figures} for units of one kind: one progress table per phase, service
    and window serves them all (a day of 35 communes costs what one commune does)."""
    level = PLACES if units and units[0].area_id else TEAMS
    found: dict[int, list[Figure]] = {unit.id: [] for unit in units}
    for phase in campaign.phases:
        if phase.end_date < start or phase.start_date > end:
            continue
        last = min(end, phase.end_date)
        so_far = _window(phase, phase.start_date, last)
        period = _window(phase, max(start, phase.start_date), last)
        # Targets set for all services together (an appendix often is) count on the first line.
        for service_id, name in [(None, str(ALL_SERVICES))] + [(s.id, s.name)
                                                                for s in campaign.services]:
            whole = progress(campaign, phase, level=level, service_id=service_id, today=last)
            total = progress(campaign, so_far, level=level, service_id=service_id, today=last)
            in_period = total if period == so_far else progress(
                campaign, period, level=level, service_id=service_id, today=last)
            for unit in units:
                lines = _unit_lines(total, unit)
                found[unit.id].append(Figure(
                    phase.id, phase.name, service_id, name,
                    target=_sum(_unit_lines(whole, unit), "target"),
                    done_period=_sum(_unit_lines(in_period, unit), "done") or 0,
                    done_total=_sum(lines, "done") or 0, claimed_total=_sum(lines, "claimed"),
                    confirmed_total=_sum(lines, "confirmed")))
    return found
