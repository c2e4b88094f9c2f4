"""Registrations as CSV (UTF-8 with BOM, for Excel) and XLSX, safe from formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell

from fieldops.checkin import crypto
from fieldops.checkin.models import Registration
from fieldops.i18n import format_vn_datetime

# A spreadsheet runs a cell starting with these as a formula: =HYPERLINK(...), +cmd, @SUM...
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: columns whose values are digit strings that must stay text (leading zero, no 1.2E+11)
TEXT_COLUMNS = ("citizen_id", "phone")


def defuse(value: object) -> object:
    """Return a cell value that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def columns() -> list[tuple[str, str]]:
    """Return (key, heading) pairs in export order."""
    return [
        ("id", _("Mã hồ sơ")), ("created_at", _("Thời điểm tạo")),
        ("recorded_at", _("Thời điểm ghi nhận")), ("status", _("Trạng thái")),
        ("source", _("Nguồn")), ("campaign", _("Chiến dịch")), ("place", _("Bàn / Đoàn")),
        ("queue_number", _("Số thứ tự")), ("full_name", _("Họ và tên")),
        ("phone", _("Số điện thoại")), ("citizen_id", _("Số CCCD")),
        ("birth_year", _("Năm sinh")), ("hamlet", _("Thôn/ấp")),
        ("volunteer", _("Người ghi nhận")), ("services", _("Dịch vụ và kết quả")),
        ("void_reason", _("Lý do hủy")),
    ]


def row_of(registration: Registration, reveal: bool) -> dict[str, object]:
    """Return one registration as export values (the ID masked unless revealed)."""
    citizen_id = registration.masked_citizen_id
    if reveal and registration.citizen_id_encrypted:
        citizen_id = crypto.decrypt(registration.citizen_id_encrypted) or citizen_id
    return {
        "id": registration.id,
        "created_at": format_vn_datetime(registration.created_at),
        "recorded_at": format_vn_datetime(registration.recorded_at),
        "status": registration.status_label,
        "source": registration.source_label,
        "campaign": registration.campaign.title,
        "place": registration.place_label,
        "queue_number": registration.queue_number,
        "full_name": registration.full_name,
        "phone": registration.phone or "",
        "citizen_id": citizen_id,
        "birth_year": registration.birth_year,
        "hamlet": registration.hamlet.display_name if registration.hamlet else "",
        "volunteer": registration.volunteer.full_name if registration.volunteer else "",
        "services": "; ".join(f"{s.service.name}: {s.outcome_label}"
                              for s in registration.services),
        "void_reason": registration.void_reason or "",
    }


def to_csv(registrations: Iterable[Registration], reveal: bool = False) -> bytes:
    """Return the registrations as CSV; the BOM makes Excel read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    cols = columns()
    writer.writerow([heading for _key, heading in cols])
    for registration in registrations:
        values = row_of(registration, reveal)
        writer.writerow(["" if values[key] is None else defuse(values[key]) for key, _h in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(registrations: Iterable[Registration], reveal: bool = False) -> bytes:
    """Return the registrations as an Excel workbook; ID and phone cells are text."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Đăng ký")
    cols = columns()
    sheet.append([heading for _key, heading in cols])
    for registration in registrations:
        values = row_of(registration, reveal)
        cells = []
        for key, _heading in cols:
            value = defuse(values[key])
            cell = Cell(sheet, value=value)
            if isinstance(value, str):
                # A string cell is never evaluated, even if something slipped past defuse().
                cell.data_type = "s"
            if key in TEXT_COLUMNS:
                # "@" is Excel's Text format: 079203001234 keeps its zero and all its digits.
                cell.value = "" if value is None else str(value)
                cell.data_type = "s"
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMNOP", (8, 17, 17, 14, 14, 28, 24, 8, 26, 13, 15, 9,
                                                 18, 22, 50, 24), strict=False):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
