"""Rules about launch events, their invited groups and the reception tap counter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import EVENT, KINDS, STATUSES, ArrivalTap, AttendeeGroup, LaunchEvent
from fieldops.text import fold, nfc

_TAP_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def hhmm(value: time) -> str:
    """Return a time of day as 24-hour HH:MM."""
    return value.strftime("%H:%M")


def overlaps(start_a: time, end_a: time, start_b: time, end_b: time) -> bool:
    """Return whether two spans of the same day share more than a boundary instant."""
    return start_a < end_b and start_b < end_a


def save_event(
    campaign: Campaign,
    event: LaunchEvent | None,
    *,
    title: str,
    event_date: date,
    start_time: time,
    end_time: time,
    venue_name: str,
    venue_address: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    expected_attendance: int | None = None,
    status: str = "planned",
    created_by_id: int | None = None,
    kind: str = EVENT,
) -> LaunchEvent:
    """Create or change a launch event; its agenda must still fit inside the new times."""
    if not nfc(title):
        raise DomainError(_l("Vui lòng nhập tên sự kiện."), "title")
    if not nfc(venue_name):
        raise DomainError(_l("Vui lòng nhập địa điểm."), "venue_name")
    if start_time is None or end_time is None:
        raise DomainError(_l("Vui lòng nhập giờ bắt đầu và giờ kết thúc."), "start_time")
    if end_time <= start_time:
        raise DomainError(_l("Giờ kết thúc phải sau giờ bắt đầu."), "end_time")
    if expected_attendance is not None and expected_attendance < 0:
        raise DomainError(_l("Số người dự kiến không được âm."), "expected_attendance")
    if kind not in KINDS:
        raise DomainError(_l("Loại sự kiện không hợp lệ."), "kind")
    if status not in STATUSES:
        raise DomainError(_l("Trạng thái không hợp lệ."), "status")
    if (latitude is None) != (longitude is None):
        raise DomainError(_l("Nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."), "latitude")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError(_l("Tọa độ nằm ngoài phạm vi hợp lệ."), "latitude")
    if event is not None:
        for item in event.agenda_items:
            if item.start_time < start_time or item.end_time > end_time:
                raise DomainError(
                    _l("Mục “%(item)s” (%(start)s–%(end)s) sẽ nằm ngoài thời gian sự kiện.",
                       item=item.title, start=hhmm(item.start_time), end=hhmm(item.end_time)),
                    "start_time")
    else:
        event = LaunchEvent(campaign=campaign, created_by_id=created_by_id)
        db.session.add(event)
    event.title = nfc(title)
    event.kind = kind
    event.event_date = event_date
    event.start_time = start_time
    event.end_time = end_time
    event.venue_name = nfc(venue_name)
    event.venue_address = nfc(venue_address) or None
    event.latitude = latitude
    event.longitude = longitude
    event.expected_attendance = expected_attendance
    event.status = status
    db.session.flush()
    return event


def venue_conflicts(event: LaunchEvent) -> list[LaunchEvent]:
    """Return other events at the same venue on the same day at overlapping times."""
    same_day = db.session.execute(
        db.select(LaunchEvent).where(LaunchEvent.event_date == event.event_date,
                                     LaunchEvent.id != event.id)
    ).scalars()
    venue = fold(event.venue_name)
    return [other for other in same_day
            if fold(other.venue_name) == venue
            and overlaps(event.start_time, event.end_time, other.start_time, other.end_time)]


def save_group(
    event: LaunchEvent,
    group: AttendeeGroup | None,
    *,
    name: str,
    expected_count: int | None,
    organisation: str | None = None,
) -> AttendeeGroup:
    """Add or change an invited group; its head-count is a whole number, never negative."""
    if not nfc(name):
        raise DomainError(_l("Vui lòng nhập tên nhóm."), "name")
    if expected_count is None:
        raise DomainError(_l("Vui lòng nhập số người dự kiến."), "expected_count")
    if expected_count < 0:
        raise DomainError(_l("Số người dự kiến không được âm."), "expected_count")
    for other in event.groups:
        if other is not group and fold(other.name) == fold(name):
            raise DomainError(_l("Đã có nhóm “%(name)s”.", name=other.name), "name")
    if group is None:
        position = max((g.position for g in event.groups), default=0) + 1
        group = AttendeeGroup(event=event, position=position)
        db.session.add(group)
    group.name = nfc(name)
    group.organisation = nfc(organisation) or None
    group.expected_count = expected_count
    db.session.flush()
    return group


def delete_group(group: AttendeeGroup) -> None:
    """Remove an invited group with its arrivals."""
    db.session.delete(group)
    db.session.flush()


@dataclass(frozen=True)
class Arrivals:
    """Arrived against expected, per group and in total."""

    per_group: dict[int, int]
    expected: dict[int, int]

    @property
    def arrived_total(self) -> int:
        """Return how many have arrived over all groups."""
        return sum(self.per_group.values())

    @property
    def expected_total(self) -> int:
        """Return how many are expected over all groups."""
        return sum(self.expected.values())

    def as_json(self) -> dict:
        """Return the counts as the tap counter's JSON answer."""
        return {"groups": {str(gid): {"arrived": self.per_group.get(gid, 0), "expected": exp}
                           for gid, exp in self.expected.items()},
                "arrived_total": self.arrived_total, "expected_total": self.expected_total}


def arrivals(event: LaunchEvent) -> Arrivals:
    """Return the arrival counts of an event's groups (the sum of their taps)."""
    rows = db.session.execute(
        db.select(ArrivalTap.group_id, sa.func.coalesce(sa.func.sum(ArrivalTap.delta), 0))
        .join(AttendeeGroup, AttendeeGroup.id == ArrivalTap.group_id)
        .where(AttendeeGroup.event_id == event.id)
        .group_by(ArrivalTap.group_id)
    ).all()
    per_group = {g.id: 0 for g in event.groups}
    per_group.update({group_id: int(total) for group_id, total in rows})
    return Arrivals(per_group, {g.id: g.expected_count for g in event.groups})


def record_tap(group: AttendeeGroup, tap_id: str, delta: int, tapped_by_id: int | None) -> bool:
    """Count one arrival (+1) or undo one (-1); a tap_id already seen counts once.

    Returns True when the tap was new, False when it was a resend that changed nothing.
    """
    tap_id = (tap_id or "").strip()
    if not _TAP_ID.match(tap_id):
        raise DomainError(_l("Lần bấm không có mã hợp lệ; hãy tải lại trang."), "tap_id")
    if delta not in (1, -1):
        raise DomainError(_l("Chỉ có thể cộng hoặc trừ một người mỗi lần bấm."), "delta")
    if db.session.execute(db.select(ArrivalTap.id).filter_by(tap_id=tap_id)).first():
        return False
    if delta < 0:
        arrived = db.session.execute(
            db.select(sa.func.coalesce(sa.func.sum(ArrivalTap.delta), 0))
            .where(ArrivalTap.group_id == group.id)).scalar_one()
        if arrived <= 0:
            raise DomainError(_l("Nhóm “%(name)s” chưa có ai đến để bớt.", name=group.name),
                              "delta")
    try:
        # A savepoint: when two resends race, the UNIQUE tap_id refuses the second one
        # without undoing the rest of the request's transaction.
        with db.session.begin_nested():
            db.session.add(ArrivalTap(group_id=group.id, tap_id=tap_id, delta=delta,
                                      tapped_by_id=tapped_by_id))
    except sa.exc.IntegrityError:
        return False
    return True
