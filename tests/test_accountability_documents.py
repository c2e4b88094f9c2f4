"""The phase and final reviews (Word, Excel, Zalo text) from the Hưng Hà demo, read back.

Every .docx is opened with python-docx and its letterhead, fonts, margins and tables checked;
every .xlsx with openpyxl. test_accountability_render.py has LibreOffice print them.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from fieldops.accountability.documents import MOTTO, NATIONAL_TITLE, date_line
from fieldops.accountability.review import build_review, number, percent
from fieldops.accountability.review_docs import review_docx
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.reports.progress import PLACES, progress
from tests.factories.auth import DEMO_ADMIN, sign_in

DAY = "15/07/2023"
FONT = "Times New Roman"


@pytest.fixture
def hung_ha(app, demo, users):
    """The Hưng Hà campaign of the demo (plan 60/KH-TCTĐA-CA, phase 1 results); its id and
    its phases' ids."""
    with app.app_context():
        campaign = db.session.execute(db.select(Campaign).filter_by(
            plan_number="60/KH-TCTĐA-CA")).scalar_one()
        return campaign.id, [p.id for p in campaign.phases]


@pytest.fixture
def admin(app, demo):
    """A client signed in as the demo's organizer (admin, Nguyễn Văn An)."""
    client = app.test_client()
    sign_in(client, *DEMO_ADMIN)
    return client


def docx_of(response) -> Document:
    """Return the downloaded .docx opened by python-docx."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("wordprocessingml.document")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return Document(io.BytesIO(response.data))


def header_texts(doc: Document) -> list[str]:
    """Return the paragraphs of the letterhead table (left column, then right), per row."""
    table = doc.tables[0]
    return [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]


def all_runs(doc: Document):
    """Yield every run of the document's body, tables included."""
    for paragraph in doc.paragraphs:
        yield from paragraph.runs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs


def assert_decree_layout(doc: Document, *, number_line: str | None, dateline: str) -> None:
    """Check the decree's letterhead, font and page: what an office checks first."""
    texts = header_texts(doc)
    assert NATIONAL_TITLE in texts and MOTTO in texts
    assert dateline in texts
    if number_line is not None:
        assert number_line in texts
    table = doc.tables[0]
    motto = next(r for p in table.cell(0, 1).paragraphs for r in p.runs if r.text == MOTTO)
    assert motto.bold and motto.underline
    title = next(r for p in table.cell(0, 1).paragraphs for r in p.runs
                 if r.text == NATIONAL_TITLE)
    assert title.bold
    when = next(r for p in table.cell(1, 1).paragraphs for r in p.runs if r.text == dateline)
    assert when.italic
    # No borders on the letterhead: every edge is "nil".
    borders = table._tbl.tblPr.xml
    assert borders.count('w:val="nil"') == 6
    assert doc.styles["Normal"].font.name == FONT
    assert {run.font.name for run in all_runs(doc) if run.text} == {FONT}
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # Word keeps margins in twips: 20 mm is 1134 twips, 20.0025 mm read back.
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [20, 20, 30, 15]


def table_rows(table) -> list[list[str]]:
    """Return a table's cells as text, row by row."""
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_phase_review_docx_has_the_decree_layout_and_the_units_figures(app, hung_ha, admin):
    campaign_id, phases = hung_ha
    doc = docx_of(admin.get(f"/campaigns/{campaign_id}/review?scope={phases[0]}&format=docx"
                            f"&day={DAY}&number=125"))
    assert_decree_layout(doc, number_line="Số: 125/BC-TCTĐA-CA",
                         dateline="Hưng Hà, ngày 15 tháng 7 năm 2023")
    texts = header_texts(doc)
    # The working group of the district, under the district's people's committee.
    assert "UBND HUYỆN HƯNG HÀ" in texts and "TỔ CÔNG TÁC ĐỀ ÁN 06 HUYỆN HƯNG HÀ" in texts
    body = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in body
    assert "Sơ kết Giai đoạn 1 thực hiện Kế hoạch số 60/KH-TCTĐA-CA" in body
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id)
        report = progress(campaign, campaign.phases[0], level=PLACES, today=date(2023, 7, 15))
    units = doc.tables[1]
    rows = table_rows(units)
    assert rows[0] == ["STT", "Đơn vị", "Chỉ tiêu", "Đã đạt", "Tỷ lệ"]
    assert len(rows) == 1 + 35 + 1
    by_unit = {row[1]: row for row in rows[1:]}
    first = report.lines[0]
    assert by_unit[first.label][2:] == [number(first.target), number(first.done),
                                        percent(first.percent)]
    assert rows[-1][1:] == ["Tổng cộng", number(report.total.target), number(report.total.done),
                            percent(report.total.percent)]
    assert all(run.bold for cell in units.rows[-1].cells for run in cell.paragraphs[0].runs)
    # The narrative is the figures read out, not a blank to fill.
    ahead = sum(1 for x in report.lines if x.target and x.done >= x.target)
    assert f"- Toàn địa bàn đạt {number(report.total.done)}/{number(report.total.target)} " \
        f"kết quả theo chỉ tiêu, bằng {percent(report.total.percent)}." in body
    said = "\n".join(body)
    assert (f"Có {ahead}/35 đơn vị đạt và vượt chỉ tiêu" in said if ahead
            else "Chưa có đơn vị nào trong 35 đơn vị đạt chỉ tiêu." in said)
    assert "Giai đoạn đã kết thúc ngày 30/04/2023." in said
    closing = doc.tables[-1]
    left = [p.text for p in closing.cell(0, 0).paragraphs]
    assert left[0] == "Nơi nhận:" and left[-1] == "- Lưu: VT."
    assert "- UBND tỉnh Thái Bình (để báo cáo);" in left
    right = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert right == ["TỔ TRƯỞNG", "Nguyễn Văn An"]


def test_final_review_keeps_each_phase_apart(app, hung_ha, admin):
    campaign_id, phases = hung_ha
    doc = docx_of(admin.get(f"/campaigns/{campaign_id}/review?scope=final&format=docx"
                            f"&day=23/09/2023"))
    body = [p.text for p in doc.paragraphs]
    headings = [t for t in body if re.match(r"^[IVX]+\. ", t)]
    assert headings == ["I. KẾT QUẢ GIAI ĐOẠN 1 (15/04/2023 – 30/04/2023)",
                        "II. KẾT QUẢ GIAI ĐOẠN 2 (01/05/2023 – 15/06/2023)",
                        "III. KẾT QUẢ GIAI ĐOẠN 3 (16/06/2023 – 15/11/2023)",
                        "IV. TỔNG HỢP CÁC GIAI ĐOẠN"]
    assert "Tổng kết thực hiện Kế hoạch số 60/KH-TCTĐA-CA" in body
    # Letterhead, three units tables, the summary, the closing.
    assert len(doc.tables) == 6
    summary = table_rows(doc.tables[4])
    assert [row[1] for row in summary[1:]] == [
        "Giai đoạn 1 (15/04/2023 – 30/04/2023)", "Giai đoạn 2 (01/05/2023 – 15/06/2023)",
        "Giai đoạn 3 (16/06/2023 – 15/11/2023)"]
    # Phase 2 had no results in the demo: 0 done against the appendix's targets.
    assert table_rows(doc.tables[2])[-1][3] == "0"
    # 23/09/2023 is inside phase 3: its days left and the pace it needs are said.
    assert any("còn 54 ngày kể cả hôm nay; để hoàn thành chỉ tiêu cần đạt bình quân" in t
               for t in body)


def test_units_narratives_are_printed_when_given(app, hung_ha):
    campaign_id, _phases = hung_ha
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id)
        review = build_review(campaign, campaign.phases[:1], day=date(2023, 5, 2), final=False,
                              narratives={"Xã Tân Lễ": "Khó khăn: nhiều người đi làm xa.",
                                          "Xã Bắc Sơn": "  "})
        from fieldops.accountability.documents import Letterhead, Recipients, Signer
        body = review_docx(review, Letterhead("Tổ công tác", "Hưng Hà", date(2023, 5, 2),
                                              symbol="BC-TCT"),
                           Signer("Tổ trưởng", "Nguyễn Văn A"), Recipients(["Lưu: VT"]))
    doc = Document(io.BytesIO(body))
    texts = [p.text for p in doc.paragraphs]
    assert "II. BÁO CÁO CỦA CÁC ĐƠN VỊ" in texts
    assert "Xã Tân Lễ: Khó khăn: nhiều người đi làm xa." in texts
    assert not any(t.startswith("Xã Bắc Sơn:") for t in texts)  # blank: nothing to print
    assert "Số:       /BC-TCT" in header_texts(doc)


def test_review_workbook_has_a_sheet_per_phase_with_numbers(app, hung_ha, admin):
    campaign_id, phases = hung_ha
    response = admin.get(f"/campaigns/{campaign_id}/review?scope=final&format=xlsx&day={DAY}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="tong-ket-{campaign_id}-20230715.xlsx"'
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Giai đoạn 1", "Giai đoạn 2", "Giai đoạn 3"]
    sheet = book["Giai đoạn 1"]
    assert [c.value for c in sheet[5]] == ["STT", "Đơn vị", "Chỉ tiêu", "Đã đạt", "Tỷ lệ"]
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id)
        report = progress(campaign, campaign.phases[0], level=PLACES, today=date(2023, 7, 15))
    total = [c.value for c in sheet[5 + 35 + 1]]
    assert total[1:4] == ["Tổng cộng", report.total.target, report.total.done]
    assert total[4] == pytest.approx(report.total.done / report.total.target)
    assert sheet.cell(6, 5).number_format == "0.0%"
    assert sum(sheet.cell(r, 4).value for r in range(6, 41)) == report.total.done


def test_zalo_summary_page_has_the_text_and_a_copy_button(app, hung_ha, admin):
    campaign_id, phases = hung_ha
    page = admin.get(f"/campaigns/{campaign_id}/review?scope={phases[0]}&format=text&day={DAY}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    text = re.search(r'<textarea id="zalo-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert text.startswith("SƠ KẾT KH 60/KH-TCTĐA-CA — Tổ công tác Đề án 06 huyện Hưng Hà")
    assert "• Giai đoạn 1 (15/04/2023 – 30/04/2023)" in text
    assert "- Đạt chỉ tiêu: " in text and "/35 đơn vị" in text
    assert len(text) < 600  # short enough to read on a phone in one screen
    assert 'id="copy-button"' in html and "js/copy" in html


def test_progress_page_links_the_reviews_for_organizers_only(app, hung_ha, admin, client,
                                                             users):
    campaign_id, phases = hung_ha
    html = admin.get(f"/campaigns/{campaign_id}/progress?phase={phases[0]}").get_data(
        as_text=True)
    for scope in (phases[0], "final"):
        for fmt in ("docx", "xlsx", "text"):
            assert f"/campaigns/{campaign_id}/review?scope={scope}&amp;format={fmt}" in html
    sign_in(client, users["volunteer"])
    assert 'id="review-documents"' not in client.get(
        f"/campaigns/{campaign_id}/progress").get_data(as_text=True)
    assert client.get(f"/campaigns/{campaign_id}/review?scope=final&format=docx"
                      ).status_code == 403


@pytest.mark.parametrize(("query", "message"), [
    ("scope=99999&format=docx", "Hãy chọn một báo cáo trong danh sách."),
    ("scope=final&format=docx&number=12a", "Số văn bản chỉ gồm chữ số."),
    ("scope=final&format=docx&day=31/02/2023", "Ngày phải viết dạng ngày/tháng/năm"),
    ("scope=final&format=xlsx&signer_name=", "Vui lòng nhập trường này."),
    ("scope=final&format=docx&symbol=BC/UBND", "Ký hiệu không có dấu cách và dấu “/”"),
])
def test_bad_input_shows_the_form_with_a_message_and_no_file(hung_ha, admin, query, message):
    campaign_id, _phases = hung_ha
    response = admin.get(f"/campaigns/{campaign_id}/review?{query}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert message in html and "Chưa tải được" in html, html[html.find("review-form"):][:4000]


def test_date_line_pads_small_days_and_months():
    assert date_line("Hớn Quản", date(2023, 7, 15)) == "Hớn Quản, ngày 15 tháng 7 năm 2023"
    assert date_line("Hưng Hà", date(2023, 2, 5)) == "Hưng Hà, ngày 05 tháng 02 năm 2023"


def test_phase_review_prints_the_units_own_phase_reports(app, hung_ha, admin):
    from datetime import UTC, datetime, time

    from fieldops.accountability import duties, submissions
    from fieldops.accountability.duty_models import COMMUNE, PHASE_REVIEW

    campaign_id, phases = hung_ha
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id)
        duty = duties.save_duty(campaign, None, title="Sơ kết giai đoạn 1",
                                frequency=PHASE_REVIEW, phase=campaign.phases[0],
                                due_on=date(2023, 5, 5), unit_kind=COMMUNE, deadline=time(17))
        unit = next(u for u in duties.sync_units(campaign, COMMUNE) if u.name == "Xã Bắc Sơn")
        start = duties.periods(duty)[0].start
        submissions.submit(duty, unit, start, user=unit.users[0],
                           now=datetime(2023, 5, 2, 3, tzinfo=UTC),
                           results="Đã rà soát 12 thôn, kích hoạt vượt chỉ tiêu.",
                           difficulties="Người đi làm ăn xa nhiều.",
                           proposals="Bổ sung thiết bị cho Tổ công nghệ số.")
        db.session.commit()
    doc = docx_of(admin.get(f"/campaigns/{campaign_id}/review?scope={phases[0]}&format=docx"
                            f"&day={DAY}&number=126"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Xã Bắc Sơn" in body
    assert ("Kết quả: Đã rà soát 12 thôn, kích hoạt vượt chỉ tiêu. Khó khăn: Người đi làm ăn "
            "xa nhiều. Đề xuất: Bổ sung thiết bị cho Tổ công nghệ số.") in body
