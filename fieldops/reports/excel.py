"""The progress tables as an Excel file in the appendix's own layout, ready to print, and as
one CSV for those who want to compute with it.

The workbook has a sheet per level the progress page shows: communes, each commune's hamlets,
the teams (with the desks' line) and each team's members. Every number comes from the page's
own `progress()`, so the file and the page cannot disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fieldops.campaigns.models import Campaign, Phase
from fieldops.checkin.exports import defuse
from fieldops.db import db
from fieldops.reports.progress import COMMUNE, PLACES, TEAM, TEAMS, Line, Report, progress
from fieldops.teams.models import Team
from fieldops.text import by_name

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_PERCENT = "0.0%"
_COUNT = "#,##0"


@dataclass
class Group:
    """The units under one heading (a commune's hamlets, a team's members): a report a phase."""

    label: str | None
    reports: list[Report]


@dataclass
class Level:
    """One sheet of the workbook: a level of the progress page and its groups."""

    title: str
    groups: list[Group]


def levels(campaign: Campaign, *, today: date, service_id: int | None = None,
           communes: set[int] | None = None) -> list[Level]:
    """Return the progress tables of every level, each phase side by side (only the
    `communes` of the viewer's area, if given)."""
    phases = list(campaign.phases)
    reads: dict = {}  # one read of the counters, targets and lists per phase for every table

    def reports(level: str, unit_id: int | None = None) -> list[Report]:
        return [progress(campaign, phase, level=level, unit_id=unit_id, service_id=service_id,
                         today=today, communes=communes, reads=reads, chart=False)
                for phase in phases]

    by_team = reports(TEAMS)
    listed = {line.key for report in by_team for line in report.lines}
    teams = [t for t in db.session.execute(db.select(Team).filter_by(campaign_id=campaign.id)
                                           .order_by(Team.id)).scalars()
             if communes is None or f"t{t.id}" in listed]
    shown = [c for c in campaign.communes if communes is None or c.id in communes]
    return [
        Level(_("Xã, phường"), [Group(None, reports(PLACES))]),
        Level(_("Thôn, ấp"), [Group(c.display_name, reports(COMMUNE, c.id))
                              for c in by_name(shown)]),
        Level(_("Đoàn"), [Group(None, by_team)]),
        Level(_("Thành viên"), [Group(t.name, reports(TEAM, t.id)) for t in teams]),
    ]


def _rows(group: Group) -> Iterator[tuple[Line, list[Line | None]]]:
    """Yield each unit of a group with its line in every phase (None where it has none)."""
    first = group.reports[0].lines if group.reports else []
    for line in first:
        yield line, [next((x for x in r.lines if x.key == line.key), None)
                     for r in group.reports]


def _label(line: Line) -> str:
    return line.label or _("Chưa rõ thôn/ấp")


def progress_workbook(campaign: Campaign, *, today: date, service_id: int | None = None,
                      communes: set[int] | None = None) -> bytes:
    """Return an .xlsx with a sheet per level: STT, Đơn vị, population 14+, and per phase the
    target, the result and the per cent, with bold totals (numbers, not formulas)."""
    book = Workbook()
    book.remove(book.active)
    phases = list(campaign.phases)
    for level in levels(campaign, today=today, service_id=service_id, communes=communes):
        _write_sheet(book.create_sheet(level.title[:31]), campaign, phases, level, today)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, campaign: Campaign, phases: list[Phase], level: Level,
                 today: date) -> None:
    width = 3 + 3 * len(phases)
    sheet.cell(1, 1, _("KẾT QUẢ THỰC HIỆN CHỈ TIÊU: %(title)s", title=campaign.title))
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(2, 1, _("Kế hoạch %(number)s — số liệu đến ngày %(day)s — %(level)s",
                       number=campaign.plan_number or "", day=today.strftime("%d/%m/%Y"),
                       level=level.title))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    top, sub = 4, 5
    for col, label in ((1, _("STT")), (2, _("Đơn vị")), (3, _("Nhân khẩu từ đủ 14 tuổi trở lên"))):
        sheet.cell(top, col, label)
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    for index, phase in enumerate(phases):
        col = 4 + 3 * index
        _text(sheet, top, col, phase.name)
        sheet.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 2)
        for offset, label in enumerate((_("Chỉ tiêu"), _("Kết quả"), _("Tỷ lệ %"))):
            sheet.cell(sub, col + offset, label)
    for row in (top, sub):
        for col in range(1, width + 1):
            cell = sheet.cell(row, col)
            cell.font, cell.alignment, cell.border = Font(bold=True), _CENTER, _BOX
    row = sub + 1
    several = len(level.groups) != 1 or level.groups[0].label is not None
    for group in level.groups:
        if several:
            _text(sheet, row, 1, group.label)
            sheet.cell(row, 1).font = Font(bold=True)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        units = list(_rows(group))
        for number, (line, by_phase) in enumerate(units, start=1):
            values = [number, _label(line), line.population_14plus]
            for match in by_phase:
                values += _phase_cells(match.target if match else None,
                                       match.done if match else 0)
            _write_row(sheet, row, values)
            row += 1
        totals = ["", _("Cộng: %(group)s", group=group.label) if several else _("Tổng"),
                  sum(line.population_14plus or 0 for line, _p in units) or None]
        for report in group.reports:
            totals += _phase_cells(report.total.target, report.total.done)
        _write_row(sheet, row, totals, bold=True)
        row += 1
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 14
    for col in range(4, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 11
    sheet.row_dimensions[top].height = 30
    sheet.row_dimensions[sub].height = 30
    sheet.freeze_panes = f"C{sub + 1}"
    # Printing: A4 landscape, all columns on one page wide, header rows on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{sub}"
    sheet.print_options.horizontalCentered = True


def progress_csv(campaign: Campaign, *, today: date, service_id: int | None = None,
                 communes: set[int] | None = None) -> bytes:
    """Return every level's table as one long CSV (UTF-8 with BOM for Excel): a row per unit
    and phase, totals included, text safe from formula injection."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Cấp"), _("Thuộc"), _("STT"), _("Đơn vị"),
                     _("Nhân khẩu từ đủ 14 tuổi trở lên"), _("Giai đoạn"), _("Chỉ tiêu"),
                     _("Kết quả"), _("Tỷ lệ %")])
    phases = list(campaign.phases)
    for level in levels(campaign, today=today, service_id=service_id, communes=communes):
        for group in level.groups:
            parent = defuse(group.label or "")
            for number, (line, by_phase) in enumerate(_rows(group), start=1):
                for phase, match in zip(phases, by_phase, strict=True):
                    target, done = (match.target, match.done) if match else (None, 0)
                    writer.writerow([level.title, parent, number, defuse(_label(line)),
                                     line.population_14plus, phase.name, target, done,
                                     _percent(target, done)])
            for phase, report in zip(phases, group.reports, strict=True):
                writer.writerow([level.title, parent, "", _("Tổng"), None, phase.name,
                                 report.total.target, report.total.done,
                                 _percent(report.total.target, report.total.done)])
    return out.getvalue().encode("utf-8")


def _percent(target: int | None, done: int) -> str:
    return f"{done * 100 / target:.1f}" if target else ""


def _phase_cells(target: int | None, done: int) -> list:
    return [target, done, (done / target) if target else None]


def _text(sheet, row: int, col: int, value: str | None) -> None:
    # A name typed by a user ("=HYPERLINK(...)") stays text: openpyxl would make it a formula.
    cell = sheet.cell(row, col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _write_row(sheet, row: int, values: list, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        if isinstance(value, str):
            _text(sheet, row, col, value)
        else:
            sheet.cell(row, col, value)
        cell = sheet.cell(row, col)
        cell.border = _BOX
        if bold:
            cell.font = Font(bold=True)
        if col >= 3 and isinstance(value, (int, float)):
            is_percent = col >= 4 and (col - 4) % 3 == 2
            cell.number_format = _PERCENT if is_percent else _COUNT
        if col == 1:
            cell.alignment = Alignment(horizontal="center")
