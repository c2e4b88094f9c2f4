"""The progress table as an Excel file in the appendix's own layout, ready to print."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fieldops.campaigns.models import Campaign
from fieldops.reports.progress import PLACES, progress

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_PERCENT = "0.0%"
_COUNT = "#,##0"


def progress_workbook(campaign: Campaign, *, today, service_id: int | None = None) -> bytes:
    """Return an .xlsx of every commune: STT, Đơn vị, population 14+, and per phase the target,
    the result and the per cent, with a bold total row (numbers, not formulas)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tiến độ")[:31]
    phases = list(campaign.phases)
    reports = [progress(campaign, p, level=PLACES, service_id=service_id, today=today)
               for p in phases]
    width = 3 + 3 * len(phases)
    sheet.cell(1, 1, _("KẾT QUẢ THỰC HIỆN CHỈ TIÊU: %(title)s", title=campaign.title))
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(2, 1, _("Kế hoạch %(number)s — số liệu đến ngày %(day)s",
                       number=campaign.plan_number or "", day=today.strftime("%d/%m/%Y")))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    top, sub = 4, 5
    for col, label in ((1, _("STT")), (2, _("Đơn vị")), (3, _("Nhân khẩu từ đủ 14 tuổi trở lên"))):
        sheet.cell(top, col, label)
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    for index, phase in enumerate(phases):
        col = 4 + 3 * index
        sheet.cell(top, col, phase.name)
        sheet.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 2)
        for offset, label in enumerate((_("Chỉ tiêu"), _("Kết quả"), _("Tỷ lệ %"))):
            sheet.cell(sub, col + offset, label)
    for row in (top, sub):
        for col in range(1, width + 1):
            cell = sheet.cell(row, col)
            cell.font, cell.alignment, cell.border = Font(bold=True), _CENTER, _BOX
    first = sub + 1
    units = reports[0].lines if reports else []
    for number, line in enumerate(units, start=1):
        row = first + number - 1
        values = [number, line.label or _("Chưa rõ thôn/ấp"), line.population_14plus]
        for report in reports:
            match = next((x for x in report.lines if x.key == line.key), None)
            values += _phase_cells(match.target if match else None, match.done if match else 0)
        _write_row(sheet, row, values)
    total_row = first + len(units)
    totals = ["", _("Tổng"), sum(line.population_14plus or 0 for line in units)]
    for report in reports:
        totals += _phase_cells(report.total.target, report.total.done)
    _write_row(sheet, total_row, totals, bold=True)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 14
    for col in range(4, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 11
    sheet.row_dimensions[top].height = 30
    sheet.row_dimensions[sub].height = 30
    sheet.freeze_panes = sheet.cell(first, 3)
    # Printing: A4 landscape, all columns on one page wide, header rows on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{sub}"
    sheet.print_options.horizontalCentered = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _phase_cells(target: int | None, done: int) -> list:
    return [target, done, (done / target) if target else None]


def _write_row(sheet, row: int, values: list, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value)
        cell.border = _BOX
        if bold:
            cell.font = Font(bold=True)
        if col >= 3 and isinstance(value, (int, float)):
            is_percent = col >= 4 and (col - 4) % 3 == 2
            cell.number_format = _PERCENT if is_percent else _COUNT
        if col == 1:
            cell.alignment = Alignment(horizontal="center")
