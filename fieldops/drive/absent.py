"""The absent list sent back to the commune police (plan 003), as an Excel file in their layout.

The police own these people's data, so the ID number is written in full (decrypted here, and
each download is audited by the view). The file is an official paper for the commune police:
it is in Vietnamese whatever the language of the organizer's screen.
"""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side

from fieldops.areas.models import Area
from fieldops.checkin import crypto
from fieldops.checkin.exports import defuse
from fieldops.db import db
from fieldops.drive.models import ListedPerson
from fieldops.drive.visits import visits_of

#: (heading, width) of the table's columns
COLUMNS = (
    ("STT", 6), ("Họ và tên", 26), ("Ngày sinh", 12), ("Số định danh cá nhân", 17),
    ("Địa chỉ", 34), ("Thôn/Ấp", 16), ("Số lần đến", 9), ("Ghi chú lần cuối", 34),
)
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def absent_people(campaign_id: int, commune_id: int, day: date) -> list[ListedPerson]:
    """Return the people of a commune who went on the absent list on a day, by hamlet and name."""
    stmt = db.select(ListedPerson).where(
        ListedPerson.campaign_id == campaign_id, ListedPerson.commune_id == commune_id,
        ListedPerson.absent_listed_on == day)
    people = db.session.execute(stmt).scalars()
    return sorted(people, key=lambda p: (p.hamlet.name_folded if p.hamlet else "~",
                                         p.name_folded))


def absent_days(campaign_id: int, communes: set[int] | None = None
                ) -> list[tuple[date, Area, int]]:
    """Return (day, commune, how many) of each absent list of a campaign, newest first; only
    those of `communes` when given (an organizer's area)."""
    stmt = sa.select(ListedPerson.absent_listed_on, ListedPerson.commune_id, sa.func.count()
                     ).where(ListedPerson.campaign_id == campaign_id,
                             ListedPerson.absent_listed_on.is_not(None))
    if communes is not None:
        stmt = stmt.where(ListedPerson.commune_id.in_(communes))
    rows = db.session.execute(
        stmt.group_by(ListedPerson.absent_listed_on, ListedPerson.commune_id)).all()
    communes = {a.id: a for a in db.session.execute(
        db.select(Area).where(Area.id.in_({r[1] for r in rows}))).scalars()} if rows else {}
    return sorted(((day, communes[cid], n) for day, cid, n in rows),
                  key=lambda r: (r[0], r[1].name_folded), reverse=True)


def _birth(person: ListedPerson) -> str:
    if person.birth_date:
        return person.birth_date.strftime("%d/%m/%Y")
    return str(person.birth_year or "")


def to_xlsx(people: list[ListedPerson], commune: Area, day: date) -> bytes:
    """Return the absent list as an Excel workbook; the ID cells are text (leading zero kept)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Vắng mặt"
    last = chr(ord("A") + len(COLUMNS) - 1)
    lines = (
        ("DANH SÁCH CÔNG DÂN VẮNG MẶT TẠI NƠI CƯ TRÚ", Font(bold=True, size=13)),
        ("(Chưa hướng dẫn, hỗ trợ kích hoạt được tài khoản định danh điện tử)",
         Font(italic=True)),
        (f"{commune.display_name} – Ngày {day.strftime('%d/%m/%Y')}", Font(bold=True)),
    )
    for row, (text, font) in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
    header_row = len(lines) + 2
    for col, (heading, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=col, value=heading)
        cell.font = Font(bold=True)
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[chr(ord("A") + col - 1)].width = width
    counts = visits_of([p.id for p in people])
    for number, person in enumerate(people, start=1):
        full_id = crypto.decrypt(person.citizen_id_encrypted) or ""
        values = (number, person.full_name, _birth(person), full_id, person.address or "",
                  person.hamlet.display_name if person.hamlet else "",
                  counts.get(person.id, 0), person.last_note or "")
        cells = []
        for col, value in enumerate(values, start=1):
            cell = Cell(sheet, value=defuse(value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the list said
            if col == 4:
                # Excel's Text format: 001085001234 keeps its zero and all twelve digits.
                cell.number_format = "@"
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 5, 8))
            cells.append(cell)
        sheet.append(cells)
    sheet.append([])
    sheet.append([f"Tổng cộng: {len(people)} người."])
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
