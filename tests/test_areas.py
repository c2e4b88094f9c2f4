"""Places: levels, names, accent-free search, CSV/Excel import, GeoJSON shapes."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from fieldops.areas.models import Area
from fieldops.db import db
from fieldops.uploads.models import StagedUpload
from tests.factories.areas import commune_with_hamlets, hung_ha, hung_ha_district, to_cp1258
from tests.factories.auth import sign_in


def _area(app, name: str, level: str | None = None) -> Area | None:
    with app.app_context():
        stmt = db.select(Area).filter_by(name=name)
        if level:
            stmt = stmt.filter_by(level=level)
        return db.session.execute(stmt).scalar_one_or_none()


def _count(app, model=Area) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def nhon_trach(app):
    with app.app_context():
        commune = commune_with_hamlets()
        db.session.commit()
        return commune.id


def test_organizer_builds_province_commune_hamlet(app, organizer):
    response = organizer.post("/areas/new?level=province", data={"name": "Đồng Nai",
                                                                 "kind": "tinh"})
    province = _area(app, "Đồng Nai")
    assert response.headers["Location"] == f"/areas/{province.id}"
    organizer.post(f"/areas/new?level=commune&parent={province.id}",
                   data={"name": "Xã Nhơn Trạch", "kind": "xa", "population_14plus": "12.500"})
    commune = _area(app, "Nhơn Trạch")
    assert commune.population_14plus == 12500 and commune.parent_id == province.id
    organizer.post(f"/areas/new?level=hamlet&parent={commune.id}",
                   data={"name": "Phước Mỹ", "kind": "ap", "households": "633",
                         "latitude": "10,7459", "longitude": "106.9262"})
    hamlet = _area(app, "Phước Mỹ")
    assert (hamlet.kind, hamlet.households, hamlet.latitude) == ("ap", 633, 10.7459)
    page = organizer.get(f"/areas/{commune.id}").get_data(as_text=True)
    assert "Ấp Phước Mỹ" in page and "12.500" in page


def test_commune_may_sit_under_a_district_from_older_plans(app, organizer):
    with app.app_context():
        district = hung_ha_district()
        db.session.commit()
        district_id = district.id
    organizer.post(f"/areas/new?level=commune&parent={district_id}",
                   data={"name": "Tân Lễ", "kind": "xa", "population_14plus": "10722"})
    assert _area(app, "Tân Lễ").parent_id == district_id


def test_wrong_parent_duplicate_name_and_bad_numbers_are_refused(app, organizer, nhon_trach):
    province_id = _area(app, "Đồng Nai").id
    before = _count(app)
    page = organizer.post(f"/areas/new?level=hamlet&parent={province_id}",
                          data={"name": "Ấp Mới", "kind": "ap"}).get_data(as_text=True)
    assert "Thôn/Ấp phải thuộc một Xã/Phường." in page
    page = organizer.post(f"/areas/new?level=hamlet&parent={nhon_trach}",
                          data={"name": "ấp cho", "kind": "ap"}).get_data(as_text=True)
    assert "Đã có một nơi cùng tên ở đây." in page
    page = organizer.post(f"/areas/new?level=hamlet&parent={nhon_trach}",
                          data={"name": "Bến Cam", "kind": "ap", "population_14plus": "-5"}
                          ).get_data(as_text=True)
    assert "Phải là số nguyên không âm." in page
    page = organizer.post(f"/areas/new?level=hamlet&parent={nhon_trach}",
                          data={"name": "Bến Cam", "kind": "ap", "latitude": "48.85",
                                "longitude": "2.35"}).get_data(as_text=True)
    assert "ngoài lãnh thổ Việt Nam" in page
    assert _count(app) == before


@pytest.mark.parametrize(("query", "expected"), [
    ("phuoc my", "Ấp Phước Mỹ"),
    ("PHUOC  MY", "Ấp Phước Mỹ"),
    ("Phước Mỹ", "Ấp Phước Mỹ"),
    ("dong nai", "Tỉnh Đồng Nai"),
    ("ap tr", "Ấp Trâu"),
])
def test_search_without_accents(organizer, nhon_trach, query, expected):
    page = organizer.get("/areas/", query_string={"q": query}).get_data(as_text=True)
    assert expected in page


def test_search_json_filters_by_level(organizer, nhon_trach):
    found = organizer.get("/areas/search.json?q=nhon&level=commune").get_json()
    assert [a["name"] for a in found] == ["Xã Nhơn Trạch"]
    assert found[0]["full_name"] == "Xã Nhơn Trạch, Tỉnh Đồng Nai"
    assert organizer.get("/areas/search.json?q=nhon&level=hamlet").get_json() == []


def test_team_lead_reads_but_cannot_edit_places(app, client, users, nhon_trach):
    sign_in(client, users["team_lead"])
    assert client.get(f"/areas/{nhon_trach}").status_code == 200
    assert client.post("/areas/new?level=province", data={"name": "X"}).status_code == 403
    assert client.get("/areas/import").status_code == 403


def test_place_with_hamlets_cannot_be_deleted(app, organizer, nhon_trach):
    organizer.post(f"/areas/{nhon_trach}/delete")
    assert _area(app, "Nhơn Trạch") is not None
    hamlet = _area(app, "Chợ")
    organizer.post(f"/areas/{hamlet.id}/delete")
    assert _area(app, "Chợ") is None


# --- import -------------------------------------------------------------------------------

HEADER = "STT,Xã/Phường,Thôn/Ấp,Loại,Nhân khẩu từ đủ 14 tuổi trở lên,Số hộ\n"


def _upload(client, parent_id: int, content: bytes, filename: str = "ap.csv"):
    return client.post("/areas/import", data={
        "parent_id": str(parent_id), "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")


def _confirm(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    token_url = response.headers["Location"]
    assert re.match(r"^/areas/import/[\w-]{20,}$", token_url)
    return token_url


def test_import_previews_then_creates_all_or_nothing(app, organizer, nhon_trach):
    province_id = _area(app, "Đồng Nai").id
    before = _count(app)
    csv = (HEADER + "1,Nhơn Trạch,Ấp Long Thọ,,1.250,410\n"
                    "2,Nhơn Trạch,Ấp Phú Hội,ấp,980,\n"
                    "3,Nhơn Trạch,Ấp Chợ,,2.140,690\n").encode("utf-8-sig")
    url = _confirm(organizer, _upload(organizer, province_id, csv))
    preview = organizer.get(url).get_data(as_text=True)
    assert _count(app) == before  # nothing stored before confirming
    assert "Thôn/ấp: 2 tạo mới, 1 cập nhật" in preview
    assert "Long Thọ" in preview and "1.250" in preview
    response = organizer.post(url)
    assert response.status_code == 302
    assert _count(app) == before + 2
    assert _area(app, "Long Thọ").population_14plus == 1250
    assert _area(app, "Chợ").population_14plus == 2140
    # The same confirmation sent again (a double tap, a resent form) imports nothing more.
    again = organizer.post(url, follow_redirects=True)
    assert "đã được nhập rồi" in again.get_data(as_text=True)
    assert _count(app) == before + 2


def test_a_header_only_places_file_says_it_has_no_rows(app, organizer, nhon_trach):
    province_id = _area(app, "Đồng Nai").id
    before = _count(app)
    response = _upload(organizer, province_id, HEADER.encode("utf-8-sig"))
    page = organizer.get(response.headers["Location"]).get_data(as_text=True) \
        if response.status_code == 302 else response.get_data(as_text=True)
    assert "Tệp không có dòng xã/phường, thôn/ấp nào." in page
    assert "Xác nhận nhập 0" not in page
    assert _count(app) == before


def test_import_windows_1258_csv(app, organizer, nhon_trach):
    province_id = _area(app, "Đồng Nai").id
    text = HEADER + "1,Nhơn Trạch,Ấp Bến Sắn,,1500,400\n"
    content = to_cp1258(text)
    assert content.decode("cp1258") != text  # tone marks really are separate characters
    organizer.post(_confirm(organizer, _upload(organizer, province_id, content)))
    assert _area(app, "Bến Sắn").population_14plus == 1500


def test_import_excel_creates_communes_and_hamlets(app, organizer, nhon_trach):
    province_id = _area(app, "Đồng Nai").id
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Xã/Phường", "Thôn/Ấp", "Nhân khẩu từ đủ 14 tuổi trở lên"])
    sheet.append(["Xã Đại Phước", None, 15000])
    sheet.append(["Đại Phước", "Ấp Bà Trường", 3200])
    buffer = io.BytesIO()
    book.save(buffer)
    url = _confirm(organizer, _upload(organizer, province_id, buffer.getvalue(), "xa.xlsx"))
    assert "Xã/phường: 1 tạo mới, 0 cập nhật" in organizer.get(url).get_data(as_text=True)
    organizer.post(url)
    hamlet = _area(app, "Bà Trường")
    with app.app_context():
        hamlet = db.session.get(Area, hamlet.id)
        assert hamlet.parent.display_name == "Xã Đại Phước"
        assert hamlet.parent.population_14plus == 15000


@pytest.mark.parametrize(("content", "message"), [
    (b"Ten,So ho\nA,1\n", "Xã/Phường"),
    ((HEADER + "1,Nhơn Trạch,Ấp Mới,,abc,\n").encode(), "phải là số nguyên không âm"),
    ((HEADER + "1,Nhơn Trạch,Ấp Mới,,10,\n2,Nhơn Trạch,ấp mới,,11,\n").encode(),
     "Trùng với dòng 2"),
    ((HEADER + "1,Nhon Trac,Ấp Mới,,10,\n").encode(), "Có phải: Nhơn Trạch?"),
    (b"\x00\x01\x02garbage", ""),
])
def test_bad_files_are_refused_with_row_and_column(app, organizer, nhon_trach, content, message):
    province_id = _area(app, "Đồng Nai").id
    before = (_count(app), _count(app, StagedUpload))
    response = _upload(organizer, province_id, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "chưa có gì được lưu" in page
    assert message in page
    assert (_count(app), _count(app, StagedUpload)) == before


def test_bad_row_names_its_row_and_column(app, organizer, nhon_trach):
    province_id = _area(app, "Đồng Nai").id
    csv = (HEADER + "1,Nhơn Trạch,Ấp A,,100,\n2,Nhơn Trạch,Ấp B,,nhiều,\n").encode()
    page = _upload(organizer, province_id, csv).get_data(as_text=True)
    row = re.search(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert row and row.group(1) == "3"
    assert row.group(2) == "Nhân khẩu từ đủ 14 tuổi trở lên"


def test_cancelled_import_stores_nothing(app, organizer, nhon_trach):
    province_id = _area(app, "Đồng Nai").id
    url = _confirm(organizer, _upload(organizer, province_id,
                                      (HEADER + "1,Nhơn Trạch,Ấp X,,1,\n").encode()))
    organizer.post(url + "/cancel")
    assert _area(app, "X") is None
    assert organizer.post(url).status_code == 404


# --- shapes -------------------------------------------------------------------------------

def _square(lon: float, lat: float, size: float = 0.004) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": geometry}
        for name, geometry in features]}).encode()


def _upload_shapes(client, commune_id: int, content: bytes):
    return client.post(f"/areas/{commune_id}/shapes", data={
        "file": (io.BytesIO(content), "ranh-gioi.geojson")}, content_type="multipart/form-data")


def test_import_hamlet_shapes(app, organizer, nhon_trach):
    content = _geojson(("Ấp Chợ", _square(106.92, 10.76)), ("phuoc my", _square(106.93, 10.74)))
    url = _confirm(organizer, _upload_shapes(organizer, nhon_trach, content))
    assert "2 thôn/ấp sẽ có ranh giới mới" in organizer.get(url).get_data(as_text=True)
    organizer.post(url)
    with app.app_context():
        hamlet = db.session.get(Area, _area(app, "Chợ").id)
        assert hamlet.geometry["type"] == "Polygon"
        assert hamlet.latitude == pytest.approx(10.762, abs=0.002)


def test_shapes_match_hamlet_names_with_and_without_their_kind_word(app, organizer):
    with app.app_context():
        commune = commune_with_hamlets(commune="Long Tân", hamlets=("Xóm Hố", "Bến Cam", "Hố"))
        db.session.commit()
        commune_id = commune.id
        names = {h.id: h.display_name for h in commune.children}
    # "Ấp Xóm Hố" is how the app itself shows the hamlet named "Xóm Hố" (a name that starts
    # with a kind word); "Bến Cam" has no kind word; "Ấp Hố" is a different hamlet.
    content = _geojson(("Ấp Xóm Hố", _square(106.92, 10.76)), ("Bến Cam", _square(106.93, 10.74)),
                       ("Ấp Hố", _square(106.94, 10.75)))
    response = _upload_shapes(organizer, commune_id, content)
    url = _confirm(organizer, response)
    assert "3 thôn/ấp sẽ có ranh giới mới" in organizer.get(url).get_data(as_text=True)
    organizer.post(url)
    with app.app_context():
        shaped = {names[a.id]: round(a.latitude, 2) for a in db.session.execute(db.select(
            Area).filter_by(parent_id=commune_id)).scalars()}
    assert shaped == {"Ấp Xóm Hố": 10.76, "Ấp Bến Cam": 10.74, "Ấp Hố": 10.75}
    # the same hamlet named twice, with and without its kind word, is one hamlet
    twice = _geojson(("Xóm Hố", _square(106.92, 10.76)), ("Ấp Xóm Hố", _square(106.93, 10.74)))
    page = _upload_shapes(organizer, commune_id, twice).get_data(as_text=True)
    assert "đã có ranh giới ở đối tượng số 1" in page


def test_bad_shapes_are_refused(app, organizer, nhon_trach):
    outside = _geojson(("Ấp Chợ", _square(2.35, 48.85)))
    page = _upload_shapes(organizer, nhon_trach, outside).get_data(as_text=True)
    assert "ngoài lãnh thổ Việt Nam" in page
    unknown = _geojson(("Ấp Không Có", _square(106.92, 10.76)))
    page = _upload_shapes(organizer, nhon_trach, unknown).get_data(as_text=True)
    assert "Không có thôn/ấp “Ấp Không Có”" in page
    line = _geojson(("Ấp Chợ", {"type": "LineString", "coordinates": [[106.9, 10.7],
                                                                     [106.91, 10.71]]}))
    page = _upload_shapes(organizer, nhon_trach, line).get_data(as_text=True)
    assert "Polygon" in page
    with app.app_context():
        assert db.session.get(Area, _area(app, "Chợ").id).boundary is None


def test_kind_word_is_split_only_when_it_is_the_kind(app):
    from fieldops.areas import services

    with app.app_context():
        commune = commune_with_hamlets(hamlets=())
        own = services.save_area(None, level="hamlet", name="Ấp Bến Cam", kind="ap",
                                 parent=commune)
        other = services.save_area(None, level="hamlet", name="Xóm Hố", kind="ap",
                                   parent=commune)
        inferred = services.save_area(None, level="hamlet", name="Khu phố 3", parent=commune)
        city = services.save_area(None, level="province", name="Thành phố Hồ Chí Minh")
        assert (own.name, own.display_name) == ("Bến Cam", "Ấp Bến Cam")
        assert (other.name, other.display_name) == ("Xóm Hố", "Ấp Xóm Hố")
        assert (inferred.kind, inferred.name) == ("khu_pho", "3")
        assert (city.kind, city.display_name) == ("thanh_pho_tw", "Thành phố Hồ Chí Minh")


def test_lists_read_in_vietnamese_order(app, organizer):
    with app.app_context():
        communes = hung_ha(("Duyên Hải", "Điệp Nông", "Bắc Sơn", "Độc Lập", "Canh Tân"))
        db.session.commit()
        district_id = communes[0].parent_id
    page = organizer.get(f"/areas/{district_id}").get_data(as_text=True)
    order = [page.index(f"Xã {name}") for name in
             ("Bắc Sơn", "Canh Tân", "Điệp Nông", "Độc Lập", "Duyên Hải")]
    assert order == sorted(order)
