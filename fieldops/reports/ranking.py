"""Rank units and people by per cent of target, and freeze a phase's ranking for commendation."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.reports.models import RankingRow, RankingSnapshot
from fieldops.reports.progress import PLACES, TEAM, TEAMS, progress
from fieldops.teams.models import Team

KINDS = ("commune", "team", "member")
KIND_LABELS = {"commune": _l("Xã/phường"), "team": _l("Đoàn"), "member": _l("Cá nhân")}


@dataclass
class Ranked:
    """One ranked unit or person."""

    kind: str
    name: str
    rank: int
    target: int
    done: int
    percent_x100: int

    @property
    def percent(self) -> float:
        """Return the per cent of target."""
        return self.percent_x100 / 100


def _ranked(kind: str, lines) -> list[Ranked]:
    rows = [(line.label, line.target, line.done) for line in lines if line.target]
    rows.sort(key=lambda r: (-r[2] * 10000 // r[1], -r[2], r[0]))
    return [Ranked(kind, name, i, target, done, done * 10000 // target)
            for i, (name, target, done) in enumerate(rows, start=1)]


def live_ranking(campaign: Campaign, phase: Phase, *, today, service_id: int | None = None
                 ) -> list[Ranked]:
    """Return communes, teams and members ranked by per cent of target, as of now."""
    ranked = _ranked("commune", progress(campaign, phase, level=PLACES, service_id=service_id,
                                         today=today).lines)
    ranked += _ranked("team", progress(campaign, phase, level=TEAMS, service_id=service_id,
                                       today=today).lines)
    people = []
    for team in db.session.execute(db.select(Team).filter_by(campaign_id=campaign.id)).scalars():
        people += progress(campaign, phase, level=TEAM, unit_id=team.id, service_id=service_id,
                           today=today).lines
    ranked += _ranked("member", people)
    return ranked


def snapshot_of(phase: Phase) -> RankingSnapshot | None:
    """Return the frozen ranking of a phase, if it was frozen."""
    return db.session.execute(
        db.select(RankingSnapshot).filter_by(phase_id=phase.id)).scalar_one_or_none()


def freeze(campaign: Campaign, phase: Phase, *, user: User, today) -> RankingSnapshot:
    """Store the phase's ranking as it is now; a frozen ranking is never recomputed."""
    if snapshot_of(phase) is not None:
        raise DomainError(_l("Xếp hạng %(phase)s đã được chốt.", phase=phase.name))
    snapshot = RankingSnapshot(campaign_id=campaign.id, phase_id=phase.id, frozen_by_id=user.id)
    for r in live_ranking(campaign, phase, today=today):
        snapshot.rows.append(RankingRow(kind=r.kind, name=r.name[:255], rank=r.rank,
                                        target=r.target, done=r.done,
                                        percent_x100=r.percent_x100))
    db.session.add(snapshot)
    db.session.flush()
    return snapshot
