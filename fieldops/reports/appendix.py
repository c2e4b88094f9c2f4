"""Read a targets appendix as offices type it: two header rows, "1." numbers, a total row.

No database access: `parse_appendix` turns the rows of read_table() into figures, problems
(which stop the import) and total-row mismatches (which are only shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fieldops.text import fold_words
from fieldops.uploads import ImportProblem, Message

POPULATION, ISSUED = "population_14plus", "issued"
_PHASE = re.compile(r"(?:giai doan|gd|dot)\s*(\d+)")
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_TOTAL_WORDS = ("tong", "tong cong", "cong", "tong so", "toan huyen", "toan xa", "total")
# "TTHưng Nhân": the town prefix typed without its space.
_GLUED_TT = re.compile(r"^(TT|Tt)(?=[A-ZĐÀ-Ỹ])")


@dataclass
class AppendixRow:
    """One unit of the appendix with its figures (None where the cell is blank)."""

    row: int
    stt: str
    name: str
    population_14plus: int | None
    issued: int | None
    targets: dict[int, int] = field(default_factory=dict)


@dataclass
class Mismatch:
    """A figure of the total row that is not the sum of the rows above it."""

    column: str
    stated: int
    computed: int

    @property
    def difference(self) -> int:
        """Return stated minus computed."""
        return self.stated - self.computed


@dataclass
class ParsedAppendix:
    """The units, the problems that stop the import, and the total row's mismatches."""

    rows: list[AppendixRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    #: phase number (1, 2, 3) -> the column header as written
    phases: dict[int, str] = field(default_factory=dict)
    total_row: int | None = None


def unit_name(name: str) -> str:
    """Return a unit name with the glued town prefix split ("TTHưng Nhân" -> "TT Hưng Nhân")."""
    return _GLUED_TT.sub(r"\1 ", name.strip())


def parse_number(text: str) -> int | None:
    """Read "10.722", "10,722", "1000" or "1000.0" as a whole number; None if blank.

    Raises ValueError for text, negatives and fractions.
    """
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if _GROUPED.fullmatch(text):
        return int(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+[.,]0+", text):  # Excel numbers read back as "1000.0"
        return int(re.split(r"[.,]", text)[0])
    raise ValueError(text)


def _column_kind(label: str) -> tuple[str, int | None] | None:
    key = fold_words(label)
    if key in ("stt", "s t t", "so thu tu", "tt"):
        return "stt", None
    if key in ("don vi", "ten don vi", "xa", "xa phuong", "xa thi tran", "ten xa", "dia ban",
               "xa phuong thi tran", "don vi hanh chinh"):
        return "name", None
    if "14" in key and ("nhan khau" in key or "dan so" in key):
        return POPULATION, None
    match = _PHASE.search(key)
    if match:
        return "phase", int(match.group(1))
    if key.startswith("ket qua") or "cccd" in key:
        return ISSUED, None
    return None


def _find_header(table: list[tuple[int, list[str]]]) -> int | None:
    for index, (_, cells) in enumerate(table[:15]):
        kinds = [_column_kind(c) for c in cells]
        if any(k and k[0] == "name" for k in kinds):
            return index
    return None


def parse_appendix(table: list[tuple[int, list[str]]]) -> ParsedAppendix:
    """Map an appendix table to units and phase targets, checking every cell and the total."""
    parsed = ParsedAppendix()
    start = _find_header(table)
    if start is None:
        parsed.problems.append(ImportProblem(None, None, _l(
            "Không tìm thấy dòng tiêu đề có cột “Đơn vị” (tên xã/thị trấn).")))
        return parsed
    header_number, first = table[start]
    # The second header row holds the phase columns under the merged "Chỉ tiêu ..." cell.
    second: list[str] = []
    body_start = start + 1
    if body_start < len(table):
        number, cells = table[body_start]
        if number == header_number + 1 and not _looks_like_data(cells):
            second, body_start = cells, body_start + 1
    width = max(len(first), len(second))
    columns: dict[int, tuple[str, int | None, str]] = {}
    for index in range(width):
        lower = second[index] if index < len(second) else ""
        upper = first[index] if index < len(first) else ""
        for label in (lower, upper):
            kind = _column_kind(label) if label else None
            if kind and not any(c[:2] == kind for c in columns.values()):
                columns[index] = (*kind, label)
                break
    by_kind = {(kind, phase): index for index, (kind, phase, _) in columns.items()}
    if ("name", None) not in by_kind:
        parsed.problems.append(ImportProblem(header_number, None, _l(
            "Không tìm thấy cột “Đơn vị”.")))
        return parsed
    parsed.phases = {phase: label for kind, phase, label in columns.values() if kind == "phase"}
    if not parsed.phases:
        parsed.problems.append(ImportProblem(header_number, None, _l(
            "Không tìm thấy cột chỉ tiêu theo giai đoạn (ví dụ “Chỉ tiêu giai đoạn 1”).")))
        return parsed
    totals: dict[int, int] = {}
    for number, cells in table[body_start:]:
        def cell(index: int, cells: list[str] = cells) -> str:
            return cells[index] if 0 <= index < len(cells) else ""

        stt = cell(by_kind.get(("stt", None), -1)) if ("stt", None) in by_kind else ""
        name = unit_name(cell(by_kind[("name", None)]))
        if fold_words(stt) in _TOTAL_WORDS or fold_words(name) in _TOTAL_WORDS:
            parsed.total_row = number
            for index, (kind, _phase, label) in columns.items():
                if kind in ("stt", "name"):
                    continue
                try:
                    value = parse_number(cell(index))
                except ValueError:
                    parsed.problems.append(ImportProblem(number, label, _l(
                        "Dòng tổng có chữ “%(value)s” thay vì số.", value=cell(index))))
                    continue
                if value is not None:
                    totals[index] = value
            break  # notes below the total row are not units
        if not name:
            if any(cell(i) for i in columns if columns[i][0] not in ("stt",)):
                parsed.problems.append(ImportProblem(number, columns[by_kind[("name", None)]][2],
                                                     _l("Thiếu tên đơn vị.")))
            continue
        row = AppendixRow(number, stt.rstrip("."), name, None, None)
        for index, (kind, phase, label) in columns.items():
            if kind in ("stt", "name"):
                continue
            problem = _number_problem(cell(index))
            if problem:
                parsed.problems.append(ImportProblem(number, label, problem))
                continue
            value = parse_number(cell(index))
            if kind == "phase" and value is not None:
                row.targets[phase] = value
            elif kind == POPULATION:
                row.population_14plus = value
            elif kind == ISSUED:
                row.issued = value
        parsed.rows.append(row)
    if not parsed.rows and not parsed.problems:
        parsed.problems.append(ImportProblem(None, None, _l("Bảng không có đơn vị nào.")))
    for index, stated in totals.items():
        kind, phase, label = columns[index]
        computed = sum(_figure(r, kind, phase) for r in parsed.rows)
        if stated != computed:
            parsed.mismatches.append(Mismatch(label, stated, computed))
    return parsed


def _figure(row: AppendixRow, kind: str, phase: int | None) -> int:
    if kind == "phase":
        return row.targets.get(phase or 0, 0)
    return (row.population_14plus if kind == POPULATION else row.issued) or 0


def _number_problem(text: str) -> Message | None:
    stripped = (text or "").strip()
    if stripped.startswith("-") and stripped[1:].strip().replace(".", "").isdigit():
        return _l("Chỉ tiêu không được âm: “%(value)s”.", value=stripped)
    try:
        parse_number(stripped)
    except ValueError:
        return _l("“%(value)s” không phải số nguyên.", value=stripped)
    return None


def _looks_like_data(cells: list[str]) -> bool:
    # A unit row has a number in its first cells; a header row has words or blanks.
    return any(re.fullmatch(r"\d+\.?", c.strip()) for c in cells[:2] if c)
