"""Registrations as CSV (UTF-8 with BOM, for Excel) and XLSX, safe from formula injection.

Rows are read in batches of plain columns (no ORM objects), names of campaigns, desks, teams,
hamlets, volunteers and services are looked up (and defused) once per export, and the files are
written as they are read: CSV streams to the client, XLSX goes through openpyxl's write-only
workbook.
Memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import islice
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
from fieldops.clock import LOCAL_TZ, TIME_ZONE_NAME
from fieldops.db import db
from fieldops.events.models import HelpDesk
from fieldops.teams.models import Member, Team

# A spreadsheet runs a cell starting with these as a formula: =HYPERLINK(...), +cmd, @SUM...
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_FIRST = frozenset(_FORMULA_STARTS)
#: columns whose values are digit strings that must stay text (leading zero, no 1.2E+11)
TEXT_COLUMNS = ("citizen_id", "phone")
#: text columns someone typed or named, which defuse may have prefixed with an apostrophe
_TYPED_COLUMNS = ("campaign", "place", "full_name", "hamlet", "volunteer", "services",
                  "void_reason", "guide")
BATCH = 2000
_WIDTHS = (8, 17, 17, 14, 14, 28, 24, 8, 26, 13, 15, 9, 18, 22, 50, 24, 24)
#: the columns after the id and the two times, as stored
_COLUMNS = (Registration.status, Registration.source, Registration.campaign_id,
            Registration.desk_id, Registration.team_id, Registration.queue_number,
            Registration.full_name, Registration.phone, Registration.citizen_id_last4,
            Registration.citizen_id_encrypted, Registration.birth_year, Registration.hamlet_id,
            Registration.volunteer_id, Registration.void_reason,
            Registration.credited_member_id)


def _local_minute(column, dialect: str):
    """Return SQL for a UTC timestamp as local "dd/mm/yyyy HH:MM" text.

    Formatting in the database skipped a third of the export's Python time (a datetime object,
    its zone and an f-string per cell). SQLite has no zone database: it adds the zone's offset,
    which for Asia/Ho_Chi_Minh has been +7 all year since 1975.
    """
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone(TIME_ZONE_NAME, column), "DD/MM/YYYY HH24:MI")
    offset = int(LOCAL_TZ.utcoffset(datetime(2000, 1, 1)).total_seconds())
    return sa.func.strftime("%d/%m/%Y %H:%M", column, f"{offset:+d} seconds")


def _columns(dialect: str) -> tuple:
    return (Registration.id, _local_minute(Registration.created_at, dialect),
            _local_minute(Registration.recorded_at, dialect), *_COLUMNS)


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
        ("void_reason", _("Lý do hủy")), ("guide", _("Người hướng dẫn")),
    ]


class _Labels(dict):
    """Defused labels of one model's rows by id, each read from the database once.

    A dict with `__missing__`: the export's per-row lookups stay plain dict reads.
    """

    def __init__(self, model: type, label: Callable[[object], str]) -> None:
        super().__init__()
        self._model, self._label = model, label

    def __missing__(self, row_id: int | None) -> str:
        row = db.session.get(self._model, row_id) if row_id is not None else None
        value = self[row_id] = defuse(self._label(row)) if row is not None else ""
        return value


def _services_of(batch_ids: sa.Select, service_names: dict[int, str],
                 outcomes: dict[tuple, str]) -> dict[int, str]:
    """Return "service: outcome; ..." per registration id of one batch (its ids as a select:
    a subquery costs the database one more index walk, a list of 2,000 bound ids cost Python
    more than the rest of the batch)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.session.connection().execute(
        sa.select(RegistrationService.registration_id, RegistrationService.service_id,
                  RegistrationService.outcome, RegistrationService.failure_reason)
        .where(RegistrationService.registration_id.in_(batch_ids))
        .order_by(RegistrationService.registration_id, RegistrationService.id))
    for registration_id, service_id, outcome, reason in rows:
        if service_id not in service_names:
            service_names[service_id] = db.session.get(Service, service_id).name
        if (outcome, reason) not in outcomes:  # translated once, not once a row
            outcomes[outcome, reason] = outcome_text(outcome, reason)
        found[registration_id].append(f"{service_names[service_id]}: "
                                      f"{outcomes[outcome, reason]}")
    return {key: "; ".join(parts) for key, parts in found.items()}


def rows(select: sa.Select, reveal: bool = False,
         progress: Callable[[int], None] | None = None) -> Iterator[list]:
    """Yield the export's rows (cell values in `columns()` order, defused) of the
    registrations `select` finds, oldest first, reading them in batches."""
    dialect = db.session.get_bind().dialect.name
    select = select.with_only_columns(*_columns(dialect)).order_by(None).order_by(Registration.id)
    campaigns, desks = _Labels(Campaign, lambda c: c.title), _Labels(HelpDesk, lambda d: d.name)
    teams, hamlets = _Labels(Team, lambda t: t.name), _Labels(Area, lambda a: a.display_name)
    volunteers = _Labels(User, lambda u: u.full_name)
    # the member credited as "người hướng dẫn", when someone was chosen
    guides = _Labels(Member, lambda m: m.full_name)
    service_names, outcomes = {}, {}
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    sources = {key: str(label) for key, label in SOURCE_LABELS.items()}
    last, done = 0, 0
    while True:
        # Plain tuples through the connection: no ORM loading step, no attribute lookups by name.
        this_batch = select.where(Registration.id > last).limit(BATCH)
        batch = db.session.connection().execute(this_batch).all()
        if not batch:
            return
        services = _services_of(this_batch.with_only_columns(Registration.id), service_names,
                                outcomes)
        for (id_, created_at, recorded_at, status, source, campaign_id, desk_id, team_id,
             queue_number, full_name, phone, last4, encrypted, birth_year, hamlet_id,
             volunteer_id, void_reason, credited_member_id) in batch:
            citizen_id = mask(last4)
            if reveal and encrypted:
                citizen_id = crypto.decrypt(encrypted) or citizen_id
            yield [id_, created_at, recorded_at, statuses.get(status, status),
                   sources.get(source, source), campaigns[campaign_id],
                   desks[desk_id] if desk_id is not None else teams[team_id], queue_number,
                   defuse(full_name), defuse(phone), citizen_id, birth_year,
                   hamlets[hamlet_id], volunteers[volunteer_id], defuse(services.get(id_, "")),
                   defuse(void_reason), guides[credited_member_id]]
        last, done = batch[-1][0], done + len(batch)
        if progress is not None:
            progress(done)


def csv_chunks(export_rows: Iterator[list], chunk_rows: int = 500) -> Iterator[bytes]:
    """Yield the CSV file in pieces: the BOM (Excel reads UTF-8), headings, then rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([heading for _key, heading in columns()])
    export_rows = iter(export_rows)
    while True:
        # The csv module writes None as an empty cell; writerows loops in C.
        chunk = list(islice(export_rows, chunk_rows))
        writer.writerows(chunk)
        yield out.getvalue().encode("utf-8")
        if len(chunk) < chunk_rows:
            return
        out.seek(0)
        out.truncate()


def write_xlsx(export_rows: Iterator[list], target: IO[bytes]) -> None:
    """Write the rows as an Excel workbook (write-only: flat memory); ID and phone are text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Đăng ký"))
    keys = [key for key, _heading in columns()]
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", _WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append([heading for _key, heading in columns()])
    text_at = [keys.index(key) for key in TEXT_COLUMNS]
    typed_at = [keys.index(key) for key in _TYPED_COLUMNS]
    for values in export_rows:
        for index in text_at:
            # "@" is Excel's Text format: 079203001234 keeps its zero and all its digits.
            values[index] = _text_cell(sheet, _undefused(str(values[index] or "")))
        for index in typed_at:
            value = values[index]
            if value and value[0] == "'" and value != _undefused(value):
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
