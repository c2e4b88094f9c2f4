"""Targets appendix import (Hưng Hà as typed), bad files, cascade and manual adjustment."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook

from fieldops.areas.models import Area
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.demo import HUNG_HA_COMMUNES
from fieldops.reports.appendix import parse_number
from fieldops.reports.cascade import largest_remainder
from fieldops.reports.demo import HUNG_HA_APPENDIX, HUNG_HA_TOTAL, appendix_workbook
from fieldops.reports.models import Target, TargetChange
from fieldops.uploads.models import StagedUpload
from tests.factories.areas import add_hamlets, hung_ha
from tests.factories.campaigns import hung_ha_campaign


def _hung_ha(app) -> int:
    """Build Hưng Hà's 35 communes (no targets) and its 3-phase campaign; return its id."""
    with app.app_context():
        communes = hung_ha()
        add_hamlets(communes[0], (("1", 2517), ("2", 1510), ("3", 1007)), kind="thon")
        campaign = hung_ha_campaign(communes)
        db.session.commit()
        return campaign.id


def _upload(client, campaign_id: int, content: bytes, name: str = "phu-luc.xlsx"):
    return client.post(f"/campaigns/{campaign_id}/targets/import",
                        data={"service_id": "0", "file": (io.BytesIO(content), name)},
                        content_type="multipart/form-data")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_hung_ha_appendix_as_typed_shows_total_row_mismatches_then_imports(app, organizer):
    campaign_id = _hung_ha(app)
    response = _upload(organizer, campaign_id, appendix_workbook())
    assert response.status_code == 302, _text(response.get_data(as_text=True))[:2000]
    preview = organizer.get(response.headers["Location"])
    page = _text(preview.get_data(as_text=True))
    assert "35 đơn vị, 105 chỉ tiêu sẽ được lưu" in page
    assert "Dòng tổng (dòng 40) không khớp tổng các dòng ở 3 cột" in page
    # The real plan's errors: chip IDs, phase 1 and phase 2 totals; phase 3 and population agree.
    assert "Kết quả thu nhận CCCD có gắn chip đến ngày 10/4/2023 213.551 213.541 10" in page
    assert "Chỉ tiêu thu nhận giai đoạn 1 50.000 51.500 -1.500" in page
    assert "Chỉ tiêu thu nhận giai đoạn 2 80.900 82.900 -2.000" in page
    assert "giai đoạn 3 50.500" not in page
    # "TTHưng Nhân" (no space) and "TT Hưng Hà" found the towns.
    assert "Thị trấn Hưng Nhân (TT Hưng Nhân)" in page and "Thị trấn Hưng Hà (TT Hưng Hà)" in page
    with app.app_context():
        assert db.session.execute(db.select(Target)).first() is None  # nothing before confirming
    done = organizer.post(response.headers["Location"], data={})
    assert done.status_code == 302
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        values = {(t.area.name, t.phase.name): t.value
                  for t in db.session.execute(db.select(Target)).scalars()}
        assert len(values) == 105
        assert values[("Tân Lễ", "Giai đoạn 2")] == 4000
        assert values[("Hưng Nhân", "Giai đoạn 1")] == 3000
        assert sum(v for (_, p), v in values.items() if p == "Giai đoạn 1") == 51500
        assert all(t.source == "appendix" for t in db.session.execute(
            db.select(Target)).scalars())
        # Population stays as stored unless the organizer ticks the box.
        assert campaign.communes[0].population_14plus == HUNG_HA_COMMUNES[0][1]
    again = organizer.post(response.headers["Location"], data={})
    assert "đã được nhập rồi" in _text(organizer.get(again.headers["Location"]).get_data(
        as_text=True))


def _sheet(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEAD = [["STT", "Đơn vị", "Nhân khẩu từ đủ 14 tuổi trở lên", "Chỉ tiêu giai đoạn 1",
         "Chỉ tiêu giai đoạn 2"]]


@pytest.mark.parametrize("rows, expected", [
    (HEAD + [["1.", "Bắc Sơn", 5034, "-100", 10]],
     "2 · Chỉ tiêu giai đoạn 1 · Chỉ tiêu không được âm"),
    (HEAD + [["1.", "Bắc Sơn", 5034, "một nghìn", 10]],
     "2 · Chỉ tiêu giai đoạn 1 · “một nghìn” không phải số nguyên"),
    (HEAD + [["1.", "Bắc Sơm", 5034, 100, 10]],
     "Không có đơn vị “Bắc Sơm” trong chiến dịch. Có phải: Xã Bắc Sơn?"),
    (HEAD + [["1.", "Bac Son", 5034, 100, 10], ["Tổng", "", "năm nghìn", 100, 10]],
     "3 · Nhân khẩu từ đủ 14 tuổi trở lên · Dòng tổng có chữ “năm nghìn”"),
    ([["STT", "Đơn vị", "Chỉ tiêu giai đoạn 4"], ["1.", "Bắc Sơn", 5]],
     "Chiến dịch không có giai đoạn 4"),
    ([["STT", "Đơn vị"]], "Không tìm thấy cột chỉ tiêu theo giai đoạn"),
])
def test_bad_appendix_names_row_and_column_and_stores_nothing(app, organizer, rows, expected):
    campaign_id = _hung_ha(app)
    response = _upload(organizer, campaign_id, _sheet(rows))
    assert response.status_code == 200
    page = _text(response.get_data(as_text=True))
    flat = page.replace(" ", "")
    assert expected.replace(" · ", "").replace(" ", "") in flat, page[-1500:]
    with app.app_context():
        assert db.session.execute(db.select(Target)).first() is None
        assert db.session.execute(db.select(StagedUpload)).first() is None


@pytest.mark.parametrize("content, name, expected", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "anh.png", "Tệp không phải bảng tính CSV hoặc Excel"),
    (b"", "rong.csv", "Tệp không có dữ liệu"),
    (_sheet([]), "rong.xlsx", "Tệp không có dữ liệu"),
])
def test_not_a_spreadsheet_or_empty(app, organizer, content, name, expected):
    campaign_id = _hung_ha(app)
    page = _text(_upload(organizer, campaign_id, content, name).get_data(as_text=True))
    assert expected in page


def test_csv_with_accentless_names_and_thousand_dots(app, organizer):
    campaign_id = _hung_ha(app)
    csv = ("S T T;Don vi;Nhan khau tu du 14 tuoi tro len;Chi tieu giai doan 1\n"
           "1.;Xã Bắc Sơn;5.034;1.000\n2.;thi tran hung nhan;12.438;3.000\n"
           "Tổng;;17.472;4.000\n").encode("utf-8-sig")
    response = _upload(organizer, campaign_id, csv, "pl.csv")
    assert response.status_code == 302
    page = _text(organizer.get(response.headers["Location"]).get_data(as_text=True))
    assert "Dòng tổng khớp với tổng các dòng" in page
    organizer.post(response.headers["Location"], data={"update_population": "y"})
    with app.app_context():
        assert sorted(t.value for t in db.session.execute(db.select(Target)).scalars()) == \
            [1000, 3000]


def test_parse_number():
    assert parse_number("225.208") == 225208
    assert parse_number("10,722") == 10722
    assert parse_number("1000.0") == 1000
    assert parse_number(" ") is None
    for bad in ("-5", "1.5", "abc", "1.00.0"):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_largest_remainder_adds_up_exactly():
    assert largest_remainder(1000, [2517, 1510, 1007]) == [500, 300, 200]
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert largest_remainder(7, [0, 0]) == [4, 3]
    for total in (0, 1, 999, 1001, 2500):
        shares = largest_remainder(total, [5034, 4796, 6021, 13, 1])
        assert sum(shares) == total and all(s >= 0 for s in shares)


def test_cascade_to_hamlets_then_manual_adjust_is_recorded_and_rechecked(app, organizer):
    campaign_id = _hung_ha(app)
    organizer.post(_upload(organizer, campaign_id, appendix_workbook()).headers["Location"],
                   data={})
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        phase_id, bac_son = campaign.phases[0].id, campaign.communes[0].id
        hamlets = {h.name: h.id for h in db.session.get(Area, bac_son).children}
    base = f"/campaigns/{campaign_id}/targets"
    organizer.post(f"{base}/cascade", data={"phase": phase_id, "commune": bac_son})
    with app.app_context():
        shares = {t.area.name: t.value for t in db.session.execute(
            db.select(Target).where(Target.area_id.in_(hamlets.values()))).scalars()}
    assert shares == {"1": 500, "2": 300, "3": 200}  # 1.000 split by 2.517 / 1.510 / 1.007
    response = organizer.post(f"{base}/set", data={
        "phase": phase_id, "kind": "area", "unit": hamlets["3"], "value": "250",
        "reason": "Thôn 3 có thêm khu công nghiệp", "commune": bac_son}, follow_redirects=True)
    page = _text(response.get_data(as_text=True))
    assert "Tổng chỉ tiêu các thôn/ấp của Xã Bắc Sơn là 1.050, khác chỉ tiêu của xã 1.000" in page
    assert "Thôn 3 có thêm khu công nghiệp" in page
    with app.app_context():
        change = db.session.execute(db.select(TargetChange).order_by(
            TargetChange.id.desc())).scalars().first()
        assert (change.before, change.after, change.source) == (200, 250, "manual")
        assert change.label == "Giai đoạn 1 · Thôn 3"
    bad = organizer.post(f"{base}/set", data={"phase": phase_id, "kind": "area",
                                              "unit": hamlets["3"], "value": "-4"},
                         follow_redirects=True)
    assert "Phải là số nguyên không âm" in _text(bad.get_data(as_text=True))


def test_appendix_fixture_matches_the_plan():
    assert len(HUNG_HA_APPENDIX) == 35 and HUNG_HA_TOTAL[2] == "50.000"


def test_targets_page_lists_communes_in_vietnamese_order(app, organizer):
    campaign_id = _hung_ha(app)
    page = organizer.get(f"/campaigns/{campaign_id}/targets").get_data(as_text=True)
    listed = re.findall(r'data-label="Đơn vị">(?:Xã|Thị trấn) ([^<]+)</td>', page)
    assert len(listed) == 35
    # Chí Hoà before Chi Lăng (a, then accents), the Đ... communes among the D... ones.
    assert listed.index("Chí Hoà") < listed.index("Chi Lăng") < listed.index("Cộng Hoà")
    assert listed.index("Dân Chủ") < listed.index("Điệp Nông") < listed.index("Duyên Hải") \
        < listed.index("Hoà Bình")
