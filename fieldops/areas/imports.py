"""Parse uploaded place lists (communes and hamlets) with Vietnamese headers; no database access."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from fieldops.areas.shapes import position_problem
from fieldops.text import fold, fold_words, nfc
from fieldops.uploads import ImportProblem, Message

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
# The same prefixes by their first word, so that a folded name is checked against a few only.
_PREFIXES_BY_WORD: dict[str, list[tuple[str, int]]] = {}
for _prefix, _code in _PREFIXES:
    _PREFIXES_BY_WORD.setdefault(_prefix.split()[0], []).append((_prefix, len(_prefix.split())))
_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")
_WHOLE = re.compile(r"(\d+)(?:[.,]0+)?")
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")



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



def _field_for(header: str) -> str | None:
    key = fold_words(header)
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


def name_key(folded: str) -> str:
    """Return a folded name without its leading kind word ("ap cho" -> "cho"): how places match.

    The same as fold(strip_kind_prefix(name)) for folded = fold(name), at a tenth of the cost:
    an import compares thousands of names.
    """
    words = folded.split(" ")
    for prefix, size in _PREFIXES_BY_WORD.get(words[0], ()):
        if len(words) > size and " ".join(words[:size]) == prefix:
            return " ".join(words[size:])
    return folded


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
        key = (fold_words(strip_kind_prefix(place.commune)),
               fold_words(strip_kind_prefix(place.hamlet or "")))
        first = next((row for kind, row in seen.get(key, [])
                      if kind is None or place.kind is None or kind == place.kind), None)
        if first is not None:
            column = columns.get("hamlet" if place.hamlet else "commune", _LABELS["commune"])
            problems.append(ImportProblem(number, column, _l(
                "Trùng với dòng %(first)s: nơi này đã có trong tệp.", first=first)))
            continue
        seen.setdefault(key, []).append((place.kind, number))
        rows.append(place)
    if not rows and not problems:
        problems.append(ImportProblem(None, None, _l("Tệp không có dòng xã/phường, thôn/ấp nào.")))
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
        kind = allowed.get(fold_words(kind_text))
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
        message = position_problem(longitude, latitude)
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

