"""Rules of registrations: pre-register from a QR, call the queue, record, edit, void, refuse.

Services flush and raise DomainError; the view or API commits once. A submission id already
stored makes the call a replay: the caller gets the stored record and nothing new is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from fieldops.areas.models import HAMLET, Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Service, campaign_communes
from fieldops.checkin.models import (
    CALLED,
    WAITING,
    QueueCounter,
    RefusedSubmission,
    Registration,
    RegistrationChange,
)
from fieldops.db import db, now_utc
from fieldops.errors import DomainError
from fieldops.events.models import CHECKIN, DeskCode, HelpDesk, LaunchEvent
from fieldops.text import nfc, normalize_phone

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_FORBIDDEN_IN_NAMES = re.compile(r"[<>{}\[\]\\|=;\"`$\x00-\x1f\x7f]")

#: why a submission is refused, as the citizen or volunteer reads it
REFUSALS = {
    "revoked": _l("Mã QR này đã bị thu hồi. Hãy quét mã mới đang dán tại bàn."),
    "expired": _l("Mã QR này đã hết hạn. Hãy quét mã mới đang dán tại bàn."),
    "not_yet": _l("Mã QR này chưa đến giờ sử dụng."),
    "campaign_ended": _l("Chiến dịch này đã kết thúc, không nhận đăng ký mới."),
    "campaign_not_started": _l("Chiến dịch này chưa bắt đầu."),
    "wrong_desk": _l("Bạn không trực ở bàn này nên không thể ghi nhận cho bàn này."),
}


class DuplicateError(DomainError):
    """The citizen already has this service in this campaign; `existing` is that record."""

    def __init__(self, message: str, existing: Registration) -> None:
        super().__init__(message, "citizen_id")
        self.existing = existing


class RefusedError(DomainError):
    """The rules refused the submission; it was stored as `refusal`."""

    def __init__(self, refusal: RefusedSubmission) -> None:
        super().__init__(str(REFUSALS.get(refusal.reason, refusal.reason)))
        self.refusal = refusal


@dataclass
class Outcome:
    """The result of one service for one citizen."""

    service_id: int
    outcome: str
    failure_reason: str | None = None
    note: str | None = None


def local_today() -> date:
    """Return today's date in Vietnam (a queue starts again at 1 each local day)."""
    return datetime.now(LOCAL_TZ).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the UTC start and end of a local day."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    end = datetime.combine(day, time.max, tzinfo=LOCAL_TZ).astimezone(UTC)
    return start, end


def check_submission_id(value: str | None) -> str:
    """Return a well-formed submission id or raise (a UUID or similar from the client)."""
    value = (value or "").strip()
    if not _SUBMISSION_ID.match(value):
        raise DomainError(_l("Mã gửi biểu mẫu không hợp lệ. Hãy tải lại trang."))
    return value


def clean_name(raw: str | None) -> str:
    """Return a citizen's name in NFC with single spaces, refusing markup and symbols."""
    name = re.sub(r"\s+", " ", nfc(raw))
    if not name:
        raise DomainError(_l("Vui lòng nhập họ và tên."), "full_name")
    if _FORBIDDEN_IN_NAMES.search(name):
        raise DomainError(_l("Họ tên chỉ gồm chữ cái, dấu cách và dấu chấm, gạch nối."),
                          "full_name")
    if not any(c.isalpha() for c in name):
        raise DomainError(_l("Họ tên phải có chữ cái."), "full_name")
    if len(name) > 120:
        raise DomainError(_l("Họ tên dài quá 120 ký tự."), "full_name")
    return name


def clean_phone(raw: str | None, required: bool) -> str | None:
    """Return a Vietnamese mobile number as 0xxxxxxxxx, None if allowed empty, or raise."""
    if not (raw or "").strip():
        if required:
            raise DomainError(_l("Vui lòng nhập số điện thoại."), "phone")
        return None
    phone = normalize_phone(raw)
    if phone is None:
        raise DomainError(
            _l("Số điện thoại không phải số di động Việt Nam (10 số, bắt đầu bằng 03, 05, 07, "
               "08 hoặc 09)."), "phone")
    return phone


# --- lookups ---------------------------------------------------------------------------------


def find_code(token: str) -> DeskCode | None:
    """Return the check-in code printed with this token, whatever its state."""
    # One query for the code, its desk, event and campaign: this runs on every citizen's POST.
    return db.session.execute(
        db.select(DeskCode).filter_by(token=token, kind=CHECKIN).options(
            joinedload(DeskCode.desk).joinedload(HelpDesk.event).joinedload(LaunchEvent.campaign))
    ).unique().scalar_one_or_none()


def find_registration(submission_id: str) -> Registration | None:
    """Return the record a submission id created, if any."""
    return db.session.execute(
        db.select(Registration).filter_by(submission_id=submission_id)).scalar_one_or_none()


def find_change(submission_id: str) -> RegistrationChange | None:
    """Return the change a submission id made to an existing record, if any."""
    return db.session.execute(
        db.select(RegistrationChange).filter_by(submission_id=submission_id)).scalar_one_or_none()


def find_refusal(submission_id: str) -> RefusedSubmission | None:
    """Return the stored refusal of a submission id, if any."""
    return db.session.execute(
        db.select(RefusedSubmission).filter_by(submission_id=submission_id)).scalar_one_or_none()


def campaign_services(campaign: Campaign) -> list[Service]:
    """Return the services a campaign counts (every service when it names none)."""
    if campaign.services:
        return list(campaign.services)
    return list(db.session.execute(
        db.select(Service).order_by(Service.position, Service.name_vi)).scalars())


def desk_services(desk: HelpDesk) -> list[Service]:
    """Return the services offered at a desk (the campaign's when the desk names none)."""
    return list(desk.services) or campaign_services(desk.event.campaign)


def campaign_hamlets(campaign: Campaign) -> list[Area]:
    """Return the hamlets of the campaign's communes, by commune then name."""
    commune_ids = [c.id for c in campaign.communes]
    stmt = db.select(Area).where(Area.level == HAMLET)
    if commune_ids:
        stmt = stmt.where(Area.parent_id.in_(commune_ids))
    rows = db.session.execute(stmt).scalars()
    return sorted(rows, key=lambda a: (a.parent_id or 0, a.name_folded))


def code_refusal(code: DeskCode, at: datetime | None = None) -> str | None:
    """Return why a check-in code cannot take a registration now, or None if it can."""
    at = at or now_utc()
    state = code.state(at)
    if state != "valid":
        return state
    return campaign_refusal(code.desk.event.campaign)


def campaign_refusal(campaign: Campaign) -> str | None:
    """Return campaign_ended / campaign_not_started, or None while the campaign runs."""
    return dates_refusal(campaign.start_date, campaign.end_date)


def dates_refusal(start_date: date, end_date: date) -> str | None:
    """Return campaign_ended / campaign_not_started for a campaign's dates, or None."""
    today = local_today()
    if today > end_date:
        return "campaign_ended"
    if today < start_date:
        return "campaign_not_started"
    return None


# --- refusals --------------------------------------------------------------------------------


def refuse(submission_id: str, reason: str, *, source: str, payload: dict,
           desk: HelpDesk | None = None, user: User | None = None) -> RefusedSubmission:
    """Store a refused submission with its reason (once per submission id) and return it."""
    existing = find_refusal(submission_id)
    if existing is not None:
        return existing
    # The bare ID number never goes into the payload (the callers pass none).
    refusal = RefusedSubmission(
        submission_id=submission_id, reason=reason, source=source,
        desk_id=desk.id if desk else None, user_id=user.id if user else None,
        payload=json.dumps(payload, ensure_ascii=False, default=str))
    db.session.add(refusal)
    db.session.flush()
    return refusal


# --- the queue -------------------------------------------------------------------------------


# Built once per dialect: statements made per request cost more than running them.
_QUEUE_UPSERTS: dict[str, sa.Insert] = {}


def queue_upsert(dialect: str) -> sa.Insert:
    """Return the upsert that bumps and returns a desk's number for :day (built once)."""
    stmt = _QUEUE_UPSERTS.get(dialect)
    if stmt is None:
        counter = QueueCounter.__table__
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(counter).values(desk_id=sa.bindparam("desk_id"), day=sa.bindparam("day"),
                                      last_number=1)
        # Concurrent callers serialise on the counter row: no two get the same number.
        stmt = _QUEUE_UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=["desk_id", "day"], set_={"last_number": counter.c.last_number + 1},
        ).returning(counter.c.last_number)
    return stmt


def next_queue_number(desk_id: int, day: date) -> int:
    """Return the next number of a desk's queue for a day, atomically (one upsert)."""
    connection = db.session.connection()
    stmt = queue_upsert(connection.dialect.name)
    return connection.execute(stmt, {"desk_id": desk_id, "day": day}).scalar_one()


def desk_queue(desk: HelpDesk, day: date | None = None) -> list[Registration]:
    """Return today's waiting and called citizens of a desk, in queue order."""
    return list(db.session.execute(
        db.select(Registration)
        .where(Registration.desk_id == desk.id, Registration.queue_day == (day or local_today()),
               Registration.status.in_((WAITING, CALLED)))
        .order_by(Registration.queue_number)).scalars())


def call_next(desk: HelpDesk, user: User) -> Registration | None:
    """Mark the first waiting citizen of the desk as called by this volunteer and return them."""
    waiting = [r for r in desk_queue(desk) if r.status == WAITING]
    if not waiting:
        return None
    registration = waiting[0]
    registration.status = CALLED
    registration.called_at = now_utc()
    registration.volunteer_id = user.id
    _log(registration, "called", user)
    db.session.flush()
    return registration


def hamlet_in_campaign(*columns: sa.ColumnElement,
                       campaign_id: sa.ColumnElement | None = None) -> sa.Select:
    """Return SELECT columns of the hamlet :hamlet_id if it lies in the campaign.

    The campaign is :campaign_id, or `campaign_id` when it is a column of an enclosing query.
    """
    area, links = Area.__table__, campaign_communes
    campaign = sa.bindparam("campaign_id") if campaign_id is None else campaign_id
    communes = sa.select(links.c.area_id).where(links.c.campaign_id == campaign)
    if campaign_id is not None:
        # Two levels down from the enclosing query: say which table to take from there.
        communes = communes.correlate(campaign_id.table)
    return sa.select(*columns).where(
        area.c.id == sa.bindparam("hamlet_id"), area.c.level == HAMLET,
        sa.or_(area.c.parent_id.in_(communes), ~communes.exists()))


_HAMLET_CHECK = hamlet_in_campaign(Area.__table__.c.id)
HAMLET_REQUIRED = _l("Hãy chọn thôn/ấp nơi bạn ở.")
HAMLET_OUTSIDE = _l("Thôn/ấp này không thuộc địa bàn của chiến dịch.")


def _check_hamlet_id(campaign_id: int, hamlet_id: int | None) -> None:
    """Raise unless the hamlet lies in one of the campaign's communes (any, if it names none)."""
    if not hamlet_id:
        raise DomainError(HAMLET_REQUIRED, "hamlet_id")
    found = db.session.connection().execute(
        _HAMLET_CHECK, {"campaign_id": campaign_id, "hamlet_id": hamlet_id}).first()
    if found is None:
        raise DomainError(HAMLET_OUTSIDE, "hamlet_id")


def _check_hamlet(campaign: Campaign, hamlet_id: int | None, required: bool) -> Area | None:
    if not hamlet_id:
        if required:
            raise DomainError(HAMLET_REQUIRED, "hamlet_id")
        return None
    _check_hamlet_id(campaign.id, hamlet_id)
    return db.session.get(Area, hamlet_id)


def _log(registration: Registration, action: str, user: User | None, *,
         submission_id: str | None = None, reason: str | None = None,
         summary: str | None = None) -> RegistrationChange:
    change = RegistrationChange(registration=registration, action=action, reason=reason,
                                summary=summary, submission_id=submission_id,
                                changed_by_id=user.id if user else None)
    db.session.add(change)
    return change
