"""The pieces of WordprocessingML that python-docx has no call for: borders, fonts, widths."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
#: what follows <w:pgNumType> in a section's properties (ECMA-376 CT_SectPr)
AFTER_PAGE_NUMBERS = {qn(f"w:{tag}") for tag in (
    "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter",
    "docGrid", "printerSettings", "sectPrChange")}


def set_font(run, size: float | None = None) -> None:
    """Set a run in Times New Roman (every script slot) and, if given, its size."""
    run.font.name = FONT
    # Word picks the font of Vietnamese letters from the East Asian and complex-script slots
    # too; without them some letters fall back to another font.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if size:
        run.font.size = Pt(size)


def short_line(paragraph, width_mm: float, column_mm: float) -> None:
    """Draw the decree's short solid line as the bottom border of an indented empty paragraph."""
    side = max((column_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    paragraph.paragraph_format.space_after = Pt(6)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    set_font(paragraph.add_run(), 2)


def no_borders(table) -> None:
    """Remove every border of a table (the letterhead and the closing are not boxed)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def repeat_header(row) -> None:
    """Repeat a table's first row at the top of every page it runs over."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def set_widths(table, widths_mm: list[float]) -> None:
    """Set column widths on the grid (LibreOffice reads it) and on every cell (Word does)."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def text_width(text: str, size: float) -> float:
    """Guess a line's printed width in mm (Times capitals average about 0.62 em)."""
    return len(text) * size * 0.62 * 0.3528
