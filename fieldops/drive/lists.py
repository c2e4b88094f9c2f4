"""The police list import: a day's list per commune, compared with the previous one, written.

parse reads the file once (IDs hashed and encrypted there); plan reads the campaign's people
in one query and each commune's previous list in two, then sorts every row into new, still on
the list or back again by dict and set lookups; apply writes persons and entries in a few
executemany batches and the day-to-day changes in set-based UPDATEs. apply is a plain
function, callable from a background job as from the confirm page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.campaigns.models import Campaign
from fieldops.checkin.citizen_id import mask
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.drive import credit
from fieldops.drive import list_files as lf
from fieldops.drive.compare import Previous, previous_lists, write_entries
from fieldops.drive.followup import flag_unconfirmed
from fieldops.drive.households import attach_people
from fieldops.drive.in_area import upload_communes
from fieldops.drive.list_places import Places
from fieldops.drive.models import (
    BACK,
    ENTRY_CHANGES,
    LIST_KINDS,
    NEW,
    STILL,
    ColumnMapping,
    ListedPerson,
    PoliceList,
)
from fieldops.errors import DomainError
from fieldops.tasks import report_progress
from fieldops.uploads.batches import driver_rows, insert_rows, reserve_ids, write_many
from fieldops.uploads.staging import (
    CREATE,
    PREVIEW_ROWS,
    UPDATE,
    Change,
    Column,
    Importer,
    Parsed,
    Plan,
)
from fieldops.uploads.tables import ImportProblem

PERSON = ListedPerson.__table__
#: what a newer list may change about a person, compared with what is stored
DETAILS = ("full_name", "name_folded", "birth_date", "birth_year", "gender", "phone", "address",
           "commune_id", "hamlet_id")
_COLUMNS = (Column(_l("Số định danh")), Column(_l("Họ và tên")), Column(_l("Thôn/ấp")),
            Column(_l("So với danh sách trước")))
NEW_COLUMNS = ("citizen_id_hash", "citizen_id_last4", "citizen_id_encrypted", *DETAILS,
               "on_list_id")
_UPDATE = sa.update(PERSON).where(PERSON.c.id == sa.bindparam("b_id"))


@dataclass
class CommuneList:
    """What one commune's list of the day will be: its counts and its previous list."""

    commune_id: int
    previous: Previous
    counts: dict[str, int] = field(default_factory=lambda: {NEW: 0, STILL: 0, BACK: 0})
    rows: int = 0
    on_list: set[int] = field(default_factory=set)

    @property
    def gone(self) -> int:
        """Return how many people of the previous list are not on this one."""
        return len(self.previous.days.keys() - self.on_list)


@dataclass
class Steps:
    """The writes of a list import."""

    lists: dict[int, CommuneList] = field(default_factory=dict)
    #: people seen for the first time: NEW_COLUMNS, the birth date as ISO text
    new_people: list[tuple] = field(default_factory=list)
    changed_people: list[dict] = field(default_factory=list)
    #: (commune id, person id or None for a new person, hash, row, change, days, status)
    entries: list[tuple] = field(default_factory=list)
    #: {(commune id, name as written): {"text", "rows", "first_row", "suggestions", "choices"}}
    unknown: dict = field(default_factory=dict)
    mapping: dict = field(default_factory=dict)
    sha256: str = ""


def _parse(filename: str, content: bytes, scope: dict) -> Parsed:
    parsed = lf.read_list(filename, content, scope.get("mapping") or {},
                          need_commune=not scope.get("commune_id"))
    if parsed.problems:
        return Parsed(None, parsed.problems)
    return Parsed({"sha256": parsed.sha256, "mapping": parsed.mapping, "headers": parsed.headers,
                   "commune_column": parsed.commune_column, "rows": parsed.rows})


def _stored_people(campaign_id: int) -> dict[str, tuple]:
    """Return the campaign's listed people by ID hash: (id, *DETAILS), in one query; the birth
    date as ISO text, as a file's rows have it."""
    rows = driver_rows(sa.select(
        PERSON.c.citizen_id_hash, PERSON.c.id, *(PERSON.c[name] for name in DETAILS)).where(
        PERSON.c.campaign_id == campaign_id))
    at = 2 + DETAILS.index("birth_date")
    if db.session.connection().dialect.name == "sqlite":
        return {row[0]: row[1:] for row in rows}  # dates are ISO text in SQLite
    return {row[0]: (*row[1:at], row[at] and row[at].isoformat(), *row[at + 1:])
            for row in rows}


def _plan(data: dict, scope: dict) -> Plan:
    plan = Plan(columns=_COLUMNS, steps=Steps(mapping=data["mapping"], sha256=data["sha256"]))
    campaign = db.session.get(Campaign, scope["campaign_id"])
    kind, day = scope["kind"], date.fromisoformat(scope["list_day"])
    within = upload_communes(scope)
    done_stmt = sa.select(PoliceList).where(
        PoliceList.campaign_id == campaign.id, PoliceList.file_sha256 == data["sha256"])
    if within is not None:
        done_stmt = done_stmt.where(PoliceList.commune_id.in_(within))
    done = db.session.execute(
        done_stmt.order_by(PoliceList.list_day.desc())).scalars().first()
    if done is not None and (done.kind, done.list_day) == (kind, day):
        plan.problems.append(ImportProblem(None, None, _l(
            "Tệp này đã được nhập rồi (danh sách ngày %(day)s của %(commune)s); không nhập lại "
            "lần nữa.", day=done.list_day.strftime("%d/%m/%Y"),
            commune=done.commune.display_name)))
        return plan
    if done is not None:
        # A day when nobody activated gives the very same file: allowed, but said plainly in
        # case yesterday's file was picked by mistake.
        plan.summary.append(_l(
            "Lưu ý: tệp này giống hệt danh sách ngày %(day)s đã nhập. Nếu đây đúng là danh sách "
            "ngày %(today)s (không ai ra khỏi danh sách), hãy xác nhận; nếu chọn nhầm tệp, "
            "hãy hủy.",
            day=done.list_day.strftime("%d/%m/%Y"), today=day.strftime("%d/%m/%Y")))
    places = Places(campaign, scope.get("commune_id"))
    steps: Steps = plan.steps
    rows = data["rows"]
    communes: list[int | None] = []
    for row in rows:
        commune_id = places.commune_for(row[lf.COMMUNE], row[lf.ADDRESS])
        communes.append(commune_id)
        name = row[lf.COMMUNE] or row[lf.ADDRESS] or ""
        if commune_id is None and within is None:
            plan.problems.append(ImportProblem(row[lf.ROW], data["commune_column"], _l(
                "Không nhận ra xã/phường “%(name)s” trong các xã/phường của chiến dịch.",
                name=name)))
        elif commune_id is None or (within is not None and commune_id not in within):
            # One message for a commune next door and one not in the campaign: nothing is
            # told of what lies outside the uploader's area.
            plan.problems.append(ImportProblem(row[lf.ROW], data["commune_column"], _l(
                "“%(name)s” không thuộc xã/phường nào trong địa bàn của bạn ở chiến dịch này. "
                "Hãy bỏ dòng này khỏi tệp, hoặc nhờ người phụ trách địa bàn đó nhập.",
                name=name)))
    if plan.problems:
        return plan
    for commune_id in dict.fromkeys(communes):
        previous = previous_lists(campaign.id, commune_id, kind, day)
        if previous.problem:
            plan.problems.append(ImportProblem(None, None, previous.problem))
        steps.lists[commune_id] = CommuneList(commune_id, previous)
    if plan.problems:
        return plan
    _sort_rows(plan, rows, communes, places, _stored_people(campaign.id))
    _summarise(plan, places, kind, day)
    return plan


def _sort_rows(plan: Plan, rows: list, communes: list, places: Places,
               stored: dict[str, tuple]) -> None:
    """Sort each row into new / still / back and what it creates or updates."""
    steps: Steps = plan.steps
    hamlet_memo: dict[tuple[int, str], int | None] = {}
    for row, commune_id in zip(rows, communes, strict=True):
        number, hamlet_text = row[lf.ROW], row[lf.HAMLET]
        hamlet_id = None
        if hamlet_text:
            key = (commune_id, hamlet_text)
            if key not in hamlet_memo:
                hamlet_memo[key] = places.hamlet_for(commune_id, hamlet_text)
            hamlet_id = hamlet_memo[key]
            if hamlet_id is None:
                unknown = steps.unknown.setdefault(key, {
                    "commune_id": commune_id, "text": hamlet_text, "rows": 0, "first_row": number})
                unknown["rows"] += 1
        details = (row[lf.NAME], row[lf.NAME_FOLDED], row[lf.BIRTH_DATE], row[lf.BIRTH_YEAR],
                   row[lf.GENDER], row[lf.PHONE], row[lf.ADDRESS], commune_id, hamlet_id)
        person = stored.get(row[lf.HASH])
        the_list = steps.lists[commune_id]
        the_list.rows += 1
        if person is None:
            change, days, person_id = NEW, 1, None
            steps.new_people.append(
                (row[lf.HASH], row[lf.LAST4], row[lf.ENCRYPTED], *details))
        else:
            person_id = person[0]
            if person_id in the_list.previous.days:
                change, days = STILL, the_list.previous.days[person_id] + 1
            else:
                change, days = (BACK if person_id in the_list.previous.ever else NEW), 1
            the_list.on_list.add(person_id)
            if person[1:] != details:
                changed = dict(zip(DETAILS, details, strict=True))
                changed["birth_date"] = changed["birth_date"] and date.fromisoformat(
                    changed["birth_date"])
                steps.changed_people.append({"b_id": person_id, **changed})
        the_list.counts[change] += 1
        steps.entries.append((commune_id, person_id, row[lf.HASH], number, change, days,
                              row[lf.STATUS]))
        # Only the first rows become preview rows: the counts are in the summary.
        if len(plan.changes) < PREVIEW_ROWS:
            plan.changes.append(Change(number, CREATE if person is None else UPDATE, (
                mask(row[lf.LAST4]), row[lf.NAME],
                places.hamlet_names.get(hamlet_id, hamlet_text or ""),
                ENTRY_CHANGES[change]), change))


def _summarise(plan: Plan, places: Places, kind: str, day: date) -> None:
    steps: Steps = plan.steps
    for (commune_id, text), unknown in steps.unknown.items():
        unknown["suggestions"] = places.suggestions(commune_id, text)
        unknown["choices"] = places.hamlets_of(commune_id)
        unknown["commune"] = places.communes[commune_id].display_name
    for the_list in steps.lists.values():
        commune = places.communes[the_list.commune_id].display_name
        plan.summary.append(_l(
            "%(commune)s, %(kind)s ngày %(day)s: %(rows)s người — %(new)s mới, %(still)s vẫn "
            "còn, %(back)s quay lại; %(gone)s người ra khỏi danh sách so với danh sách trước.",
            commune=commune, kind=LIST_KINDS[kind], day=day.strftime("%d/%m/%Y"),
            rows=the_list.rows, new=the_list.counts[NEW], still=the_list.counts[STILL],
            back=the_list.counts[BACK], gone=the_list.gone))
    plan.confirm_label = _l("Xác nhận nhập %(n)s người", n=len(steps.entries))
    plan.notes = steps


def _apply(plan: Plan, upload, user, options: dict):
    steps: Steps = plan.steps
    if steps.unknown:
        raise DomainError(_l("Còn %(n)s tên thôn/ấp chưa nhận ra: hãy chọn thôn/ấp cho từng tên "
                             "trước khi xác nhận.", n=len(steps.unknown)))
    scope = upload.scope
    kind, day = scope["kind"], date.fromisoformat(scope["list_day"])
    now = now_utc()
    remember_mapping(scope["campaign_id"], kind, steps.mapping, now)
    lists = {}
    for commune_id, the_list in steps.lists.items():
        lists[commune_id] = PoliceList(
            campaign_id=scope["campaign_id"], commune_id=commune_id, kind=kind, list_day=day,
            file_sha256=steps.sha256, filename=upload.filename[:255],
            row_count=the_list.rows, new_count=the_list.counts[NEW],
            still_count=the_list.counts[STILL], back_count=the_list.counts[BACK],
            gone_count=the_list.gone, previous_id=the_list.previous.list_id,
            imported_by_id=user.id if user else None, created_at=now)
        db.session.add(lists[commune_id])
    db.session.flush()
    report_progress(1, 4)
    list_ids = {commune_id: item.id for commune_id, item in lists.items()}
    new_ids = write_people(steps, list_ids, scope["campaign_id"], kind, day, now)
    report_progress(2, 4)
    # New people join the households already surveyed at their address (for a large list,
    # everyone still without a household: one read instead of a huge IN list).
    attach_people(scope["campaign_id"],
                  list(new_ids.values()) if len(new_ids) <= 5_000 else None)
    report_progress(3, 4)
    # Claims two lists have not confirmed go back to their member; confirmed ones are cleared.
    for item in lists.values():
        flag_unconfirmed(item)
    report_progress(4, 4)
    return _l("Đã nhập danh sách ngày %(day)s: %(n)s người (%(new)s mới, %(still)s vẫn còn, "
              "%(back)s quay lại); %(gone)s người đã ra khỏi danh sách.",
              day=day.strftime("%d/%m/%Y"), n=len(steps.entries),
              new=sum(x.counts[NEW] for x in steps.lists.values()),
              still=sum(x.counts[STILL] for x in steps.lists.values()),
              back=sum(x.counts[BACK] for x in steps.lists.values()),
              gone=sum(x.gone for x in steps.lists.values()))


def write_people(steps: Steps, list_ids: dict[int, int], campaign_id: int, kind: str, day: date,
                 now) -> dict:
    """Write the people, the entries and the day-to-day changes of planned lists; return the
    new people's ids by ID hash."""
    at = 3 + DETAILS.index("commune_id")
    ids = reserve_ids(PERSON, len(steps.new_people))
    new_ids = {values[0]: id_ for values, id_ in zip(steps.new_people, ids, strict=True)}
    insert_rows(PERSON, ("id", *NEW_COLUMNS), [
        (id_, *values, list_ids[values[at]])
        for id_, values in zip(ids, steps.new_people, strict=True)],
        {"campaign_id": campaign_id, "kind": kind, "first_listed_on": day,
         "last_listed_on": day, "absences": 0, "created_at": now})
    # Before their rows change: who comes back leaves the confirmed counts where they were.
    credit.coming_back([entry[1] for entry in steps.entries])
    write_many(_UPDATE, steps.changed_people)
    write_entries(steps, list_ids, new_ids, kind, day)
    return new_ids


def remember_mapping(campaign_id: int, kind: str, mapping: dict, now) -> None:
    """Keep the columns as understood today for the campaign's next file of this kind."""
    saved = db.session.execute(sa.select(ColumnMapping).filter_by(
        campaign_id=campaign_id, kind=kind)).scalar_one_or_none()
    if saved is None:
        db.session.add(ColumnMapping(campaign_id=campaign_id, kind=kind, mapping=mapping,
                                     updated_at=now))
    elif saved.mapping != mapping:
        saved.mapping, saved.updated_at = {**saved.mapping, **mapping}, now


#: a province's day can be hundreds of thousands of rows: beyond this, a job with a progress bar
BACKGROUND_ROWS = 20_000
POLICE_LIST = Importer("police_list", _parse, _plan, _apply, background_rows=BACKGROUND_ROWS)
