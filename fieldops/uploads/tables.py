"""Uploaded tables (CSV/XLSX) read into rows of clean text, and the problems found in a file."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from openpyxl import load_workbook

from fieldops.text import nfc

Message = LazyString | str


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


#: what files that are not tables start with, and what they are (a photo renamed .xlsx)
_NOT_TABLES = ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"),
               (b"%PDF", "PDF"))


def read_table(filename: str, content: bytes, *,
               typed: bool = False) -> list[tuple[int, list[Any]]]:
    """Return the non-empty rows of a CSV or XLSX file as (row number, stripped NFC cells).

    typed=True keeps an Excel cell's number or date as Excel stored it (int, float, datetime)
    rather than as text: a 12-digit ID stored as a number has lost its leading zero, and only
    the cell's type tells it from one typed with 11 digits.
    """
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_l("Tệp Excel đời cũ (.xls) chưa được hỗ trợ. Hãy mở tệp bằng Excel "
                                 "và lưu lại dạng .xlsx hoặc CSV."))
    for magic, kind in _NOT_TABLES:
        if content.startswith(magic):
            raise ImportFileError(_l(
                "Tệp không phải bảng tính CSV hoặc Excel (.xlsx): “%(name)s” thật ra là tệp "
                "%(kind)s (có lẽ đã bị đổi tên).", name=filename, kind=kind))
    xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or content.startswith(b"PK")
    raw_rows = _xlsx_rows(content, typed) if xlsx else _csv_rows(content)
    rows = []
    for number, raw in enumerate(raw_rows, start=1):
        # A CSV's text is NFC as a whole already: its cells need only their spaces cut.
        cells = ([nfc(cell) if isinstance(cell, str) else cell for cell in raw] if xlsx
                 else [cell.strip() for cell in raw])
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        if cells:
            rows.append((number, cells))
    if not rows:
        raise ImportFileError(_l("Tệp không có dữ liệu."))
    return rows


def find_header(rows: list[tuple[int, list[Any]]], known, *, minimum: int = 2,
                scan: int = 20) -> int | None:
    """Return the index of the header row: the first of the first `scan` rows with at least
    `minimum` cells that `known(cell)` recognises, below any title rows; None if there is none.
    """
    for index, (_, cells) in enumerate(rows[:scan]):
        if sum(1 for cell in cells if isinstance(cell, str) and cell and known(cell)) >= minimum:
            return index
    return None


def _xlsx_rows(content: bytes, typed: bool = False) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                return []
            sheet = book.worksheets[0]
            # Some tools write a wrong sheet size; trusting it would cut off columns or rows.
            sheet.reset_dimensions()
            if typed:
                return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
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
    text = unicodedata.normalize("NFC", text)  # once for the file, not once a cell
    sample = text[:4096]
    if len(text) > 4096 and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # a cut-off last line confuses the sniffer
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # The delimiter is the character most repeated on one of the first lines (the header): a
    # title row above it ("DANH SÁCH CÔNG DÂN, ...") or commas in addresses mislead the sniffer.
    lines = sample.split("\n")[:20]
    widest = {d: max(line.count(d) for line in lines) for d in ",;\t"}
    best = max(widest, key=widest.get)
    if widest[best] > widest[delimiter]:
        delimiter = best
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(not_a_table) from exc
