"""Where each unit stands: target, done, expected by today, remaining, pace and light.

"Done" is read from the daily counters (counters.py), never from the registrations: the page
costs a few GROUP BYs over a few thousand counter rows, whatever the number of records.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from fieldops.areas.models import HAMLET, Area
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.errors import NotFound
from fieldops.reports import confirmed
from fieldops.reports.cascade import person_floor
from fieldops.reports.models import DailyCount, Target
from fieldops.reports.targets import settings_of
from fieldops.teams.models import Assignment, Team
from fieldops.text import by_name

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
PLACES, COMMUNE, TEAMS, TEAM = "places", "commune", "teams", "team"
LEVELS = (PLACES, COMMUNE, TEAMS, TEAM)
#: the line of what no unit of the level owns, by level: no hamlet, no team, not a member
OTHER_KEYS = {PLACES: "a-none", TEAMS: "t-none", TEAM: "m-none"}
#: the sum of everything a level's scope holds, whatever unit it falls to
_SCOPE = ("scope", None)


@dataclass
class Line:
    """One row of the progress table."""

    key: str
    label: str
    target: int | None
    done: int
    expected: int = 0
    remaining: int = 0
    pace: int | None = None
    light: str = NONE
    percent: float | None = None
    #: where the row drills down to: (level, unit id) or None
    drill: tuple[str, int] | None = None
    population_14plus: int | None = None
    #: what members recorded, and (where the campaign has the police's lists) what they confirm
    claimed: int | None = None
    confirmed: int | None = None
    #: results no unit of the level owns (no hamlet, at a desk, another member): keeps the
    #: lines adding up to the same total in every view
    other: bool = False


@dataclass
class Report:
    """The progress of one scope in one phase."""

    phase: Phase
    level: str
    lines: list[Line]
    total: Line
    day: date
    elapsed_days: int
    phase_days: int
    days_left: int
    #: (day, cumulative done) for the burn-up chart
    series: list[tuple[date, int]] = field(default_factory=list)
    #: the campaign has the police's lists: confirmed results are shown beside claimed ones
    lists: bool = False
    #: "done" counts only what the lists confirm
    confirmed_only: bool = False


def phase_clock(phase: Phase, today: date) -> tuple[int, int, int]:
    """Return (days elapsed incl. today, phase length, days left incl. today)."""
    length = (phase.end_date - phase.start_date).days + 1
    elapsed = min(max((today - phase.start_date).days + 1, 0), length)
    left = length - elapsed + (1 if phase.start_date <= today <= phase.end_date else 0)
    return elapsed, length, left


def measure(line: Line, *, elapsed: int, length: int, left: int, green: int, amber: int) -> Line:
    """Fill expected-by-today, remaining, pace, per cent and light from target and done."""
    if line.target is None:
        return line
    # Straight line from 0 on the eve of the first day to the target on the last day.
    line.expected = math.ceil(line.target * elapsed / length) if length else line.target
    line.remaining = max(line.target - line.done, 0)
    line.pace = math.ceil(line.remaining / left) if left else None
    line.percent = 100.0 * line.done / line.target if line.target else None
    if line.target == 0 or line.done >= line.target:
        line.light = GREEN
    elif line.expected == 0:
        line.light = NONE  # the phase has not started: nothing is late yet
    elif line.done * 100 >= line.expected * green:
        line.light = GREEN
    elif line.done * 100 >= line.expected * amber:
        line.light = AMBER
    else:
        line.light = RED
    return line


def _window(stmt, campaign: Campaign, phase: Phase, service_id: int | None):
    stmt = stmt.where(DailyCount.campaign_id == campaign.id,
                      DailyCount.day >= phase.start_date, DailyCount.day <= phase.end_date)
    if service_id is not None:
        stmt = stmt.where(DailyCount.service_id == service_id)
    else:
        allowed = [s.id for s in campaign.services]
        if allowed:
            stmt = stmt.where(DailyCount.service_id.in_(allowed))
    return stmt


def done_groups(campaign: Campaign, phase: Phase,
                service_id: int | None = None) -> dict[tuple, int]:
    """Return done in the phase by (hamlet, team, volunteer, credited member), read from the
    counters."""
    total = sa.func.sum(DailyCount.count)
    columns = (DailyCount.hamlet_id, DailyCount.team_id, DailyCount.volunteer_id,
               DailyCount.member_id)
    stmt = _window(sa.select(*columns, total), campaign, phase, service_id).group_by(*columns)
    return {(h, t, v, m): int(n) for h, t, v, m, n in db.session.execute(stmt) if n}


def daily_series(campaign: Campaign, phase: Phase, service_id: int | None, *,
                 hamlet_ids: list[int] | None = None, team_id: int | None = None,
                 until: date | None = None) -> list[tuple[date, int]]:
    """Return cumulative done per day of the phase (up to `until`) for a scope."""
    stmt = _window(sa.select(DailyCount.day, sa.func.sum(DailyCount.count)), campaign, phase,
                   service_id)
    if hamlet_ids is not None:
        stmt = stmt.where(DailyCount.hamlet_id.in_(hamlet_ids))
    if team_id is not None:
        stmt = stmt.where(DailyCount.team_id == team_id)
    by_day = {d if isinstance(d, date) else date.fromisoformat(d): int(n or 0)
              for d, n in db.session.execute(stmt.group_by(DailyCount.day))}
    return cumulative(phase, by_day, until)


def cumulative(phase: Phase, by_day: dict[date, int], until: date | None) -> list[tuple[date, int]]:
    """Return the running total per day of the phase, up to `until`."""
    last = min(phase.end_date, until or phase.end_date)
    series, running, day = [], 0, phase.start_date
    while day <= last:
        running += by_day.get(day, 0)
        series.append((day, running))
        day += timedelta(days=1)
    return series


def _targets(phase: Phase, service_id: int | None) -> dict[tuple[str, int], int]:
    stmt = sa.select(Target.area_id, Target.team_id, Target.member_id, Target.value).where(
        Target.phase_id == phase.id,
        Target.service_id.is_(None) if service_id is None else Target.service_id == service_id)
    found: dict[tuple[str, int], int] = {}
    for area_id, team_id, member_id, value in db.session.execute(stmt):
        kind, unit = (("area", area_id) if area_id else ("team", team_id) if team_id
                      else ("member", member_id))
        found[(kind, unit)] = value
    return found


def _hamlet_parents(campaign: Campaign, communes: set[int] | None = None) -> dict[int, int]:
    """Return {hamlet id: commune id} of the campaign's communes (those in `communes`, if
    given: the viewer's area)."""
    rows = db.session.execute(sa.select(Area.id, Area.parent_id).where(
        Area.level == HAMLET, Area.parent_id.in_(
            [c.id for c in campaign.communes if communes is None or c.id in communes])))
    return dict(rows.all())


def _inside(groups: dict[tuple, int], parents: dict[int, int]) -> dict[tuple, int]:
    """Keep the (hamlet, team, volunteer) groups whose hamlet is one of `parents`."""
    return {key: n for key, n in groups.items() if key[0] in parents}


def _rollup(groups: dict[tuple, int], level: str, parents: dict[int, int],
            team_id: int | None, member_of: dict[int, int] | None = None) -> dict:
    """Sum (hamlet, team, volunteer, credited member) groups into the units of a level, and
    the whole scope; `member_of` maps a team's accounts to its members."""
    sums: dict = defaultdict(int)
    for (hamlet_id, team, volunteer_id, member_id), n in groups.items():
        if level in (PLACES, COMMUNE):
            sums[("area", hamlet_id)] += n
            if hamlet_id in parents:
                sums[("area", parents[hamlet_id])] += n
        elif level == TEAMS:
            sums[("team", team)] += n
        elif team == team_id:
            # The member chosen on the form, else the member whose account recorded it.
            member_id = member_id or (member_of or {}).get(volunteer_id)
            sums[("member", member_id) if member_id else ("user", volunteer_id)] += n
        else:
            continue
        sums[_SCOPE] += n
    return sums


def _other_line(level: str, lines: list[Line], claimed: dict, proved: dict,
                lists: bool) -> Line | None:
    """Return the line of what the scope holds beyond its units' lines, or None if nothing."""
    if level not in OTHER_KEYS:
        return None  # a commune's hamlets: its own line in the places view is their sum
    rest = claimed.get(_SCOPE, 0) - sum(x.claimed or 0 for x in lines)
    rest_proved = proved.get(_SCOPE, 0) - sum(x.confirmed or 0 for x in lines) if lists else 0
    if not rest and not rest_proved:
        return None
    return Line(OTHER_KEYS[level], "", None, 0, claimed=rest,
                confirmed=rest_proved if lists else None, other=True)


def _units(campaign: Campaign, level: str, unit_id: int | None, parents: dict[int, int],
           communes: set[int] | None = None):
    """Return the level's units as (line key, label, sum key, target key, drill, population),
    the scope's own target key and the burn-up chart's scope."""
    shown = [c for c in campaign.communes if communes is None or c.id in communes]
    # A viewer with an area: the chart counts only its hamlets, whatever the level.
    area_series = {} if communes is None else {"hamlet_ids": list(parents)}
    if level == PLACES:
        units = [(f"a{c.id}", c.display_name, ("area", c.id), ("area", c.id), (COMMUNE, c.id),
                  c.population_14plus) for c in by_name(shown)]
        return units, None, area_series
    if level == COMMUNE:
        commune = next((c for c in shown if c.id == unit_id), None)
        if commune is None:
            raise NotFound()
        hamlets = by_name(a for a in commune.children if a.level == HAMLET)
        units = [(f"a{h.id}", h.display_name, ("area", h.id), ("area", h.id), None,
                  h.population_14plus) for h in hamlets]
        return units, ("area", commune.id), {"hamlet_ids": [h.id for h in hamlets]}
    stmt = db.select(Team).filter_by(campaign_id=campaign.id).order_by(Team.id)
    if communes is not None:
        # Teams sent to none of the viewer's hamlets are another area's business (a team not
        # sent anywhere yet stays listed, as scope.teams_in_scope has it).
        stmt = stmt.where(sa.or_(
            Team.id.in_(db.select(Assignment.team_id).where(
                Assignment.hamlet_id.in_(list(parents)))),
            Team.id.not_in(db.select(Assignment.team_id))))
    teams = list(db.session.execute(stmt).scalars())
    if level == TEAMS:
        return ([(f"t{t.id}", t.name, ("team", t.id), ("team", t.id), (TEAM, t.id), None)
                 for t in teams], None, {"team_id": None, **area_series})
    team = next((t for t in teams if t.id == unit_id), None)
    if team is None:
        raise NotFound()
    units = [(f"m{m.id}", m.full_name, ("member", m.id), ("member", m.id), None, None)
             for m in team.people]
    return units, ("team", team.id), {"team_id": team.id, **area_series}


def _memo(reads: dict | None):
    """Return fetch(key, make): make() once per key in `reads`, or every time without it."""
    if reads is None:
        return lambda _key, make: make()

    def fetch(key, make):
        if key not in reads:
            reads[key] = make()
        return reads[key]
    return fetch


def progress(campaign: Campaign, phase: Phase, *, level: str = PLACES, unit_id: int | None = None,
             service_id: int | None = None, today: date, communes: set[int] | None = None,
             reads: dict | None = None, chart: bool = True) -> Report:
    """Return the progress table of a scope: the communes, one commune's hamlets, the teams,
    or one team's members; with `communes` (the viewer's area), only what happened there.

    Where the campaign has the police's lists, each line carries what members claim and what
    the lists confirm; "done" is the one the campaign counts. Callers drawing many tables of
    one campaign pass the same `reads` dict so the campaign-wide reads (counters, targets, the
    lists' confirmations) run once per phase, and `chart=False` when no chart is drawn.
    """
    fetch = _memo(reads)
    settings = fetch("settings", lambda: settings_of(campaign))
    elapsed, length, left = phase_clock(phase, today)
    parents = fetch("parents", lambda: _hamlet_parents(campaign, communes))
    targets = dict(fetch(("targets", phase.id), lambda: _targets(phase, service_id)))
    listed = fetch(("list_targets", phase.id),
                   lambda: confirmed.list_targets(campaign, phase, parents))
    for area_id, value in listed.items():
        targets.setdefault(("area", area_id), value)
    units, own_key, series_scope = _units(campaign, level, unit_id, parents, communes)
    member_of = None
    if level == TEAM:
        floor = person_floor(campaign, phase)
        team = db.session.get(Team, unit_id)
        member_of = {m.user_id: m.id for m in team.people if m.user_id}
    def groups_inside():
        found = done_groups(campaign, phase, service_id)
        return found if communes is None else _inside(found, parents)

    claimed = _rollup(fetch(("groups", phase.id), groups_inside), level, parents, unit_id,
                      member_of)
    lists = fetch("lists", lambda: confirmed.uses_lists(campaign))

    def confirmations():
        rows = confirmed.confirmed_rows(campaign, phase) if lists else []
        rows = rows if communes is None else [row for row in rows if row[0] in parents]
        return rows, confirmed.confirmed_groups(campaign, phase, rows) if lists else {}

    # The lists' figures are read once, for the lines and for the chart.
    gone, proved_groups = fetch(("confirmed", phase.id), confirmations)
    proved = _rollup(proved_groups, level, parents, unit_id, member_of) if lists else {}
    confirmed_only = lists and fetch("confirmed_only",
                                     lambda: confirmed.count_confirmed_only(campaign))
    lines: list[Line] = []
    for key, label, sum_key, target_key, drill, population in units:
        target = targets.get(target_key, floor if level == TEAM else None)
        line = Line(key, label, target, 0, drill=drill, population_14plus=population)
        line.claimed = claimed.get(sum_key, 0)
        line.confirmed = proved.get(sum_key, 0) if lists else None
        lines.append(line)
    # A desk record has no team, a walk-in may have no hamlet: every view still adds up.
    other = _other_line(level, lines, claimed, proved, lists)
    if other is not None:
        lines.append(other)
    for line in lines:
        line.done = line.confirmed if confirmed_only else line.claimed
        measure(line, elapsed=elapsed, length=length, left=left, green=settings.green_percent,
                amber=settings.amber_percent)
    own_target = targets.get(own_key) if own_key else None
    counted = [line.target for line in lines if line.target is not None]
    total_target = own_target if own_target is not None else (sum(counted) if counted else None)
    total = Line("total", "", total_target, 0, claimed=sum(x.claimed or 0 for x in lines),
                 confirmed=sum(x.confirmed or 0 for x in lines) if lists else None)
    total.done = total.confirmed if confirmed_only else total.claimed
    measure(total, elapsed=elapsed, length=length, left=left, green=settings.green_percent,
            amber=settings.amber_percent)
    scope = {k: v for k, v in series_scope.items() if v is not None}
    if not chart:
        series = []
    elif confirmed_only:
        series = cumulative(phase, confirmed.confirmed_by_day(campaign, phase, rows=gone,
                                                                **scope), today)
    else:
        series = daily_series(campaign, phase, service_id, until=today, **scope)
    return Report(phase, level, lines, total, today, elapsed, length, left, series,
                  lists=lists, confirmed_only=confirmed_only)


def hamlet_progress(campaign: Campaign, phase: Phase, service_id: int | None = None,
                    communes: set[int] | None = None) -> dict[int, tuple[int, int | None]]:
    """Return {hamlet id: (done, target)} for the map (the hamlets of `communes` only, if
    given), targets None where none is set."""
    targets = _targets(phase, service_id)
    done: dict[int, int] = defaultdict(int)
    for (hamlet_id, _t, _v, _m), n in done_groups(campaign, phase, service_id).items():
        if hamlet_id:
            done[hamlet_id] += n
    return {hamlet_id: (done.get(hamlet_id, 0), targets.get(("area", hamlet_id)))
            for hamlet_id in _hamlet_parents(campaign, communes)}


def current_phase(campaign: Campaign, today: date) -> Phase | None:
    """Return the phase running today, else the last one started, else the first."""
    phases = list(campaign.phases)
    if not phases:
        return None
    running = [p for p in phases if p.start_date <= today <= p.end_date]
    started = [p for p in phases if p.start_date <= today]
    return (running or started[-1:] or phases[:1])[0]
