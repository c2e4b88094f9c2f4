"""Word documents in the administrative layout of Decree 30/2020/NĐ-CP (Appendix I).

The layout is the law's, not the interface's: the Quốc hiệu, the Tiêu ngữ and every fixed word
of a state document are Vietnamese whatever language the user reads the app in, so the builders
here write Vietnamese text and take no gettext.

What the decree fixes and this module follows: A4 paper, margins top and bottom 20 mm, left
30 mm, right 15 mm; Times New Roman; the issuing body (cơ quan chủ quản above in capitals, the
issuing body below in bold capitals, a short line under it) beside the Quốc hiệu (bold
capitals) and the Tiêu ngữ (bold, underlined as long as its text) in a two-column header
without borders; "Số: .../BC-UBND" under the issuing body; place and date in italics under the
Tiêu ngữ; the kind of document in bold capitals and its subject in bold under it; the body
justified with a first-line indent; "Nơi nhận:" bottom left (bold italic 12 pt, list 11 pt);
the signer bottom right (bold capitals, then the name in bold); page numbers from page 2.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fieldops.accountability.docx_xml import (
    AFTER_PAGE_NUMBERS,
    FONT,
    no_borders,
    repeat_header,
    set_font,
    set_widths,
    short_line,
    text_width,
)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
#: text width of A4 portrait between the decree's 30 mm and 15 mm margins
TEXT_WIDTH_MM = 210 - 30 - 15
LEFT_COLUMN_MM = 62


@dataclass
class Letterhead:
    """Who issues the document, its number and symbol, where and when."""

    issuing_body: str
    place: str
    day: date
    parent_body: str = ""
    #: "12" once the clerk gives one; empty leaves the space the clerk fills in by hand
    number: str = ""
    #: "BC-UBND"; empty for a document without a number (a sign-in sheet)
    symbol: str = ""


@dataclass
class Signer:
    """The signature block: authority ("TM. ỦY BAN NHÂN DÂN"), position and name."""

    position: str
    name: str
    authority: str = ""


@dataclass
class Recipients:
    """The "Nơi nhận:" list; the decree ends it with the archive ("Lưu: VT")."""

    lines: list[str] = field(default_factory=list)


def date_line(place: str, day: date) -> str:
    """Return the place and date as the decree writes them: "Hớn Quản, ngày 15 tháng 7 năm 2023".

    Days below 10 and months 1 and 2 take a leading zero, so no one can add a digit by hand.
    """
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day_text} tháng {month_text} năm {day.year}"


def number_line(number: str, symbol: str) -> str:
    """Return "Số: 12/BC-UBND", or "Số:      /BC-UBND" with room for the clerk's number."""
    return f"Số: {number.strip() or ' ' * 6}/{symbol}"


class OfficialDocument:
    """A Word document built top to bottom in the decree's layout."""

    def __init__(self) -> None:
        self.doc = Document()
        self.body_size = 14
        self._setup()

    def _setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(self.body_size)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
        normal.paragraph_format.space_after = Pt(0)
        # Page numbers at the top centre from the second page on, as the decree asks.
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field_ = OxmlElement("w:fldSimple")
        field_.set(qn("w:instr"), "PAGE")
        number._p.append(field_)

    def next_document(self) -> None:
        """Start the next document of a bundle (one letter per group): a new section on a new
        page, numbered from 1 again, with no number on its first page."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = True
        # The new section copies the last one's properties: restart numbering once per section.
        if section._sectPr.find(qn("w:pgNumType")) is not None:
            return
        restart = OxmlElement("w:pgNumType")
        restart.set(qn("w:start"), "1")
        # Word refuses a section whose children are out of the schema's order.
        later = [child for child in section._sectPr if child.tag in AFTER_PAGE_NUMBERS]
        if later:
            later[0].addprevious(restart)
        else:
            section._sectPr.append(restart)

    def _line(self, cell_or_doc, text: str, *, size: float, bold=False, italic=False,
              align=WD_ALIGN_PARAGRAPH.CENTER, underline=False, space_after: float = 0):
        paragraph = cell_or_doc.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(space_after)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        set_font(run, size)
        return paragraph

    def letterhead(self, head: Letterhead) -> None:
        """Write the two-column header: issuing body and number left; Quốc hiệu, Tiêu ngữ,
        place and date right."""
        # Word's "Author" of the file, instead of the library's name.
        self.doc.core_properties.author = head.issuing_body
        left_mm = LEFT_COLUMN_MM
        right_mm = TEXT_WIDTH_MM - left_mm
        table = self.doc.add_table(rows=2, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        no_borders(table)
        set_widths(table, [left_mm, right_mm])
        body, state = table.cell(0, 0), table.cell(0, 1)
        body.paragraphs[0]._p.getparent().remove(body.paragraphs[0]._p)
        state.paragraphs[0]._p.getparent().remove(state.paragraphs[0]._p)
        if head.parent_body:
            self._line(body, head.parent_body.upper(), size=13)
        self._line(body, head.issuing_body.upper(), size=13, bold=True)
        # A third to a half of the name's longest printed line, which the column may wrap.
        printed = min(text_width(head.issuing_body, 13), left_mm - 4)
        short_line(body.add_paragraph(), max(printed / 2.5, 12), left_mm)
        self._line(state, NATIONAL_TITLE, size=12.5, bold=True)
        self._line(state, MOTTO, size=14, bold=True, underline=True, space_after=6)
        number, when = table.cell(1, 0), table.cell(1, 1)
        number.paragraphs[0]._p.getparent().remove(number.paragraphs[0]._p)
        when.paragraphs[0]._p.getparent().remove(when.paragraphs[0]._p)
        if head.symbol:
            self._line(number, number_line(head.number, head.symbol), size=13)
        else:
            number.add_paragraph()
        self._line(when, date_line(head.place, head.day), size=14, italic=True)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(6)

    def title(self, kind: str, subject: str = "") -> None:
        """Write the kind of document (BÁO CÁO) and its subject, with the line under them."""
        self._line(self.doc, kind.upper(), size=14, bold=True)
        for part in subject.splitlines():
            self._line(self.doc, part, size=14, bold=True)
        short_line(self.doc.add_paragraph(), 45, TEXT_WIDTH_MM)

    def heading(self, text: str) -> None:
        """Write a section heading of the body ("I. KẾT QUẢ GIAI ĐOẠN 1"), bold, unindented."""
        paragraph = self._line(self.doc, text, size=self.body_size, bold=True,
                               align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=6)
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.keep_with_next = True

    def paragraph(self, text: str, *, bold_lead: str = "", center: bool = False,
                  bold: bool = False) -> None:
        """Write a paragraph of the body: justified, first line indented, 6 pt after."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = (WD_ALIGN_PARAGRAPH.CENTER if center
                               else WD_ALIGN_PARAGRAPH.JUSTIFY)
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = None if center else Mm(10)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.1
        if bold_lead:
            lead = paragraph.add_run(bold_lead)
            lead.bold = True
            set_font(lead, self.body_size)
        run = paragraph.add_run(text)
        run.bold = bold
        set_font(run, self.body_size)

    def table(self, headers: list[str], rows: list[list], *, widths_mm: list[float],
              total: list | None = None, size: float = 12, numeric_from: int = 2,
              row_height_mm: float | None = None) -> None:
        """Write a bordered table with a bold header row repeated on every page and an
        optional bold total row; numbers from column `numeric_from` are right-aligned."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        repeat_header(table.rows[0])
        for index, text in enumerate(headers):
            self._cell(table.rows[0].cells[index], text, size, bold=True, center=True)
        for values in rows + ([total] if total else []):
            cells = table.add_row().cells
            for index, value in enumerate(values):
                self._cell(cells[index], "" if value is None else str(value), size,
                           bold=values is total, center=index == 0,
                           right=index >= numeric_from)
        if row_height_mm:
            for row in table.rows[1:]:
                row.height = Mm(row_height_mm)
                for cell in row.cells:
                    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        set_widths(table, widths_mm)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(6)

    def _cell(self, cell, text: str, size: float, *, bold=False, center=False, right=False):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = (WD_ALIGN_PARAGRAPH.CENTER if center else
                               WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT)
        run = paragraph.add_run(text)
        run.bold = bold
        set_font(run, size)

    def closing(self, recipients: Recipients | None, signer: Signer | None) -> None:
        """Write "Nơi nhận:" bottom left and the signer bottom right, side by side."""
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)
        table = self.doc.add_table(rows=1, cols=2)
        table.autofit = False
        no_borders(table)
        set_widths(table, [80, TEXT_WIDTH_MM - 80])
        left, right = table.rows[0].cells
        left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
        right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
        lines = recipients.lines if recipients else []
        if lines:
            self._line(left, "Nơi nhận:", size=12, bold=True, italic=True,
                       align=WD_ALIGN_PARAGRAPH.LEFT)
            for index, text in enumerate(lines):
                # The decree ends each recipient with ";" and the last one with ".".
                end = "." if index == len(lines) - 1 else ";"
                self._line(left, f"- {text.strip().rstrip(';.')}{end}", size=11,
                           align=WD_ALIGN_PARAGRAPH.LEFT)
        else:
            left.add_paragraph()
        if signer is None:
            right.add_paragraph()
            return
        if signer.authority:
            self._line(right, signer.authority.upper(), size=14, bold=True)
        self._line(right, signer.position.upper(), size=14, bold=True)
        for _blank in range(4):  # room for the signature and the seal
            self._line(right, "", size=14)
        self._line(right, signer.name, size=14, bold=True)

    def to_bytes(self) -> bytes:
        """Return the document as .docx bytes."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
