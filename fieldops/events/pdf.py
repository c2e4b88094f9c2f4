"""A4 PDFs in Vietnamese: the run sheet of an event and the posters of its help desks.

Both are printed for the commune's guests and citizens, so they are in Vietnamese whatever
language the organizer's screen uses. The DejaVu font ships in static/fonts: fpdf2's
built-in fonts are Latin-1 only and would drop every Vietnamese mark.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from fieldops import resource_dir
from fieldops.events.models import HelpDesk, LaunchEvent
from fieldops.events.services import hhmm

if TYPE_CHECKING:
    from fieldops.campaigns.models import Campaign

FONT = "DejaVu"
GUIDE_CAPTION = "Hướng dẫn cài đặt\nvà kích hoạt"
CHECKIN_CAPTION = "Đăng ký nhanh\n(pre-check-in)"
NEXT = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def new_document(title: str) -> FPDF:
    """Return an A4 portrait document with the Vietnamese font loaded."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    fonts = resource_dir("static") / "fonts"
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("fieldops")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    return pdf


def close_fonts(pdf: FPDF) -> None:
    """Close the font files fpdf2 reads lazily and leaves open."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _line(pdf: FPDF, width: float, height: float, text: str, align: str = "C") -> None:
    # One cell when the text fits: fpdf2's multi_cell line breaking costs ~10 ms a call.
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        pdf.cell(width, height, text, align=align, **NEXT)
    else:
        pdf.multi_cell(width, height, text, align=align, **NEXT)


def _address(pdf: FPDF, width: float, text: str) -> None:
    # A web address typed by hand must sit on one line: wrapped, a "-" at the end of a line
    # reads as a break, not as part of the code. Shrink the type until it fits.
    size = 9.5
    pdf.set_font(FONT, "", size)
    while size > 6 and pdf.get_string_width(text) > width - 2 * pdf.c_margin:
        size -= 0.5
        pdf.set_font(FONT, "", size)
    pdf.cell(width, 4.8, text, align="C", **NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    # A heading alone at the foot of a page would be cut from its list.
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    else:
        pdf.ln(4)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(pdf.epw, 6.5, text, **NEXT)
    pdf.set_font(FONT, "", 10)


def _when(event: LaunchEvent) -> str:
    return (f"Ngày {event.event_date.strftime('%d/%m/%Y')}, "
            f"{hhmm(event.start_time)}–{hhmm(event.end_time)} · {event.venue_name}")


def poster_page(pdf: FPDF, desk: HelpDesk, guide_png: bytes, guide_url: str,
                checkin_png: bytes, checkin_url: str) -> None:
    """Add one desk's poster: its name, organisation, services and both codes with captions."""
    event = desk.event
    pdf.add_page()
    width = pdf.epw
    pdf.set_text_color(90, 90, 90)
    pdf.set_font(FONT, "", 11)
    _line(pdf, width, 5.5, event.title)
    _line(pdf, width, 5.5, _when(event))
    pdf.ln(6)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 40)
    _line(pdf, width, 17, desk.table_label.upper())
    pdf.set_font(FONT, "B", 26)
    _line(pdf, width, 12, desk.organisation)
    if desk.purpose:
        pdf.set_font(FONT, "", 15)
        pdf.ln(2)
        _line(pdf, width, 7.5, desk.purpose)
    if desk.services:
        pdf.set_font(FONT, "", 12)
        pdf.ln(2)
        names = " · ".join(s.name_vi for s in desk.services)
        _line(pdf, width, 6, names)

    # Two codes side by side, 84 mm wide: large enough to scan from a metre away.
    size, gap = 84.0, width - 2 * 84.0
    top = max(pdf.get_y() + 20, 125.0)
    for column, (caption, png, url) in enumerate(
            ((GUIDE_CAPTION, guide_png, guide_url), (CHECKIN_CAPTION, checkin_png, checkin_url))):
        left = pdf.l_margin + column * (size + gap)
        pdf.set_xy(left, top - 15)
        pdf.set_font(FONT, "B", 15)
        for part in caption.split("\n"):
            pdf.set_x(left)
            pdf.cell(size, 7, part, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.image(io.BytesIO(png), x=left, y=top, w=size, h=size)
        pdf.set_xy(left, top + size + 2)
        _address(pdf, size, url.split("://", 1)[-1])
    pdf.set_xy(pdf.l_margin, top + size + 20)
    pdf.set_font(FONT, "", 12)
    pdf.set_text_color(60, 60, 60)
    pdf.multi_cell(width, 6, "Mở camera điện thoại và hướng vào mã QR. "
                             "Tình nguyện viên Đoàn Thanh niên sẵn sàng hỗ trợ bạn.",
                   align="C", **NEXT)
    pdf.set_text_color(0, 0, 0)


def posters(event: LaunchEvent, desks: list[HelpDesk],
            codes: Callable[[HelpDesk], tuple[bytes, str, bytes, str]]) -> bytes:
    """Return one PDF with a poster per desk; `codes` gives (guide png, url, checkin png, url)."""
    pdf = new_document(f"Biển bàn hỗ trợ – {event.title}")
    try:
        for desk in desks:
            poster_page(pdf, desk, *codes(desk))
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def help_poster(campaign: Campaign, png: bytes, url: str) -> bytes:
    """Return an A4 poster of a campaign's public "where to get help" page: one large code."""
    pdf = new_document(f"Nơi hỗ trợ người dân – {campaign.title}")
    try:
        pdf.add_page()
        width = pdf.epw
        if campaign.issuing_unit:
            pdf.set_font(FONT, "", 12)
            _line(pdf, width, 6, campaign.issuing_unit.upper())
        pdf.set_font(FONT, "B", 15)
        pdf.multi_cell(width, 7.5, campaign.title, align="C", **NEXT)
        pdf.ln(8)
        pdf.set_font(FONT, "B", 30)
        _line(pdf, width, 14, "NƠI HỖ TRỢ NGƯỜI DÂN")
        pdf.set_font(FONT, "", 14)
        pdf.multi_cell(width, 7, "Bàn hỗ trợ và điểm thu nhận hồ sơ lưu động hôm nay và "
                                 "những ngày tới: địa điểm, giờ, dịch vụ.", align="C", **NEXT)
        # 120 mm: scanned from a notice board across a room, or from a photo shared on Zalo.
        size = 120.0
        top = pdf.get_y() + 8
        pdf.image(io.BytesIO(png), x=pdf.l_margin + (width - size) / 2, y=top, w=size, h=size)
        pdf.set_xy(pdf.l_margin, top + size + 3)
        pdf.set_font(FONT, "", 13)
        _line(pdf, width, 6.5, url.split("://", 1)[-1])
        pdf.ln(6)
        pdf.set_font(FONT, "", 12)
        pdf.multi_cell(width, 6, "Mở camera điện thoại và hướng vào mã QR.", align="C", **NEXT)
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def run_sheet(event: LaunchEvent) -> bytes:
    """Return the event's A4 run sheet: agenda, invited groups, help desks, time changes."""
    pdf = new_document(f"Chương trình – {event.title}")
    try:
        _run_sheet_pages(pdf, event)
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def _run_sheet_pages(pdf: FPDF, event: LaunchEvent) -> None:
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(width, 7.5, "CHƯƠNG TRÌNH CHI TIẾT", align="C", **NEXT)
    pdf.set_font(FONT, "B", 12.5)
    pdf.multi_cell(width, 6.5, event.title, align="C", **NEXT)
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(width, 5.5, _when(event), align="C", **NEXT)
    if event.venue_address:
        pdf.multi_cell(width, 5.5, event.venue_address, align="C", **NEXT)
    pdf.ln(4)

    pdf.set_font(FONT, "", 10)
    with pdf.table(col_widths=(30, 62, 40, 48), text_align="LEFT", line_height=5, v_align="TOP",
                   padding=1.5, first_row_as_headings=True) as table:
        header = table.row()
        for title in ("Thời gian", "Nội dung", "Đơn vị phụ trách", "Ghi chú"):
            header.cell(title)
        for item in event.agenda_items:
            row = table.row()
            span = f"{hhmm(item.start_time)}–{hhmm(item.end_time)}"
            row.cell(span + ("\n(song song)" if item.parallel else ""))
            row.cell(item.title)
            row.cell(item.responsible_unit or "")
            row.cell(item.notes or "")

    if event.groups:
        total = sum(g.expected_count for g in event.groups)
        _heading(pdf, f"Thành phần tham dự ({total} người)")
        for group in event.groups:
            who = group.name + (f" ({group.organisation})" if group.organisation else "")
            pdf.multi_cell(width, 5.2, f"– {who}: {group.expected_count} người", **NEXT)
    if event.desks:
        _heading(pdf, "Bàn kỹ thuật, bàn tư vấn")
        for desk in event.desks:
            services = ", ".join(s.name_vi for s in desk.services)
            pdf.multi_cell(width, 5.2, f"– {desk.name}" + (f": {services}" if services else ""),
                           **NEXT)
    if event.shifts:
        _heading(pdf, "Điều chỉnh giờ")
        for shift in reversed(event.shifts):
            sign = "+" if shift.minutes > 0 else ""
            line = (f"– Từ mục “{shift.from_item_title}” ({hhmm(shift.from_time)}): "
                    f"{sign}{shift.minutes} phút, {shift.items_moved} mục")
            if shift.reason:
                line += f" – {shift.reason}"
            pdf.multi_cell(width, 5.2, line, **NEXT)
