"""The rules of a check-in, on plain values: one copy for every path that takes a registration.

The citizen's GET and POST, the desk, the door and the API read their values their own way (the
POST in one driver query, the others through the ORM) and ask here. Nothing here reads the
database or the clock: `hamlet_in_campaign` is the one statement that answers the hamlet rule,
and the callers run it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.models import HAMLET, Area
from fieldops.campaigns.models import campaign_communes
from fieldops.checkin.models import (
    ABSENT,
    DUPLICATE,
    FAILED,
    FAILURE_REASONS,
    LIVE,
    OUTCOMES,
    WAITING,
)
from fieldops.errors import DomainError
from fieldops.events.models import code_state
from fieldops.text import fold, nfc, normalize_phone

if TYPE_CHECKING:
    from fieldops.checkin.services import Outcome

_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Written so that Python and the browser's `pattern` attribute (a JS regex with the v flag, where
# ( ) { } [ ] | - must be escaped in a class) read them alike.
_NAME_FORBIDDEN = r'<>\{\}\[\]\\\|=;"`$\x00-\x1f\x7f'
_FORBIDDEN_IN_NAMES = re.compile(f"[{_NAME_FORBIDDEN}]")
_SEP = r"[\s.\-\(\)]*"

#: why a submission is refused, as the citizen or volunteer reads it
REFUSALS = {
    "revoked": _l("Mã QR này đã bị thu hồi. Hãy quét mã mới đang dán tại bàn."),
    "expired": _l("Mã QR này đã hết hạn. Hãy quét mã mới đang dán tại bàn."),
    "not_yet": _l("Mã QR này chưa đến giờ sử dụng."),
    "campaign_ended": _l("Chiến dịch này đã kết thúc, không nhận đăng ký mới."),
    "campaign_not_started": _l("Chiến dịch này chưa bắt đầu."),
    "wrong_desk": _l("Bạn không trực ở bàn này nên không thể ghi nhận cho bàn này."),
}
HAMLET_REQUIRED = _l("Hãy chọn thôn/ấp nơi bạn ở.")
HAMLET_OUTSIDE = _l("Thôn/ấp này không thuộc địa bàn của chiến dịch.")


# --- the form's fields ------------------------------------------------------------------------


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
        raise DomainError(NAME_MESSAGE, "full_name")
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
        raise DomainError(PHONE_MESSAGE, "phone")
    return phone


def _spaced(*pieces: str) -> str:
    """Join regex pieces allowing the separators a person types in a phone number between them."""
    return _SEP + _SEP.join(pieces) + _SEP


#: the phone numbers clean_phone takes (fieldops.text.normalize_phone), as one regex on the raw
#: input: 0, 84 or +84, then a mobile prefix and seven digits, spaces, dots, dashes anywhere
PHONE_PATTERN = "(?:{})".format("|".join((
    _spaced("0", "(?:3[2-9]|5[2689]|7[06-9]|8[1-9]|9[0-9])", *["[0-9]"] * 7),
    _spaced("\\+", "8", "4", "(?:3[2-9]|5[2689]|7[06-9]|8[1-9]|9[0-9])", *["[0-9]"] * 7),
    _spaced("8", "4", "(?:3[2-9]|5[2689]|7[06-9]|8[1-9]|9[0-9])", *["[0-9]"] * 7),
)))
#: a name clean_name takes, as far as a pattern can say it: no markup or symbols
NAME_PATTERN = f"[^{_NAME_FORBIDDEN}]*"
#: the longest note of a service's outcome
NOTE_LENGTH = 255
REQUIRED_MESSAGE = _l("Vui lòng nhập trường này.")
PHONE_MESSAGE = _l("Số điện thoại không phải số di động Việt Nam (10 số, bắt đầu bằng 03, 05, "
                   "07, 08 hoặc 09).")
NAME_MESSAGE = _l("Họ tên chỉ gồm chữ cái, dấu cách và dấu chấm, gạch nối.")


def field_attributes(name: str, *, required: bool) -> dict:
    """Return the HTML attributes that let a phone check a field by these rules before keeping."""
    attributes: dict = {"required": True, "data-required-message": REQUIRED_MESSAGE} \
        if required else {}
    if name == "full_name":
        attributes.update(maxlength=120, pattern=NAME_PATTERN)
        attributes["data-pattern-message"] = NAME_MESSAGE
    elif name == "phone":
        attributes["pattern"] = PHONE_PATTERN
        attributes["data-pattern-message"] = PHONE_MESSAGE
    return attributes


# --- when: the code's window and the campaign's dates -------------------------------------------


def campaign_refusal(start_date: date, end_date: date, today: date) -> str | None:
    """Return campaign_ended / campaign_not_started for a campaign's dates, or None."""
    if today > end_date:
        return "campaign_ended"
    if today < start_date:
        return "campaign_not_started"
    return None


def code_refusal(revoked_at: datetime | None, valid_from: datetime | None,
                 valid_until: datetime | None, start_date: date, end_date: date, *,
                 at: datetime, today: date) -> str | None:
    """Return why a check-in code cannot take a registration now (a REFUSALS key), or None."""
    state = code_state(revoked_at, valid_from, valid_until, at)
    if state != "valid":
        return state
    return campaign_refusal(start_date, end_date, today)


# --- where: the hamlet ------------------------------------------------------------------------


def hamlet_in_campaign(*columns: sa.ColumnElement,
                       campaign_id: sa.ColumnElement | None = None) -> sa.Select:
    """Return SELECT columns of the hamlet :hamlet_id if it lies in the campaign.

    A hamlet lies in a campaign when its commune is one of the campaign's, or when the campaign
    names no commune. The campaign is :campaign_id, or `campaign_id` when it is a column of an
    enclosing query.
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


def check_hamlet(hamlet_id: int | None, in_campaign: bool, required: bool) -> None:
    """Raise unless the hamlet is given when required and lies in the campaign when given."""
    if not hamlet_id:
        if required:
            raise DomainError(HAMLET_REQUIRED, "hamlet_id")
        return
    if not in_campaign:
        raise DomainError(HAMLET_OUTSIDE, "hamlet_id")


# --- what: the services -----------------------------------------------------------------------


def offered_services(desk_ids: Sequence[int], campaign_ids: Sequence[int]) -> list[int] | None:
    """Return the services on offer: the desk's, else the campaign's; None means every one."""
    return list(desk_ids or campaign_ids) or None


def chosen_services(service_ids: Iterable[int], offered: set[int]) -> list[int]:
    """Return the citizen's choices that are on offer, in order and once each, or raise."""
    chosen = [sid for sid in dict.fromkeys(service_ids) if sid in offered]
    if not chosen:
        raise DomainError(_l("Hãy chọn ít nhất một dịch vụ cần hỗ trợ."), "services")
    return chosen


def checked_outcomes(outcomes: Iterable[Outcome], offered: set[int]) -> list[Outcome]:
    """Return the volunteer's outcomes, one per service (the last one sent wins), or raise."""
    seen: dict[int, Outcome] = {}
    for item in outcomes:
        if item.service_id not in offered:
            raise DomainError(_l("Dịch vụ này không thuộc chiến dịch."), "services")
        if item.outcome not in OUTCOMES:
            raise DomainError(_l("Kết quả không hợp lệ."), "services")
        if item.outcome == FAILED and item.failure_reason not in FAILURE_REASONS:
            raise DomainError(_l("Hãy chọn lý do không thành công."), "services")
        if item.outcome != FAILED:
            item.failure_reason = None
        if len((item.note or "").strip()) > NOTE_LENGTH:
            # Refused whole, like an over-long name: never cut without saying so.
            raise DomainError(_l("Ghi chú dài quá %(n)s ký tự.", n=NOTE_LENGTH), "services")
        seen[item.service_id] = item
    if not seen:
        raise DomainError(_l("Hãy ghi kết quả cho ít nhất một dịch vụ."), "services")
    return list(seen.values())


# --- the queue: one live ticket per person, marks, who is next ---------------------------------

#: what a volunteer may mark a queue entry as
MARKS = (DUPLICATE, ABSENT)


def same_person(raw_phone: str | None, raw_name: str | None) -> tuple[str | None, str]:
    """Return the key that makes two sends one person: the normalised phone and folded name."""
    # +84 / spaces / dots and accents / case / spacing all land on the same key.
    return normalize_phone(raw_phone), fold(raw_name)


def check_mark(status: str, mark: str) -> None:
    """Raise unless a queue entry in `status` may take `mark` (or WAITING, to undo one)."""
    if mark == WAITING:
        if status not in MARKS:
            raise DomainError(_l("Người này không có đánh dấu nào để bỏ."))
        return
    if mark not in MARKS:
        raise DomainError(_l("Đánh dấu không hợp lệ."))
    if status not in LIVE:
        raise DomainError(_l("Chỉ đánh dấu được người còn trong hàng chờ."))


def next_waiting(queue: Iterable[tuple[int, str]]) -> int | None:
    """Return the lowest waiting number of (number, status) pairs; marked entries are skipped."""
    return min((number for number, status in queue if status == WAITING), default=None)


def people_ahead(queue: Iterable[tuple[int, str]], number: int) -> int:
    """Return how many live entries of (number, status) pairs come before `number`."""
    return sum(1 for other, status in queue if status in LIVE and other < number)
