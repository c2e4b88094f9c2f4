"""The members import: a member list (CSV/XLSX, Vietnamese headers) staged, previewed, applied.

The file is read once (`_parse`, no database); each plan then reads organisations, accounts and
members in one query each and matches the rows by dict lookups; the apply writes new and
changed members in two batches. A member whose row matches what is stored is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.clock import now_utc
from fieldops.db import db
from fieldops.scope import members_in_scope
from fieldops.teams.models import Member, Organisation
from fieldops.text import fold, fold_words, normalize_phone
from fieldops.uploads.batches import select_in, write_many
from fieldops.uploads.staging import CREATE, SAME, UPDATE, Change, Column, Importer, Parsed, Plan
from fieldops.uploads.tables import ImportFileError, ImportProblem, read_table

_LABELS = {"full_name": "Họ và tên", "phone": "Số điện thoại", "organisation": "Đơn vị",
           "it_savvy": "Am hiểu CNTT", "username": "Tài khoản"}
_ALIASES = {alias: name for name, aliases in {
    "full_name": ("ho va ten", "ho ten", "ten", "full name", "name"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "phone"),
    "organisation": ("don vi", "to chuc", "co quan", "don vi to chuc", "organisation",
                     "organization"),
    "it_savvy": ("am hieu cntt", "cntt", "biet cntt", "am hieu cong nghe thong tin", "it"),
    "username": ("tai khoan", "ten dang nhap", "username"),
}.items() for alias in aliases}
_YES = {"co", "x", "1", "yes", "true", "v", "✓", "dat"}
_NO = {"", "khong", "0", "no", "false", "-"}
MEMBER = Member.__table__
_COLUMNS = (Column(_l("Họ và tên")), Column(_l("Số điện thoại")), Column(_l("Tổ chức")),
            Column(_l("Am hiểu CNTT")), Column(_l("Tài khoản")))
_CHANGED = ("full_name", "organisation_id", "it_savvy", "user_id")


class StagedMember(NamedTuple):
    """One row of a member file as kept with the upload (a list in its JSON)."""

    row: int
    full_name: str
    #: 0xxxxxxxxx, or None when the file's number is not a mobile number
    phone: str | None
    organisation: str
    it_savvy: bool
    username: str | None


class StoredMember(NamedTuple):
    """A stored member as a file compares it."""

    id: int
    phone: str
    full_name: str
    organisation_id: int
    it_savvy: bool
    user_id: int | None


@dataclass
class _Steps:
    new: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)


def _parse(filename: str, content: bytes, scope: dict) -> Parsed:
    """Read every row and check what needs no database: names, phones, the IT-savvy mark."""
    try:
        table = read_table(filename, content)
    except ImportFileError as error:
        return Parsed(None, [ImportProblem(None, None, error.message)])
    # A title line may sit above the header: take the first row that names a phone column.
    start = next((i for i, (_, cells) in enumerate(table[:10])
                  if any(_ALIASES.get(fold_words(c)) == "phone" for c in cells)), 0)
    header_row, headers = table[start]
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = _ALIASES.get(fold_words(header))
        if name and name not in positions:
            positions[name] = index
    columns = {name: headers[i] for name, i in positions.items()}
    missing = [_LABELS[n] for n in ("full_name", "phone", "organisation") if n not in positions]
    if missing:
        found = ", ".join(f"“{h}”" for h in headers if h)
        return Parsed(None, [ImportProblem(header_row, None, _l(
            "Thiếu cột %(missing)s. Các cột có trong tệp: %(columns)s.",
            missing=", ".join(f"“{m}”" for m in missing), columns=found))])
    problems: list[ImportProblem] = []
    rows: list[list] = []
    seen: dict[str, int] = {}
    for number, cells in table[start + 1:]:
        values = {n: cells[i] if i < len(cells) else "" for n, i in positions.items()}
        if not any(values.values()):
            continue
        before = len(problems)

        def report(name: str, message, number=number) -> None:
            problems.append(ImportProblem(number, columns.get(name, _LABELS[name]), message))

        if not values["full_name"]:
            report("full_name", _l("Thiếu họ và tên."))
        phone = normalize_phone(values["phone"])
        if phone is None:
            report("phone", _l("“%(value)s” không phải số di động Việt Nam (10 số, ví dụ "
                               "0912 345 678).", value=values["phone"]))
        elif phone in seen:
            report("phone", _l("Trùng số điện thoại với dòng %(first)s.", first=seen[phone]))
        if not values["organisation"]:
            report("organisation", _l("Thiếu tên tổ chức (đơn vị)."))
        flag = fold_words(values.get("it_savvy", ""))
        if flag not in _YES | _NO:
            report("it_savvy", _l("“%(value)s” không rõ: ghi “có”, “x” hoặc “1” nếu am hiểu "
                                  "CNTT, để trống nếu không.", value=values["it_savvy"]))
        if len(problems) == before:
            seen[phone] = number
        # Rows with problems are kept too, so that the plan reports their organisation and
        # account as well: a file is refused with every problem at once.
        rows.append(list(StagedMember(number, values["full_name"], phone,
                                      values["organisation"], flag in _YES,
                                      (values.get("username") or "").strip().lower() or None)))
    if not rows and not problems:
        problems.append(ImportProblem(None, None, _l("Tệp không có dòng thành viên nào.")))
    return Parsed({"columns": columns, "rows": rows}, problems)


def _plan(data: dict, scope: dict) -> Plan:
    """Match the rows with organisations, accounts and members, a query or two for each."""
    plan = Plan(columns=_COLUMNS, steps=_Steps())
    columns = data["columns"]
    organisations = {folded: (id_, name) for id_, folded, name in db.session.execute(
        sa.select(Organisation.id, Organisation.name_folded, Organisation.name))}
    accounts = dict(db.session.execute(sa.select(User.username, User.id)).all())
    rows = [StagedMember._make(r) for r in data["rows"]]
    members = sa.select(*(MEMBER.c[name] for name in StoredMember._fields))
    # Only the members the file names, and those holding an account (a few): not every member.
    by_phone = {m.phone: m for m in map(StoredMember._make, select_in(
        members, MEMBER.c.phone, (r.phone for r in rows if r.phone)))}
    by_account = {m.user_id: m for m in map(StoredMember._make, db.session.execute(
        members.where(MEMBER.c.user_id.is_not(None))))}
    # A member outside the importer's area is not theirs to change (phones are unique).
    viewer = SimpleNamespace(area_id=scope.get("area_id"))
    visible = {m.id for m in by_phone.values()} if viewer.area_id is None else set(
        db.session.execute(members_in_scope(sa.select(Member.id), viewer)).scalars())
    taken: dict[int, int] = {}
    # A file names a few organisations thousands of times: each name is folded once.
    organisation_of = {name: organisations.get(fold(name))
                       for name in {r.organisation for r in rows}}
    for row in rows:
        def report(name: str, message, row=row) -> None:
            plan.problems.append(ImportProblem(row.row, columns.get(name, _LABELS[name]), message))

        organisation = organisation_of[row.organisation]
        if organisation is None and row.organisation:
            report("organisation", _l(
                "Chưa có tổ chức “%(value)s”. Hãy thêm tổ chức trước, hoặc sửa tên cho đúng.",
                value=row.organisation))
        user_id = accounts.get(row.username) if row.username else None
        if row.username and user_id is None:
            report("username", _l("Không có tài khoản “%(value)s”.", value=row.username))
        if organisation is None or row.phone is None or (row.username and user_id is None):
            continue
        existing = by_phone.get(row.phone)
        if existing is not None and existing.id not in visible:
            report("phone", _l("Số điện thoại %(phone)s đã thuộc một thành viên ngoài địa bàn "
                               "của bạn; hãy nhờ cán bộ cấp trên sửa.", phone=row.phone))
            continue
        holder = by_account.get(user_id) if user_id else None
        if holder is not None and (existing is None or holder.id != existing.id):
            report("username", _l("Tài khoản %(user)s đã gắn với thành viên %(name)s.",
                                  user=row.username, name=holder.full_name))
            continue
        if user_id in taken:
            report("username", _l("Tài khoản %(user)s đã có ở dòng %(first)s.",
                                  user=row.username, first=taken[user_id]))
            continue
        if user_id:
            taken[user_id] = row.row
        elif existing is not None:
            user_id = existing.user_id  # no account in the file keeps the member's account
        values = {"full_name": row.full_name, "organisation_id": organisation[0],
                  "it_savvy": row.it_savvy, "user_id": user_id}
        if existing is None:
            action = CREATE
            plan.steps.new.append({**values, "phone": row.phone})
        elif all(values[k] == getattr(existing, k) for k in _CHANGED):
            action = SAME
        else:
            action = UPDATE
            plan.steps.changed.append({**values, "b_id": existing.id})
        plan.changes.append(Change(row.row, action, (
            row.full_name, row.phone, organisation[1], _l("Có") if row.it_savvy else "—",
            row.username or "—")))
    plan.summary = [_l("%(new)s thành viên mới, %(old)s cập nhật.", new=plan.count(CREATE),
                       old=plan.count(UPDATE))]
    plan.confirm_label = _l("Xác nhận nhập %(n)s thành viên", n=plan.changed)
    return plan


def _apply(plan: Plan, upload, user, options: dict):
    """Write the new members in one batch and the changed ones in another."""
    steps: _Steps = plan.steps
    write_many(sa.insert(MEMBER), steps.new, {"created_at": now_utc()})
    write_many(sa.update(MEMBER).where(MEMBER.c.id == sa.bindparam("b_id")), steps.changed)
    return _l("Đã nhập %(new)s thành viên mới, cập nhật %(old)s.", new=plan.count(CREATE),
              old=plan.count(UPDATE))


MEMBERS = Importer("members", _parse, _plan, _apply)
