"""Citizen ID numbers (CCCD): shape, province code, birth-year digits, masking."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from fieldops.clock import local_today
from fieldops.errors import DomainError

#: the first three digits: the 63 provinces before the 2025 merger (Circular 07/2016/TT-BCA).
#: Numbers already issued keep these codes, so merged provinces still use them.
PROVINCE_CODES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa-Vũng Tàu", "079": "TP Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}
LENGTH = 12
MASK_KEEP = 4
_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_citizen_id(raw: str | None) -> str:
    """Return the number without spaces, dots or dashes (as people often type it)."""
    return _SEPARATORS.sub("", raw or "")


def birth_year_of(number: str) -> int:
    """Return the birth year written in digits 4-6 (digit 4: century and sex)."""
    century = 1900 + 100 * (int(number[3]) // 2)
    return century + int(number[4:6])


def check_shape(raw: str | None, field: str = "citizen_id") -> str:
    """Return the 12-digit number, or raise a DomainError saying what is wrong with it."""
    number = normalize_citizen_id(raw)
    if not number:
        raise DomainError(_l("Vui lòng nhập số CCCD."), field)
    if not number.isascii() or not number.isdigit():
        raise DomainError(
            _l("Số CCCD chỉ gồm 12 chữ số. Hộ chiếu hay giấy tờ nước ngoài không dùng ở đây."),
            field)
    if len(number) == 9:
        raise DomainError(_l("Đây là số CMND 9 số cũ. Hãy nhập số CCCD 12 số."), field)
    if len(number) != LENGTH:
        raise DomainError(
            _l("Số CCCD phải có đúng 12 chữ số (đang có %(n)s).", n=len(number)), field)
    if number[:3] not in PROVINCE_CODES:
        raise DomainError(
            _l("Mã tỉnh %(code)s ở đầu số CCCD không tồn tại. Hãy kiểm tra lại 3 số đầu.",
               code=number[:3]), field)
    if birth_year_of(number) > local_today().year:
        raise DomainError(_l("Số thứ 4 đến 6 của số CCCD không phải năm sinh hợp lệ."), field)
    return number


def check_citizen_id(raw: str | None, *, confirm: str | None = None,
                     birth_year: int | None = None) -> str:
    """Return a valid number confirmed by the birth year or by typing it twice.

    A CCCD has no check digit, so a single typo gives another valid-looking number: it must be
    confirmed, either by the birth year (digits 4-6) or by a second identical entry.
    """
    number = check_shape(raw)
    if birth_year:
        if birth_year_of(number) != birth_year:
            raise DomainError(
                _l("Số CCCD không khớp năm sinh %(year)s (số thứ 4-6). Hãy kiểm tra lại.",
                   year=birth_year), "citizen_id")
        return number
    if not confirm:
        raise DomainError(
            _l("Hãy nhập lại số CCCD lần hai, hoặc nhập năm sinh để đối chiếu."),
            "citizen_id_confirm")
    if normalize_citizen_id(confirm) != number:
        raise DomainError(_l("Hai lần nhập số CCCD không giống nhau."), "citizen_id_confirm")
    return number


def mask(last_digits: str | None) -> str:
    """Return the masked form shown everywhere: ********1234."""
    if not last_digits:
        return ""
    return "*" * (LENGTH - len(last_digits)) + last_digits
