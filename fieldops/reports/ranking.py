"""Rank units and people by per cent of target, and freeze a phase's ranking for commendation."""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.reports.models import FREEZE, RankingFreezeLog, RankingRow, RankingSnapshot
from fieldops.reports.progress import PLACES, TEAM, TEAMS, progress
from fieldops.scope import commune_ids_in_scope, teams_in_scope
from fieldops.teams.models import Team

KINDS = ("commune", "team", "member")
KIND_LABELS = {"commune": _l("Xã/phường"), "team": _l("Đoàn"), "member": _l("Cá nhân")}

_signals = Namespace()
#: sent with campaign= and phase=; a receiver returns {(kind, unit id): per cent x100} of the
#: results its checks confirmed (accountability's spot-checks); reports does not know them
confirmation_rates = _signals.signal("ranking-confirmation-rates")


@dataclass
class Ranked:
    """One ranked unit or person."""

    kind: str
    name: str
    rank: int
    target: int
    done: int
    percent_x100: int
    #: the line's unit: ("commune" | "team", id), None for a person
    unit: tuple[str, int] | None = None
    #: the per cent of spot-checked results confirmed (times 100); None if none was checked
    confirmation_x100: int | None = None
    #: the progress line's key ("a12", "t3", "m40")
    key: str = ""

    @property
    def percent(self) -> float:
        """Return the per cent of target."""
        return self.percent_x100 / 100


def _ranked(kind: str, lines, rates: dict | None = None) -> list[Ranked]:
    rows = [(line.label, line.target, line.done, _unit(kind, line), line.key) for line in lines
            if line.target]
    rows.sort(key=lambda r: (-r[2] * 10000 // r[1], -r[2], r[0]))
    return [Ranked(kind, name, i, target, done, done * 10000 // target, unit,
                   (rates or {}).get(unit), key)
            for i, (name, target, done, unit, key) in enumerate(rows, start=1)]


def _unit(kind: str, line) -> tuple[str, int] | None:
    # The drill-down names the commune or team a line stands for.
    if kind in ("commune", "team") and line.drill is not None:
        return kind, line.drill[1]
    return None


def _rates(campaign: Campaign, phase: Phase) -> dict[tuple[str, int], int]:
    found: dict[tuple[str, int], int] = {}
    for _receiver, returned in confirmation_rates.send(campaign=campaign, phase=phase):
        found.update(returned or {})
    return found


def live_ranking(campaign: Campaign, phase: Phase, *, today, service_id: int | None = None,
                 viewer: User | None = None) -> list[Ranked]:
    """Return communes, teams and members ranked by per cent of target, as of now, with the
    confirmation rate of the communes' and teams' spot-checked results.

    Units are ranked over the whole campaign, as the frozen ranking is; a viewer with an area
    sees the lines of its communes, of the teams working in it and of those teams' people,
    each with its rank in the campaign.
    """
    rates = _rates(campaign, phase)
    reads: dict = {}  # the tables below share one read of the counters

    def lines(level: str, unit_id: int | None = None):
        return progress(campaign, phase, level=level, unit_id=unit_id, service_id=service_id,
                        today=today, reads=reads, chart=False).lines

    ranked = _ranked("commune", lines(PLACES), rates)
    teams = lines(TEAMS)
    ranked += _ranked("team", teams, rates)
    people = [line for team in teams if team.drill for line in lines(TEAM, team.drill[1])]
    ranked += _ranked("member", people)
    communes = commune_ids_in_scope(viewer)
    if communes is None:
        return ranked
    shown_teams = list(db.session.execute(teams_in_scope(
        db.select(Team).filter_by(campaign_id=campaign.id), viewer)).scalars())
    keys = ({f"a{c}" for c in communes} | {f"t{t.id}" for t in shown_teams}
            | {f"m{m.id}" for t in shown_teams for m in t.people})
    return [r for r in ranked if r.key in keys]


def snapshot_of(phase: Phase) -> RankingSnapshot | None:
    """Return the frozen ranking of a phase, if it was frozen."""
    return db.session.execute(
        db.select(RankingSnapshot).filter_by(phase_id=phase.id)).scalar_one_or_none()


def frozen_rows(snapshot: RankingSnapshot, campaign: Campaign,
                viewer: User | None) -> list[RankingRow]:
    """Return the frozen lines the viewer's area lets them see, keeping their frozen ranks:
    communes of the area, teams working in it, and the people of those teams."""
    communes = commune_ids_in_scope(viewer)
    if communes is None:
        return list(snapshot.rows)
    teams = list(db.session.execute(teams_in_scope(
        db.select(Team).filter_by(campaign_id=campaign.id), viewer)).scalars())
    team_ids = {t.id for t in teams}
    # A frozen person's line keeps only their name: it shows when one of the area's teams
    # has a person of that name, as the live ranking lists the people of those teams.
    people = {m.full_name[:255] for t in teams for m in t.people}
    shown = []
    for row in snapshot.rows:
        if row.kind == "member":
            seen = row.name in people
        elif row.unit_kind == "commune":
            seen = row.unit_id in communes
        elif row.unit_kind == "team":
            seen = row.unit_id in team_ids
        else:
            seen = False
        if seen:
            shown.append(row)
    return shown


def freeze(campaign: Campaign, phase: Phase, *, user: User | None, today) -> RankingSnapshot:
    """Store the phase's ranking as it is now, with each unit's confirmation rate, and log it;
    a frozen ranking is never recomputed. No user: the schedule froze it at the phase's end."""
    if snapshot_of(phase) is not None:
        raise DomainError(_l("Xếp hạng %(phase)s đã được chốt.", phase=phase.name))
    automatic = user is None
    snapshot = RankingSnapshot(campaign_id=campaign.id, phase_id=phase.id,
                               frozen_by_id=None if automatic else user.id, automatic=automatic)
    for r in live_ranking(campaign, phase, today=today):
        unit_kind, unit_id = r.unit if r.unit else (None, None)
        snapshot.rows.append(RankingRow(kind=r.kind, name=r.name[:255], rank=r.rank,
                                        target=r.target, done=r.done,
                                        percent_x100=r.percent_x100,
                                        confirmation_x100=r.confirmation_x100,
                                        unit_kind=unit_kind, unit_id=unit_id))
    db.session.add(snapshot)
    db.session.add(RankingFreezeLog(phase_id=phase.id, action=FREEZE, automatic=automatic,
                                    user_id=None if automatic else user.id))
    db.session.flush()
    return snapshot
