"""Uploaded tables (CSV/XLSX) read into rows, and kept between their preview and confirmation."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from openpyxl import load_workbook

from fieldops.db import db, now_utc
from fieldops.errors import DomainError
from fieldops.text import nfc

Message = LazyString | str

ALREADY_APPLIED = _l("Tệp này đã được nhập rồi; không nhập lại lần nữa.")


def new_token() -> str:
    """Return an unguessable token for a preview's address."""
    return secrets.token_urlsafe(24)


def upload_or_404(model, token: str):
    """Return the stored upload with this token, or answer 404."""
    upload = db.session.execute(db.select(model).filter_by(token=token)).scalar_one_or_none()
    if upload is None:
        abort(404)
    return upload


def claim(model, upload) -> None:
    """Mark a previewed upload as applied, or raise DomainError if it already was."""
    # A conditional UPDATE: of two confirmations sent at once, only one finds applied_at empty,
    # so a file is never imported twice (the row lock decides on PostgreSQL, the write lock on
    # SQLite).
    claimed = db.session.execute(
        sa.update(model)
        .where(model.id == upload.id, model.applied_at.is_(None))
        .values(applied_at=now_utc())
    ).rowcount
    if not claimed:
        raise DomainError(ALREADY_APPLIED)
    db.session.refresh(upload)


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
