"""The phase and final review as a Word document (Decree 30 layout) and as an Excel workbook."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fieldops.accountability.documents import Letterhead, OfficialDocument, Recipients, Signer
from fieldops.accountability.review import (
    PhaseReview,
    Review,
    number,
    percent,
    phase_span,
    unit_label,
    vn_date,
)

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _roman(index: int) -> str:
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)


def unit_rows(part: PhaseReview) -> tuple[list[str], list[list], list]:
    """Return the units table of a phase: headers, rows and the total row, as printed."""
    lists = part.report.lists
    headers = ["STT", "Đơn vị", "Chỉ tiêu", "Đã đạt", "Tỷ lệ"]
    if lists:
        headers += ["Tự báo cáo", "Công an xác nhận"]
    rows = []
    for index, line in enumerate(part.units, start=1):
        row = [index, unit_label(line), number(line.target), number(line.done),
               percent(line.percent)]
        if lists:
            row += [number(line.claimed), number(line.confirmed)]
        rows.append(row)
    total = part.report.total
    total_row = ["", "Tổng cộng", number(total.target), number(total.done), percent(total.percent)]
    if lists:
        total_row += [number(total.claimed), number(total.confirmed)]
    return headers, rows, total_row


def review_docx(review: Review, head: Letterhead, signer: Signer,
                recipients: Recipients) -> bytes:
    """Return the review as a .docx: letterhead, subject, one section per phase (findings, the
    units table), the units' own narratives when given, "Nơi nhận:" and the signer."""
    doc = OfficialDocument()
    doc.letterhead(head)
    doc.title("Báo cáo", review.subject)
    campaign = review.campaign
    plan = (f"Kế hoạch số {campaign.plan_number}" if campaign.plan_number else "Kế hoạch")
    issued = f" ngày {vn_date(campaign.issued_on)}" if campaign.issued_on else ""
    by = f" của {campaign.issuing_unit}" if campaign.issuing_unit else ""
    short = ("kết quả tổng kết" if review.final
             else f"kết quả sơ kết {review.phases[0].phase.name}")
    what = ("tổng kết kết quả thực hiện" if review.final
            else f"sơ kết kết quả {review.phases[0].phase.name} thực hiện")
    doc.paragraph(f"Thực hiện {plan}{issued}{by} về {campaign.title}; căn cứ số liệu cập nhật "
                  f"trên hệ thống đến ngày {vn_date(review.day)}, {head.issuing_body} báo cáo "
                  f"{short} như sau:")
    for index, part in enumerate(review.phases):
        doc.heading(f"{_roman(index)}. KẾT QUẢ {part.phase.name.upper()} "
                    f"({phase_span(part.phase)})")
        doc.paragraph("", bold_lead="1. Kết quả chung")
        for sentence in part.findings:
            doc.paragraph(f"- {sentence}")
        doc.paragraph("", bold_lead="2. Kết quả từng đơn vị")
        headers, rows, total = unit_rows(part)
        widths = ([12, 58, 24, 24, 21] if len(headers) == 5
                  else [10, 39, 20, 20, 18, 29, 29])
        doc.table(headers, rows, total=total, widths_mm=[w * 165 / sum(widths) for w in widths])
    if len(review.phases) > 1:
        doc.heading(f"{_roman(len(review.phases))}. TỔNG HỢP CÁC GIAI ĐOẠN")
        rows = [[i, f"{p.phase.name} ({phase_span(p.phase)})", number(p.report.total.target),
                 number(p.report.total.done), percent(p.report.total.percent)]
                for i, p in enumerate(review.phases, start=1)]
        doc.table(["STT", "Giai đoạn", "Chỉ tiêu", "Đã đạt", "Tỷ lệ"], rows,
                  widths_mm=[12, 75, 27, 27, 24])
    if review.narratives:
        doc.heading(f"{_roman(len(review.phases) + (len(review.phases) > 1))}. "
                    f"BÁO CÁO CỦA CÁC ĐƠN VỊ")
        for label, text in review.narratives.items():
            doc.paragraph(text, bold_lead=f"{label}: ")
    doc.paragraph(f"Trên đây là báo cáo {what} {plan} của {head.issuing_body}./.")
    doc.closing(recipients, signer)
    return doc.to_bytes()


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def review_workbook(review: Review, head: Letterhead) -> bytes:
    """Return the review as .xlsx: one sheet per phase (numbers, not text, so offices can sum
    them) with a bold total row, the units' narratives in a last column when given."""
    book = Workbook()
    book.remove(book.active)
    for part in review.phases:
        _phase_sheet(book, review, part, head)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _phase_sheet(book: Workbook, review: Review, part: PhaseReview, head: Letterhead) -> None:
    # Sheet names: at most 31 characters, none of []:*?/\ (Excel refuses the file otherwise).
    name = "".join(c for c in part.phase.name if c not in "[]:*?/\\")[:31] or "Giai đoạn"
    sheet = book.create_sheet(name)
    lists, narratives = part.report.lists, review.narratives
    headers = ["STT", "Đơn vị", "Chỉ tiêu", "Đã đạt", "Tỷ lệ"]
    headers += ["Tự báo cáo", "Công an xác nhận"] if lists else []
    headers += ["Báo cáo của đơn vị"] if narratives else []
    width = len(headers)
    kind = "TỔNG KẾT" if review.final else "SƠ KẾT"
    sheet.cell(1, 1, head.issuing_body.upper()).font = Font(bold=True)
    sheet.cell(2, 1, f"{kind} — {part.phase.name.upper()} ({phase_span(part.phase)})")
    sheet.cell(2, 1).font = Font(bold=True, size=13)
    sheet.cell(3, 1, f"{review.campaign.title} — số liệu đến ngày {vn_date(review.day)}")
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    top = 5
    for col, label in enumerate(headers, start=1):
        cell = sheet.cell(top, col, label)
        cell.font, cell.alignment, cell.border = Font(bold=True), _CENTER, _BOX
    for index, line in enumerate(part.units, start=1):
        values = [index, unit_label(line), line.target, line.done,
                  line.done / line.target if line.target else None]
        values += [line.claimed, line.confirmed] if lists else []
        values += [narratives.get(line.label, "")] if narratives else []
        _row(sheet, top + index, values)
    total = part.report.total
    values = ["", "Tổng cộng", total.target, total.done,
              total.done / total.target if total.target else None]
    values += [total.claimed, total.confirmed] if lists else []
    values += [""] if narratives else []
    _row(sheet, top + len(part.units) + 1, values, bold=True)
    sizes = [6, 26, 12, 12, 10] + ([14, 16] if lists else []) + ([60] if narratives else [])
    for col, size in enumerate(sizes, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = size
    sheet.freeze_panes = sheet.cell(top + 1, 3)
    sheet.page_setup.orientation = "landscape" if narratives else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{top}"


def _row(sheet, row: int, values: list, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value)
        cell.border = _BOX
        if bold:
            cell.font = Font(bold=True)
        if col == 5 and value is not None:
            cell.number_format = "0.0%"
        elif col >= 3 and isinstance(value, int):
            cell.number_format = "#,##0"
        if isinstance(value, str) and col > 2:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
