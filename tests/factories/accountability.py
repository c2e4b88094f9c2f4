"""Accountability: results with phone numbers for spot-checks, a second team, and tasks."""

from __future__ import annotations

from datetime import timedelta

from fieldops.auth.models import User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.checkin import recording
from fieldops.checkin.models import DOOR
from fieldops.checkin.services import Outcome
from fieldops.db import db
from fieldops.events.models import HelpDesk
from fieldops.teams.models import Team
from tests.factories.checkin import Scene, sid, today
from tests.factories.teams import TeamFactory


def result(scene: Scene, n: int, *, team_id: int | None = None, desk: bool = False,
           outcome: str = "done", hamlet: str = "Chợ") -> int:
    """Record citizen `n` (eid_level2, with a phone 09xx) by tnv1 at a door with a team, or at
    the scene's desk; return the registration's id."""
    user = db.session.execute(db.select(User).filter_by(username="tnv1")).scalar_one()
    saved = recording.record(
        None, submission_id=sid(), user=user, campaign=db.session.get(Campaign, scene.campaign_id),
        source="desk" if desk else DOOR, full_name=f"Người dân {n}", phone=f"0977{n:06d}",
        hamlet_id=scene.hamlets[hamlet], birth_year=1980, citizen_id=f"075085{n:06d}",
        outcomes=[Outcome(scene.services["eid_level2"], outcome,
                          "absent" if outcome == "failed" else None)],
        consent=True, desk=db.session.get(HelpDesk, scene.desk_id) if desk else None,
        team=None if desk else db.session.get(Team, team_id or scene.team_id))
    return saved.id


def spot_scene(scene: Scene) -> Scene:
    """Add a phase around today, a second team and 10 results: 6 of team 1, 3 of team 2 and
    1 at the desk (plus one failed, which is no result)."""
    campaign = db.session.get(Campaign, scene.campaign_id)
    phase = campaigns.save_phase(campaign, None, name="Cao điểm",
                                 start_date=today() - timedelta(days=2),
                                 end_date=today() + timedelta(days=5))
    team2 = TeamFactory(campaign=campaign, name="Đoàn 2")
    db.session.flush()
    ids = [result(scene, n) for n in range(6)]
    ids += [result(scene, n, team_id=team2.id, hamlet="Trâu") for n in range(6, 9)]
    ids.append(result(scene, 9, desk=True))
    result(scene, 10, outcome="failed")
    db.session.commit()
    scene.extra.update(phase_id=phase.id, team2_id=team2.id, results=ids)
    return scene
