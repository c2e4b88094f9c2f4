"""A police list's cells read right: IDs Excel stored as numbers, dates as serials or text."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from fieldops.checkin.citizen_id import LENGTH, PROVINCE_CODES, birth_year_of, check_shape
from fieldops.errors import DomainError
from fieldops.text import fold, normalize_phone


class CellError(ValueError):
    """A cell that cannot be read; its message names what is wrong."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


_DIGITS = re.compile(r"\d+")
_WHOLE_FLOAT = re.compile(r"(\d+)\.0+")
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE]\+?\d+")
_SEPARATORS = re.compile(r"[\s.\-]")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
#: day 0 of Excel's serial dates (1900 system, with its 29/02/1900 that never was)
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MAX = 2958465  # 31/12/9999


def id_digits(value, *, numeric_column: bool) -> tuple[str, bool]:
    """Return a cell's ID digits and whether Excel kept them as a number (zeros dropped).

    numeric_column says that a CSV column never shows a leading zero, so it came from a
    number column; an XLSX cell says so by its own type.
    """
    if isinstance(value, bool):
        raise CellError(_l("Số CCCD không hợp lệ."))
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_l("Số CCCD “%(value)s” có phần thập phân.", value=value))
        return str(int(value)), True
    text = str(value).strip()
    whole = _WHOLE_FLOAT.fullmatch(text)
    if whole:  # "34123456789.0": a number written out by a script
        return whole.group(1), True
    if _SCIENTIFIC.fullmatch(text):
        return _from_scientific(text), True
    digits = _SEPARATORS.sub("", text)
    return digits, numeric_column and digits.isdigit()


def _from_scientific(text: str) -> str:
    """Return the digits of "3.41234567891E+10", refusing one Excel cut to a few digits."""
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation as error:
        raise CellError(_l("Số CCCD “%(value)s” không hợp lệ.", value=text)) from error
    mantissa = text.replace(",", ".").lower().split("e")[0].replace(".", "").lstrip("0")
    # Excel shows six significant digits ("3.41235E+10"): fewer than ten means digits are gone.
    if number != number.to_integral_value() or len(mantissa.rstrip("0")) < 10 - 1:
        raise CellError(_l(
            "Số CCCD “%(value)s” bị Excel viết dạng số mũ nên đã mất chữ số. Hãy định dạng cột "
            "là Văn bản (Text) và xuất lại tệp.", value=text))
    return str(int(number))


def citizen_id(value, *, numeric_column: bool, this_year: int) -> str:
    """Return the 12-digit number of a cell, restoring the leading zeros Excel dropped."""
    digits, numeric = id_digits(value, numeric_column=numeric_column)
    if numeric and len(digits) in (LENGTH - 2, LENGTH - 1):
        padded = digits.zfill(LENGTH)
        if padded[:3] in PROVINCE_CODES:
            digits = padded
        else:
            raise CellError(_l(
                "Số CCCD “%(value)s” thiếu số 0 đầu, nhưng thêm vào thì mã tỉnh %(code)s không "
                "tồn tại.", value=digits, code=padded[:3]))
    elif not numeric and digits.isdigit() and len(digits) == LENGTH - 1:
        raise CellError(_l(
            "Số CCCD “%(value)s” chỉ có 11 chữ số trong cột dạng văn bản: thiếu một chữ số.",
            value=digits))
    # The fast path of check_shape: hundreds of thousands of rows are read at once.
    if (len(digits) == LENGTH and digits.isascii() and digits.isdigit()
            and digits[:3] in PROVINCE_CODES and birth_year_of(digits) <= this_year):
        return digits
    try:
        return check_shape(digits)
    except DomainError as error:
        raise CellError(error.message) from error


def birth(value, *, this_year: int) -> tuple[str | None, int | None]:
    """Return (ISO date or None, year) from a datetime cell, a serial, a date text or a year."""
    if value is None or value == "":
        return None, None
    if type(value) is str and len(value) == 10 and value[2] == "/" and value[5] == "/":
        # dd/mm/yyyy, the common case, without a regex
        try:
            found = date(int(value[6:]), int(value[3:5]), int(value[:2]))
        except ValueError:
            found = None
        if found is not None and 1900 <= found.year <= this_year:
            return found.isoformat(), found.year
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = _number_date(float(value), this_year)
        if isinstance(found, int):
            return None, found
    else:
        text = str(value).strip()
        found = _text_date(text, this_year)
        if isinstance(found, int):
            return None, found
    if found.year < 1900 or found.year > this_year:
        raise CellError(_l("Ngày sinh %(value)s không hợp lệ.", value=found.strftime("%d/%m/%Y")))
    return found.isoformat(), found.year


def _number_date(number: float, this_year: int) -> date | int:
    if number.is_integer() and 1900 <= number <= this_year:
        return int(number)  # a year only
    if not number.is_integer() or not 1 <= number <= _SERIAL_MAX:
        raise CellError(_l("Ngày sinh “%(value)s” không phải một ngày.", value=number))
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _text_date(text: str, this_year: int) -> date | int:
    match = _DMY.fullmatch(text)
    try:
        if match:
            day, month, year = map(int, match.groups())
            return date(year, month, day)
        match = _YMD.fullmatch(text)
        if match:
            year, month, day = map(int, match.groups())
            return date(year, month, day)
    except ValueError as error:
        raise CellError(_l("Ngày sinh “%(value)s” không có thật.", value=text)) from error
    if _DIGITS.fullmatch(text) or _WHOLE_FLOAT.fullmatch(text):
        return _number_date(float(text), this_year)
    raise CellError(_l("Ngày sinh “%(value)s” không đọc được: hãy viết ngày/tháng/năm, ví dụ "
                       "05/03/1987, hoặc chỉ năm sinh.", value=text))


_GENDERS = {"nam": "Nam", "m": "Nam", "male": "Nam", "nu": "Nữ", "f": "Nữ", "female": "Nữ",
            "khac": "Khác"}


def gender(value) -> str | None:
    """Return Nam / Nữ / Khác, or the cell's text cut to ten characters."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    return _GENDERS.get(fold(text), text[:10])


def phone(value) -> str | None:
    """Return a mobile number as 0xxxxxxxxx, another number's digits, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(int(value))
        text = "0" + text if len(text) == 9 else text  # the zero a number column dropped
    else:
        text = str(value).strip()
        if text.isdigit() and not text.startswith("84"):
            return text[:15]  # a mobile as normalize_phone returns it, or another's digits
    mobile = normalize_phone(text)
    if mobile:
        return mobile
    digits = re.sub(r"\D", "", text)
    return digits[:15] or None
