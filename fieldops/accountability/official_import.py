"""A unit's roster of officials from a CSV/XLSX file, through the one staged-upload pipeline.

Columns: Họ và tên, Chức vụ, Số điện thoại, Mức 2, VNeID, DVC (có/không, x, ✓, 1/0, or the date
it was confirmed). A row is matched with the roster by its name and position, so a roster sent
again updates its people; officials not in the file are kept as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.accountability.official_models import CHECKS, UnitOfficial
from fieldops.accountability.officials import person_key, yes_no
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.text import fold_words, nfc, normalize_phone
from fieldops.uploads.batches import write_many
from fieldops.uploads.staging import CREATE, SAME, UPDATE, Change, Column, Importer, Parsed, Plan
from fieldops.uploads.tables import ImportFileError, ImportProblem, find_header, read_table

_LABELS = {"full_name": "Họ và tên", "position": "Chức vụ", "phone": "Số điện thoại",
           "eid_level2": "Mức 2", "vneid_install": "VNeID", "public_services_account": "DVC"}
_ALIASES = {alias: name for name, aliases in {
    "full_name": ("ho va ten", "ho ten", "ten", "ho ten can bo", "full name", "name"),
    "position": ("chuc vu", "chuc danh", "position"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "phone"),
    "eid_level2": ("muc 2", "muc do 2", "dinh danh muc 2", "dinh danh muc do 2",
                   "tai khoan muc 2", "dinh danh dien tu muc 2", "ddtd muc 2", "eid level 2"),
    "vneid_install": ("vneid", "cai vneid", "cai dat vneid", "kich hoat vneid",
                      "cai dat kich hoat vneid", "da cai vneid"),
    "public_services_account": ("dvc", "cong dvc", "dich vu cong", "cong dich vu cong",
                                "su dung dvc", "dung tren cong dvc", "cong dich vu cong quoc gia"),
}.items() for alias in aliases}
_REQUIRED = ("full_name", "position", *CHECKS)
UNIT_OFFICIAL = UnitOfficial.__table__
_MARK = {True: "✓", False: "—"}
_COLUMNS = (Column(_l("Họ và tên")), Column(_l("Chức vụ")),
            *(Column(label) for label in CHECKS.values()))


@dataclass
class _Steps:
    new: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)


def _parse(filename: str, content: bytes, scope: dict) -> Parsed:
    """Read every row and check what needs no database: names, positions, yes/no, phones."""
    try:
        table = read_table(filename, content)
    except ImportFileError as error:
        return Parsed(None, [ImportProblem(None, None, error.message)])
    start = find_header(table, lambda cell: fold_words(cell) in _ALIASES, minimum=2)
    if start is None:
        return Parsed(None, [ImportProblem(None, None, _l(
            "Không tìm thấy dòng tiêu đề có các cột “Họ và tên”, “Chức vụ”, “Mức 2”, “VNeID”, "
            "“DVC”."))])
    header_row, headers = table[start]
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = _ALIASES.get(fold_words(header))
        if name and name not in positions:
            positions[name] = index
    missing = [_LABELS[name] for name in _REQUIRED if name not in positions]
    if missing:
        return Parsed(None, [ImportProblem(header_row, None, _l(
            "Thiếu cột: %(names)s.", names=", ".join(f"“{m}”" for m in missing)))])
    columns = {name: str(headers[i]) for name, i in positions.items()}
    problems: list[ImportProblem] = []
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for number, cells in table[start + 1:]:
        values = {n: nfc(str(cells[i] or "")) if i < len(cells) else ""
                  for n, i in positions.items()}
        if not values["full_name"] and not values["position"]:
            continue  # a blank or a total line

        def report(name: str, message, number=number) -> None:
            problems.append(ImportProblem(number, columns.get(name, _LABELS[name]), message))

        full_name = " ".join(values["full_name"].split())[:120]
        position = " ".join(values["position"].split())[:120]
        if not full_name:
            report("full_name", _l("Thiếu họ và tên."))
        if not position:
            report("position", _l("Thiếu chức vụ."))
        phone = None
        if values.get("phone"):
            raw = values["phone"]
            # Excel keeps a number typed without its leading zero: 912345678.
            phone = normalize_phone("0" + raw if raw.isdigit() and len(raw) == 9 else raw)
            if phone is None:
                report("phone", _l("Số điện thoại “%(value)s” không phải số di động.",
                                   value=values["phone"]))
        row = {"row": number, "full_name": full_name, "position": position, "phone": phone}
        for check in CHECKS:
            read = yes_no(values[check])
            if read is None:
                report(check, _l("Không hiểu “%(value)s”: ghi “có” hoặc “không” (x, ✓, 1/0), "
                                 "hoặc ngày xác nhận.", value=values[check]))
                read = (False, None)
            elif read[1] is not None and read[1] > local_today():
                report(check, _l("Ngày xác nhận %(day)s sau hôm nay.",
                                 day=read[1].strftime("%d/%m/%Y")))
            row[check] = read[0]
            row[f"{check}_on"] = read[1].isoformat() if read[1] else None
        key = person_key(full_name, position)
        if full_name and position:
            if key in seen:
                report("full_name", _l("Trùng họ tên và chức vụ với dòng %(first)s.",
                                       first=seen[key]))
            seen.setdefault(key, number)
        rows.append(row)
    if not rows and not problems:
        problems.append(ImportProblem(None, None, _l("Tệp không có dòng cán bộ nào.")))
    return Parsed({"columns": columns, "rows": rows}, problems)


def _plan(data: dict, scope: dict) -> Plan:
    """Match the rows with the unit's roster (one query) by name and position."""
    plan = Plan(columns=_COLUMNS, steps=_Steps())
    unit_id = scope["unit_id"]
    stored = {o.person_key: o for o in db.session.execute(
        db.select(UnitOfficial).filter_by(unit_id=unit_id)).scalars()}
    today = local_today()
    for row in data["rows"]:
        key = person_key(row["full_name"], row["position"])
        existing = stored.get(key)
        values = {"full_name": row["full_name"], "position": row["position"]}
        # A blank phone keeps the one typed on the page.
        values["phone"] = row["phone"] or (existing.phone if existing else None)
        for check in CHECKS:
            day = date.fromisoformat(row[f"{check}_on"]) if row[f"{check}_on"] else None
            if row[check] and day is None:
                # Done without a date: the day it was first known done (kept on re-import).
                was = getattr(existing, check) if existing else False
                day = getattr(existing, f"{check}_on") if was else today
            values[check] = row[check]
            values[f"{check}_on"] = day if row[check] else None
        if existing is None:
            action = CREATE
            plan.steps.new.append({**values, "unit_id": unit_id, "person_key": key})
        elif all(getattr(existing, k) == v for k, v in values.items()):
            action = SAME
        else:
            action = UPDATE
            plan.steps.changed.append({"b_id": existing.id, **values})
        plan.changes.append(Change(row["row"], action, (
            row["full_name"], row["position"], *(_MARK[row[c]] for c in CHECKS))))
    plan.summary = [_l("%(new)s người mới, %(old)s cập nhật; người không có trong tệp được giữ "
                       "nguyên.", new=plan.count(CREATE), old=plan.count(UPDATE))]
    plan.confirm_label = _l("Xác nhận nhập %(n)s người", n=plan.changed)
    return plan


def _apply(plan: Plan, upload, user, options: dict):
    """Write the new officials and the changed ones in a batch each."""
    steps: _Steps = plan.steps
    now = now_utc()
    write_many(sa.insert(UNIT_OFFICIAL), steps.new, {"created_at": now})
    write_many(sa.update(UNIT_OFFICIAL).where(UNIT_OFFICIAL.c.id == sa.bindparam("b_id")),
               steps.changed, {"updated_at": now})
    return _l("Đã nhập %(new)s người mới, cập nhật %(old)s.", new=plan.count(CREATE),
              old=plan.count(UPDATE))


OFFICIALS = Importer("officials", _parse, _plan, _apply)
