"""Refused check-ins followed up: the desk and the organizer list them, then take or dismiss.

A submission refused for a revoked or expired code, an ended campaign or the wrong desk is
stored with what the citizen typed (services.refuse, writers.Writer.refuse), and the citizen is
told so. Here someone acts on it: taken into the desk's queue by the same rules as the
citizen's own check-in (the campaign runs, the hamlet and services hold, one live ticket per
person, the desk's next number), or dismissed with a note. Either is done once, says who and
when on the row, and goes into the audit log of personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.models import Area
from fieldops.auth.models import ORGANIZER, User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin import access, rules, writers
from fieldops.checkin.models import (
    LIVE,
    QR,
    WAITING,
    RefusedSubmission,
    Registration,
    RegistrationService,
)
from fieldops.checkin.services import (
    campaign_refusal,
    check_hamlet,
    desk_services,
    find_registration,
    first_write_wins,
)
from fieldops.checkin.signals import announce
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import HelpDesk
from fieldops.scope import campaign_visible, hamlet_ids_in_scope, whole_campaign_visible
from fieldops.text import fold

QUEUED, DISMISSED = "queued", "dismissed"
RESOLUTION_LABELS = {QUEUED: _l("Đã xếp vào hàng chờ"), DISMISSED: _l("Đã bỏ qua")}
#: the reasons of the code, not the campaign: the desk still works and can take the citizen
CODE_REASONS = ("revoked", "expired", "not_yet")


@dataclass
class Shown:
    """A refusal as the lists draw it: the stored row and what the citizen typed."""

    refusal: RefusedSubmission
    full_name: str
    phone: str
    hamlet_id: int | None
    service_ids: list[int]

    @property
    def reason_label(self) -> str:
        """Return why it was refused, as the citizen read it."""
        return str(rules.REFUSALS.get(self.refusal.reason, self.refusal.reason))


def shown(refusal: RefusedSubmission) -> Shown:
    """Read a refusal's stored payload (empty once the retention purge has run)."""
    try:
        values = json.loads(refusal.payload or "{}")
    except ValueError:
        values = {}
    services = values.get("service_ids") or [
        s.get("service_id") for s in values.get("services") or [] if isinstance(s, dict)]
    return Shown(refusal, values.get("full_name") or "", values.get("phone") or "",
                 values.get("hamlet_id"), [int(s) for s in services if s])


def in_scope(user: User, refusal: RefusedSubmission) -> bool:
    """Return whether a refusal lies in the user's area: the hamlet typed does; without one, a
    desk's refusal goes with its desk (its campaign is visible) and any other with the whole
    campaign, as registrations do."""
    hamlets = hamlet_ids_in_scope(user)
    if hamlets is None:
        return True
    campaign = db.session.get(Campaign, refusal.campaign_id) if refusal.campaign_id else None
    if campaign is None or not campaign_visible(user, campaign):
        return False
    hamlet_id = shown(refusal).hamlet_id
    if hamlet_id:
        return int(hamlet_id) in hamlets
    return refusal.desk_id is not None or whole_campaign_visible(user, campaign)


def visible(user: User, rows: list[RefusedSubmission]) -> list[RefusedSubmission]:
    """Keep the refusals that lie in the user's area."""
    return rows if hamlet_ids_in_scope(user) is None else [r for r in rows if in_scope(user, r)]


def can_follow_up(user: User, refusal: RefusedSubmission) -> bool:
    """Organizers follow up every refusal of their area; desk staff those of their desk."""
    if user.role == ORGANIZER:
        return in_scope(user, refusal)
    return refusal.desk is not None and access.can_work_desk(user, refusal.desk)


def _listed(*where) -> sa.Select:
    return db.select(RefusedSubmission).where(*where)


def for_desk(desk: HelpDesk) -> list[RefusedSubmission]:
    """Return a desk's refusals: waiting ones first, each group newest first."""
    return _ordered(_listed(RefusedSubmission.desk_id == desk.id))


def for_campaign(campaign: Campaign) -> list[RefusedSubmission]:
    """Return a campaign's refusals (through any desk or none): waiting ones first."""
    return _ordered(_listed(RefusedSubmission.campaign_id == campaign.id))


def _ordered(stmt: sa.Select) -> list[RefusedSubmission]:
    return list(db.session.execute(stmt.order_by(
        RefusedSubmission.resolution.is_not(None), RefusedSubmission.refused_at.desc(),
        RefusedSubmission.id.desc())).scalars())


def waiting_count(*, desk: HelpDesk | None = None, campaign: Campaign | None = None) -> int:
    """Return how many refusals of a desk or campaign nobody has taken or dismissed yet."""
    stmt = sa.select(sa.func.count()).select_from(RefusedSubmission).where(
        RefusedSubmission.resolution.is_(None))
    if desk is not None:
        stmt = stmt.where(RefusedSubmission.desk_id == desk.id)
    if campaign is not None:
        stmt = stmt.where(RefusedSubmission.campaign_id == campaign.id)
    return db.session.execute(stmt).scalar_one()


def service_names(ids: list[int]) -> dict[int, str]:
    """Return the names of these services by id (for the lists)."""
    if not ids:
        return {}
    return {s.id: s.name for s in db.session.execute(
        db.select(Service).where(Service.id.in_(ids))).scalars()}


def _claim(refusal: RefusedSubmission, resolution: str, user: User, note: str | None) -> bool:
    """Mark the refusal resolved unless someone did first; return whether this call did."""
    claimed = db.session.execute(
        sa.update(RefusedSubmission)
        .where(RefusedSubmission.id == refusal.id, RefusedSubmission.resolution.is_(None))
        .values(resolution=resolution, resolved_at=now_utc(), resolved_by_id=user.id,
                resolution_note=note)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.refresh(refusal)
    return claimed


def _already(refusal: RefusedSubmission) -> DomainError:
    who = refusal.resolved_by.full_name if refusal.resolved_by else "—"
    return DomainError(_l("Lượt đăng ký này đã được %(who)s xử lý: %(what)s.", who=who,
                          what=RESOLUTION_LABELS.get(refusal.resolution, refusal.resolution)))


def _audit(action: str, user: User, refusal: RefusedSubmission,
           registration: Registration | None = None, note: str | None = None) -> None:
    detail = {"refusal_id": refusal.id, "reason": refusal.reason, "desk_id": refusal.desk_id}
    if note:
        detail["note"] = note
    access.audit(action, user, registration, json.dumps(detail, ensure_ascii=False))


def dismiss(refusal: RefusedSubmission, user: User, note: str) -> RefusedSubmission:
    """Close a refusal without a queue entry, with why; dismissing it again changes nothing."""
    if refusal.resolution == DISMISSED:
        return refusal
    if refusal.resolution is not None:
        raise _already(refusal)
    note = (note or "").strip()
    if not note:
        raise DomainError(_l("Hãy ghi lý do bỏ qua (ví dụ: đã gọi lại, người dân không cần "
                             "nữa)."), "note")
    if not _claim(refusal, DISMISSED, user, note[:255]):
        if refusal.resolution == DISMISSED:
            return refusal
        raise _already(refusal)
    _audit("refusal_dismissed", user, refusal, note=note[:255])
    return refusal


def take_into_queue(refusal: RefusedSubmission, user: User) -> Registration:
    """Put a refused citizen into their desk's queue today, by the check-in's own rules.

    Taking it again returns the same entry; the same person already waiting at the desk keeps
    their ticket and no new number is given.
    """
    if refusal.resolution == QUEUED and refusal.registration is not None:
        return refusal.registration
    if refusal.resolution is not None:
        raise _already(refusal)
    desk = refusal.desk
    if refusal.source != QR or desk is None:
        raise DomainError(_l("Chỉ lượt người dân tự đăng ký qua QR tại một bàn mới xếp vào hàng "
                             "chờ được; lượt này chỉ có thể bỏ qua."))
    campaign = desk.event.campaign
    reason = campaign_refusal(campaign)
    if reason:
        raise DomainError(_l("%(why)s Lượt này chỉ có thể bỏ qua.",
                             why=rules.REFUSALS[reason]))
    data = shown(refusal)
    name = rules.clean_name(data.full_name)
    phone = rules.clean_phone(data.phone, True)
    check_hamlet(campaign, data.hamlet_id, required=True)
    chosen = rules.chosen_services(data.service_ids, {s.id for s in desk_services(desk)})
    today = local_today()
    registration = find_registration(refusal.submission_id) or _live_ticket(desk, phone, name)
    if not _claim(refusal, QUEUED, user, None):
        if refusal.resolution == QUEUED and refusal.registration_id is not None:
            return refusal.registration
        raise _already(refusal)
    if registration is None:
        number = writers.next_queue_number(db.session.connection(), desk.id, today)
        with first_write_wins(_l("Người này vừa được xếp vào hàng chờ ở một lượt khác.")):
            registration = Registration(
                submission_id=refusal.submission_id, campaign_id=campaign.id,
                event_id=desk.event_id, desk_id=desk.id, hamlet_id=data.hamlet_id, source=QR,
                status=WAITING, queue_day=today, queue_number=number, full_name=name,
                name_folded=fold(name), phone=phone,
                # They agreed on the form they sent; the refusal kept when.
                consent_at=refusal.refused_at,
                services=[RegistrationService(service_id=s) for s in chosen])
            db.session.add(registration)
        announce(None, registration)
    refusal.registration_id = registration.id
    _audit("refusal_queued", user, refusal, registration)
    return registration


def _live_ticket(desk: HelpDesk, phone: str, name: str) -> Registration | None:
    """Return the person's live QR ticket at the desk today (uq_registration_same_person)."""
    phone_key, name_folded = rules.same_person(phone, name)
    return db.session.execute(
        db.select(Registration).where(
            Registration.desk_id == desk.id, Registration.queue_day == local_today(),
            Registration.phone == phone_key, Registration.name_folded == name_folded,
            Registration.source == QR, Registration.status.in_(LIVE))
    ).scalars().first()


def hamlet_names(ids: list[int]) -> dict[int, str]:
    """Return the names of these hamlets by id (for the lists)."""
    if not ids:
        return {}
    return {a.id: a.display_name for a in db.session.execute(
        db.select(Area).where(Area.id.in_(ids))).scalars()}
