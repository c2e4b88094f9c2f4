"""Reporting duties: a daily 17:00 duty over the check-in scene's communes, units' accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fieldops.accountability import duties, units
from fieldops.accountability.duty_models import COMMUNE, DAILY, ReportingUnit
from fieldops.areas import services as areas
from fieldops.areas.models import COMMUNE as COMMUNE_LEVEL
from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns import services as campaigns
from fieldops.campaigns.models import Campaign
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.reports import counters, targets
from fieldops.reports.models import DailyCount
from tests.factories.auth import UserFactory
from tests.factories.checkin import Scene, build_scene, recorded, today


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a local (Asia/Ho_Chi_Minh) time of a day, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ).astimezone(UTC)


@dataclass
class DutyScene:
    """Ids of the duty scene: the check-in scene plus a phase, a duty and two communes."""

    scene: Scene
    campaign_id: int
    phase_id: int
    duty_id: int
    unit_id: int
    other_unit_id: int
    eid: int


def build_duty_scene(app) -> DutyScene:
    """Build the check-in scene with a 10-day phase (today its 5th day), a target of 100
    level-2 e-IDs for Nhơn Trạch, a second commune, a daily 17:00 report of the communes,
    and accounts xa1 (Nhơn Trạch) and xa2 (the other commune); 3 results today, 1 yesterday."""
    scene = build_scene(app)
    with app.test_request_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        organizer = db.session.execute(db.select(User).filter_by(username="toch")).scalar_one()
        phase = campaigns.save_phase(campaign, None, name="Cao điểm",
                                     start_date=today() - timedelta(days=4),
                                     end_date=today() + timedelta(days=5))
        commune = campaign.communes[0]
        other = areas.save_area(None, level=COMMUNE_LEVEL, name="Phước Thiền",
                                parent=commune.parent, population_14plus=5000)
        campaign.communes.append(other)
        eid = scene.services["eid_level2"]
        targets.set_target(phase, 100, user=organizer, area=commune, service_id=eid)
        for n in range(3):
            recorded(scene, "tnv1", n, hamlet="Chợ")
        earlier = recorded(scene, "tnv1", 3, hamlet="Trâu")
        from fieldops.checkin.models import Registration

        registration = db.session.get(Registration, earlier)
        registration.recorded_at = registration.recorded_at - timedelta(days=1)
        db.session.flush()
        counters.rebuild_counters(campaign)
        assert db.session.execute(db.select(db.func.sum(DailyCount.count))).scalar() == 4
        duty = duties.save_duty(campaign, None, title="Báo cáo tiến độ hằng ngày",
                                frequency=DAILY, unit_kind=COMMUNE, deadline=time(17, 0),
                                user=organizer)
        unit_of = {u.area_id: u for u in duties.units_of(campaign, COMMUNE)}
        units.attach_user(unit_of[commune.id], UserFactory(username="xa1",
                                                           full_name="Cán Bộ Xã Một"))
        units.attach_user(unit_of[other.id], UserFactory(username="xa2",
                                                         full_name="Cán Bộ Xã Hai"))
        db.session.commit()
        return DutyScene(scene, campaign.id, phase.id, duty.id, unit_of[commune.id].id,
                         unit_of[other.id].id, eid)


def unit(unit_id: int) -> ReportingUnit:
    """Return a reporting unit by id."""
    return db.session.get(ReportingUnit, unit_id)


def commune_named(name: str) -> Area:
    """Return a commune by name."""
    return db.session.execute(db.select(Area).filter_by(name=name)).scalar_one()
