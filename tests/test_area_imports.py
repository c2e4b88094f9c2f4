"""Unit tests of fieldops.areas.imports: reading place tables and hamlet shapes."""

from __future__ import annotations

import io
import json
import unicodedata

import pytest
from flask import Flask
from flask_babel import Babel
from openpyxl import Workbook

from fieldops.areas.imports import parse_places, strip_kind_prefix
from fieldops.areas.shapes import geometry_center, parse_geojson, validate_geometry
from fieldops.uploads import ImportFileError, read_table
from tests.factories.areas import to_cp1258


@pytest.fixture(autouse=True)
def babel_ctx():
    """Render lazy messages as their Vietnamese msgids, whatever else the session set up."""
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield


def places(csv_text: str):
    return parse_places(read_table("places.csv", csv_text.encode("utf-8")))


def messages(parsed) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, str(p.message)) for p in parsed.problems]


# --- read_table -------------------------------------------------------------------------------

def test_utf8_csv_with_bom_has_clean_first_header():
    content = "Xã/Phường,Thôn/Ấp\r\nPhước Mỹ,Ấp Chợ\r\n".encode("utf-8-sig")
    assert content.startswith(b"\xef\xbb\xbf")
    assert read_table("a.csv", content) == [(1, ["Xã/Phường", "Thôn/Ấp"]),
                                            (2, ["Phước Mỹ", "Ấp Chợ"])]


def test_windows_1258_csv_is_decoded_to_nfc():
    content = to_cp1258("Xã,Thôn\nPhước Mỹ,Thôn Đông Hưng\n")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    rows = read_table("a.csv", content)
    assert rows[1] == (2, ["Phước Mỹ", "Thôn Đông Hưng"])
    assert rows[1][1][0] == unicodedata.normalize("NFC", "Phước Mỹ")
    assert parse_places(rows).rows[0].commune == "Phước Mỹ"


def test_semicolon_csv_with_decimal_commas():
    parsed = places("Xã/Phường;Thôn/Ấp;Vĩ độ;Kinh độ\nPhước Mỹ;Thôn 1;15,1205;108,81\n")
    assert parsed.problems == []
    row = parsed.rows[0]
    assert (row.commune, row.hamlet, row.latitude, row.longitude) == (
        "Phước Mỹ", "Thôn 1", 15.1205, 108.81)


def test_blank_rows_dropped_but_row_numbers_kept():
    rows = read_table("a.csv", b"Xa,Thon\n\n,,\nA,B\n")
    assert rows == [(1, ["Xa", "Thon"]), (4, ["A", "B"])]


def test_xlsx_numbers_strings_and_title_row():
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH THÔN, ẤP XÃ PHƯỚC MỸ"])
    sheet.append([])
    sheet.append(["STT", "Xã/Phường", "Thôn/Ấp", "Nhân khẩu từ đủ 14 tuổi trở lên", "Số hộ",
                  "Vĩ độ", "Kinh độ"])
    sheet.append([1, "Phước Mỹ", "Ấp Chợ", 1250, "1.000", 15.12, 108.8])
    sheet.append([2, "Phước Mỹ", "Ấp Gò", 5034.0, None])
    sheet.append([3])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table("danh-sach.xlsx", buffer.getvalue())
    assert table[2] == (4, ["1", "Phước Mỹ", "Ấp Chợ", "1250", "1.000", "15.12", "108.8"])
    assert table[3] == (5, ["2", "Phước Mỹ", "Ấp Gò", "5034"])
    parsed = parse_places(table)
    assert parsed.problems == []
    assert [(r.row, r.hamlet, r.kind, r.population_14plus, r.households) for r in parsed.rows] == [
        (4, "Ấp Chợ", "ap", 1250, 1000), (5, "Ấp Gò", "ap", 5034, None)]
    assert parsed.columns["population_14plus"] == "Nhân khẩu từ đủ 14 tuổi trở lên"


@pytest.mark.parametrize(("filename", "content", "expected"), [
    ("a.csv", b"", "Tệp không có dữ liệu."),
    ("a.csv", b" ,\n\n", "Tệp không có dữ liệu."),
    ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không phải bảng tính"),
    ("a.xlsx", b"PK\x03\x04 not really a zip", "Không đọc được tệp Excel"),
    ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
])
def test_unreadable_files(filename, content, expected):
    with pytest.raises(ImportFileError) as caught:
        read_table(filename, content)
    assert expected in str(caught.value.message)


# --- parse_places -----------------------------------------------------------------------------

def test_missing_commune_column_names_it_and_lists_found_columns():
    parsed = places("STT,Thôn/Ấp,Số hộ\n1,Ấp Chợ,120\n")
    assert parsed.rows == []
    [(row, column, message)] = messages(parsed)
    assert (row, column) == (1, "Xã/Phường")
    assert "xã/phường" in message and "“Thôn/Ấp”" in message and "“Số hộ”" in message


def test_duplicate_hamlet_names_first_row_ignoring_case_and_kind_word():
    parsed = places("Xã,Thôn/Ấp,Loại\n"
                    "Phước Mỹ,Ấp Chợ,\n"      # row 2
                    "Phước Mỹ,Thôn 1,\n"      # row 3
                    "Xã Phước Mỹ,ấp chợ,\n"   # row 4: same commune, same hamlet
                    "Phước Mỹ,Chợ,Ấp\n"       # row 5: kind given apart
                    "Phước Mỹ,Xóm 1,\n")      # row 6: another kind, another place
    assert [r.row for r in parsed.rows] == [2, 3, 6]
    assert [(row, column) for row, column, _ in messages(parsed)] == [(4, "Thôn/Ấp"),
                                                                      (5, "Thôn/Ấp")]
    assert all("Trùng với dòng 2" in message for _, _, message in messages(parsed))


def test_non_numbers_are_reported_with_row_and_column():
    parsed = places("Xã/Phường,Thôn/Ấp,Nhân khẩu 14+,Số hộ\n"
                    "Phước Mỹ,Thôn 1,abc,10\n"
                    "Phước Mỹ,Thôn 2,12,-5\n"
                    "Phước Mỹ,Thôn 3,khoảng 500,2.5\n"
                    "Phước Mỹ,Thôn 4,300,40\n")
    assert [r.hamlet for r in parsed.rows] == ["Thôn 4"]
    found = messages(parsed)
    assert [(row, column) for row, column, _ in found] == [
        (2, "Nhân khẩu 14+"), (3, "Số hộ"), (4, "Nhân khẩu 14+"), (4, "Số hộ")]
    assert "“abc”" in found[0][2] and "số nguyên không âm" in found[0][2]
    assert "“-5”" in found[1][2]


@pytest.mark.parametrize(("written", "value"), [
    ("10.722", 10722), ("1.000", 1000), ("1,000", 1000), ("1 000", 1000), ("225208", 225208),
    ("5034.0", 5034), ("1.234.567", 1234567), ("0", 0),
])
def test_population_numbers_in_vietnamese_writing(written, value):
    parsed = places(f'Xã,Dân số từ 14 tuổi\n"Phước Mỹ","{written}"\n')
    assert parsed.problems == []
    assert parsed.rows[0].population_14plus == value


def test_total_rows_and_stt_only_rows_are_skipped_silently():
    parsed = places("STT,Xã/Phường,Thôn/Ấp,Số hộ\n"
                    "1,Tống Xá,Thôn 1,10\n"
                    "2,,,\n"
                    ",Tổng cộng,,10\n"
                    ",CỘNG,,10\n"
                    "Tổng,,,10\n")
    assert parsed.problems == []
    assert [(r.commune, r.hamlet) for r in parsed.rows] == [("Tống Xá", "Thôn 1")]


def test_commune_cell_merged_over_hamlets_is_filled_down():
    parsed = places("Xã,Thôn\nPhước Mỹ,Thôn 1\n,Thôn 2\n")
    assert [(r.commune, r.hamlet) for r in parsed.rows] == [("Phước Mỹ", "Thôn 1"),
                                                            ("Phước Mỹ", "Thôn 2")]


def test_missing_commune_name_is_a_problem():
    parsed = places("Xã,Thôn,Số hộ\n,Thôn 1,10\n")
    assert parsed.rows == []
    assert messages(parsed) == [(2, "Xã", "Thiếu tên xã/phường.")]


@pytest.mark.parametrize(("commune", "hamlet", "kind", "expected"), [
    ("Phước Mỹ", "Ấp Chợ", "", "ap"),
    ("Phước Mỹ", "thôn 1", "", "thon"),
    ("Phước Mỹ", "Khu phố 3", "", "khu_pho"),
    ("Phước Mỹ", "Tổ dân phố 5", "", "to_dan_pho"),
    ("Phước Mỹ", "Buôn Đôn", "", "buon"),
    ("Phước Mỹ", "Chợ", "", None),
    ("Phước Mỹ", "Chợ", "Khu phố", "khu_pho"),
    ("Phường 3", "", "", "phuong"),
    ("Xã Phước Mỹ", "", "", "xa"),
    ("Thị trấn Phú Mỹ", "", "", "thi_tran"),
    ("TT Phú Mỹ", "", "", "thi_tran"),
    ("Phú Quốc", "", "Đặc khu", "dac_khu"),
])
def test_kind_given_or_inferred_from_the_name(commune, hamlet, kind, expected):
    parsed = places(f"Xã,Thôn,Loại\n{commune},{hamlet},{kind}\n")
    assert parsed.problems == []
    assert parsed.rows[0].kind == expected


def test_unknown_kind_lists_accepted_values():
    parsed = places("Xã,Thôn,Loại\nPhước Mỹ,Chợ,Tỉnh\nPhước Mỹ,,Thôn\n")
    assert parsed.rows == []
    (_, _, hamlet_message), (_, _, commune_message) = messages(parsed)
    assert "“Tỉnh”" in hamlet_message and "tổ dân phố" in hamlet_message
    assert "“Thôn”" in commune_message and "thị trấn" in commune_message


def test_coordinates_must_come_in_pairs_inside_vietnam():
    parsed = places("Xã,Thôn,Vĩ độ,Kinh độ\n"
                    "Phước Mỹ,Thôn 1,15.1,\n"
                    "Phước Mỹ,Thôn 2,108.8,15.1\n"
                    "Phước Mỹ,Thôn 3,35.6,139.7\n"
                    "Phước Mỹ,Thôn 4,8.64,111.92\n")
    assert [r.hamlet for r in parsed.rows] == ["Thôn 4"]  # Trường Sa is inside
    found = messages(parsed)
    assert [(row, column) for row, column, _ in found] == [(2, "Kinh độ"), (3, "Vĩ độ"),
                                                           (4, "Vĩ độ")]
    assert "cả vĩ độ và kinh độ" in found[0][2]
    assert "nằm ngoài lãnh thổ Việt Nam" in found[1][2] and "đảo chỗ" in found[1][2]
    assert "nằm ngoài lãnh thổ Việt Nam" in found[2][2] and "đảo" not in found[2][2]


def test_strip_kind_prefix():
    assert strip_kind_prefix("Ấp Chợ") == "Chợ"
    assert strip_kind_prefix("ấp  chợ") == "chợ"
    assert strip_kind_prefix("Tổ dân phố 5") == "5"
    assert strip_kind_prefix("Thị trấn Phú Mỹ") == "Phú Mỹ"
    assert strip_kind_prefix("Phước Mỹ") == "Phước Mỹ"
    assert strip_kind_prefix("Ấp") == "Ấp"  # a bare kind word is a name, not a prefix


# --- GeoJSON ----------------------------------------------------------------------------------

SQUARE = [[108.8, 15.1], [108.81, 15.1], [108.81, 15.11], [108.8, 15.11], [108.8, 15.1]]


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_valid_polygon_is_read_with_name_commune_and_rounded_coordinates():
    ring = [[108.80000012, 15.1], *SQUARE[1:4], [108.80000012, 15.1]]
    shapes = parse_geojson(geojson(feature({"type": "Polygon", "coordinates": [ring]},
                                           **{"Tên": "Ấp Chợ", "ten_xa": "Phước Mỹ"})))
    assert shapes.problems == []
    [shape] = shapes.features
    assert (shape.index, shape.name, shape.commune) == (1, "Ấp Chợ", "Phước Mỹ")
    assert shape.geometry["coordinates"][0][0] == [108.8, 15.1]
    lat, lon = geometry_center(shape.geometry)
    assert lat == pytest.approx(15.105) and lon == pytest.approx(108.805)


def test_swapped_coordinates_are_explained():
    swapped = [[lat, lon] for lon, lat in SQUARE]
    shapes = parse_geojson(geojson(feature({"type": "Polygon", "coordinates": [swapped]},
                                           name="Thôn 1")))
    assert shapes.features == []
    [problem] = shapes.problems
    assert (problem.row, problem.column) == (1, "geometry")
    assert "ngoài lãnh thổ Việt Nam" in str(problem.message)
    assert "đảo chỗ" in str(problem.message)


def test_line_string_is_refused_and_other_features_still_read():
    line = {"type": "LineString", "coordinates": SQUARE[:2]}
    shapes = parse_geojson(geojson(feature(line, name="Đường"),
                                   feature({"type": "Point", "coordinates": [108.8, 15.1]},
                                           NAME="Thôn 2")))
    assert [(f.index, f.name) for f in shapes.features] == [(2, "Thôn 2")]
    [problem] = shapes.problems
    assert problem.row == 1
    assert "LineString" in str(problem.message)
    assert "Polygon/MultiPolygon" in str(problem.message)


def test_unclosed_and_short_rings_are_refused():
    open_ring = SQUARE[:4] + [[108.805, 15.1]]
    shapes = parse_geojson(geojson(
        feature({"type": "Polygon", "coordinates": [open_ring]}, name="Thôn 1"),
        feature({"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE[:3]]]}, name="Thôn 2"),
    ))
    assert shapes.features == []
    assert "khép kín" in str(shapes.problems[0].message)
    assert "ít nhất 4 điểm" in str(shapes.problems[1].message)


def test_feature_without_name_or_with_bad_coordinate():
    shapes = parse_geojson(geojson(
        feature({"type": "Polygon", "coordinates": [SQUARE]}, id=7),
        feature({"type": "Point", "coordinates": ["108.8", 15.1]}, name="Thôn 2"),
    ))
    assert [(p.row, p.column) for p in shapes.problems] == [(1, "name"), (2, "geometry")]
    assert "cặp số" in str(shapes.problems[1].message)


@pytest.mark.parametrize(("content", "expected"), [
    (b'{"type": "FeatureCollection", "features": [', "cú pháp JSON"),
    ("{}".encode("utf-16"), "UTF-8"),
    (b'{"type": "Polygon", "coordinates": []}', "FeatureCollection"),
    (b'{"type": "FeatureCollection", "features": []}', "không có đối tượng"),
])
def test_unreadable_geojson(content, expected):
    with pytest.raises(ImportFileError) as caught:
        parse_geojson(content)
    assert expected in str(caught.value.message)


def test_validate_geometry_for_a_single_shape():
    assert validate_geometry({"type": "Point", "coordinates": [112.33, 16.5]}) is None  # Hoàng Sa
    assert validate_geometry({"type": "Polygon", "coordinates": [SQUARE]}) is None
    guangzhou = validate_geometry({"type": "Point", "coordinates": [113.26, 23.13]})
    assert "ngoài lãnh thổ Việt Nam" in str(guangzhou)
    assert "geometry" in str(validate_geometry(None))
    assert geometry_center({"type": "Point", "coordinates": [108.8, 15.1]}) == (15.1, 108.8)
