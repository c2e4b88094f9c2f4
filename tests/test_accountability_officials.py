"""The officials' own e-ID: rosters typed and imported (re-import updates, bad rows refused),
completion per unit and who has not, and each unit's people seeing only their own roster."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from fieldops.accountability import officials
from fieldops.accountability.official_models import UnitOfficial
from fieldops.campaigns.models import Campaign
from fieldops.db import db
from fieldops.errors import DomainErrors
from tests.factories.accountability_duties import build_duty_scene, unit
from tests.factories.auth import signed_in

ALL = {"eid_level2": (True, None), "vneid_install": (True, None),
       "public_services_account": (True, None)}
HEADER = ["STT", "Họ và tên", "Chức vụ", "Số điện thoại", "Mức 2", "VNeID", "DVC"]
ROSTER = [
    ["DANH SÁCH CÁN BỘ XÃ THỰC HIỆN ĐỊNH DANH ĐIỆN TỬ"],
    HEADER,
    [1, "Nguyễn Văn Chủ", "Chủ tịch UBND xã", "0912 345 678", "có", "x", "✓"],
    [2, "Trần Thị Phó", "Phó Chủ tịch UBND xã", 987654321, 1, 1, 0],
    [3, "Lê Văn Công", "Công chức Tư pháp", "", "x", "", "không"],
]


@pytest.fixture
def ds(app, users):
    """The duty scene: Nhơn Trạch (xa1) and Phước Thiền (xa2) report to one campaign."""
    return build_duty_scene(app)


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list]) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8")


def _upload(client, unit_id: int, content: bytes, name: str = "can_bo.xlsx"):
    return client.post(f"/reporting-units/{unit_id}/officials/import",
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _roster(unit_id: int) -> list[tuple]:
    return [(o.full_name, o.position, o.eid_level2, o.vneid_install, o.public_services_account)
            for o in officials.roster_of(unit(unit_id))]


def test_completion_counts_complete_rosters_only_and_names_who_has_not(app, ds):
    with app.test_request_context():
        first = unit(ds.unit_id)
        officials.save_official(first, None, full_name="Nguyễn Văn Chủ", position="Chủ tịch",
                                phone=None, checks=ALL)
        officials.save_official(first, None, full_name="Trần Thị Phó", position="Phó Chủ tịch",
                                phone="0912345678",
                                checks={**ALL, "public_services_account": (False, None)})
        campaign = db.session.get(Campaign, ds.campaign_id)
        found = officials.completion_by_unit(campaign)
        mine, other = found[ds.unit_id], found[ds.other_unit_id]
        assert (mine.listed, mine.complete, mine.eid_level2, mine.vneid_install,
                mine.public_services_account) == (2, 1, 2, 2, 1)
        assert mine.rate == 0.5 and not mine.is_complete
        # A unit with no roster is not "100 %": nothing listed is nothing done.
        assert (other.listed, other.complete, other.rate, other.is_complete) == (0, 0, None,
                                                                                 False)
        lagging = officials.not_done(campaign)
        assert [(o.full_name, o.missing) for o in lagging[ds.unit_id]] == [
            ("Trần Thị Phó", ["public_services_account"])]
        # Lagging first: the unit with no roster, then the half-done one.
        assert [u.id for u, _ in officials.ranked(campaign)] == [ds.other_unit_id, ds.unit_id]
        officials.save_official(unit(ds.other_unit_id), None, full_name="Phạm Văn Đủ",
                                position="Chủ tịch", phone=None, checks=ALL)
        assert officials.completion_by_unit(campaign)[ds.other_unit_id].is_complete
        assert [u.id for u, _ in officials.ranked(campaign)] == [ds.unit_id, ds.other_unit_id]


def test_typed_official_rules(app, ds):
    with app.test_request_context():
        first = unit(ds.unit_id)
        official = officials.save_official(first, None, full_name=" Nguyễn  Văn Chủ ",
                                           position="Chủ tịch", phone="+84 912 345 678",
                                           checks={**ALL, "eid_level2": (True, date(2023, 5, 2))})
        assert (official.full_name, official.phone, official.eid_level2_on) == (
            "Nguyễn Văn Chủ", "0912345678", date(2023, 5, 2))
        with pytest.raises(DomainErrors) as caught:
            officials.save_official(first, None, full_name="NGUYEN VAN CHU",
                                    position="chủ tịch", phone="12345",
                                    checks={**ALL, "vneid_install": (True, date(2099, 1, 1))})
        assert {e.field for e in caught.value.errors} == {"phone", "vneid_install_on",
                                                          "full_name"}
        # A check taken back loses its date.
        officials.save_official(first, official, full_name="Nguyễn Văn Chủ", position="Chủ tịch",
                                phone="", checks={**ALL, "eid_level2": (False, date(2023, 5, 2))})
        assert (official.eid_level2, official.eid_level2_on, official.phone) == (False, None,
                                                                                 None)


@pytest.mark.parametrize("cell, read", [
    ("có", (True, None)), ("Có", (True, None)), ("x", (True, None)), ("✓", (True, None)),
    ("1", (True, None)), ("1.0", (True, None)), ("Đã", (True, None)), ("", (False, None)),
    ("không", (False, None)), ("0", (False, None)), ("chưa", (False, None)),
    ("12/05/2023", (True, date(2023, 5, 12))), ("2023-05-12 00:00:00", (True, date(2023, 5, 12))),
    ("có lẽ", None), ("31/02/2023", None),
])
def test_roster_cells(cell, read):
    assert officials.yes_no(cell) == read


def test_a_unit_imports_its_roster_and_a_second_import_updates_it(app, ds):
    client = signed_in(app, "xa1")
    sent = _upload(client, ds.unit_id, _xlsx(ROSTER))
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "3 người mới, 0 cập nhật" in page
    done = client.post(sent.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Đã nhập 3 người mới, cập nhật 0." in done
    with app.app_context():
        assert _roster(ds.unit_id) == [
            ("Nguyễn Văn Chủ", "Chủ tịch UBND xã", True, True, True),
            ("Trần Thị Phó", "Phó Chủ tịch UBND xã", True, True, False),
            ("Lê Văn Công", "Công chức Tư pháp", True, False, False)]
        first = officials.roster_of(unit(ds.unit_id))[0]
        assert first.phone == "0912345678" and first.eid_level2_on is not None
        assert officials.roster_of(unit(ds.unit_id))[1].phone == "0987654321"
    # The next week's roster: the same people (spelt without accents), one more done, one new.
    again = [HEADER,
             [1, "Nguyen Van Chu", "Chu tich UBND xa", "", "có", "có", "có"],
             [2, "Trần Thị Phó", "Phó Chủ tịch UBND xã", "", "có", "có", "12/05/2023"],
             [3, "Lê Văn Công", "Công chức Tư pháp", "", "x", "", "không"],
             [4, "Hoàng Văn Mới", "Công chức Văn phòng", "", "", "", ""]]
    sent = _upload(client, ds.unit_id, _csv(again), "can_bo.csv")
    assert "1 người mới, 2 cập nhật" in client.get(sent.headers["Location"]).get_data(
        as_text=True)
    client.post(sent.headers["Location"])
    with app.app_context():
        roster = officials.roster_of(unit(ds.unit_id))
        assert len(roster) == 4
        assert roster[1].public_services_account_on == date(2023, 5, 12)
        # The phone typed before is kept when the file leaves it blank.
        assert roster[0].phone == "0912345678"
        assert officials.completion_by_unit(db.session.get(Campaign, ds.campaign_id))[
            ds.unit_id].complete == 2
    # The same file once more plans nothing.
    sent = _upload(client, ds.unit_id, _csv(again), "can_bo.csv")
    assert "0 người mới, 0 cập nhật" in client.get(sent.headers["Location"]).get_data(
        as_text=True)


def test_bad_roster_rows_are_named_and_nothing_is_stored(app, ds):
    client = signed_in(app, "xa1")
    bad = [HEADER,
           [1, "Nguyễn Văn Chủ", "Chủ tịch", "", "có", "có lẽ", "có"],
           [2, "", "Phó Chủ tịch", "", "có", "có", "có"],
           [3, "Lê Văn Công", "Công chức", "123", "có", "có", "có"],
           [4, "Nguyen Van Chu", "chu tich", "", "có", "có", "có"]]
    response = _upload(client, ds.unit_id, _xlsx(bad))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tệp có 4 lỗi; chưa có gì được lưu." in page
    assert "Không hiểu “có lẽ”" in page
    assert "Thiếu họ và tên." in page
    assert "Số điện thoại “123” không phải số di động." in page
    assert "Trùng họ tên và chức vụ với dòng 2." in page
    missing = _upload(client, ds.unit_id, _csv([["Họ và tên", "Chức vụ", "Mức 2"],
                                                ["A", "B", "có"]]), "a.csv")
    assert "Thiếu cột: “VNeID”, “DVC”." in missing.get_data(as_text=True)
    broken = _upload(client, ds.unit_id, b"\x89PNG\r\n not a table", "anh.xlsx")
    assert "thật ra là tệp PNG" in broken.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(UnitOfficial).count() == 0


def test_a_unit_sees_and_changes_only_its_own_roster(app, ds):
    with app.test_request_context():
        other = officials.save_official(unit(ds.other_unit_id), None, full_name="Phạm Văn Khác",
                                        position="Chủ tịch", phone=None, checks=ALL)
        db.session.commit()
        other_id = other.id
    client = signed_in(app, "xa1")
    body = {"full_name": "Nguyễn Văn Chủ", "position": "Chủ tịch UBND xã", "phone": "",
            "eid_level2": "y", "eid_level2_on": "02/05/2023", "vneid_install": "y"}
    added = client.post(f"/reporting-units/{ds.unit_id}/officials", data=body,
                        follow_redirects=True).get_data(as_text=True)
    assert "Đã thêm Nguyễn Văn Chủ vào danh sách." in added and "02/05/2023" in added
    twice = client.post(f"/reporting-units/{ds.unit_id}/officials", data=body)
    assert "đã có trong danh sách" in twice.get_data(as_text=True)
    base = f"/reporting-units/{ds.other_unit_id}/officials"
    assert client.get(base).status_code == 403
    assert client.post(base, data=body).status_code == 403
    assert client.get(f"{base}/{other_id}").status_code == 403
    assert client.post(f"{base}/{other_id}/remove").status_code == 403
    assert client.get(f"{base}/import").status_code == 403
    # The campaign page is the organizers'; a unit's people land on their own roster.
    overview = client.get(f"/campaigns/{ds.campaign_id}/officials")
    assert overview.headers["Location"].endswith(f"/reporting-units/{ds.unit_id}/officials")
    assert signed_in(app, "tnv1").get(f"/campaigns/{ds.campaign_id}/officials").status_code \
        == 403
    # Their own: edit, then remove.
    with app.app_context():
        mine = officials.roster_of(unit(ds.unit_id))[0].id
    edited = client.post(f"/reporting-units/{ds.unit_id}/officials/{mine}",
                         data={**body, "public_services_account": "y"}, follow_redirects=True)
    assert "Đã lưu Nguyễn Văn Chủ." in edited.get_data(as_text=True)
    with app.app_context():
        assert officials.completion_by_unit(db.session.get(Campaign, ds.campaign_id))[
            ds.unit_id].is_complete
    client.post(f"/reporting-units/{ds.unit_id}/officials/{mine}/remove")
    with app.app_context():
        assert _roster(ds.unit_id) == [] and db.session.get(UnitOfficial, other_id) is not None


def test_organizers_see_every_unit_lagging_first(app, ds):
    with app.test_request_context():
        officials.save_official(unit(ds.unit_id), None, full_name="Trần Thị Phó",
                                position="Phó Chủ tịch", phone=None,
                                checks={**ALL, "vneid_install": (False, None)})
        db.session.commit()
    client = signed_in(app, "toch")
    assert "campaign-officials" in client.get(f"/campaigns/{ds.campaign_id}").get_data(
        as_text=True)
    page = client.get(f"/campaigns/{ds.campaign_id}/officials").get_data(as_text=True)
    assert page.index("Phước Thiền") < page.index("Nhơn Trạch")
    assert "chưa có danh sách" in page
    assert "Trần Thị Phó" in page and "Cài đặt, kích hoạt VNeID" in page
    best_first = client.get(f"/campaigns/{ds.campaign_id}/officials?sort=rate_desc")
    text = best_first.get_data(as_text=True)
    assert text.index(f"data-unit=\"{ds.unit_id}\"") < text.index(
        f"data-unit=\"{ds.other_unit_id}\"")
    assert client.get(f"/reporting-units/{ds.other_unit_id}/officials").status_code == 200


def test_the_demo_has_hung_ha_rosters_complete_lagging_and_one_missing(app, demo):
    from fieldops.accountability.duty_demo import DEMO_PASSWORD
    from tests.factories.auth import sign_in

    with app.test_request_context():
        campaign = db.session.execute(db.select(Campaign).filter_by(
            plan_number="60/KH-TCTĐA-CA")).scalar_one()
        rows = officials.ranked(campaign)
        states = [(c.listed == 0, c.is_complete) for _, c in rows]
        assert states.count((True, False)) == 1 and rows[0][0].name == "Xã Hồng Minh"
        assert states.count((False, True)) >= 10 and states.count((False, False)) >= 5
        campaign_id = rows[0][0].campaign_id
    client = app.test_client()
    sign_in(client, "xa_bacson", DEMO_PASSWORD)
    page = client.get("/my-reports").get_data(as_text=True)
    assert "Định danh điện tử của cán bộ" in page
    landed = client.get(f"/campaigns/{campaign_id}/officials", follow_redirects=True)
    assert "Cán bộ của Xã Bắc Sơn" in landed.get_data(as_text=True)
