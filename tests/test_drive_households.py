"""Households: imported from a survey sheet (title row, preview, confirm once, listed people
attached by address), bad rows named and nothing stored, and a household surveyed at the door."""

from __future__ import annotations

import io

from openpyxl import Workbook

from fieldops.areas.models import Area
from fieldops.db import db
from fieldops.drive.models import Household, ListedPerson
from tests.factories.auth import sign_in
from tests.factories.checkin import build_scene, sid
from tests.factories.drive import ListedPersonFactory, PoliceListFactory

OUTBOX = {"X-Fieldops-Outbox": "1"}


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _scene(app):
    scene = build_scene(app)
    with app.app_context():
        cho = db.session.get(Area, scene.hamlets["Chợ"])
        listed = PoliceListFactory(campaign_id=scene.campaign_id, commune_id=cho.parent_id)
        person = ListedPersonFactory(full_name="Nguyễn Văn An", address="Số 7, Tổ 2, Ấp Chợ",
                                     hamlet=cho, on_list=listed)
        db.session.commit()
        return scene, person.id


SHEET = [
    ["PHIẾU KHẢO SÁT HỘ GIA ĐÌNH – ẤP CHỢ"],
    ["STT", "Thôn/Ấp", "Địa chỉ", "Đường/Ngõ", "Chủ hộ", "Số người từ 14 tuổi",
     "Số điện thoại thông minh", "Số máy tính có internet", "Đã cài VNeID", "Đã kích hoạt VNeID"],
    [1, "Ấp Chợ", "Số 7, Tổ 2", "Tổ 2", "Nguyễn Văn Hộ", 4, 3, 1, 2, 1],
    [2, "Chợ", "Số 9, Tổ 2", "Tổ 2", "Lê Thị Nhà", 2, 1, 0, 0, 0],
]


def test_households_import_with_a_title_row_attaches_listed_people(app, users, client):
    scene, person_id = _scene(app)
    sign_in(client, "toch")
    url = f"/drive/campaigns/{scene.campaign_id}/households/import"
    preview = client.post(url, data={"file": (io.BytesIO(_xlsx(SHEET)), "ho.xlsx")},
                          content_type="multipart/form-data")
    assert preview.status_code == 302
    page = client.get(preview.headers["Location"]).get_data(as_text=True)
    assert "2 hộ mới, 0 cập nhật." in page
    done = client.post(preview.headers["Location"], follow_redirects=True)
    assert "1 người trong danh sách được gắn vào hộ" in done.get_data(as_text=True)
    with app.app_context():
        homes = db.session.execute(db.select(Household).order_by(Household.id)).scalars().all()
        assert [(h.address, h.members_14plus, h.smartphones, h.vneid_activated) for h in homes] \
            == [("Số 7, Tổ 2", 4, 3, 1), ("Số 9, Tổ 2", 2, 1, 0)]
        assert db.session.get(ListedPerson, person_id).household_id == homes[0].id
    # The same sheet again changes nothing.
    again = client.post(url, data={"file": (io.BytesIO(_xlsx(SHEET)), "ho.xlsx")},
                        content_type="multipart/form-data")
    assert "0 hộ mới, 0 cập nhật." in client.get(again.headers["Location"]).get_data(
        as_text=True)


def test_bad_household_rows_are_named_and_nothing_is_stored(app, users, client):
    scene, _ = _scene(app)
    sign_in(client, "toch")
    bad = [SHEET[1], [1, "Ấp Không Có", "Số 1", "", "", 1, 1, 0, 0, 0],
           [2, "Chợ", "", "", "", 1, 1, 0, 0, 0], [3, "Chợ", "Số 3", "", "", "nhiều", 0, 0, 0, 0],
           [4, "Chợ", "Số 5", "", "", 2, 1, 0, 1, 3]]
    response = client.post(f"/drive/campaigns/{scene.campaign_id}/households/import",
                           data={"file": (io.BytesIO(_xlsx(bad)), "ho.xlsx")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thôn/ấp “Ấp Không Có” không thuộc địa bàn" in page
    assert "Thiếu địa chỉ." in page
    assert "Nhập một số từ 0 đến 40." in page
    assert "Số người đã kích hoạt không thể nhiều hơn số người đã cài VNeID." in page
    with app.app_context():
        assert db.session.query(Household).count() == 0


def test_a_household_surveyed_at_the_door_is_stored_once(app, users, client):
    scene, person_id = _scene(app)
    sign_in(client, "tnv1")
    body = {"submission_id": sid(), "hamlet_id": scene.hamlets["Chợ"], "address": "số 7 tổ 2",
            "street": "Tổ 2", "head_name": "Nguyễn Văn Hộ", "members_14plus": "3",
            "smartphones": "2", "computers": "0"}
    assert client.post("/drive/households/new", data=body, headers=OUTBOX).get_json()[
        "status"] == "stored"
    client.post("/drive/households/new", data=body, headers=OUTBOX)
    with app.app_context():
        home = db.session.execute(db.select(Household)).scalar_one()
        assert (home.members_14plus, home.smartphones, home.computers) == (3, 2, 0)
        assert db.session.get(ListedPerson, person_id).household_id == home.id
    refused = client.post("/drive/households/new", headers=OUTBOX, data={
        **body, "submission_id": sid(), "address": "", "smartphones": "99"})
    errors = refused.get_json()["errors"]
    assert "address" in errors and "smartphones" in errors
