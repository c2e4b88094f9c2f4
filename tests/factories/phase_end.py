"""Phase end: the check-in scene with an ended phase and a running one, and a frozen ranking
built line by line with reporting duties, for the commendation lists."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from fieldops.accountability import duties
from fieldops.accountability.duty_models import (
    COMMUNE,
    DAILY,
    LATE,
    MISSING,
    ON_TIME,
    TEAM,
    UnitReport,
)
from fieldops.auth.models import User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.reports.models import RankingRow, RankingSnapshot
from fieldops.teams.models import Team
from tests.factories.checkin import Scene, today
from tests.factories.teams import TeamFactory


def phases_scene(scene: Scene) -> Scene:
    """Add an ended phase (the 5 days before today) and a running one (today to +5 days)."""
    campaign = db.session.get(Campaign, scene.campaign_id)
    ended = campaigns.save_phase(campaign, None, name="Ra quân",
                                 start_date=today() - timedelta(days=5),
                                 end_date=today() - timedelta(days=1))
    running = campaigns.save_phase(campaign, None, name="Cao điểm", start_date=today(),
                                   end_date=today() + timedelta(days=5))
    db.session.commit()
    scene.extra.update(ended_id=ended.id, running_id=running.id)
    return scene


def _report(duty, unit, day, status: str) -> None:
    due = datetime.combine(day, time(10), tzinfo=UTC)
    db.session.add(UnitReport(duty_id=duty.id, unit_id=unit.id, period_start=day,
                              period_end=day, due_at=due, status=status,
                              version=0 if status == MISSING else 1))


def frozen_scene(scene: Scene) -> Scene:
    """Freeze the ended phase by hand-built lines: the commune over target but one report late;
    team 1 over target, all confirmed; team 2 over target, never checked; team 3 under target,
    2 reports missing and 30 % found untrue; team 4 at target with 12 % untrue; two people."""
    campaign = db.session.get(Campaign, scene.campaign_id)
    phase = next(p for p in campaign.phases if p.id == scene.extra["ended_id"])
    teams = [db.session.get(Team, scene.team_id)]
    teams += [TeamFactory(campaign=campaign, name=f"Đoàn {n}") for n in (2, 3, 4)]
    db.session.flush()
    commune = campaign.communes[0]
    snapshot = RankingSnapshot(campaign_id=campaign.id, phase_id=phase.id, automatic=True)
    lines = [("commune", commune.display_name, 12000, None, commune.id),
             ("team", "Đoàn 1", 10500, 10000, teams[0].id),
             ("team", "Đoàn 2", 13000, None, teams[1].id),
             ("team", "Đoàn 3", 8000, 7000, teams[2].id),
             ("team", "Đoàn 4", 10000, 8800, teams[3].id)]
    for rank, (kind, name, pct, rate, unit_id) in enumerate(lines, start=1):
        snapshot.rows.append(RankingRow(kind=kind, name=name, rank=rank, target=100,
                                        done=pct // 100, percent_x100=pct,
                                        confirmation_x100=rate, unit_kind=kind,
                                        unit_id=unit_id))
    snapshot.rows.append(RankingRow(kind="member", name="Đặng Tình Nguyện", rank=1, target=10,
                                    done=11, percent_x100=11000))
    snapshot.rows.append(RankingRow(kind="member", name="Võ Trưởng Đoàn", rank=2, target=10,
                                    done=9, percent_x100=9000))
    db.session.add(snapshot)
    admin = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
    by_commune = duties.save_duty(campaign, None, title="Xã báo cáo", frequency=DAILY,
                                  unit_kind=COMMUNE, deadline=time(17), user=admin)
    by_team = duties.save_duty(campaign, None, title="Đoàn báo cáo", frequency=DAILY,
                               unit_kind=TEAM, deadline=time(17), user=admin)
    communes = duties.sync_units(campaign, COMMUNE)
    team_units = {u.team_id: u for u in duties.sync_units(campaign, TEAM)}
    first = phase.start_date
    _report(by_commune, communes[0], first, ON_TIME)
    _report(by_commune, communes[0], first + timedelta(days=1), LATE)
    _report(by_team, team_units[teams[0].id], first, ON_TIME)
    _report(by_team, team_units[teams[2].id], first, MISSING)
    _report(by_team, team_units[teams[2].id], first + timedelta(days=2), MISSING)
    # Before the phase: not counted against team 2.
    _report(by_team, team_units[teams[1].id], first - timedelta(days=1), MISSING)
    db.session.commit()
    return scene
