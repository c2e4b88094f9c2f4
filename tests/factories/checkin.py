"""Check-in: the scene most check-in tests start from, form bodies, and recorded citizens.

The scene is a campaign over Nhơn Trạch running today, a launch event today with two desks,
and a team on hamlet Chợ today. It uses the accounts of the `users` fixture.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign
from fieldops.checkin import recording
from fieldops.checkin.models import DOOR
from fieldops.checkin.services import Outcome
from fieldops.clock import local_today
from fieldops.db import db
from fieldops.events.models import CHECKIN, HelpDesk
from fieldops.teams import assignments
from fieldops.teams.models import Team
from tests.factories.areas import commune_with_hamlets
from tests.factories.campaigns import CampaignFactory, services_by_code
from tests.factories.events import HelpDeskFactory, LaunchEventFactory
from tests.factories.teams import MemberFactory, OrganisationFactory, TeamFactory

#: valid numbers: Đồng Nai (075), male born 1985; TP HCM (079), female born 2003
CCCD_1985 = "075085001234"
CCCD_2003 = "079303004321"


@dataclass
class Scene:
    """Ids and names of what the fixture built."""

    campaign_id: int
    event_id: int
    desk_id: int
    token: str
    team_id: int
    hamlets: dict[str, int]
    services: dict[str, int]
    other_desk_id: int
    extra: dict = field(default_factory=dict)


def sid() -> str:
    """Return a fresh submission id, as the phone makes one."""
    return str(uuid.uuid4())


def today() -> date:
    """Return today's local date."""
    return local_today()


def build_scene(app) -> Scene:
    """Build a running campaign over Nhơn Trạch with an event today, two desks and a team.

    The users fixture must have run (the desk and team use its accounts).
    """
    with app.app_context():
        services = services_by_code()
        campaign = CampaignFactory(running=True, communes=[commune_with_hamlets()], services=[
            services[c] for c in ("vneid_install", "eid_level2", "digital_signature")])
        by_name = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
        event = LaunchEventFactory(campaign=campaign, today=True, venue_name="UBND xã")
        desk = HelpDeskFactory(event=event, organisation="Công an xã", table_label="Bàn 1",
                               services=[services["vneid_install"], services["eid_level2"]],
                               staff=[by_name["tnv1"]])
        other = HelpDeskFactory(event=event, organisation="Viettel", table_label="Bàn 2",
                                services=[services["digital_signature"]])
        org = OrganisationFactory(name="Đoàn Thanh niên", kind="youth_union")
        lead = MemberFactory(full_name="Võ Trưởng Đoàn", phone="0912000002", organisation=org,
                             user=by_name["doan1"])
        member = MemberFactory(full_name="Đặng Tình Nguyện", phone="0912000003",
                               organisation=org, user=by_name["tnv1"])
        team = TeamFactory(campaign=campaign, name="Đoàn 1", lead_organisation=org, lead=lead,
                           members=[member])
        hamlets = {a.name: a.id for a in db.session.execute(
            db.select(Area).where(Area.level == "hamlet")).scalars()}
        chosen = db.session.get(Area, hamlets["Chợ"])
        assignments.assign(team, chosen, start=today(), end=today())
        db.session.commit()
        token = desk.current_code(CHECKIN).token
        return Scene(campaign.id, event.id, desk.id, token, team.id, hamlets,
                     {code: s.id for code, s in services.items()}, other.id)


def checkin_data(scene: Scene, **overrides) -> dict:
    """Return a valid citizen check-in form body."""
    data = {"submission_id": sid(), "full_name": "Nguyễn Văn An", "phone": "0987 654 321",
            "hamlet_id": str(scene.hamlets["Chợ"]),
            "services": [str(scene.services["eid_level2"])], "consent": "y"}
    data.update(overrides)
    return data


def record_data(scene: Scene, **overrides) -> dict:
    """Return a valid volunteer record form body (eid_level2 done)."""
    data = {"submission_id": sid(), "full_name": "Nguyễn Văn An", "phone": "0987654321",
            "hamlet_id": str(scene.hamlets["Chợ"]), "citizen_id": CCCD_1985,
            "birth_year": "1985", "consent": "y",
            f"outcome_{scene.services['eid_level2']}": "done"}
    data.update(overrides)
    return data


def recorded(scene: Scene, username: str, n: int, *, hamlet: str | None,
             outcome: str = "done", desk: bool = False, credited: int | None = None) -> int:
    """Record citizen number `n` (eid_level2 done or failed) by a volunteer of the scene, at
    its desk or door to door with its team (crediting member `credited` if given); return the
    registration's id."""
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
    saved = recording.record(
        None, submission_id=sid(), user=user, campaign=db.session.get(Campaign, scene.campaign_id),
        source="desk" if desk else DOOR, full_name=f"Người dân {n}", phone=None,
        hamlet_id=scene.hamlets[hamlet] if hamlet else None, birth_year=None,
        citizen_id=f"075085{n:06d}",
        outcomes=[Outcome(scene.services["eid_level2"], outcome,
                          "absent" if outcome == "failed" else None)],
        consent=True, desk=db.session.get(HelpDesk, scene.desk_id) if desk else None,
        team=None if desk else db.session.get(Team, scene.team_id), credited_member_id=credited)
    return saved.id
