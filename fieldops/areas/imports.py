"""Parse uploaded place lists (CSV/XLSX) and hamlet shapes (GeoJSON); no database access."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from openpyxl import load_workbook

from fieldops.text import fold, nfc

Message = LazyString | str

_LABELS = {"commune": "Xã/Phường", "hamlet": "Thôn/Ấp", "kind": "Loại",
           "population_14plus": "Nhân khẩu từ đủ 14 tuổi trở lên", "households": "Số hộ",
           "latitude": "Vĩ độ", "longitude": "Kinh độ"}
_ALIASES = {alias: name for name, aliases in {
    "commune": ("xa phuong", "xa", "phuong", "xa phuong thi tran", "xa phuong dac khu", "don vi",
                "ten xa", "ten xa phuong", "commune"),
    "hamlet": ("thon ap", "thon", "ap", "thon ap khu pho", "ten thon", "ten ap", "ten thon ap",
               "khu pho", "to dan pho", "hamlet"),
    "kind": ("loai", "loai don vi", "kind"),
    "households": ("so ho", "ho gia dinh", "so ho gia dinh", "households"),
    "latitude": ("vi do", "latitude", "lat"),
    "longitude": ("kinh do", "longitude", "lon", "lng"),
    "stt": ("stt", "s t t", "so thu tu"),
}.items() for alias in aliases}
_HAMLET_KINDS = {"thon": "thon", "ap": "ap", "xom": "xom", "ban": "ban", "soc": "soc",
                 "khu pho": "khu_pho", "to dan pho": "to_dan_pho", "pho": "pho", "khom": "khom",
                 "buon": "buon", "lang": "lang"}
_COMMUNE_KINDS = {"xa": "xa", "phuong": "phuong", "thi tran": "thi_tran", "dac khu": "dac_khu"}
_HAMLET_WORDS = "thôn, ấp, xóm, bản, sóc, khu phố, tổ dân phố, phố, khóm, buôn, làng"
_COMMUNE_WORDS = "xã, phường, thị trấn, đặc khu"
# Province and district words are only stripped from names, never inferred as a kind here.
_PREFIXES = sorted(
    {**_HAMLET_KINDS, **_COMMUNE_KINDS, "tt": "thi_tran", "tinh": "tinh", "thanh pho": "thanh_pho",
     "huyen": "huyen", "quan": "quan", "thi xa": "thi_xa"}.items(),
    key=lambda item: -len(item[0]))
_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")
_WHOLE = re.compile(r"(\d+)(?:[.,]0+)?")
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a CSV/XLSX, empty, no header)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportProblem:
    """One problem in an uploaded file: file row (None for the whole file), column, message."""

    row: int | None
    column: str | None
    message: Message


@dataclass
class PlaceRow:
    """One commune (hamlet is None) or hamlet read from a places table."""

    row: int
    commune: str
    hamlet: str | None
    kind: str | None
    population_14plus: int | None
    households: int | None
    latitude: float | None
    longitude: float | None


@dataclass
class ParsedPlaces:
    """Rows without problems, every problem found, and the columns recognised."""

    rows: list[PlaceRow]
    problems: list[ImportProblem]
    columns: dict[str, str]


@dataclass
class ShapeFeature:
    """One valid feature of a GeoJSON file."""

    index: int
    name: str
    commune: str | None
    geometry: dict


@dataclass
class ParsedShapes:
    """Valid features and the problems of the others (row = feature number)."""

    features: list[ShapeFeature]
    problems: list[ImportProblem]


def read_table(filename: str, content: bytes) -> list[tuple[int, list[str]]]:
    """Return the non-empty rows of a CSV or XLSX file as (row number, stripped NFC cells)."""
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_l("Tệp Excel đời cũ (.xls) chưa được hỗ trợ. Hãy mở tệp bằng Excel "
                                 "và lưu lại dạng .xlsx hoặc CSV."))
    if filename.lower().endswith((".xlsx", ".xlsm")) or content.startswith(b"PK"):
        raw_rows = _xlsx_rows(content)
    else:
        raw_rows = _csv_rows(content)
    rows = []
    for number, raw in enumerate(raw_rows, start=1):
        cells = [nfc(cell) for cell in raw]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append((number, cells))
    if not rows:
        raise ImportFileError(_l("Tệp không có dữ liệu."))
    return rows


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                return []
            sheet = book.worksheets[0]
            # Some tools write a wrong sheet size; trusting it would cut off columns or rows.
            sheet.reset_dimensions()
            return [[_cell_text(value) for value in row]
                    for row in sheet.iter_rows(min_row=1, values_only=True)]
        finally:
            book.close()
    except Exception as exc:  # a damaged file fails with zip, XML or key errors alike
        raise ImportFileError(_l("Không đọc được tệp Excel. Hãy kiểm tra tệp mở được bằng Excel, "
                                 "hoặc lưu lại dạng CSV.")) from exc


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _csv_rows(content: bytes) -> list[list[str]]:
    not_a_table = _l("Tệp không phải bảng tính CSV hoặc Excel (.xlsx).")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16", errors="replace")  # Excel's "Unicode Text" export
    elif b"\x00" in content:
        raise ImportFileError(not_a_table)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1258")  # what Vietnamese Windows Excel saves as "CSV"
            except UnicodeDecodeError as exc:
                raise ImportFileError(_l("Không nhận ra bảng mã của tệp. Hãy lưu lại dạng "
                                         "“CSV UTF-8”.")) from exc
    if "\x00" in text:
        raise ImportFileError(not_a_table)
    sample = text[:4096]
    if len(text) > 4096 and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # a cut-off last line confuses the sniffer
    first_line = sample.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    if delimiter not in first_line and any(d in first_line for d in ",;\t"):
        delimiter = max(",;\t", key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(not_a_table) from exc


def _key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold(text)).split())


def _field_for(header: str) -> str | None:
    key = _key(header)
    if key in _ALIASES:
        return _ALIASES[key]
    if "14" in key and any(word in key for word in ("nhan khau", "dan so", "population")):
        return "population_14plus"
    return None


def _split_kind(name: str) -> tuple[str | None, str]:
    words = nfc(name).split()
    folded = " ".join(fold(word) for word in words)
    for prefix, code in _PREFIXES:
        size = len(prefix.split())
        if len(words) > size and (folded + " ").startswith(prefix + " "):
            return code, " ".join(words[size:])
    return None, " ".join(words)


def split_kind_prefix(name: str) -> tuple[str | None, str]:
    """Return the kind code a name starts with ("Ấp Chợ" -> ("ap", "Chợ")), or (None, name)."""
    return _split_kind(name)


def strip_kind_prefix(name: str) -> str:
    """Return a place name without its leading kind word ("Ấp Chợ" -> "Chợ")."""
    return _split_kind(name)[1]


def parse_places(table: list[tuple[int, list[str]]]) -> ParsedPlaces:
    """Map a places table with Vietnamese headers to rows, collecting every problem."""
    if not table:
        return ParsedPlaces([], [ImportProblem(None, None, _l("Tệp không có dữ liệu."))], {})
    # Officers' sheets often carry a title above the header: take the first row naming a commune
    # column among the first few, else the first row.
    start = next((i for i, (_, cells) in enumerate(table[:10])
                  if any(_field_for(cell) == "commune" for cell in cells)), 0)
    header_row, headers = table[start]
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = _field_for(header)
        if name and name not in positions:
            positions[name] = index
    columns = {name: headers[i] for name, i in positions.items() if name != "stt"}
    if "commune" not in positions:
        found = ", ".join(f"“{header}”" for header in headers if header)
        message = _l("Không tìm thấy cột tên xã/phường (ví dụ “Xã/Phường”). Các cột có trong tệp: "
                     "%(columns)s.", columns=found)
        return ParsedPlaces([], [ImportProblem(header_row, _LABELS["commune"], message)], columns)
    rows: list[PlaceRow] = []
    problems: list[ImportProblem] = []
    seen: dict[tuple[str, str], list[tuple[str | None, int]]] = {}
    last_commune = ""
    for number, cells in table[start + 1:]:
        values = {name: nfc(cells[i]) if i < len(cells) else "" for name, i in positions.items()}
        if not any(value for name, value in values.items() if name != "stt"):
            continue
        if any(_is_total(values.get(name, "")) for name in ("stt", "commune", "hamlet")):
            continue
        # A commune cell merged over its hamlets reads as empty below its first row.
        if not values["commune"] and values.get("hamlet"):
            values["commune"] = last_commune
        last_commune = values["commune"]
        place, row_problems = _parse_place(number, values, columns)
        problems.extend(row_problems)
        if place is None:
            continue
        key = (_key(strip_kind_prefix(place.commune)), _key(strip_kind_prefix(place.hamlet or "")))
        first = next((row for kind, row in seen.get(key, [])
                      if kind is None or place.kind is None or kind == place.kind), None)
        if first is not None:
            column = columns.get("hamlet" if place.hamlet else "commune", _LABELS["commune"])
            problems.append(ImportProblem(number, column, _l(
                "Trùng với dòng %(first)s: nơi này đã có trong tệp.", first=first)))
            continue
        seen.setdefault(key, []).append((place.kind, number))
        rows.append(place)
    return ParsedPlaces(rows, problems, columns)


def _is_total(text: str) -> bool:
    # Accented "Tổng" only: the commune "Tống Xá" folds to "tong xa" too.
    return text.lower().startswith("tổng") or fold(text) in {"tong", "tong cong", "cong", "tong so"}


def _parse_place(number: int, values: dict[str, str],
                 columns: dict[str, str]) -> tuple[PlaceRow | None, list[ImportProblem]]:
    problems: list[ImportProblem] = []

    def report(name: str, message: Message) -> None:
        problems.append(ImportProblem(number, columns.get(name, _LABELS[name]), message))

    commune, hamlet, kind_text = values["commune"], values.get("hamlet") or None, values.get("kind")
    if not commune:
        report("commune", _l("Thiếu tên xã/phường."))
    allowed = _HAMLET_KINDS if hamlet else _COMMUNE_KINDS
    kind = None
    if kind_text:
        kind = allowed.get(_key(kind_text))
        if kind is None and hamlet:
            report("kind", _l("Loại “%(value)s” không hợp lệ. Với thôn/ấp chỉ nhận: %(allowed)s.",
                              value=kind_text, allowed=_HAMLET_WORDS))
        elif kind is None:
            report("kind", _l("Loại “%(value)s” không hợp lệ. Với dòng xã/phường (không có tên "
                              "thôn/ấp) chỉ nhận: %(allowed)s.", value=kind_text,
                              allowed=_COMMUNE_WORDS))
    else:
        inferred = _split_kind(hamlet or commune)[0]
        kind = inferred if inferred in allowed.values() else None
    numbers: dict[str, Any] = {}
    for name, parse in (("population_14plus", _count), ("households", _count),
                        ("latitude", _decimal), ("longitude", _decimal)):
        text = values.get(name, "")
        try:
            numbers[name] = parse(text) if text else None
        except ValueError:
            numbers[name] = None
            report(name, _l("“%(value)s” không hợp lệ: số liệu phải là số nguyên không âm, ví dụ "
                            "1.250.", value=text) if parse is _count else
                   _l("“%(value)s” không hợp lệ: tọa độ phải là số thập phân, ví dụ 15.1205.",
                      value=text))
    latitude, longitude = numbers["latitude"], numbers["longitude"]
    if bool(values.get("latitude")) != bool(values.get("longitude")):
        report("longitude" if values.get("latitude") else "latitude",
               _l("Cần nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."))
    elif latitude is not None and longitude is not None:
        message = _position_problem(longitude, latitude)
        if message:
            report("latitude", message)
    if problems:
        return None, problems
    return PlaceRow(number, commune, hamlet, kind, numbers["population_14plus"],
                    numbers["households"], latitude, longitude), []


def _count(text: str) -> int:
    compact = re.sub(r"\s", "", text)
    if _GROUPED.fullmatch(compact):  # "10.722" is ten thousand in Vietnamese writing
        return int(re.sub(r"[.,]", "", compact))
    match = _WHOLE.fullmatch(compact)
    if not match:
        raise ValueError(text)
    return int(match.group(1))


def _decimal(text: str) -> float:
    compact = re.sub(r"\s", "", text).replace(",", ".")
    if not _DECIMAL.fullmatch(compact):
        raise ValueError(text)
    return float(compact)


def _in_vietnam(lat: float, lon: float) -> bool:
    # Two boxes: the mainland, and the sea down to Trường Sa (one box would take in south China).
    return (8.0 <= lat <= 23.5 and 102.0 <= lon <= 110.0) or (
        6.0 <= lat <= 17.5 and 109.0 <= lon <= 117.5)


def _position_problem(lon: float, lat: float) -> Message | None:
    if _in_vietnam(lat, lon):
        return None
    if _in_vietnam(lon, lat):
        return _l("Điểm (vĩ độ %(lat)s, kinh độ %(lon)s) nằm ngoài lãnh thổ Việt Nam; có thể vĩ độ "
                  "và kinh độ đã bị đảo chỗ cho nhau.", lat=lat, lon=lon)
    if abs(lat) > 90 or abs(lon) > 180:
        return _l("Tọa độ (%(lon)s, %(lat)s) không phải kinh độ/vĩ độ; có thể tệp dùng hệ VN-2000. "
                  "Hãy xuất lại theo WGS84 (EPSG:4326).", lat=lat, lon=lon)
    return _l("Điểm (vĩ độ %(lat)s, kinh độ %(lon)s) nằm ngoài lãnh thổ Việt Nam.",
              lat=lat, lon=lon)


def parse_geojson(content: bytes) -> ParsedShapes:
    """Read hamlet shapes from a GeoJSON FeatureCollection or Feature, checking each one."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFileError(_l("Tệp GeoJSON phải được lưu với bảng mã UTF-8.")) from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(_l("Tệp không phải GeoJSON hợp lệ: lỗi cú pháp JSON ở dòng "
                                 "%(line)s.", line=exc.lineno)) from exc
    except RecursionError as exc:
        raise ImportFileError(_l("Tệp không phải GeoJSON hợp lệ.")) from exc
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        items = [data]
    elif kind == "FeatureCollection" and isinstance(data.get("features"), list):
        items = data["features"]
    else:
        raise ImportFileError(_l("Tệp GeoJSON phải chứa một FeatureCollection hoặc một Feature."))
    if not items:
        raise ImportFileError(_l("Tệp GeoJSON không có đối tượng nào."))
    shapes = ParsedShapes([], [])
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            shapes.problems.append(ImportProblem(index, None, _l(
                "Đối tượng này không phải một Feature GeoJSON.")))
            continue
        properties = item.get("properties") if isinstance(item.get("properties"), dict) else {}
        by_key: dict[str, Any] = {}
        for prop, value in properties.items():
            by_key.setdefault(_key(prop), value)
        name = _first_text(by_key, ("name", "ten", "ten thon", "hamlet"))
        commune = _first_text(by_key, ("commune", "xa", "ten xa")) or None
        geometry = item.get("geometry")
        error = validate_geometry(geometry)
        if not name:
            shapes.problems.append(ImportProblem(index, "name", _l(
                "Thiếu tên thôn/ấp (thuộc tính “name” hoặc “ten”).")))
        if error:
            shapes.problems.append(ImportProblem(index, "geometry", error))
        elif name:
            rounded = {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}
            shapes.features.append(ShapeFeature(index, name, commune, rounded))
    return shapes


def _first_text(properties: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = properties.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and nfc(str(value)):
            return nfc(str(value))
    return ""


def _rounded(coordinates: list) -> list:
    if coordinates and not isinstance(coordinates[0], list):
        return [round(float(value), 6) for value in coordinates[:2]]
    return [_rounded(part) for part in coordinates]


def validate_geometry(geometry: dict) -> Message | None:
    """Return why a GeoJSON geometry is unusable for a place (in Vietnamese), or None if fine."""
    if not isinstance(geometry, dict) or not geometry.get("type"):
        return _l("Thiếu hình dạng (geometry) của đối tượng.")
    kind, coordinates = geometry["type"], geometry.get("coordinates")
    if kind == "Point":
        return _check_position(coordinates)
    if kind == "Polygon":
        return _check_polygon(coordinates)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            return _l("Vùng không có tọa độ ranh giới.")
        return next(filter(None, map(_check_polygon, coordinates)), None)
    return _l("Hình dạng loại “%(type)s” không được nhận: chỉ nhận vùng (Polygon/MultiPolygon) "
              "hoặc điểm (Point).", type=kind)


def _check_polygon(rings: Any) -> Message | None:
    if not isinstance(rings, list) or not rings:
        return _l("Vùng không có tọa độ ranh giới.")
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            return _l("Vòng ranh giới chỉ có %(count)s điểm; cần ít nhất 4 điểm (điểm cuối lặp lại "
                      "điểm đầu).", count=len(ring) if isinstance(ring, list) else 0)
        error = next(filter(None, map(_check_position, ring)), None)
        if error:
            return error
        if ring[0][:2] != ring[-1][:2]:
            return _l("Vòng ranh giới chưa khép kín: điểm cuối phải trùng với điểm đầu.")
    return None


def _check_position(position: Any) -> Message | None:
    # NaN and infinity fail the range comparison; bool is an int subclass but not a number here.
    if not (isinstance(position, list) and len(position) in (2, 3) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and -1e9 < v < 1e9
            for v in position)):
        return _l("Tọa độ %(value)s không hợp lệ: mỗi điểm phải là một cặp số [kinh độ, vĩ độ].",
                  value=json.dumps(position, ensure_ascii=False)[:60])
    return _position_problem(position[0], position[1])


def geometry_center(geometry: dict) -> tuple[float, float]:
    """Return (lat, lon) of a point, or the mean of the outer ring vertices of a valid shape."""
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Point":
        return float(coordinates[1]), float(coordinates[0])
    outer = [coordinates[0]] if geometry["type"] == "Polygon" else [p[0] for p in coordinates]
    points = [point for ring in outer for point in ring[:-1]]  # the last vertex repeats the first
    return (sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points))
