"""Reading the audit log of personal data: what each action means, filters, pages and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldops.auth.models import User
from fieldops.checkin.exports import defuse
from fieldops.checkin.models import AuditEntry, Registration
from fieldops.clock import LOCAL_TZ, local_day_bounds
from fieldops.db import db
from fieldops.forms import parse_vn_date
from fieldops.scope import area_ids_in_scope, registrations_in_scope, users_in_scope

PAGE_SIZE = 50

#: every action written by `access.audit`, here or in the features that use it
ACTIONS = {
    "reveal": _l("Xem số CCCD đầy đủ"),
    "edit": _l("Sửa hồ sơ"),
    "void": _l("Hủy hồ sơ"),
    "export": _l("Xuất danh sách"),
    "export_revealed": _l("Xuất danh sách kèm số CCCD đầy đủ"),
    "token_created": _l("Tạo mã thiết bị"),
    "token_revoked": _l("Thu hồi mã thiết bị"),
    "absent_list": _l("Xuất danh sách vắng nhà gửi công an"),
    "callback_view": _l("Xem hồ sơ để gọi kiểm tra"),
    "purge": _l("Xóa dữ liệu cá nhân hết thời hạn lưu trữ"),
    "audit_export": _l("Xuất nhật ký truy cập"),
    "refusal_queued": _l("Xếp lượt đăng ký bị từ chối vào hàng chờ"),
    "refusal_dismissed": _l("Bỏ qua lượt đăng ký bị từ chối"),
}

#: the names of an entry's detail values, as the exports and the purge write them
DETAIL_LABELS = {
    "format": _l("Định dạng"), "rows": _l("Số dòng"), "job": _l("Việc nền"),
    "campaign_id": _l("Chiến dịch"), "event_id": _l("Sự kiện"), "desk_id": _l("Bàn"),
    "team_id": _l("Đoàn"), "hamlet_id": _l("Thôn/ấp"), "volunteer_id": _l("Người ghi nhận"),
    "service_id": _l("Dịch vụ"), "outcome": _l("Kết quả"), "status": _l("Trạng thái"),
    "date_from": _l("Từ ngày"), "date_to": _l("Đến ngày"), "q": _l("Tìm"),
    "action": _l("Việc"), "user_id": _l("Người dùng"), "registration_id": _l("Hồ sơ"),
    "registrations": _l("Hồ sơ đăng ký"), "listed_people": _l("Người trong danh sách"),
    "households": _l("Hộ gia đình"), "visits": _l("Lượt đến nhà"),
    "refusals": _l("Lượt gửi bị từ chối"), "changes": _l("Lịch sử sửa"),
    "retention_days": _l("Thời hạn lưu (ngày)"), "campaign": _l("Chiến dịch"),
    "refusal_id": _l("Lượt bị từ chối"), "reason": _l("Lý do từ chối"), "note": _l("Ghi chú"),
}


def action_label(action: str) -> str:
    """Return an action in the interface language (the code itself when unknown)."""
    return str(ACTIONS.get(action, action))


def detail_text(detail: str | None, labels: dict | None = None) -> str:
    """Return an entry's detail for people: a JSON object as "name: value" pairs (`labels`:
    DETAIL_LABELS already translated, for a long export)."""
    if not detail:
        return ""
    try:
        values = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(values, dict):
        return detail
    labels = labels or DETAIL_LABELS
    return " · ".join(f"{labels.get(k, k)}: {v}" for k, v in values.items())


@dataclass
class AuditFilters:
    """What the organizer narrowed the log to; each field empty when not used."""

    action: str | None = None
    user_id: int | None = None
    registration_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        """Read filters from a query string, ignoring values that do not parse."""
        result = cls()
        action = (args.get("action") or "").strip()
        result.action = action if action in ACTIONS else None
        for name in ("user_id", "registration_id"):
            raw = (args.get(name) or "").strip().lstrip("#")
            if raw.isdigit():
                setattr(result, name, int(raw))
        result.date_from = parse_vn_date((args.get("date_from") or "").strip())
        result.date_to = parse_vn_date((args.get("date_to") or "").strip())
        return result

    def as_args(self) -> dict[str, str]:
        """Return the filters as query-string values (for paging and the export link)."""
        out = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value:
                out[item.name] = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(
                    value)
        return out


def in_scope(stmt: sa.Select, viewer: User | None) -> sa.Select:
    """Narrow entries to the viewer's area: those about a registration they may see, and those
    about none made by an account of their area."""
    if viewer is None or area_ids_in_scope(viewer) is None:
        return stmt
    return stmt.where(sa.or_(
        AuditEntry.registration_id.in_(registrations_in_scope(
            sa.select(Registration.id), viewer)),
        sa.and_(AuditEntry.registration_id.is_(None),
                AuditEntry.user_id.in_(users_in_scope(sa.select(User.id), viewer)))))


def narrowed(filters: AuditFilters, viewer: User | None = None) -> sa.Select:
    """Return the log's entries narrowed by the filters (and the viewer's area), newest first."""
    stmt = in_scope(db.select(AuditEntry), viewer)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.user_id:
        stmt = stmt.where(AuditEntry.user_id == filters.user_id)
    if filters.registration_id:
        stmt = stmt.where(AuditEntry.registration_id == filters.registration_id)
    if filters.date_from:
        stmt = stmt.where(AuditEntry.logged_at >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        stmt = stmt.where(AuditEntry.logged_at < local_day_bounds(filters.date_to)[1])
    return stmt.order_by(AuditEntry.id.desc())


def page(filters: AuditFilters, before: int | None,
         viewer: User | None = None) -> tuple[list[AuditEntry], int | None]:
    """Return one page of entries older than `before` (by id: no OFFSET to skip over) and
    the id to pass for the next page (None on the last)."""
    stmt = narrowed(filters, viewer)
    if before:
        stmt = stmt.where(AuditEntry.id < before)
    rows = list(db.session.execute(
        stmt.options(sa.orm.joinedload(AuditEntry.user)).limit(PAGE_SIZE + 1)).scalars())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more else None)


def count(filters: AuditFilters, viewer: User | None = None) -> int:
    """Return how many entries the filters keep."""
    stmt = narrowed(filters, viewer).with_only_columns(sa.func.count()).order_by(None)
    return db.session.execute(stmt).scalar_one()


def users(viewer: User | None = None) -> list[User]:
    """Return the users who appear in the log (of the viewer's area, when given), by name."""
    ids = db.select(AuditEntry.user_id).where(AuditEntry.user_id.is_not(None)).distinct()
    stmt = db.select(User).where(User.id.in_(ids))
    if viewer is not None:
        stmt = users_in_scope(stmt, viewer)
    return list(db.session.execute(stmt.order_by(User.full_name)).scalars())


def _when(value: datetime) -> str:
    # By hand in the local zone: babel's formatter costs more than the rest of a row.
    local = value.astimezone(LOCAL_TZ)
    return f"{local.day:02}/{local.month:02}/{local.year} {local.hour:02}:{local.minute:02}"


def csv_chunks(filters: AuditFilters, batch: int = 1000,
               viewer: User | None = None) -> Iterator[bytes]:
    """Yield the filtered log as CSV (BOM, headings, then rows) read in batches of plain
    columns, so memory stays flat on a long log."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([_("Mã"), _("Thời điểm"), _("Người thực hiện"), _("Tên đăng nhập"),
                     _("Việc"), _("Hồ sơ"), _("Chi tiết"), _("Địa chỉ IP")])
    stmt = narrowed(filters, viewer).outerjoin(
        User, User.id == AuditEntry.user_id).with_only_columns(
        AuditEntry.id, AuditEntry.logged_at, User.full_name, User.username, AuditEntry.action,
        AuditEntry.registration_id, AuditEntry.detail, AuditEntry.remote_addr)
    # Translated once: a lazy string looked up on every row cost more than the row itself.
    labels = {code: str(label) for code, label in ACTIONS.items()}
    names = {key: str(label) for key, label in DETAIL_LABELS.items()}
    before = None
    while True:
        rows = db.session.execute(
            (stmt.where(AuditEntry.id < before) if before else stmt).limit(batch)).all()
        for row in rows:
            # Names and details were typed by people: defused so a spreadsheet runs no formula.
            writer.writerow([row.id, _when(row.logged_at), defuse(row.full_name or ""),
                             row.username or "", labels.get(row.action, row.action),
                             row.registration_id or "", defuse(detail_text(row.detail, names)),
                             row.remote_addr or ""])
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
        if len(rows) < batch:
            return
        before = rows[-1].id
