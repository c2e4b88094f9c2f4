"""The ceremony's invitations and sign-in sheets, from the Nhơn Trạch launch event of the demo."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from fieldops.accountability.ceremony_docs import sheet_lines
from fieldops.db import db
from fieldops.events.models import LaunchEvent
from tests.factories.auth import DEMO_ADMIN, sign_in
from tests.test_accountability_documents import (
    assert_decree_layout,
    docx_of,
    header_texts,
    table_rows,
)


@pytest.fixture
def ceremony(app, demo):
    """The 10/10/2025 launch event: (event id, [(group id, name, expected head-count)])."""
    with app.app_context():
        event = db.session.execute(db.select(LaunchEvent).filter_by(
            event_date=date(2025, 10, 10))).scalar_one()
        return event.id, [(g.id, g.name, g.expected_count) for g in event.groups]


@pytest.fixture
def admin(app, demo):
    """A client signed in as the demo's organizer."""
    client = app.test_client()
    sign_in(client, *DEMO_ADMIN)
    return client


def letters(doc: Document) -> list[list[str]]:
    """Split a bundle's paragraphs into its letters, at each "GIẤY MỜI" title."""
    found: list[list[str]] = []
    for paragraph in doc.paragraphs:
        if paragraph.text == "GIẤY MỜI":
            found.append([])
        if found:
            found[-1].append(paragraph.text)
    return found


def test_one_invitation_per_group_with_time_place_and_agenda(ceremony, admin):
    event_id, groups = ceremony
    doc = docx_of(admin.get(f"/events/{event_id}/documents?kind=invitations&day=03/10/2025"))
    assert_decree_layout(doc, number_line="Số:       /GM-UBND",
                         dateline="Nhơn Trạch, ngày 03 tháng 10 năm 2025")
    assert "ỦY BAN NHÂN DÂN XÃ NHƠN TRẠCH" in header_texts(doc)
    found = letters(doc)
    assert len(found) == len(groups) == 8
    for letter, (_id, name, expected) in zip(found, groups, strict=True):
        assert letter[1] == "Dự Lễ phát động ra quân “Phổ cập chữ ký số cho người dân”"
        assert any(t.startswith(name) for t in letter), name
        assert "Thời gian: 07 giờ 00, thứ Sáu, ngày 10/10/2025 (đến 11 giờ 00)." in letter
        assert any(t.startswith("Địa điểm: ") for t in letter)
        assert "- 08:00 – 08:05: Nghi thức khai mạc." in letter
        # The music beside reception runs in parallel: not part of the agenda in short.
        assert not any("Văn nghệ" in t for t in letter)
        assert f"Số lượng: {expected} người." in letter
    # Each letter has its own letterhead and its own signature block, then a page break.
    assert sum(1 for t in doc.tables if "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in
               [p.text for c in t.rows[0].cells for p in c.paragraphs]) == 8
    # One section per letter, each numbered from 1 with no number on its first page.
    assert len(doc.sections) == 8
    assert all(s.different_first_page_header_footer for s in doc.sections)
    assert [s._sectPr.find(qn("w:pgNumType")) is not None for s in doc.sections] == \
        [False] + [True] * 7
    closing = table_rows(doc.tables[-1])[0]
    assert closing[0].splitlines() == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert closing[1].split("\n")[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_sign_in_sheet_has_a_line_for_each_expected_guest_and_spare(app, ceremony, admin):
    event_id, groups = ceremony
    group_id, name, expected = next(g for g in groups if g[2] == 60)
    doc = docx_of(admin.get(f"/events/{event_id}/documents?kind=signin&group={group_id}"))
    texts = header_texts(doc)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert not any(t.startswith("Số:") for t in texts)  # a sign-in sheet has no number
    body = [p.text for p in doc.paragraphs]
    assert "DANH SÁCH ĐẠI BIỂU KÝ DANH" in body and name in body
    rows = table_rows(doc.tables[1])
    assert rows[0] == ["STT", "Họ và tên", "Đơn vị, chức vụ", "Ký tên"]
    assert len(rows) - 1 == 66  # 60 expected and a tenth spare
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 67)]
    assert all(r[1:] == ["", "", ""] for r in rows[1:])
    # The header row repeats on every page of a long sheet.
    assert "w:tblHeader" in doc.tables[1].rows[0]._tr.xml
    assert f"Dự kiến: {expected} người. Có mặt: ........ người." in body


def test_all_sign_in_sheets_in_one_file(ceremony, admin):
    event_id, groups = ceremony
    doc = docx_of(admin.get(f"/events/{event_id}/documents?kind=signin"))
    sheets = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"]
    assert [len(t.rows) - 1 for t in sheets] == [
        expected + max(3, -(-expected // 10)) for _i, _n, expected in groups]


def test_sheet_lines_keeps_at_least_three_spare(app):
    class Group:
        expected_count = 2

    assert sheet_lines(Group()) == 5


def test_event_page_links_the_documents_and_bad_group_is_refused(ceremony, admin, client,
                                                                 users):
    event_id, groups = ceremony
    html = admin.get(f"/events/{event_id}").get_data(as_text=True)
    assert f"/events/{event_id}/documents?kind=invitations" in html
    assert f"/events/{event_id}/documents?kind=signin" in html
    refused = admin.get(f"/events/{event_id}/documents?kind=signin&group=999999")
    assert refused.mimetype == "text/html"
    assert "Nhóm khách mời không thuộc sự kiện này." in refused.get_data(as_text=True)
    sign_in(client, users["volunteer"])
    assert "/documents?kind=" not in client.get(f"/events/{event_id}").get_data(as_text=True)
    assert client.get(f"/events/{event_id}/documents?kind=signin").status_code == 403


def test_event_without_groups_says_so(app, ceremony, admin):
    event_id, _groups = ceremony
    with app.app_context():
        event = db.session.get(LaunchEvent, event_id)
        event.groups.clear()
        db.session.commit()
    response = admin.get(f"/events/{event_id}/documents?kind=invitations")
    assert response.status_code == 302 and response.location.endswith(f"/events/{event_id}/groups")
    page = admin.get(f"/events/{event_id}/documents")
    assert "Sự kiện chưa có nhóm khách mời nào." in page.get_data(as_text=True)
