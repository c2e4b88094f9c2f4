"""The commendation lists of a phase as a Word proposal (Decree 30 layout) and as Excel.

Like the review (review_docs.py), the document is Vietnamese whatever the interface language;
the lists it prints are built under the Vietnamese locale by the view.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fieldops.accountability.commendation import Entry, Lists
from fieldops.accountability.documents import Letterhead, OfficialDocument, Recipients, Signer
from fieldops.accountability.review import number, percent, phase_span, vn_date

#: a proposal ("tờ trình"): the kind's abbreviation of Decree 30, Appendix III
PROPOSAL = "TTr"
UNCHECKED = "Chưa kiểm tra xác suất"
KIND_WORDS = {"commune": "Xã/phường", "team": "Đoàn", "member": "Cá nhân"}


def confirmation(entry: Entry) -> str:
    """Return the entry's confirmation rate as printed, or that it was never spot-checked."""
    return UNCHECKED if entry.confirmation_x100 is None else percent(entry.confirmation_x100 / 100)


def criteria(lists: Lists) -> str:
    """Return the sentence that states who is proposed."""
    s = lists.settings
    return (f"Tiêu chí đề nghị: đạt từ 100 % chỉ tiêu {lists.phase.name}; tỷ lệ kết quả được "
            f"xác nhận khi kiểm tra xác suất từ {s.min_confirmation_percent} % trở lên và tỷ lệ "
            f"sai không quá {s.max_rejection_percent} %; nộp đầy đủ, đúng hạn báo cáo định kỳ; "
            f"cán bộ của đơn vị đã hoàn thành định danh điện tử (khi có danh sách cán bộ). "
            f"Đơn vị chưa được kiểm tra xác suất vẫn được đề nghị, có ghi chú "
            f"“{UNCHECKED.lower()}”. Cá nhân được đề nghị khi đạt từ 100 % chỉ tiêu.")


def _commended_rows(entries: list[Entry]) -> list[list]:
    return [[i, e.name, KIND_WORDS[e.kind], number(e.target), number(e.done),
             percent(e.percent_x100 / 100), "—" if e.kind == "member" else confirmation(e)]
            for i, e in enumerate(entries, start=1)]


def commendation_docx(lists: Lists, head: Letterhead, signer: Signer,
                      recipients: Recipients) -> bytes:
    """Return the proposal: letterhead, subject, the criteria, the proposed list, the units not
    proposed with all their reasons, "Nơi nhận:" and the signer."""
    doc = OfficialDocument()
    doc.letterhead(head)
    phase, campaign = lists.phase, lists.campaign
    doc.title("Tờ trình", f"Về việc đề nghị khen thưởng các tập thể, cá nhân có thành tích "
                          f"trong {phase.name} ({phase_span(phase)})")
    plan = f"Kế hoạch số {campaign.plan_number}" if campaign.plan_number else "Kế hoạch"
    doc.paragraph(f"Thực hiện {plan} về {campaign.title}; căn cứ bảng xếp hạng thi đua "
                  f"{phase.name} đã chốt ngày {vn_date(lists.frozen_at.date())}, kết quả kiểm "
                  f"tra xác suất và việc thực hiện chế độ báo cáo của các đơn vị, "
                  f"{head.issuing_body} đề nghị khen thưởng như sau:")
    doc.paragraph(criteria(lists))
    doc.heading("I. DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
    if lists.commended:
        doc.table(["STT", "Tập thể, cá nhân", "Loại", "Chỉ tiêu", "Đã đạt", "Tỷ lệ",
                   "Tỷ lệ xác nhận"], _commended_rows(lists.commended),
                  widths_mm=[11, 45, 22, 20, 20, 19, 28], numeric_from=3)
    else:
        doc.paragraph("Không có tập thể, cá nhân nào đạt tiêu chí.")
    doc.heading("II. CÁC ĐƠN VỊ KHÔNG ĐỀ NGHỊ KHEN THƯỞNG")
    if lists.excluded:
        rows = [[i, e.name, "; ".join(e.reasons)] for i, e in enumerate(lists.excluded, start=1)]
        doc.table(["STT", "Đơn vị", "Lý do"], rows, widths_mm=[11, 50, 104], numeric_from=3)
    else:
        doc.paragraph("Không có đơn vị nào.")
    doc.paragraph(f"{head.issuing_body} kính đề nghị xem xét, khen thưởng./.")
    doc.closing(recipients, signer)
    return doc.to_bytes()


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def commendation_workbook(lists: Lists, head: Letterhead) -> bytes:
    """Return the lists as .xlsx: a sheet of the proposed (numbers, so offices can sum them)
    and a sheet of the units not proposed with their reasons, one per line of a cell."""
    book = Workbook()
    proposed = book.active
    proposed.title = "Đề nghị khen thưởng"
    _title(proposed, lists, head, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", 7)
    _header(proposed, ["STT", "Tập thể, cá nhân", "Loại", "Chỉ tiêu", "Đã đạt", "Tỷ lệ",
                       "Tỷ lệ xác nhận"])
    for i, e in enumerate(lists.commended, start=1):
        rate = (None if e.kind == "member" else
                UNCHECKED if e.confirmation_x100 is None else e.confirmation_x100 / 10000)
        _row(proposed, 5 + i, [i, e.name, KIND_WORDS[e.kind], e.target, e.done,
                               e.percent_x100 / 10000, rate])
    excluded = book.create_sheet("Không đề nghị")
    _title(excluded, lists, head, "CÁC ĐƠN VỊ KHÔNG ĐỀ NGHỊ KHEN THƯỞNG", 5)
    _header(excluded, ["STT", "Đơn vị", "Loại", "Tỷ lệ", "Lý do"])
    for i, e in enumerate(lists.excluded, start=1):
        _row(excluded, 5 + i, [i, e.name, KIND_WORDS[e.kind], e.percent_x100 / 10000,
                               "\n".join(e.reasons)])
    for sheet, sizes in ((proposed, [6, 30, 12, 12, 12, 10, 22]), (excluded, [6, 30, 12, 10, 70])):
        for col, size in enumerate(sizes, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = size
        sheet.freeze_panes = sheet.cell(6, 3)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.print_title_rows = "5:5"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(sheet, lists: Lists, head: Letterhead, text: str, width: int) -> None:
    sheet.cell(1, 1, head.issuing_body.upper()).font = Font(bold=True)
    sheet.cell(2, 1, f"{text} — {lists.phase.name.upper()} ({phase_span(lists.phase)})")
    sheet.cell(2, 1).font = Font(bold=True, size=13)
    sheet.cell(3, 1, criteria(lists))
    sheet.cell(3, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 45
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header(sheet, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = sheet.cell(5, col, label)
        cell.font, cell.alignment, cell.border = Font(bold=True), _CENTER, _BOX


def _row(sheet, row: int, values: list) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row, col, value)
        cell.border = _BOX
        if isinstance(value, float):
            cell.number_format = "0.0%"
        elif col >= 4 and isinstance(value, int):
            cell.number_format = "#,##0"
        if isinstance(value, str) and col > 2:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
