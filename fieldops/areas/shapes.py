"""Read hamlet shapes from GeoJSON and check that a shape or point lies in Vietnam."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from fieldops.text import fold_words, nfc
from fieldops.uploads import ImportFileError, ImportProblem, Message


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


def _in_vietnam(lat: float, lon: float) -> bool:
    # Two boxes: the mainland, and the sea down to Trường Sa (one box would take in south China).
    return (8.0 <= lat <= 23.5 and 102.0 <= lon <= 110.0) or (
        6.0 <= lat <= 17.5 and 109.0 <= lon <= 117.5)


def position_problem(lon: float, lat: float) -> Message | None:
    """Return why a point is not usable in Vietnam (swapped or projected coordinates), or None."""
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
            by_key.setdefault(fold_words(prop), value)
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
    return position_problem(position[0], position[1])


def geometry_center(geometry: dict) -> tuple[float, float]:
    """Return (lat, lon) of a point, or the mean of the outer ring vertices of a valid shape."""
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Point":
        return float(coordinates[1]), float(coordinates[0])
    outer = [coordinates[0]] if geometry["type"] == "Polygon" else [p[0] for p in coordinates]
    points = [point for ring in outer for point in ring[:-1]]  # the last vertex repeats the first
    return (sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points))
