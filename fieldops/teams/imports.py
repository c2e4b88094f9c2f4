"""Read a member list (CSV/XLSX with Vietnamese headers), preview it, then apply it whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fieldops import uploads
from fieldops.auth.models import User
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.teams import services
from fieldops.teams.models import Member, MemberImport
from fieldops.text import fold_words, normalize_phone
from fieldops.uploads import ImportFileError, ImportProblem, read_table

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


@dataclass
class MemberRow:
    """One member read from the file, with what it will do."""

    row: int
    full_name: str
    phone: str
    organisation: str
    it_savvy: bool
    username: str | None
    action: str = "create"  # or "update" when the phone is already a member's


@dataclass
class MemberPlan:
    """The rows an import would create or update, or the problems that stop it."""

    rows: list[MemberRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def count(self, action: str) -> int:
        """Return how many members the import creates or updates."""
        return sum(1 for r in self.rows if r.action == action)


def plan_members(filename: str, content: bytes) -> MemberPlan:
    """Check every row of a member file against the stored organisations, accounts, phones."""
    plan = MemberPlan()
    try:
        table = read_table(filename, content)
    except ImportFileError as error:
        plan.problems.append(ImportProblem(None, None, error.message))
        return plan
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
        plan.problems.append(ImportProblem(header_row, None, _l(
            "Thiếu cột %(missing)s. Các cột có trong tệp: %(columns)s.",
            missing=", ".join(f"“{m}”" for m in missing), columns=found)))
        return plan
    seen: dict[str, int] = {}
    for number, cells in table[start + 1:]:
        values = {n: cells[i] if i < len(cells) else "" for n, i in positions.items()}
        if not any(values.values()):
            continue
        before = len(plan.problems)

        def report(name: str, message, number=number) -> None:
            plan.problems.append(ImportProblem(number, columns.get(name, _LABELS[name]), message))

        if not values["full_name"]:
            report("full_name", _l("Thiếu họ và tên."))
        phone = normalize_phone(values["phone"])
        if phone is None:
            report("phone", _l("“%(value)s” không phải số di động Việt Nam (10 số, ví dụ "
                               "0912 345 678).", value=values["phone"]))
        elif phone in seen:
            report("phone", _l("Trùng số điện thoại với dòng %(first)s.", first=seen[phone]))
        organisation = services.find_organisation(values["organisation"])
        if organisation is None:
            report("organisation", _l(
                "Chưa có tổ chức “%(value)s”. Hãy thêm tổ chức trước, hoặc sửa tên cho đúng.",
                value=values["organisation"]) if values["organisation"] else
                _l("Thiếu tên tổ chức (đơn vị)."))
        flag = fold_words(values.get("it_savvy", ""))
        if flag not in _YES | _NO:
            report("it_savvy", _l("“%(value)s” không rõ: ghi “có”, “x” hoặc “1” nếu am hiểu "
                                  "CNTT, để trống nếu không.", value=values["it_savvy"]))
        username = (values.get("username") or "").strip().lower() or None
        user = None
        if username:
            user = db.session.execute(db.select(User).filter_by(username=username)).scalar()
            if user is None:
                report("username", _l("Không có tài khoản “%(value)s”.", value=username))
        if len(plan.problems) > before:
            continue
        seen[phone] = number
        existing = db.session.execute(db.select(Member).filter_by(phone=phone)).scalar()
        if user is not None:
            holder = db.session.execute(db.select(Member).filter_by(user_id=user.id)).scalar()
            if holder is not None and holder is not existing:
                report("username", _l("Tài khoản %(user)s đã gắn với thành viên %(name)s.",
                                      user=username, name=holder.full_name))
                continue
        plan.rows.append(MemberRow(number, values["full_name"], phone, organisation.name,
                                   flag in _YES, username,
                                   "update" if existing else "create"))
    if not plan.rows and not plan.problems:
        plan.problems.append(ImportProblem(None, None, _l("Tệp không có dòng thành viên nào.")))
    return plan


def store_upload(filename: str, content: bytes, user_id: int) -> MemberImport:
    """Keep a file that previewed cleanly until the organizer confirms it."""
    upload = MemberImport(token=uploads.new_token(), filename=filename[:255],
                          content=content, created_by_id=user_id)
    db.session.add(upload)
    db.session.flush()
    return upload


def apply_upload(upload: MemberImport) -> MemberPlan:
    """Create or update every member of a previewed file, or raise and change nothing."""
    uploads.claim(MemberImport, upload)
    plan = plan_members(upload.filename, upload.content)
    if plan.problems:
        raise DomainError(_l("Dữ liệu đã thay đổi từ lúc xem trước; hãy tải tệp lên lại."))
    for row in plan.rows:
        existing = db.session.execute(db.select(Member).filter_by(phone=row.phone)).scalar()
        user = (db.session.execute(db.select(User).filter_by(username=row.username)).scalar()
                if row.username else (existing.user if existing else None))
        services.save_member(existing, full_name=row.full_name, phone=row.phone,
                             organisation=services.find_organisation(row.organisation),
                             it_savvy=row.it_savvy, user=user)
    return plan
