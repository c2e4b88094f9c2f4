"""Commendation lists from a phase's frozen ranking: who is proposed, who is not and every
reason why, the campaign's thresholds, and the Word and Excel documents read back."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from fieldops.accountability import commendation
from fieldops.accountability.commendation_models import CommendationSettings
from fieldops.campaigns.models import Campaign, Phase
from fieldops.db import db
from fieldops.reports.models import RankingSnapshot
from tests.conftest import csrf_token
from tests.factories.auth import signed_in
from tests.factories.phase_end import frozen_scene, phases_scene


@pytest.fixture
def frozen(app, scene):
    with app.app_context():
        return frozen_scene(phases_scene(scene))


def _lists(app, scene):
    with app.test_request_context():
        campaign = db.session.get(Campaign, scene.campaign_id)
        phase = db.session.get(Phase, scene.extra["ended_id"])
        return commendation.build_lists(campaign, phase)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_lists_name_the_commended_and_every_reason_of_the_excluded(app, frozen):
    lists = _lists(app, frozen)
    assert [(e.name, e.checked) for e in lists.commended] == [
        ("Đoàn 1", True), ("Đoàn 2", False), ("Đặng Tình Nguyện", False)]
    reasons = {e.name: e.reasons for e in lists.excluded}
    assert reasons == {
        "Xã Nhơn Trạch": ["Nộp muộn 1 báo cáo trong giai đoạn"],
        "Đoàn 3": ["Chưa đạt chỉ tiêu (đạt 80,0 %)", "Không nộp 2 báo cáo trong giai đoạn",
                   "Tỷ lệ sai khi kiểm tra xác suất 30,0 %, vượt ngưỡng 10,0 %"],
        "Đoàn 4": ["Tỷ lệ sai khi kiểm tra xác suất 12,0 %, vượt ngưỡng 10,0 %"],
    }


def test_the_campaign_s_thresholds_change_the_lists(app, frozen, organizer):
    url = f"/campaigns/{frozen.campaign_id}/phases/{frozen.extra['ended_id']}/commendation"
    page = organizer.get(url)
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    bad = organizer.post(url, data={"csrf_token": token, "min_confirmation": "120",
                                    "max_rejection": "15"})
    assert "Hãy nhập một tỷ lệ từ 0 đến 100 %." in _text(bad)
    with app.app_context():
        assert db.session.get(CommendationSettings, frozen.campaign_id) is None
    saved = organizer.post(url, data={"csrf_token": token, "min_confirmation": "85",
                                      "max_rejection": "15"}, follow_redirects=True)
    assert "Đã lưu ngưỡng khen thưởng của chiến dịch." in _text(saved)
    lists = _lists(app, frozen)
    assert "Đoàn 4" in [e.name for e in lists.commended]
    # 70 % confirmed is 30 % untrue: over 15 %, still excluded.
    assert {e.name for e in lists.excluded} == {"Xã Nhơn Trạch", "Đoàn 3"}
    with app.app_context():
        saved = db.session.get(CommendationSettings, frozen.campaign_id)
        assert (saved.min_confirmation_percent, saved.max_rejection_percent) == (85, 15)


def test_a_confirmation_rate_under_the_minimum_is_a_reason_too(app, frozen):
    with app.test_request_context():
        campaign = db.session.get(Campaign, frozen.campaign_id)
        commendation.save_settings(campaign, min_confirmation=95, max_rejection=50)
        db.session.commit()
    reasons = {e.name: e.reasons for e in _lists(app, frozen).excluded}
    assert reasons["Đoàn 4"] == [
        "Tỷ lệ xác nhận khi kiểm tra xác suất 88,0 %, dưới ngưỡng 95,0 %"]


def test_the_page_shows_both_lists_and_says_when_nothing_is_frozen(app, frozen, organizer):
    base = f"/campaigns/{frozen.campaign_id}/phases"
    text = _text(organizer.get(f"{base}/{frozen.extra['ended_id']}/commendation"))
    assert "Danh sách đề nghị khen thưởng (3)" in text
    assert "Đoàn 2 100 130 130,0 % chưa kiểm tra xác suất" in text.replace("130.0", "130,0")
    assert "Đơn vị không đề nghị khen thưởng (3)" in text
    assert "Không nộp 2 báo cáo trong giai đoạn" in text
    running = _text(organizer.get(f"{base}/{frozen.extra['running_id']}/commendation"))
    assert "Xếp hạng Cao điểm chưa được chốt." in running


def test_only_organizers_see_the_lists_and_set_thresholds(app, frozen):
    url = f"/campaigns/{frozen.campaign_id}/phases/{frozen.extra['ended_id']}/commendation"
    for username in ("doan1", "tnv1"):
        client = signed_in(app, username)
        assert client.get(url).status_code == 403
        assert client.post(url, data={"min_confirmation": "0",
                                      "max_rejection": "100"}).status_code == 403
        assert client.get(f"{url}.docx").status_code == 403
    with app.app_context():
        assert db.session.get(CommendationSettings, frozen.campaign_id) is None


def test_the_word_proposal_reads_back(app, frozen, organizer):
    url = f"/campaigns/{frozen.campaign_id}/phases/{frozen.extra['ended_id']}/commendation"
    response = organizer.get(f"{url}.docx?day=20/11/2025&number=7")
    assert response.status_code == 200
    assert re.match(r'attachment; filename="khen-thuong-\d+-\d+-20251120.docx"',
                    response.headers["Content-Disposition"])
    doc = Document(io.BytesIO(response.data))
    body = [p.text for p in doc.paragraphs]
    assert "TỜ TRÌNH" in body
    assert any(t.startswith("Về việc đề nghị khen thưởng các tập thể, cá nhân có thành tích "
                            "trong Ra quân") for t in body)
    assert "I. DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in body
    assert "II. CÁC ĐƠN VỊ KHÔNG ĐỀ NGHỊ KHEN THƯỞNG" in body
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    proposed = next(t for t in tables if t[0][:2] == ["STT", "Tập thể, cá nhân"])
    assert proposed[1] == ["1", "Đoàn 1", "Đoàn", "100", "105", "105,0 %", "100,0 %"]
    assert proposed[2][-1] == "Chưa kiểm tra xác suất"
    assert proposed[3][1:3] == ["Đặng Tình Nguyện", "Cá nhân"]
    excluded = next(t for t in tables if t[0] == ["STT", "Đơn vị", "Lý do"])
    assert excluded[2] == ["2", "Đoàn 3", "Chưa đạt chỉ tiêu (đạt 80,0 %); Không nộp 2 báo cáo "
                           "trong giai đoạn; Tỷ lệ sai khi kiểm tra xác suất 30,0 %, vượt "
                           "ngưỡng 10,0 %"]


def test_the_word_proposal_stays_vietnamese_for_an_english_reader(app, frozen, organizer):
    url = f"/campaigns/{frozen.campaign_id}/phases/{frozen.extra['ended_id']}/commendation"
    organizer.post("/language", data={"lang": "en", "next": "/"})
    assert "reports submitted late in the phase" in _text(organizer.get(url))
    doc = Document(io.BytesIO(organizer.get(f"{url}.docx").data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Nộp muộn 1 báo cáo trong giai đoạn" in cells


def test_the_excel_lists_read_back(app, frozen, organizer):
    url = f"/campaigns/{frozen.campaign_id}/phases/{frozen.extra['ended_id']}/commendation"
    book = load_workbook(io.BytesIO(organizer.get(f"{url}.xlsx").data))
    assert book.sheetnames == ["Đề nghị khen thưởng", "Không đề nghị"]
    proposed = book["Đề nghị khen thưởng"]
    assert [c.value for c in proposed[5]] == ["STT", "Tập thể, cá nhân", "Loại", "Chỉ tiêu",
                                              "Đã đạt", "Tỷ lệ", "Tỷ lệ xác nhận"]
    assert [c.value for c in proposed[6]] == [1, "Đoàn 1", "Đoàn", 100, 105, 1.05, 1.0]
    assert proposed.cell(6, 6).number_format == "0.0%"
    assert proposed.cell(7, 7).value == "Chưa kiểm tra xác suất"
    excluded = book["Không đề nghị"]
    assert excluded.cell(7, 2).value == "Đoàn 3"
    assert excluded.cell(7, 5).value.split("\n") == [
        "Chưa đạt chỉ tiêu (đạt 80,0 %)", "Không nộp 2 báo cáo trong giai đoạn",
        "Tỷ lệ sai khi kiểm tra xác suất 30,0 %, vượt ngưỡng 10,0 %"]


def test_the_demo_s_ended_phase_is_frozen_automatically_with_both_lists(app, demo):
    with app.test_request_context():
        campaign = db.session.execute(db.select(Campaign).filter_by(
            plan_number="60/KH-TCTĐA-CA")).scalar_one()
        phase = campaign.phases[0]
        lists = commendation.build_lists(campaign, phase)
        snapshot = db.session.execute(db.select(RankingSnapshot).filter_by(
            phase_id=phase.id)).scalar_one()
        assert snapshot.automatic and snapshot.frozen_by_id is None
        assert [(e.name, e.checked) for e in lists.commended] == [
            ("Xã Hoà Bình", True), ("Xã Minh Hoà", False)]
        reasons = {e.name: e.reasons for e in lists.excluded}
        assert len(reasons) == 33
        assert reasons["Xã Bắc Sơn"] == [
            "Không nộp 1 báo cáo trong giai đoạn",
            "Tỷ lệ sai khi kiểm tra xác suất 25,0 %, vượt ngưỡng 10,0 %"]
        assert reasons["Xã Duyên Hải"][0] == "Chưa đạt chỉ tiêu (đạt 64,8 %)"


def test_officials_without_their_own_e_id_keep_a_unit_from_commendation(app, frozen):
    from fieldops.accountability import officials
    from fieldops.accountability.duty_models import ReportingUnit
    from fieldops.accountability.official_models import CHECKS
    from fieldops.teams.models import Team

    done, not_yet = (True, None), (False, None)
    with app.test_request_context():
        units = {}
        for team in db.session.execute(db.select(Team).filter_by(
                campaign_id=frozen.campaign_id)).scalars():
            unit = db.session.execute(db.select(ReportingUnit).filter_by(
                team_id=team.id)).scalar_one_or_none()
            if unit is None:
                unit = ReportingUnit(campaign_id=frozen.campaign_id, team_id=team.id)
                db.session.add(unit)
                db.session.flush()
            units[team.name] = unit
        everything = dict.fromkeys(CHECKS, done)
        officials.save_official(units["Đoàn 1"], None, full_name="Lê Văn Đủ",
                                position="Trưởng đoàn", phone=None, checks=everything)
        officials.save_official(units["Đoàn 2"], None, full_name="Trần Thị Đủ",
                                position="Trưởng đoàn", phone=None, checks=everything)
        officials.save_official(units["Đoàn 2"], None, full_name="Phạm Văn Thiếu",
                                position="Phó đoàn", phone=None,
                                checks={**everything, "vneid_install": not_yet})
        db.session.commit()
    lists = _lists(app, frozen)
    reasons = {e.name: e.reasons for e in lists.excluded}
    assert "Đoàn 1" in [e.name for e in lists.commended]
    assert reasons["Đoàn 2"] == ["Cán bộ chưa hoàn thành định danh điện tử (1/2)"]
    assert reasons["Đoàn 4"][-1] == "Chưa có danh sách cán bộ để đối chiếu định danh điện tử"
