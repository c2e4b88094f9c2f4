"""The places import: a file of communes and hamlets compared with those stored, then written.

One query reads the communes under the province or district, one their hamlets; each row of the
file is then matched by dict lookups, and the new and changed places are written in four
batches (communes created, communes changed, hamlets created, hamlets changed). A row that
matches what is stored changes nothing, so the same file imported twice reports 0 changes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.imports import name_key, parse_places
from fieldops.areas.models import COMMUNE, DISTRICT, HAMLET, KINDS, PROVINCE, Area
from fieldops.areas.services import kind_and_name
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.text import fold
from fieldops.uploads.batches import select_in, write_many
from fieldops.uploads.staging import CREATE, SAME, UPDATE, Change, Column, Importer, Parsed, Plan
from fieldops.uploads.tables import ImportFileError, ImportProblem, read_table

AREA = Area.__table__
NAME_LENGTH = AREA.c.name.type.length
#: the columns a batch writes; every row of a batch carries all of them
_VALUES = ("kind", "name", "name_folded", "population_14plus", "households", "latitude",
           "longitude")
_STORED = (AREA.c.id, AREA.c.parent_id, *(AREA.c[name] for name in _VALUES))
_UPDATE = sa.update(AREA).where(AREA.c.id == sa.bindparam("b_id"))
_COLUMNS = (Column(_l("Tên")), Column(_l("Thuộc")), Column(_l("Nhân khẩu từ 14 tuổi"), True),
            Column(_l("Số hộ"), True))


class StagedPlace(NamedTuple):
    """One row of a places file as kept with the upload (a list in its JSON)."""

    row: int
    commune: str
    #: None on a row that is the commune itself
    hamlet: str | None
    #: given or read from the name; None keeps a stored place's kind
    kind: str | None
    population_14plus: int | None
    households: int | None
    latitude: float | None
    longitude: float | None
    commune_key: str
    hamlet_key: str | None
    #: the stored name, kind and search name when the kind is known (see kind_and_name)
    name: str
    new_kind: str
    name_folded: str


class Stored(NamedTuple):
    """A stored place as compared: id, parent and the values a file may change."""

    id: int
    parent_id: int | None
    kind: str
    name: str
    name_folded: str
    population_14plus: int | None
    households: int | None
    latitude: float | None
    longitude: float | None


@dataclass
class _Steps:
    """The writes of a places plan, batch by batch."""

    new_communes: list[tuple[str, dict]] = field(default_factory=list)
    communes: list[dict] = field(default_factory=list)
    #: (key of a commune created by the same file, or "", values)
    new_hamlets: list[tuple[str, dict]] = field(default_factory=list)
    hamlets: list[dict] = field(default_factory=list)


def _kind_folds() -> dict[str, str]:
    return {code: fold(word) for code, (word, _level) in KINDS.items()}


def stored_key(place: Stored, kind_folds: dict[str, str]) -> str:
    """Return a stored place's match key from its search name (no fold of each name needed)."""
    # name_folded is fold("<kind word> <name>"): cut the kind word, then any kind word the name
    # itself starts with, as name_key does for a name in a file.
    return name_key(place.name_folded[len(kind_folds[place.kind]) + 1:])


def _parse(filename: str, content: bytes, scope: dict) -> Parsed:
    try:
        parsed = parse_places(read_table(filename, content))
    except ImportFileError as error:
        return Parsed(None, [ImportProblem(None, None, error.message)])
    rows = []
    for r in parsed.rows:
        level, written = (HAMLET, r.hamlet) if r.hamlet else (COMMUNE, r.commune)
        kind, name = kind_and_name(level, r.kind, written)
        if len(name) > NAME_LENGTH:
            column = parsed.columns.get(level, "Thôn/Ấp" if r.hamlet else "Xã/Phường")
            parsed.problems.append(ImportProblem(r.row, column, _l(
                "Tên dài quá %(n)s ký tự.", n=NAME_LENGTH)))
            continue
        rows.append(list(StagedPlace(
            r.row, r.commune, r.hamlet, r.kind, r.population_14plus, r.households, r.latitude,
            r.longitude, name_key(fold(r.commune)), name_key(fold(r.hamlet)) if r.hamlet else None,
            name, kind, fold(f"{KINDS[kind][0]} {name}"))))
    return Parsed({"columns": parsed.columns, "rows": rows}, parsed.problems)


def _communes(parent: Area) -> list[Stored]:
    """Return the communes under a province or district, also through its districts."""
    districts = sa.select(AREA.c.id).where(AREA.c.parent_id == parent.id,
                                           AREA.c.level == DISTRICT)
    return list(map(Stored._make, db.session.execute(sa.select(*_STORED).where(
        AREA.c.level == COMMUNE,
        sa.or_(AREA.c.parent_id == parent.id, AREA.c.parent_id.in_(districts))))))


def _hamlets(communes: list[Stored]) -> list[Stored]:
    """Return the hamlets of these communes, as commune.children orders them."""
    rows = select_in(sa.select(*_STORED).where(AREA.c.level == HAMLET), AREA.c.parent_id,
                     [c.id for c in communes])
    return sorted(map(Stored._make, rows), key=lambda h: (h.name, h.id))


def _values(row: StagedPlace, level: str, stored: Stored | None) -> dict:
    if row.kind is None and stored is not None:
        kind, name = kind_and_name(level, stored.kind, row.hamlet or row.commune)
        folded = fold(f"{KINDS[kind][0]} {name}")
    else:
        kind, name, folded = row.new_kind, row.name, row.name_folded

    values = {"kind": kind, "name": name, "name_folded": folded}
    for column in _VALUES[3:]:
        new = getattr(row, column)
        # A blank cell keeps what is stored rather than erasing it.
        values[column] = getattr(stored, column) if new is None and stored is not None else new
    return values


def _action(values: dict, stored: Stored | None) -> str:
    if stored is None:
        return CREATE
    return SAME if all(values[k] == getattr(stored, k) for k in _VALUES) else UPDATE


def _unknown_commune(row: StagedPlace, parent: Area, communes: list[Stored],
                     column: str) -> ImportProblem:
    names = [c.name for c in communes]
    close = difflib.get_close_matches(fold(row.commune), [fold(n) for n in names], n=3,
                                      cutoff=0.6)
    by_fold = {fold(n): n for n in names}
    message = _l("Không có xã/phường “%(name)s” trong %(parent)s.", name=row.commune,
                 parent=parent.display_name)
    if close:
        message = _l("%(message)s Có phải: %(hint)s?", message=message,
                     hint=", ".join(by_fold[c] for c in close))
    return ImportProblem(row.row, column, message)


def _plan(data: dict, scope: dict) -> Plan:
    parent = db.session.get(Area, scope["parent_id"])
    plan = Plan(columns=_COLUMNS, steps=_Steps())
    if parent is None or parent.level not in (PROVINCE, DISTRICT):
        plan.problems.append(ImportProblem(None, None, _l("Chỉ nhập vào một tỉnh hoặc huyện.")))
        return plan
    rows = list(map(StagedPlace._make, data["rows"]))
    stored_communes = _communes(parent)
    folds = _kind_folds()
    communes = {stored_key(c, folds): c for c in stored_communes}
    named = {r.commune_key for r in rows}
    hamlets: dict[tuple[int, str], Stored] = {}
    by_folded: dict[tuple[int, str], Stored] = {}
    # Only the hamlets of the communes the file names: a province may hold tens of thousands.
    for h in _hamlets([c for key, c in communes.items() if key in named]):
        hamlets.setdefault((h.parent_id, stored_key(h, folds)), h)
        by_folded[h.parent_id, h.name_folded] = h
    in_file = {r.commune_key for r in rows if r.hamlet is None}
    column = data["columns"].get("commune", "Xã/Phường")
    steps: _Steps = plan.steps
    for row in rows:
        commune = communes.get(row.commune_key)
        if row.hamlet is None:
            values = _values(row, COMMUNE, commune)
            action = _action(values, commune)
            if action == CREATE:
                steps.new_communes.append((row.commune_key, {
                    **values, "level": COMMUNE, "parent_id": parent.id, "code": None}))
            elif action == UPDATE:
                steps.communes.append({**values, "b_id": commune.id})
            plan.changes.append(Change(row.row, action, (
                row.commune, parent.display_name, row.population_14plus, row.households),
                COMMUNE))
            continue
        if commune is None and row.commune_key not in in_file:
            plan.problems.append(_unknown_commune(row, parent, stored_communes, column))
            continue
        hamlet = None
        if commune is not None:
            # Matched by name without its kind word; else by the exact stored search name.
            hamlet = (hamlets.get((commune.id, row.hamlet_key))
                      or by_folded.get((commune.id, row.name_folded)))
        values = _values(row, HAMLET, hamlet)
        action = _action(values, hamlet)
        if action == CREATE:
            steps.new_hamlets.append(("" if commune else row.commune_key, {
                **values, "level": HAMLET, "parent_id": commune.id if commune else None,
                "code": None}))
        elif action == UPDATE:
            steps.hamlets.append({**values, "b_id": hamlet.id})
        plan.changes.append(Change(row.row, action, (
            row.hamlet, row.commune, row.population_14plus, row.households), HAMLET))
    plan.summary = [
        _l("Xã/phường: %(new)s tạo mới, %(old)s cập nhật", new=plan.count(CREATE, COMMUNE),
           old=plan.count(UPDATE, COMMUNE)),
        _l("Thôn/ấp: %(new)s tạo mới, %(old)s cập nhật", new=plan.count(CREATE, HAMLET),
           old=plan.count(UPDATE, HAMLET))]
    plan.confirm_label = _l("Xác nhận nhập %(n)s mục", n=plan.changed)
    return plan


def _apply(plan: Plan, upload, user, options: dict):
    steps: _Steps = plan.steps
    now = now_utc()
    new_ids: dict[str, int] = {}
    if steps.new_communes:
        # Communes first, so that hamlets of a commune created by the same file find its id.
        ids = db.session.scalars(
            sa.insert(AREA).returning(AREA.c.id, sort_by_parameter_order=True),
            [{**values, "created_at": now} for _, values in steps.new_communes]).all()
        new_ids = {key: id_ for (key, _), id_ in zip(steps.new_communes, ids, strict=True)}
    write_changes(steps.communes, now)
    write_many(sa.insert(AREA), [
        {**values, "parent_id": new_ids[key]} if key else values
        for key, values in steps.new_hamlets], {"created_at": now})
    write_changes(steps.hamlets, now)
    return _l("Đã nhập xong: %(n)s mục được tạo mới hoặc cập nhật.", n=plan.changed)


def write_changes(rows: list[dict], now) -> None:
    """Update places by id in one executemany: each row holds "b_id" and the columns to set."""
    write_many(_UPDATE, rows, {"updated_at": now})


PLACES = Importer("places", _parse, _plan, _apply)
