"""Registrations as CSV (UTF-8 with BOM, for Excel) and XLSX, safe from formula injection.

Rows are read in batches of plain columns (no ORM objects), names of campaigns, desks, teams,
hamlets, volunteers and services are looked up once per export, and the files are written as
they are read: CSV streams to the client, XLSX goes through openpyxl's write-only workbook.
Memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import IO

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from fieldops.areas.models import Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin import crypto
from fieldops.checkin.citizen_id import mask
from fieldops.checkin.models import (
    SOURCE_LABELS,
    STATUS_LABELS,
    Registration,
    RegistrationService,
    outcome_text,
)
from fieldops.clock import LOCAL_TZ
from fieldops.db import db
from fieldops.events.models import HelpDesk
from fieldops.teams.models import Team

# A spreadsheet runs a cell starting with these as a formula: =HYPERLINK(...), +cmd, @SUM...
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_FIRST = frozenset(_FORMULA_STARTS)
#: columns whose values are digit strings that must stay text (leading zero, no 1.2E+11)
TEXT_COLUMNS = ("citizen_id", "phone")
BATCH = 2000
_WIDTHS = (8, 17, 17, 14, 14, 28, 24, 8, 26, 13, 15, 9, 18, 22, 50, 24)

_COLUMNS = (Registration.id, Registration.created_at, Registration.recorded_at,
            Registration.status, Registration.source, Registration.campaign_id,
            Registration.desk_id, Registration.team_id, Registration.queue_number,
            Registration.full_name, Registration.phone, Registration.citizen_id_last4,
            Registration.citizen_id_encrypted, Registration.birth_year, Registration.hamlet_id,
            Registration.volunteer_id, Registration.void_reason)


def defuse(value: object) -> object:
    """Return a cell value that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value[:1] in _FORMULA_FIRST:
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


class _Names:
    """Labels of the rows' campaigns, desks, teams, hamlets and volunteers, each read once."""

    def __init__(self) -> None:
        self._found: dict[tuple[type, int], str] = {}
        self._labels = {Campaign: lambda c: c.title, HelpDesk: lambda d: d.name,
                        Team: lambda t: t.name, Area: lambda a: a.display_name,
                        User: lambda u: u.full_name}

    def of(self, model: type, row_id: int | None) -> str:
        """Return the label of one row of a model ("" for none)."""
        if row_id is None:
            return ""
        key = (model, row_id)
        if key not in self._found:
            row = db.session.get(model, row_id)
            self._found[key] = self._labels[model](row) if row is not None else ""
        return self._found[key]


def _services_of(ids: list[int], service_names: dict[int, str],
                 outcomes: dict[tuple, str]) -> dict[int, str]:
    """Return "service: outcome; ..." per registration id of one batch."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(RegistrationService.registration_id, RegistrationService.service_id,
                  RegistrationService.outcome, RegistrationService.failure_reason)
        .where(RegistrationService.registration_id.in_(ids))
        .order_by(RegistrationService.registration_id, RegistrationService.id))
    for registration_id, service_id, outcome, reason in rows:
        if service_id not in service_names:
            service_names[service_id] = db.session.get(Service, service_id).name
        if (outcome, reason) not in outcomes:  # translated once, not once a row
            outcomes[outcome, reason] = outcome_text(outcome, reason)
        found[registration_id].append(f"{service_names[service_id]}: "
                                      f"{outcomes[outcome, reason]}")
    return {key: "; ".join(parts) for key, parts in found.items()}


def _when(value) -> str:
    # Formatted by hand in the local zone: babel's formatter cost more than the rest of a row.
    if not value:
        return ""
    local = value.astimezone(LOCAL_TZ)
    return f"{local.day:02}/{local.month:02}/{local.year} {local.hour:02}:{local.minute:02}"


def rows(select: sa.Select, reveal: bool = False,
         progress: Callable[[int], None] | None = None) -> Iterator[list]:
    """Yield the export's rows (cell values in `columns()` order, defused) of the
    registrations `select` finds, oldest first, reading them in batches."""
    select = select.with_only_columns(*_COLUMNS).order_by(None).order_by(Registration.id)
    names, service_names, outcomes = _Names(), {}, {}
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    sources = {key: str(label) for key, label in SOURCE_LABELS.items()}
    last, done = 0, 0
    while True:
        # Plain rows through the connection: no ORM loading step for columns.
        batch = db.session.connection().execute(
            select.where(Registration.id > last).limit(BATCH)).all()
        if not batch:
            return
        services = _services_of([r.id for r in batch], service_names, outcomes)
        for r in batch:
            citizen_id = mask(r.citizen_id_last4)
            if reveal and r.citizen_id_encrypted:
                citizen_id = crypto.decrypt(r.citizen_id_encrypted) or citizen_id
            place = (names.of(HelpDesk, r.desk_id) if r.desk_id is not None
                     else names.of(Team, r.team_id))
            yield [r.id, _when(r.created_at), _when(r.recorded_at),
                   statuses.get(r.status, r.status), sources.get(r.source, r.source),
                   defuse(names.of(Campaign, r.campaign_id)), defuse(place), r.queue_number,
                   defuse(r.full_name), defuse(r.phone or ""), citizen_id, r.birth_year,
                   defuse(names.of(Area, r.hamlet_id)), defuse(names.of(User, r.volunteer_id)),
                   defuse(services.get(r.id, "")), defuse(r.void_reason or "")]
        last, done = batch[-1].id, done + len(batch)
        if progress is not None:
            progress(done)


def csv_chunks(export_rows: Iterator[list], chunk_rows: int = 500) -> Iterator[bytes]:
    """Yield the CSV file in pieces: the BOM (Excel reads UTF-8), headings, then rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([heading for _key, heading in columns()])
    for n, values in enumerate(export_rows, start=1):
        writer.writerow(["" if value is None else value for value in values])
        if n % chunk_rows == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def write_xlsx(export_rows: Iterator[list], target: IO[bytes]) -> None:
    """Write the rows as an Excel workbook (write-only: flat memory); ID and phone are text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Đăng ký"))
    keys = [key for key, _heading in columns()]
    for letter, width in zip("ABCDEFGHIJKLMNOP", _WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append([heading for _key, heading in columns()])
    text_at = [keys.index(key) for key in TEXT_COLUMNS]
    for values in export_rows:
        for index, value in enumerate(values):
            if index in text_at:
                # "@" is Excel's Text format: 079203001234 keeps its zero and all its digits.
                values[index] = _text_cell(sheet, _undefused(str(value or "")))
            elif isinstance(value, str) and value != _undefused(value):
                values[index] = _text_cell(sheet, _undefused(value))
        sheet.append(values)
    book.save(target)


def _undefused(text: str) -> str:
    """Return a text without the apostrophe defuse put before a formula's first character."""
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_FIRST else text


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """Return a cell Excel shows as typed text, never as a formula or a number."""
    # The CSV needs defuse's apostrophe; in a workbook a text cell cannot run, and the
    # apostrophe would show, so the cell gets the text as it was typed ("-Lê Văn Tám").
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def to_csv(select: sa.Select, reveal: bool = False) -> bytes:
    """Return the whole CSV at once (small exports, tests)."""
    return b"".join(csv_chunks(rows(select, reveal)))


def to_xlsx(select: sa.Select, reveal: bool = False) -> bytes:
    """Return the whole workbook at once (small exports, tests)."""
    buffer = io.BytesIO()
    write_xlsx(rows(select, reveal), buffer)
    return buffer.getvalue()
