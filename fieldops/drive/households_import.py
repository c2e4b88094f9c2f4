"""The households import: a hamlet survey sheet (CSV/XLSX, Vietnamese headers) staged, previewed,
applied; then the listed people are attached to the households by address.

The file is read once (`_parse`); a plan reads the campaign's hamlets and households in one query
each and matches rows by dict lookups; the apply writes new and changed households in two batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.campaigns.models import Campaign
from fieldops.checkin.services import campaign_hamlets
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.drive import rules
from fieldops.drive.households import attach_people
from fieldops.drive.in_area import upload_hamlets
from fieldops.drive.models import Household
from fieldops.errors import DomainError
from fieldops.text import fold_words, nfc
from fieldops.uploads.batches import write_many
from fieldops.uploads.staging import CREATE, SAME, UPDATE, Change, Column, Importer, Parsed, Plan
from fieldops.uploads.tables import ImportFileError, ImportProblem, read_table

_LABELS = {"hamlet": "Thôn/Ấp", "address": "Địa chỉ", "street": "Đường/Ngõ",
           "head_name": "Chủ hộ", **{k: str(v) for k, v in rules.SURVEY_LABELS.items()}}
_ALIASES = {alias: name for name, aliases in {
    "hamlet": ("thon ap", "thon", "ap", "to dan pho", "khu pho", "thon ap to", "xom", "hamlet"),
    "address": ("dia chi", "so nha", "dia chi ho", "address"),
    "street": ("duong ngo", "duong", "ngo", "pho", "to", "street"),
    "head_name": ("chu ho", "ho ten chu ho", "ten chu ho", "head"),
    "members_14plus": ("so nguoi tu 14 tuoi", "nhan khau tu 14 tuoi", "tu 14 tuoi",
                       "so nguoi 14", "nhan khau tu du 14 tuoi tro len"),
    "smartphones": ("so dien thoai thong minh", "dien thoai thong minh", "smartphone"),
    "computers": ("so may tinh co internet", "may tinh co internet", "may tinh",
                  "may tinh ket noi internet"),
    "vneid_installed": ("so nguoi da cai vneid", "da cai vneid", "cai vneid"),
    "vneid_activated": ("so nguoi da kich hoat vneid", "da kich hoat vneid", "da kich hoat"),
}.items() for alias in aliases}
HOUSEHOLD = Household.__table__
_COLUMNS = (Column(_l("Thôn/ấp")), Column(_l("Địa chỉ")), Column(_l("Chủ hộ")),
            Column(_l("Từ 14 tuổi"), numeric=True), Column(_l("Điện thoại thông minh"),
                                                          numeric=True))
_FIELDS = ("street", "head_name", *rules.SURVEY_FIELDS)


@dataclass
class _Steps:
    new: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)


def _count(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if text.endswith(".0"):  # Excel's numbers as the reader gives them
        text = text[:-2]
    return int(text) if text.isdigit() else -1


def _parse(filename: str, content: bytes, scope: dict) -> Parsed:
    """Read every row and check what needs no database: the address and the counts."""
    try:
        table = read_table(filename, content)
    except ImportFileError as error:
        return Parsed(None, [ImportProblem(None, None, error.message)])
    # A title line may sit above the header: take the first row that names an address column.
    start = next((i for i, (_, cells) in enumerate(table[:10])
                  if any(_ALIASES.get(fold_words(c)) == "address" for c in cells)), None)
    if start is None:
        return Parsed(None, [ImportProblem(None, None, _l(
            "Không tìm thấy dòng tiêu đề có cột “Địa chỉ” và “Thôn/Ấp”."))])
    header_row, headers = table[start]
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = _ALIASES.get(fold_words(header))
        if name and name not in positions:
            positions[name] = index
    columns = {name: headers[i] for name, i in positions.items()}
    if "hamlet" not in positions:
        return Parsed(None, [ImportProblem(header_row, None, _l("Thiếu cột “Thôn/Ấp”."))])
    problems: list[ImportProblem] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table[start + 1:]:
        values = {n: nfc(cells[i]) if i < len(cells) else "" for n, i in positions.items()}
        if not any(values.values()):
            continue

        def report(name: str, message, number=number) -> None:
            problems.append(ImportProblem(number, columns.get(name, _LABELS[name]), message))

        counts = {name: _count(values.get(name, "")) for name in rules.SURVEY_FIELDS}
        try:
            rules.check_survey(counts)
        except DomainError as error:
            for one in getattr(error, "errors", [error]):
                report(one.field, one.message)
        if not values.get("address"):
            report("address", _l("Thiếu địa chỉ."))
        key = (fold_words(values["hamlet"]), fold_words(values.get("address")))
        if key in seen and values.get("address"):
            report("address", _l("Trùng địa chỉ với dòng %(first)s.", first=seen[key]))
        seen.setdefault(key, number)
        rows.append({"row": number, "hamlet": values["hamlet"],
                     "address": " ".join(values.get("address", "").split())[:255],
                     "street": values.get("street", "")[:120] or None,
                     "head_name": values.get("head_name", "")[:120] or None, **counts})
    if not rows and not problems:
        problems.append(ImportProblem(None, None, _l("Tệp không có dòng hộ nào.")))
    return Parsed({"columns": columns, "rows": rows}, problems)


def _hamlets(campaign: Campaign, within: set[int] | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for hamlet in campaign_hamlets(campaign):
        if within is not None and hamlet.id not in within:
            continue
        found.setdefault(fold_words(hamlet.display_name), hamlet.id)
        found.setdefault(fold_words(hamlet.name), hamlet.id)
    return found


def _outside(name: str, within: set[int] | None):
    if within is None:
        return _l("Thôn/ấp “%(name)s” không thuộc địa bàn của chiến dịch.", name=name)
    # One message for a hamlet next door and one that does not exist: nothing is told of
    # what lies outside the uploader's area.
    return _l("Thôn/ấp “%(name)s” không thuộc địa bàn của bạn trong chiến dịch này. Hãy bỏ "
              "dòng này khỏi tệp, hoặc nhờ người phụ trách địa bàn đó nhập.", name=name)


def _plan(data: dict, scope: dict) -> Plan:
    """Match the rows with the campaign's hamlets and households, one query each."""
    plan = Plan(columns=_COLUMNS, steps=_Steps())
    campaign = db.session.get(Campaign, scope["campaign_id"])
    within = upload_hamlets(scope)
    hamlets = _hamlets(campaign, within)
    stored = {(h.hamlet_id, h.address_folded): h for h in db.session.execute(
        db.select(Household).where(Household.campaign_id == campaign.id)).scalars()}
    for row in data["rows"]:
        hamlet_id = hamlets.get(fold_words(row["hamlet"]))
        if hamlet_id is None:
            plan.problems.append(ImportProblem(row["row"], data["columns"].get(
                "hamlet", _LABELS["hamlet"]), _outside(row["hamlet"], within)))
            continue
        folded = fold_words(row["address"])
        values = {name: row[name] for name in _FIELDS}
        existing = stored.get((hamlet_id, folded))
        if existing is None:
            action = CREATE
            plan.steps.new.append({**values, "campaign_id": campaign.id, "hamlet_id": hamlet_id,
                                   "address": row["address"], "address_folded": folded})
        elif all(values[k] is None or values[k] == getattr(existing, k) for k in _FIELDS):
            action = SAME
        else:
            action = UPDATE
            # A blank cell keeps what the door survey stored.
            plan.steps.changed.append({"b_id": existing.id, **{
                k: getattr(existing, k) if values[k] is None else values[k] for k in _FIELDS}})
        plan.changes.append(Change(row["row"], action, (
            row["hamlet"], row["address"], row["head_name"] or "—",
            row["members_14plus"] if row["members_14plus"] is not None else "—",
            row["smartphones"] if row["smartphones"] is not None else "—")))
    plan.summary = [_l("%(new)s hộ mới, %(old)s cập nhật.", new=plan.count(CREATE),
                       old=plan.count(UPDATE))]
    plan.confirm_label = _l("Xác nhận nhập %(n)s hộ", n=plan.changed)
    return plan


def _apply(plan: Plan, upload, user, options: dict):
    """Write the new households and the changed ones in a batch each; attach listed people."""
    steps: _Steps = plan.steps
    now = now_utc()
    write_many(sa.insert(HOUSEHOLD), steps.new, {"created_at": now, "surveyed_at": now})
    write_many(sa.update(HOUSEHOLD).where(HOUSEHOLD.c.id == sa.bindparam("b_id")),
               steps.changed, {"surveyed_at": now})
    attached = attach_people(upload.scope["campaign_id"])
    return _l("Đã nhập %(new)s hộ mới, cập nhật %(old)s; %(n)s người trong danh sách được gắn "
              "vào hộ.", new=plan.count(CREATE), old=plan.count(UPDATE), n=attached)


HOUSEHOLDS = Importer("households", _parse, _plan, _apply)
