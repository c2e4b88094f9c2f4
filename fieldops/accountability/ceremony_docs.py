"""The ceremony's documents in the Decree 30 layout: an invitation letter per invited group and a
sign-in sheet per group for the reception desk (name, unit, signature)."""

from __future__ import annotations

import math

from fieldops.accountability.documents import (
    Letterhead,
    OfficialDocument,
    Recipients,
    Signer,
)
from fieldops.accountability.review import number, vn_date
from fieldops.events.models import AttendeeGroup, LaunchEvent

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
#: spare lines on a sign-in sheet beyond the head-count: a tenth, at least 3
SPARE_SHARE, SPARE_MIN = 0.1, 3


def clock(value) -> str:
    """Return a time as invitations write it: 07 giờ 30 phút, or 07 giờ 00."""
    return f"{value.hour:02d} giờ {value.minute:02d}" + (" phút" if value.minute else "")


def event_when(event: LaunchEvent) -> str:
    """Return "07 giờ 00, thứ Sáu, ngày 10/10/2025"."""
    weekday = WEEKDAYS[event.event_date.weekday()]
    return f"{clock(event.start_time)}, {weekday}, ngày {vn_date(event.event_date)}"


def invited(group: AttendeeGroup) -> str:
    """Return the group as the letter addresses it: its name, and its organisation if any."""
    return f"{group.name} ({group.organisation})" if group.organisation else group.name


def sheet_lines(group: AttendeeGroup) -> int:
    """Return how many lines a group's sign-in sheet has: its head-count and some spare."""
    spare = max(SPARE_MIN, math.ceil(group.expected_count * SPARE_SHARE))
    return group.expected_count + spare


def invitations_docx(event: LaunchEvent, groups: list[AttendeeGroup], head: Letterhead,
                     signer: Signer, recipients: Recipients) -> bytes:
    """Return one invitation letter per group, each on its own page: who is invited, to what,
    when, where, the agenda in short and how many seats the group has."""
    doc = OfficialDocument()
    campaign = event.campaign
    for index, group in enumerate(groups):
        if index:
            doc.next_document()
        doc.letterhead(head)
        doc.title("Giấy mời", f"Dự {event.title}")
        doc.paragraph(f"{head.issuing_body} trân trọng kính mời:", center=True)
        doc.paragraph(invited(group), center=True, bold=True)
        plan = (f" theo Kế hoạch số {campaign.plan_number}" if campaign.plan_number else "")
        doc.paragraph(f"Tới dự {event.title}{plan} ({campaign.title}).")
        doc.paragraph(f"{event_when(event)} (đến {clock(event.end_time)}).",
                      bold_lead="Thời gian: ")
        venue = event.venue_name + (f", {event.venue_address}" if event.venue_address else "")
        doc.paragraph(venue + ".", bold_lead="Địa điểm: ")
        items = [item for item in event.agenda_items if not item.parallel]
        if items:
            doc.paragraph("", bold_lead="Chương trình:")
            for item in items:
                doc.paragraph(f"- {item.start_time:%H:%M} – {item.end_time:%H:%M}: {item.title}.")
        if group.expected_count:
            doc.paragraph(f"{number(group.expected_count)} người.", bold_lead="Số lượng: ")
        doc.paragraph("Đề nghị đại biểu đến trước giờ khai mạc, ký danh tại bàn lễ tân và mang "
                      "theo căn cước gắn chip, điện thoại thông minh để được hỗ trợ tại các bàn "
                      "kỹ thuật. Rất mong đại biểu tham dự đúng thành phần, thời gian./.")
        doc.closing(recipients, signer)
    return doc.to_bytes()


def signin_docx(event: LaunchEvent, groups: list[AttendeeGroup], head: Letterhead) -> bytes:
    """Return one sign-in sheet per group, each from a new page: STT, name, unit and position,
    signature, with a line for each expected guest and some spare."""
    doc = OfficialDocument()
    for index, group in enumerate(groups):
        if index:
            doc.next_document()
        doc.letterhead(head)
        doc.title("Danh sách đại biểu ký danh", f"{event.title}\n{group.name}")
        doc.paragraph(f"{event_when(event)} — {event.venue_name}.", center=True)
        lines = sheet_lines(group)
        rows = [[n, "", "", ""] for n in range(1, lines + 1)]
        doc.table(["STT", "Họ và tên", "Đơn vị, chức vụ", "Ký tên"], rows,
                  widths_mm=[14, 58, 55, 38], numeric_from=9, row_height_mm=9)
        doc.paragraph(f"Dự kiến: {number(group.expected_count)} người. "
                      f"Có mặt: ........ người.")
    return doc.to_bytes()
