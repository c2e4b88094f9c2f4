"""Read a police list file (CSV/XLSX, title rows above the header) into rows; no database access.

Each person's ID is hashed (the same person on every day's list) and encrypted here, once:
the parse is kept with the staged upload, which never holds an ID in clear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fieldops.checkin import crypto
from fieldops.clock import local_today
from fieldops.drive import list_values as values
from fieldops.drive.list_columns import columns_of, known_header
from fieldops.text import fold
from fieldops.uploads.tables import ImportFileError, ImportProblem, find_header, read_table

#: the largest list file taken: a province's daily list of 250,000 rows is about 35 MB as CSV
MAX_BYTES = 40 * 1024 * 1024
#: the longest texts kept, as the columns are sized
NAME_LENGTH, ADDRESS_LENGTH, STATUS_LENGTH = 120, 255, 120
#: a staged row (a list in the upload's JSON), by position
(ROW, HASH, LAST4, ENCRYPTED, NAME, NAME_FOLDED, BIRTH_DATE, BIRTH_YEAR, GENDER, PHONE, ADDRESS,
 COMMUNE, HAMLET, STATUS) = range(14)


@dataclass
class ParsedList:
    """A list file as read: its rows, every problem, and how its columns were understood."""

    rows: list[list] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    #: {folded header: field or ""}: what to remember for the next day's file
    mapping: dict[str, str] = field(default_factory=dict)
    sha256: str = ""
    #: the header of the column a row's commune was read from (commune or address), if any
    commune_column: str | None = None


class _Folder:
    """fold() word by word with a memo: a list's names are made of a few thousand words."""

    def __init__(self) -> None:
        self.words: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        words = self.words
        out = []
        for word in text.split():
            folded = words.get(word)
            if folded is None:
                folded = words[word] = fold(word)
            out.append(folded)
        return " ".join(out)


def read_list(filename: str, content: bytes, mapping: dict[str, str], *,
              need_commune: bool) -> ParsedList:
    """Read a list file with the remembered mapping; every row problem names its row."""
    parsed = ParsedList(sha256=hashlib.sha256(content).hexdigest())
    if len(content) > MAX_BYTES:
        parsed.problems.append(ImportProblem(None, None, too_large(len(content))))
        return parsed
    try:
        table = read_table(filename, content, typed=True)
    except ImportFileError as error:
        parsed.problems.append(ImportProblem(None, None, error.message))
        return parsed
    start = find_header(table, known_header(mapping))
    if start is None:
        parsed.problems.append(ImportProblem(None, None, _l(
            "Không tìm thấy dòng tiêu đề cột (ví dụ “Họ và tên”, “Số định danh cá nhân”) trong "
            "20 dòng đầu của tệp. Hãy kiểm tra đúng tệp danh sách công dân.")))
        return parsed
    header_row, headers = table[start]
    parsed.headers = [h if isinstance(h, str) else str(h) for h in headers]
    positions, parsed.mapping, parsed.problems = columns_of(
        parsed.headers, mapping, header_row, need_commune=need_commune)
    if parsed.problems:
        return parsed
    # An Excel cell's type says whether an ID was kept as a number; a CSV's column as a whole.
    xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or content.startswith(b"PK")
    _read_rows(parsed, table[start + 1:], positions, csv=not xlsx)
    return parsed


def too_large(size: int):
    """Return the message for a file over the limit, naming the limit."""
    return _l("Tệp quá lớn (%(size)s MB). Danh sách nhập được tối đa %(limit)s MB; hãy tách theo "
              "xã/phường hoặc lưu dạng Excel (.xlsx) cho gọn hơn.",
              size=round(size / 1024 / 1024, 1), limit=MAX_BYTES // 1024 // 1024)


def _numeric_column(rows: list, index: int) -> bool:
    """Return whether a CSV's ID column came from a number column: no ID keeps a leading zero."""
    for _, cells in rows:
        if index < len(cells):
            cell = cells[index]
            if isinstance(cell, str) and cell.startswith("0"):
                return False
    return True


def _read_rows(parsed: ParsedList, rows: list, positions: dict[str, int], *, csv: bool) -> None:
    # One pass over up to hundreds of thousands of rows: plain index lookups, the common
    # shapes (a 12-digit ID as text, dd/mm/yyyy, a mobile number) read without a regex.
    this_year = local_today().year
    year_text = str(this_year)
    folder = _Folder()
    # Problems name the column as the file's header writes it.
    columns = {name: parsed.headers[i] for name, i in positions.items()}
    numeric_column = csv and _numeric_column(rows, positions["citizen_id"])
    parsed.commune_column = columns.get("commune") or columns.get("address")
    width = len(parsed.headers)
    # A field the file lacks reads the None padded after the last column.
    (i_name, i_id, i_birth, i_gender, i_phone, i_address, i_commune, i_hamlet, i_status) = (
        positions.get(name, width) for name in (
            "full_name", "citizen_id", "birth_date", "gender", "phone", "address", "commune",
            "hamlet", "status"))
    provinces, birth_year_of = values.PROVINCE_CODES, values.birth_year_of
    genders: dict = {}
    first_row: dict[str, int] = {}
    numbers: list[str] = []
    out = parsed.rows
    problems = parsed.problems
    for number, cells in rows:
        while len(cells) <= width:
            cells.append(None)
        name, raw_id = cells[i_name], cells[i_id]
        if not name and not raw_id:
            continue  # a blank or footer line ("Người lập biểu")
        row_problems = len(problems)
        if (type(raw_id) is str and len(raw_id) == 12 and raw_id.isdigit()
                and raw_id[:3] in provinces and birth_year_of(raw_id) <= this_year):
            citizen = raw_id
        else:
            citizen = _citizen(number, raw_id, numeric_column, this_year, columns, problems)
        name = str(name).strip() if name is not None else ""
        if not name:
            problems.append(ImportProblem(number, columns["full_name"], _l("Thiếu họ và tên.")))
        elif len(name) > NAME_LENGTH:
            problems.append(ImportProblem(number, columns["full_name"], _l(
                "Họ và tên dài quá %(n)s ký tự.", n=NAME_LENGTH)))
        birth = cells[i_birth]
        if (type(birth) is str and len(birth) == 10 and birth[2] == "/" and birth[5] == "/"
                and birth[6:].isdigit() and "1900" <= birth[6:] <= year_text
                and "01" <= birth[3:5] <= "12" and "01" <= birth[:2] <= "28"):
            # dd/mm/yyyy of a day every month has: the common case, checked without date()
            birth_date, birth_year = f"{birth[6:]}-{birth[3:5]}-{birth[:2]}", int(birth[6:])
        else:
            try:
                birth_date, birth_year = values.birth(birth, this_year=this_year)
            except values.CellError as error:
                problems.append(ImportProblem(number, columns["birth_date"], error.message))
                birth_date = birth_year = None
        if citizen is not None:
            first = first_row.setdefault(citizen, number)
            if first != number:
                problems.append(ImportProblem(number, columns["citizen_id"], _l(
                    "Trùng người: số định danh này đã có ở dòng %(first)s (dòng %(first)s và "
                    "dòng %(row)s).", first=first, row=number)))
        if len(problems) > row_problems:
            continue
        gender = cells[i_gender]
        if gender not in genders:
            genders[gender] = values.gender(gender)
        phone = cells[i_phone]
        phone = (phone[:15] or None if type(phone) is str and phone.isdigit() and phone[:2] != "84"
                 else values.phone(phone))
        address, commune, hamlet, status = (
            cells[i_address], cells[i_commune], cells[i_hamlet], cells[i_status])
        numbers.append(citizen)
        out.append([
            number, None, citizen[-4:], None, name, folder(name), birth_date, birth_year,
            genders[gender], phone,
            (address[:ADDRESS_LENGTH] or None) if type(address) is str
            else _text(address, ADDRESS_LENGTH),
            commune[:120] or None if type(commune) is str else _text(commune, 120),
            hamlet[:160] or None if type(hamlet) is str else _text(hamlet, 160),
            (status[:STATUS_LENGTH] or None) if type(status) is str
            else _text(status, STATUS_LENGTH)])
    if problems:
        parsed.rows = []
        return
    for row, digest, token in zip(out, crypto.hash_many(numbers), crypto.encrypt_many(numbers),
                                  strict=True):
        row[HASH], row[ENCRYPTED] = digest, token


def _citizen(number: int, raw, numeric_column: bool, this_year: int, columns: dict,
             problems: list) -> str | None:
    try:
        if raw is None or raw == "":
            raise values.CellError(_l("Thiếu số định danh cá nhân."))
        return values.citizen_id(raw, numeric_column=numeric_column, this_year=this_year)
    except values.CellError as error:
        problems.append(ImportProblem(number, columns["citizen_id"], error.message))
        return None


def _text(value, length: int) -> str | None:
    if not value:
        return None
    if type(value) is not str:
        value = str(value)
    return value[:length] or None


def header_of(filename: str, content: bytes, mapping: dict[str, str]) -> list[str]:
    """Return the cells of a file's header row (the row the mapping step shows), or []."""
    if len(content) > MAX_BYTES:
        return []
    try:
        table = read_table(filename, content, typed=True)
    except ImportFileError:
        return []
    start = find_header(table, known_header(mapping), minimum=1)
    if start is None:  # no header named as expected: the first row that looks like a header
        start = next((i for i, (_, cells) in enumerate(table[:20])
                      if sum(isinstance(c, str) and bool(c) for c in cells) >= 3), None)
    if start is None:
        return []
    return [h if isinstance(h, str) else str(h) for h in table[start][1]]
