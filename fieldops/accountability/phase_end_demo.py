"""Demo phase end: Hưng Hà's phase 1, finished by a few communes, checked, frozen at its end.

The progress demo records phase 1 up to its tenth day only, so no commune reaches its target.
Here a few communes push to the finish on days 11 to 16: those that reported every day on
time (two with the demo's seed) and three that did not. The first clean one is spot-checked
(all confirmed), the others never; the first of the rest is checked too and a quarter of its
sample is found untrue. Then the schedule's own function freezes every ended phase, so the
commendation page of phase 1 shows two communes proposed (one marked "chưa kiểm tra xác
suất") and the others excluded, each with all its reasons (one with a missing report and a
rejection rate over the threshold).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from fieldops.accountability import spotchecks
from fieldops.accountability.check_models import CONFIRMED, REJECTED
from fieldops.accountability.duty_models import ON_TIME, ReportingUnit, UnitReport
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin.models import DONE, RECORDED, Registration, RegistrationService
from fieldops.clock import LOCAL_TZ, local_today
from fieldops.db import db
from fieldops.reports import counters, phase_end, targets
from fieldops.text import fold

#: the share of its target each pushing commune ends phase 1 at
FINISH = (1.12, 1.05, 1.02, 1.08, 1.15, 1.01)
REJECTION = "Người dân cho biết chưa kích hoạt tài khoản mức 2, chỉ mới cài ứng dụng VNeID."


def _clean_and_not(campaign: Campaign, phase) -> tuple[list, list]:
    """Return the communes with every phase-1 report on time, and the others, by name."""
    statuses: dict[int, set[str]] = {}
    for unit_id, status in db.session.execute(
            sa.select(UnitReport.unit_id, UnitReport.status)
            .join(ReportingUnit, ReportingUnit.id == UnitReport.unit_id)
            .where(ReportingUnit.campaign_id == campaign.id,
                   UnitReport.period_start >= phase.start_date,
                   UnitReport.period_end <= phase.end_date)):
        statuses.setdefault(unit_id, set()).add(status)
    units = db.session.execute(db.select(ReportingUnit).where(
        ReportingUnit.campaign_id == campaign.id, ReportingUnit.area_id.is_not(None))).scalars()
    clean, other = [], []
    for unit in sorted(units, key=lambda u: fold(u.area.name)):
        (clean if statuses.get(unit.id, {ON_TIME}) == {ON_TIME} else other).append(unit.area)
    return clean, other


def _finish(campaign: Campaign, phase, commune, share: float, service: Service, admin: User,
            start: int) -> int:
    """Record the commune's last six days so it ends at `share` of its target."""
    target = targets.find_target(phase, area=commune).value
    done = db.session.execute(
        sa.select(sa.func.count()).select_from(Registration)
        .join(RegistrationService, RegistrationService.registration_id == Registration.id)
        .where(Registration.campaign_id == campaign.id, Registration.status == RECORDED,
               RegistrationService.outcome == DONE,
               Registration.hamlet_id.in_([h.id for h in commune.children]))).scalar()
    wanted = max(round(target * share) - done, 0)
    hamlets = sorted(commune.children, key=lambda h: h.id)
    rows = []
    for n in range(wanted):
        day = phase.start_date + timedelta(days=10 + n % 6)
        at = datetime.combine(day, time(8 + n % 9), tzinfo=LOCAL_TZ).astimezone(UTC)
        rows.append({"submission_id": f"demo-hh-end-{start + n}", "campaign_id": campaign.id,
                     "hamlet_id": hamlets[n % len(hamlets)].id, "source": "door",
                     "status": RECORDED, "full_name": "Công dân", "name_folded": "cong dan",
                     "phone": f"09{start + n:08d}", "recorded_at": at,
                     "volunteer_id": admin.id, "created_at": at})
    if rows:
        ids = db.session.scalars(sa.insert(Registration).returning(
            Registration.id, sort_by_parameter_order=True), rows).all()
        db.session.execute(sa.insert(RegistrationService), [
            {"registration_id": rid, "service_id": service.id, "outcome": DONE} for rid in ids])
    return start + wanted


def _check(campaign: Campaign, phase, commune, admin: User, rejected: int) -> None:
    """Spot-check the commune's last days: eight call-backs, `rejected` of them found untrue."""
    last = phase.start_date + timedelta(days=10)
    check = spotchecks.draw(campaign, unit_key=f"area:{commune.id}", first_day=last,
                            last_day=phase.end_date, size_kind="count", size_value=8,
                            checker=admin, seed=f"demo-ket-thuc-{fold(commune.name)}")
    for index, item in enumerate(check.items):
        if index < rejected:
            spotchecks.give_verdict(item, REJECTED, user=admin, reason=REJECTION)
        else:
            spotchecks.give_verdict(item, CONFIRMED, user=admin)


def load_phase_end_demo(campaign: Campaign) -> None:
    """Finish Hưng Hà's phase 1 for six communes, spot-check two, and freeze ended phases."""
    admin = db.session.execute(db.select(User).filter_by(username="admin")).scalar_one()
    service = db.session.execute(db.select(Service).filter_by(code="eid_level2")).scalar_one()
    phase = campaign.phases[0]
    clean, other = _clean_and_not(campaign, phase)
    pushing = clean[:3] + other[:3]
    start = 0
    for commune, share in zip(pushing, FINISH, strict=False):
        start = _finish(campaign, phase, commune, share, service, admin, start)
    db.session.flush()
    counters.rebuild_counters(campaign)
    if clean:
        _check(campaign, phase, clean[0], admin, rejected=0)
    if other:
        _check(campaign, phase, other[0], admin, rejected=2)
    # The same function the hourly schedule runs: every phase that has ended gets frozen.
    phase_end.freeze_ended_phases(local_today())
