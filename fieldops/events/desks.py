"""Help desks: their services and staff, their QR tokens, and staff booked twice."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.campaigns.models import Service
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import CODE_KINDS, DeskCode, HelpDesk, LaunchEvent
from fieldops.events.services import overlaps
from fieldops.text import fold, nfc


def new_token() -> str:
    """Return an opaque token: 128 random bits, 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


def save_desk(
    event: LaunchEvent,
    desk: HelpDesk | None,
    *,
    organisation: str,
    table_label: str,
    purpose: str | None = None,
    guide_text: str | None = None,
    services: list[Service] | None = None,
    staff: list[User] | None = None,
) -> HelpDesk:
    """Add or change a help desk; a new desk gets its guide and check-in codes at once."""
    if not nfc(organisation):
        raise DomainError(_l("Vui lòng nhập đơn vị phụ trách bàn."), "organisation")
    if not nfc(table_label):
        raise DomainError(_l("Vui lòng nhập số hoặc tên bàn."), "table_label")
    for other in event.desks:
        if other is not desk and fold(other.table_label) == fold(table_label):
            raise DomainError(_l("Đã có “%(name)s” trong sự kiện này.", name=other.name),
                              "table_label")
    allowed = {s.id for s in event.campaign.services}
    for service in services or []:
        if service.id not in allowed:
            raise DomainError(
                _l("Dịch vụ “%(name)s” không thuộc chiến dịch.", name=service.name_vi),
                "services")
    is_new = desk is None
    if desk is None:
        desk = HelpDesk(event=event)
        db.session.add(desk)
    desk.organisation = nfc(organisation)
    desk.table_label = nfc(table_label)
    desk.purpose = nfc(purpose) or None
    desk.guide_text = (guide_text or "").strip() or None
    desk.services = list(services or [])
    desk.staff = list(staff or [])
    if is_new:
        for kind in CODE_KINDS:
            desk.codes.append(DeskCode(kind=kind, token=new_token()))
    db.session.flush()
    return desk


def delete_desk(desk: HelpDesk) -> None:
    """Remove a help desk with its codes; scanning one then says the code is unknown."""
    db.session.delete(desk)
    db.session.flush()


def _check_window(valid_from: datetime | None, valid_until: datetime | None) -> None:
    if valid_from and valid_until and valid_until <= valid_from:
        raise DomainError(_l("Thời điểm hết hiệu lực phải sau thời điểm bắt đầu."),
                          "valid_until")


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind is None or kind == "both":
        return CODE_KINDS
    if kind not in CODE_KINDS:
        raise DomainError(_l("Loại mã không hợp lệ."), "kind")
    return (kind,)


def reissue_codes(desk: HelpDesk, kind: str | None = None, *, valid_from: datetime | None = None,
                  valid_until: datetime | None = None) -> list[DeskCode]:
    """Revoke a desk's current code(s) and issue new ones with an optional validity window."""
    kinds = _kinds(kind)
    _check_window(valid_from, valid_until)
    now = now_utc()
    made = []
    for k in kinds:
        current = desk.current_code(k)
        if current is not None:
            current.revoked_at = now
        code = DeskCode(kind=k, token=new_token(), valid_from=valid_from, valid_until=valid_until)
        desk.codes.append(code)
        made.append(code)
    db.session.flush()
    return made


def set_window(desk: HelpDesk, kind: str | None = None, *, valid_from: datetime | None = None,
               valid_until: datetime | None = None) -> None:
    """Give the current code(s) a validity window without changing what is printed."""
    kinds = _kinds(kind)
    _check_window(valid_from, valid_until)
    for k in kinds:
        current = desk.current_code(k)
        if current is None:
            raise DomainError(_l("Bàn chưa có mã đang dùng; hãy cấp mã mới."), "kind")
        current.valid_from = valid_from
        current.valid_until = valid_until
    db.session.flush()


def revoke_codes(desk: HelpDesk, kind: str | None = None) -> int:
    """Revoke a desk's current code(s); return how many were revoked."""
    now = now_utc()
    count = 0
    for k in _kinds(kind):
        current = desk.current_code(k)
        if current is not None:
            current.revoked_at = now
            count += 1
    db.session.flush()
    return count


def find_code(token: str) -> DeskCode | None:
    """Return the code with a token, whether or not it is still valid."""
    if not token or len(token) > 43:
        return None
    return db.session.execute(db.select(DeskCode).filter_by(token=token)).scalar_one_or_none()


@dataclass(frozen=True)
class StaffConflict:
    """A person booked on two desks whose events overlap in time."""

    user: User
    desk: HelpDesk
    other: HelpDesk


def staff_conflicts(event: LaunchEvent) -> list[StaffConflict]:
    """Return the staff of an event's desks who also staff another desk at the same time."""
    same_day = [e for e in db.session.execute(
        db.select(LaunchEvent).where(LaunchEvent.event_date == event.event_date)).scalars()
        if overlaps(event.start_time, event.end_time, e.start_time, e.end_time)]
    found = []
    for desk in event.desks:
        for user in desk.staff:
            for other_event in same_day:
                for other in other_event.desks:
                    if other is not desk and user in other.staff:
                        # Within one event, report each pair once.
                        if other.event_id == event.id and other.id < desk.id:
                            continue
                        found.append(StaffConflict(user, desk, other))
    return found
