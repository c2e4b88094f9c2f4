"""A review of a campaign with the police's lists: what teams claim beside what the lists
confirm, by hamlet (a campaign of one commune is reviewed by hamlet)."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from tests.factories.auth import sign_in
from tests.test_accountability_documents import table_rows
from tests.test_reports_confirmed import scene  # noqa: F401 - the fixture with lists


def test_review_shows_claimed_beside_confirmed(app, scene, client):  # noqa: F811
    sign_in(client, "toch")
    phase_id = scene.extra["phase_id"]
    response = client.get(f"/campaigns/{scene.campaign_id}/review?scope={phase_id}&format=docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    rows = table_rows(doc.tables[1])
    assert rows[0] == ["STT", "Đơn vị", "Chỉ tiêu", "Đã đạt", "Tỷ lệ", "Tự báo cáo",
                       "Công an xác nhận"]
    by_hamlet = {row[1]: row for row in rows[1:-1]}
    # Chợ: three claimed door records, two of them gone from the list, and one person gone
    # without a visit: 3 confirmed, counted as done (plan 003 counts confirmed only).
    assert by_hamlet["Ấp Chợ"][3] == "3" and by_hamlet["Ấp Chợ"][5:] == ["3", "3"]
    assert rows[-1][1] == "Tổng cộng"
    said = "\n".join(p.text for p in doc.paragraphs)
    assert "Công an xác nhận 3 (100,0 %). Số liệu trên chỉ tính kết quả đã được danh sách " \
        "xác nhận." in said
    book = load_workbook(io.BytesIO(client.get(
        f"/campaigns/{scene.campaign_id}/review?scope={phase_id}&format=xlsx").data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[5]][5:] == ["Tự báo cáo", "Công an xác nhận"]
