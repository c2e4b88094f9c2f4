"""The run of show: agenda items inside the event, clashes, shifts, and "now / next"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import AgendaItem, AgendaShift, LaunchEvent
from fieldops.events.services import hhmm, overlaps
from fieldops.text import nfc

#: a shift of more than this is surely a typo (four hours)
MAX_SHIFT_MINUTES = 240


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def in_order(event: LaunchEvent) -> list[AgendaItem]:
    """Return the event's items by start (a collection just added to may be out of order)."""
    return sorted(event.agenda_items, key=lambda i: (i.start_time, i.end_time, i.id or 0))


def clashes_with(event: LaunchEvent, start: time, end: time, parallel: bool,
                 ignore: AgendaItem | None = None) -> list[AgendaItem]:
    """Return the items a span would overlap; a parallel item clashes with nothing."""
    if parallel:
        return []
    return [item for item in event.agenda_items
            if item is not ignore and not item.parallel
            and overlaps(start, end, item.start_time, item.end_time)]


def clashing_pairs(event: LaunchEvent) -> list[tuple[AgendaItem, AgendaItem]]:
    """Return every pair of non-parallel items that overlap (none after a clean edit)."""
    items = [i for i in in_order(event) if not i.parallel]
    return [(a, b) for n, a in enumerate(items) for b in items[n + 1:]
            if overlaps(a.start_time, a.end_time, b.start_time, b.end_time)]


def _clash_message(clashes: list[AgendaItem]) -> str:
    names = "; ".join(f"“{c.title}” ({hhmm(c.start_time)}–{hhmm(c.end_time)})" for c in clashes)
    return _l("Trùng giờ với: %(items)s. Đổi giờ, hoặc đánh dấu “diễn ra song song”.",
              items=names)


def save_item(
    event: LaunchEvent,
    item: AgendaItem | None,
    *,
    start_time: time,
    end_time: time,
    title: str,
    responsible_unit: str | None = None,
    notes: str | None = None,
    parallel: bool = False,
) -> AgendaItem:
    """Add or change an agenda item, which must lie inside the event and clash with no other."""
    if not nfc(title):
        raise DomainError(_l("Vui lòng nhập nội dung."), "title")
    if start_time is None or end_time is None:
        raise DomainError(_l("Vui lòng nhập giờ bắt đầu và giờ kết thúc."), "start_time")
    if end_time <= start_time:
        raise DomainError(_l("Giờ kết thúc phải sau giờ bắt đầu."), "end_time")
    if start_time < event.start_time or end_time > event.end_time:
        raise DomainError(
            _l("Mục phải nằm trong thời gian sự kiện (%(start)s–%(end)s).",
               start=hhmm(event.start_time), end=hhmm(event.end_time)), "start_time")
    clashes = clashes_with(event, start_time, end_time, parallel, ignore=item)
    if clashes:
        raise DomainError(_clash_message(clashes), "start_time")
    if item is None:
        item = AgendaItem(event=event)
        db.session.add(item)
    item.start_time = start_time
    item.end_time = end_time
    item.title = nfc(title)
    item.responsible_unit = nfc(responsible_unit) or None
    item.notes = (notes or "").strip() or None
    item.parallel = bool(parallel)
    db.session.flush()
    return item


def delete_item(item: AgendaItem) -> None:
    """Remove an agenda item."""
    db.session.delete(item)
    db.session.flush()


@dataclass(frozen=True)
class ShiftResult:
    """What a shift did: the log row, and the event end before it if the shift extended it."""

    shift: AgendaShift
    extended_from: time | None


def shift_from(
    item: AgendaItem, minutes: int, *, reason: str | None = None, shifted_by_id: int | None = None
) -> ShiftResult:
    """Move an item and every item starting at or after it by some minutes, and log it.

    A shift past the event's end extends the event (the caller tells the user); a shift past
    midnight, or before the event's start, is refused and nothing moves.
    """
    event = item.event
    if not minutes:
        raise DomainError(_l("Số phút phải khác 0."), "minutes")
    if abs(minutes) > MAX_SHIFT_MINUTES:
        raise DomainError(_l("Chỉ dời tối đa %(n)s phút mỗi lần.", n=MAX_SHIFT_MINUTES),
                          "minutes")
    # Items after the chosen one: those starting no earlier (same start: later in the list).
    ordered = in_order(event)
    moved = [i for i in ordered
             if i is item or i.start_time > item.start_time
             or (i.start_time == item.start_time and ordered.index(i) > ordered.index(item))]
    last_end = max(_minutes(i.end_time) for i in moved) + minutes
    first_start = min(_minutes(i.start_time) for i in moved) + minutes
    if last_end > 23 * 60 + 59:
        raise DomainError(
            _l("Không thể dời: mục cuối sẽ kết thúc sau nửa đêm (quá 23:59)."), "minutes")
    if first_start < _minutes(event.start_time):
        raise DomainError(
            _l("Không thể dời: mục đầu sẽ bắt đầu trước giờ bắt đầu sự kiện (%(start)s).",
               start=hhmm(event.start_time)), "minutes")
    new_spans = {i.id: (_time(_minutes(i.start_time) + minutes),
                        _time(_minutes(i.end_time) + minutes)) for i in moved}
    # Moving earlier may run into an item that stays put.
    if minutes < 0:
        staying = [i for i in ordered if i not in moved and not i.parallel]
        for i in moved:
            if i.parallel:
                continue
            start, end = new_spans[i.id]
            hits = [s for s in staying if overlaps(start, end, s.start_time, s.end_time)]
            if hits:
                raise DomainError(_clash_message(hits), "minutes")
    old_end, from_time = event.end_time, item.start_time
    for i in moved:
        i.start_time, i.end_time = new_spans[i.id]
    extended_from = None
    if _time(last_end) > event.end_time:
        extended_from = event.end_time
        event.end_time = _time(last_end)
    log = AgendaShift(event=event, from_item_id=item.id, from_item_title=item.title,
                      from_time=from_time, minutes=minutes,
                      items_moved=len(moved), reason=nfc(reason) or None,
                      old_end_time=old_end, new_end_time=event.end_time,
                      shifted_by_id=shifted_by_id)
    db.session.add(log)
    db.session.flush()
    return ShiftResult(log, extended_from)


@dataclass(frozen=True)
class NowNext:
    """What is on stage at a moment, what comes next, and whether the day is the event's."""

    at: time
    now: list[AgendaItem]
    next: AgendaItem | None
    same_day: bool
    before_start: bool
    after_end: bool

    def minutes_to_next(self) -> int | None:
        """Return the minutes until the next item starts."""
        if self.next is None:
            return None
        return _minutes(self.next.start_time) - _minutes(self.at)


def now_next(event: LaunchEvent, at: datetime | time, today: date | None = None) -> NowNext:
    """Return the items running at a local time of day and the first item after it."""
    moment = at.time() if isinstance(at, datetime) else at
    moment = moment.replace(second=0, microsecond=0)
    items = in_order(event)
    running = [i for i in items if i.start_time <= moment < i.end_time]
    upcoming = [i for i in items if i.start_time > moment]
    return NowNext(
        at=moment, now=running, next=upcoming[0] if upcoming else None,
        same_day=today is None or today == event.event_date,
        before_start=bool(items) and moment < items[0].start_time,
        after_end=bool(items) and moment >= max(i.end_time for i in items))

