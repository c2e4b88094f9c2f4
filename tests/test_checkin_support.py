"""Shared scene for the check-in tests: a running campaign, a launch event today, a desk, a team.

Holds no tests; the test_checkin*.py modules import its fixture and helpers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Service
from fieldops.checkin.services import local_today
from fieldops.db import db
from fieldops.events import desks as desk_rules
from fieldops.events import services as event_rules
from fieldops.events.models import CHECKIN
from fieldops.teams import assignments
from fieldops.teams import services as team_rules
from tests import factories

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


def build_scene(app) -> Scene:
    """Build a running campaign over Nhơn Trạch with an event today, two desks and a team.

    The users fixture must have run (the desk and team use its accounts).
    """
    with app.app_context():
        today = local_today()
        commune = factories.commune_with_hamlets()
        campaign = factories.campaign([commune], start=today - timedelta(days=5),
                                      end=today + timedelta(days=25))
        services = {s.code: s for s in db.session.execute(db.select(Service)).scalars()}
        campaign.services = [services[c] for c in ("vneid_install", "eid_level2",
                                                   "digital_signature")]
        by_name = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
        event = event_rules.save_event(
            campaign, None, title="Lễ phát động ra quân", event_date=today,
            start_time=time(7), end_time=time(11), venue_name="UBND xã", status="running")
        desk = desk_rules.save_desk(
            event, None, organisation="Công an xã", table_label="Bàn 1",
            services=[services["vneid_install"], services["eid_level2"]],
            staff=[by_name["tnv1"]])
        other = desk_rules.save_desk(event, None, organisation="Viettel", table_label="Bàn 2",
                                     services=[services["digital_signature"]])
        org = team_rules.save_organisation(None, name="Đoàn Thanh niên", kind="youth_union")
        lead = team_rules.save_member(None, full_name="Võ Trưởng Đoàn", phone="0912000002",
                                      organisation=org, user=by_name["doan1"])
        member = team_rules.save_member(None, full_name="Đặng Tình Nguyện", phone="0912000003",
                                        organisation=org, user=by_name["tnv1"])
        team = team_rules.save_team(campaign, None, name="Đoàn 1", lead_organisation=org,
                                    lead=lead, members=[member])
        hamlets = {a.name: a.id for a in db.session.execute(
            db.select(Area).where(Area.level == "hamlet")).scalars()}
        chosen = db.session.get(Area, hamlets["Chợ"])
        assignments.assign(team, chosen, start=today, end=today)
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


def today() -> date:
    """Return today's local date."""
    return local_today()
