"""The shapes import: a GeoJSON file of hamlet boundaries matched with a commune's hamlets."""

from __future__ import annotations

import difflib
import json
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.areas.import_plans import AREA, stored_key, write_changes
from fieldops.areas.imports import name_key
from fieldops.areas.models import COMMUNE, HAMLET, KINDS, Area
from fieldops.areas.shapes import geometry_center, parse_geojson
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.text import fold
from fieldops.uploads.staging import SAME, UPDATE, Change, Column, Importer, Parsed, Plan
from fieldops.uploads.tables import ImportFileError, ImportProblem

_COLUMNS = (Column(_l("Tên")), Column(_l("Thuộc")), Column(_l("Nhân khẩu từ 14 tuổi"), True),
            Column(_l("Số hộ"), True))


class StoredHamlet(NamedTuple):
    """A stored hamlet as a shape file compares it."""

    id: int
    kind: str
    name: str
    name_folded: str
    population_14plus: int | None
    households: int | None
    boundary: str | None
    latitude: float | None
    longitude: float | None


def _parse(filename: str, content: bytes, scope: dict) -> Parsed:
    try:
        parsed = parse_geojson(content)
    except ImportFileError as error:
        return Parsed(None, [ImportProblem(None, None, error.message)])
    return Parsed([[f.index, f.name, f.geometry] for f in parsed.features], parsed.problems)


def _shape_values(geometry: dict, hamlet: StoredHamlet) -> dict:
    """Return boundary and point as set_boundary would store them for this hamlet."""
    if geometry["type"] == "Point":
        longitude, latitude = geometry["coordinates"][:2]
        return {"boundary": hamlet.boundary, "latitude": latitude, "longitude": longitude}
    latitude, longitude = hamlet.latitude, hamlet.longitude
    if latitude is None:
        latitude, longitude = geometry_center(geometry)
    return {"boundary": json.dumps(geometry, separators=(",", ":")), "latitude": latitude,
            "longitude": longitude}


def _plan(data: list, scope: dict) -> Plan:
    commune = db.session.get(Area, scope["parent_id"])
    plan = Plan(columns=_COLUMNS, steps=[])
    if commune is None or commune.level != COMMUNE:
        plan.problems.append(ImportProblem(None, None, _l("Chỉ nhập ranh giới vào một xã.")))
        return plan
    rows = db.session.execute(sa.select(*(AREA.c[name] for name in StoredHamlet._fields)).where(
        AREA.c.parent_id == commune.id, AREA.c.level == HAMLET).order_by(AREA.c.name))
    folds = {code: fold(word) for code, (word, _level) in KINDS.items()}
    hamlets: dict[str, StoredHamlet] = {}
    stored = list(map(StoredHamlet._make, rows))
    # Most precise keys first, for every hamlet, so that "Ấp Xóm Hố" finds the hamlet shown as
    # "Ấp Xóm Hố" (name "Xóm Hố", itself starting with a kind word) before a hamlet "Hố".
    for keys in zip(*(_keys(hamlet, folds) for hamlet in stored), strict=True):
        for key, hamlet in zip(keys, stored, strict=True):
            hamlets.setdefault(key, hamlet)
    seen: dict[int, int] = {}
    for index, name, geometry in data:
        hamlet = next((hamlets[key] for key in _name_keys(name) if key in hamlets), None)
        if hamlet is None:
            plan.problems.append(ImportProblem(index, "name", _unknown(name, commune, hamlets)))
            continue
        if hamlet.id in seen:
            plan.problems.append(ImportProblem(index, "name", _l(
                "Thôn/ấp này đã có ranh giới ở đối tượng số %(first)s.", first=seen[hamlet.id])))
            continue
        seen[hamlet.id] = index
        values = _shape_values(geometry, hamlet)
        same = all(values[k] == getattr(hamlet, k) for k in values)
        if not same:
            plan.steps.append({**values, "b_id": hamlet.id})
        plan.changes.append(Change(index, SAME if same else UPDATE, (
            f"{KINDS[hamlet.kind][0]} {hamlet.name}", commune.display_name,
            hamlet.population_14plus, hamlet.households)))
    plan.summary = [_l("%(n)s thôn/ấp sẽ có ranh giới mới", n=plan.changed)]
    plan.confirm_label = _l("Xác nhận nhập %(n)s mục", n=plan.changed)
    return plan


def _keys(hamlet: StoredHamlet, folds: dict[str, str]) -> tuple[str, str, str]:
    """Return a stored hamlet's match keys: with its kind word, its name, the name's last words."""
    name = hamlet.name_folded[len(folds[hamlet.kind]) + 1:]
    return hamlet.name_folded, name, stored_key(hamlet, folds)


def _name_keys(name: str) -> tuple[str, str, str]:
    """Return a file's name as match keys, from as written to without its kind words."""
    folded = fold(name)
    return folded, name_key(folded), name_key(name_key(folded))


def _unknown(name: str, commune: Area, hamlets: dict[str, StoredHamlet]):
    names = list(dict.fromkeys(h.name for h in hamlets.values()))
    by_fold = {fold(n): n for n in names}
    close = difflib.get_close_matches(fold(name), list(by_fold), n=3, cutoff=0.6)
    message = _l("Không có thôn/ấp “%(name)s” trong %(commune)s.", name=name,
                 commune=commune.display_name)
    if close:
        message = _l("%(message)s Có phải: %(hint)s?", message=message,
                     hint=", ".join(by_fold[c] for c in close))
    return message


def _apply(plan: Plan, upload, user, options: dict):
    write_changes(plan.steps, now_utc())
    return _l("Đã nhập xong: %(n)s mục được tạo mới hoặc cập nhật.", n=plan.changed)


SHAPES = Importer("shapes", _parse, _plan, _apply)
