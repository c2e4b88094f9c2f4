"""A day's list compared with the previous list of its commune and kind: new, still, back, gone.

Lists of a commune and kind form a chain by day. A list is only taken after the last one of
its chain: a list for an earlier day imported late would change who was "gone" on days whose
results teams have already been told, so it is refused with a message naming the later list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.db import db
from fieldops.drive import credit
from fieldops.drive.models import LIST_KINDS, ListedPerson, ListEntry, PoliceList
from fieldops.uploads.batches import driver_rows, insert_rows
from fieldops.uploads.tables import Message

PERSON = ListedPerson.__table__
ENTRY = ListEntry.__table__
LIST = PoliceList.__table__
GONE = "gone"


@dataclass
class Previous:
    """The chain a new list joins: its last list, who was on it (days on list), who ever was."""

    list_id: int | None = None
    days: dict[int, int] = field(default_factory=dict)
    ever: set[int] = field(default_factory=set)
    problem: Message | None = None


def previous_lists(campaign_id: int, commune_id: int, kind: str, day: date) -> Previous:
    """Return the previous list of a commune and kind before `day`, or why `day` is refused."""
    lists = db.session.execute(sa.select(LIST.c.id, LIST.c.list_day).where(
        LIST.c.campaign_id == campaign_id, LIST.c.commune_id == commune_id, LIST.c.kind == kind
    ).order_by(LIST.c.list_day.desc())).all()
    if lists and lists[0].list_day >= day:
        from fieldops.areas.models import Area

        commune = db.session.get(Area, commune_id).display_name
        latest = lists[0].list_day.strftime("%d/%m/%Y")
        if lists[0].list_day == day:
            return Previous(problem=_l(
                "%(commune)s đã có danh sách “%(kind)s” ngày %(day)s. Mỗi ngày chỉ nhập một "
                "danh sách; nếu tệp đó sai, hãy báo quản trị viên.", commune=commune,
                kind=LIST_KINDS[kind], day=latest))
        return Previous(problem=_l(
            "%(commune)s đã có danh sách “%(kind)s” ngày %(latest)s, sau ngày %(day)s. Chỉ nhập "
            "được danh sách của ngày sau danh sách cuối cùng, vì so sánh từng ngày (mới, vẫn "
            "còn, đã ra khỏi danh sách) đã tính theo các danh sách đã có.", commune=commune,
            kind=LIST_KINDS[kind], latest=latest, day=day.strftime("%d/%m/%Y")))
    if not lists:
        return Previous()
    latest_id = lists[0].id
    days = dict(driver_rows(sa.select(ENTRY.c.person_id, ENTRY.c.days_on_list).where(
        ENTRY.c.list_id == latest_id)))
    ever = set(days)
    if len(lists) > 1:
        earlier = sa.select(LIST.c.id).where(
            LIST.c.campaign_id == campaign_id, LIST.c.commune_id == commune_id,
            LIST.c.kind == kind, LIST.c.id != latest_id)
        ever.update(row[0] for row in driver_rows(sa.select(ENTRY.c.person_id).distinct().where(
            ENTRY.c.list_id.in_(earlier))))
    return Previous(latest_id, days, ever)


def write_entries(steps, list_ids: dict[int, int], new_ids: dict[str, int], kind: str,
                  day: date) -> None:
    """Write the entries of the day's lists (new people's ids by ID hash), then move each
    person's list in set-based UPDATEs: those on a list now point at it, those left only on
    the previous list are gone today."""
    insert_rows(ENTRY, ("list_id", "person_id", "row_number", "change", "days_on_list",
                        "status_text"), [
        (list_ids[commune_id], person_id or new_ids[digest], number, change, days, status)
        for commune_id, person_id, digest, number, change, days, status in steps.entries])
    for commune_id, list_id in list_ids.items():
        on_list = sa.select(ENTRY.c.person_id).where(ENTRY.c.list_id == list_id)
        # People new today were written pointing at today's list already.
        if steps.lists[commune_id].on_list:
            db.session.execute(sa.update(PERSON).where(
                PERSON.c.id.in_(on_list),
                sa.or_(PERSON.c.on_list_id.is_(None), PERSON.c.on_list_id != list_id)).values(
                on_list_id=list_id, last_listed_on=day, gone_on=None, kind=kind))
        previous_id = steps.lists[commune_id].previous.list_id
        if previous_id is not None:
            # Everyone still on the previous list now was not on today's: the official result.
            credit.leaving(previous_id, day)
            db.session.execute(sa.update(PERSON).where(PERSON.c.on_list_id == previous_id)
                               .values(gone_on=day, on_list_id=None))


def entries_query(police_list: PoliceList, change: str | None, hamlet_id: int | None):
    """Return a SELECT of a list's people (or those gone from its previous list) for its page."""
    columns = (PERSON.c.id, PERSON.c.citizen_id_last4, PERSON.c.full_name, PERSON.c.birth_date,
               PERSON.c.birth_year, PERSON.c.hamlet_id, PERSON.c.phone, PERSON.c.address)
    if change == GONE:
        still = sa.select(ENTRY.c.person_id).where(ENTRY.c.list_id == police_list.id)
        query = sa.select(*columns, sa.literal(GONE).label("change"),
                          ENTRY.c.days_on_list).join_from(
            ENTRY, PERSON, ENTRY.c.person_id == PERSON.c.id).where(
            ENTRY.c.list_id == (police_list.previous_id or -1), ENTRY.c.person_id.not_in(still))
    else:
        query = sa.select(*columns, ENTRY.c.change, ENTRY.c.days_on_list).join_from(
            ENTRY, PERSON, ENTRY.c.person_id == PERSON.c.id).where(
            ENTRY.c.list_id == police_list.id)
        if change:
            query = query.where(ENTRY.c.change == change)
    if hamlet_id:
        query = query.where(PERSON.c.hamlet_id == hamlet_id)
    return query


def page_of(query, page: int, per_page: int) -> tuple[list, int]:
    """Return one page of a query's rows (by name) and the number of rows in all."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(PERSON.c.name_folded, PERSON.c.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total
