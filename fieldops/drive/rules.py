"""The door-to-door rules on plain values: the visit's outcomes, the household survey, the split.

One copy for the server and the phone: the visit form's inputs carry the attributes drawn here
(`survey_attributes`, `reason_attributes`), and the services check the same values again.
Nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from flask_babel import lazy_gettext as _l

from fieldops.checkin.models import DONE, FAILED, FOLLOW_UP
from fieldops.checkin.rules import REQUIRED_MESSAGE
from fieldops.drive.models import (
    ABSENT,
    ACTIVATED_LEVEL1,
    ACTIVATED_LEVEL2,
    GUIDED,
    NO_SMARTPHONE,
    OUTCOMES,
    REFUSED,
)
from fieldops.errors import DomainError, DomainErrors

#: the household survey of plan 004, as counts of people or devices
SURVEY_FIELDS = ("members_14plus", "smartphones", "computers", "vneid_installed",
                 "vneid_activated")
SURVEY_LABELS = {
    "members_14plus": _l("Số người từ 14 tuổi"),
    "smartphones": _l("Số điện thoại thông minh"),
    "computers": _l("Số máy tính có internet"),
    "vneid_installed": _l("Số người đã cài VNeID"),
    "vneid_activated": _l("Số người đã kích hoạt VNeID"),
}
#: more than this in one household is a typing slip
COUNT_MAX = 40
#: 0 to COUNT_MAX, as the browser's pattern attribute reads it: the phone refuses what we do
COUNT_PATTERN = "[0-9]|[1-3][0-9]|40"
COUNT_MESSAGE = _l("Nhập một số từ 0 đến 40.")

#: where a person without a smartphone was sent (plan 003: the website, or a desk)
NO_SMARTPHONE_ROUTES = {
    "website": _l("Đã hỗ trợ qua website vneid.gov.vn"),
    "desk": _l("Hẹn ra bàn hỗ trợ"),
}
REASON_MAX = 255
REASON_REQUIRED = _l("Hãy ghi lý do từ chối.")
ROUTE_REQUIRED = _l("Hãy chọn cách hỗ trợ người không có điện thoại thông minh.")

#: what a visit's outcome records on its door registration: (service code, checkin outcome)
REGISTRATION_OUTCOMES = {
    ACTIVATED_LEVEL1: ("vneid_install", DONE),
    ACTIVATED_LEVEL2: ("eid_level2", DONE),
    GUIDED: ("eid_level2", FOLLOW_UP),
    NO_SMARTPHONE: ("eid_level2", FOLLOW_UP),
}
#: the checkin failure reason a non-counting outcome records
FAILURE_OF = {ABSENT: "absent", NO_SMARTPHONE: "no_smartphone"}

#: outcomes that end the visits: nothing more to do at this door
FINAL = tuple(o for o in OUTCOMES if o != ABSENT)


def survey_attributes(name: str) -> dict:
    """Return the HTML attributes that let a phone check a survey count before keeping it."""
    return {"inputmode": "numeric", "maxlength": 2, "pattern": COUNT_PATTERN,
            "data-pattern-message": COUNT_MESSAGE, "autocomplete": "off"}


def reason_attributes() -> dict:
    """Return the HTML attributes of a person's reason field."""
    return {"maxlength": REASON_MAX, "data-required-message": REQUIRED_MESSAGE}


def check_survey(values: dict[str, int | None]) -> dict[str, int | None]:
    """Return the survey counts if each is 0..COUNT_MAX and they agree, or raise them all."""
    errors: list[DomainError] = []
    clean: dict[str, int | None] = {}
    for name in SURVEY_FIELDS:
        value = values.get(name)
        if value is not None and not 0 <= value <= COUNT_MAX:
            errors.append(DomainError(COUNT_MESSAGE, name))
        clean[name] = value
    installed, activated = clean["vneid_installed"], clean["vneid_activated"]
    if not errors and installed is not None and activated is not None and activated > installed:
        errors.append(DomainError(
            _l("Số người đã kích hoạt không thể nhiều hơn số người đã cài VNeID."),
            "vneid_activated"))
    adults = clean["members_14plus"]
    if not errors and adults is not None and installed is not None and installed > adults:
        errors.append(DomainError(
            _l("Số người đã cài VNeID không thể nhiều hơn số người từ 14 tuổi."),
            "vneid_installed"))
    if errors:
        raise DomainErrors(errors)
    return clean


def outcome_choices() -> list[tuple[str, str]]:
    """Return the visit form's choices of a person's outcome: no smartphone comes as one choice
    per route ("no_smartphone/website"), so that one select says both."""
    found: list[tuple[str, str]] = []
    for key, label in OUTCOMES.items():
        if key == NO_SMARTPHONE:
            found += [(f"{key}/{route}", f"{label}: {text}")
                      for route, text in NO_SMARTPHONE_ROUTES.items()]
        else:
            found.append((key, str(label)))
    return found


def split_choice(value: str) -> tuple[str, str | None]:
    """Return (outcome, route) of a choice of outcome_choices()."""
    outcome, _, route = (value or "").partition("/")
    return outcome, route or None


def check_outcome(outcome: str, reason: str | None, field: str) -> str | None:
    """Return the reason kept with a person's outcome, or raise on the person's field."""
    if outcome not in OUTCOMES:
        raise DomainError(_l("Kết quả không hợp lệ."), field)
    reason = (reason or "").strip()[:REASON_MAX] or None
    if outcome == REFUSED and not reason:
        raise DomainError(REASON_REQUIRED, field)
    if outcome == NO_SMARTPHONE and reason not in NO_SMARTPHONE_ROUTES:
        raise DomainError(ROUTE_REQUIRED, field)
    return reason


def registration_outcome(outcome: str) -> tuple[str, str, str | None]:
    """Return (service code, checkin outcome, failure reason) a visit's outcome records."""
    code, result = REGISTRATION_OUTCOMES.get(outcome, ("eid_level2", FAILED))
    failure = FAILURE_OF.get(outcome, "other") if result == FAILED else None
    return code, result, failure


def next_day(days: Iterable[date], after: date) -> date | None:
    """Return the first of `days` after `after`, or None."""
    return min((d for d in days if d > after), default=None)


def goes_on_absent_list(absences: int, absences_to_list: int) -> bool:
    """Return whether a person absent this many times goes on the list sent to the police."""
    return absences >= max(absences_to_list, 1)


def split_evenly(units: Sequence[tuple[object, int]], members: Sequence[int]
                 ) -> dict[object, int]:
    """Give each unit (household, street or person, with its number of people) to a member.

    Biggest units first, each to the member with the fewest people so far (ties: the order
    of `members`): the shares differ by at most the largest unit.
    """
    if not members:
        raise DomainError(_l("Đoàn chưa có thành viên nào để chia."))
    load = {m: 0 for m in members}
    given: dict[object, int] = {}
    for unit, size in sorted(units, key=lambda u: -u[1]):
        member = min(members, key=lambda m: load[m])
        given[unit] = member
        load[member] += size
    return given
