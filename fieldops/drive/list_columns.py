"""The columns of a police list: recognised by their header, or as the organizer mapped them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from fieldops.text import fold_words
from fieldops.uploads.tables import ImportProblem

#: the fields a list's columns can fill, with their names in the interface
FIELDS = {
    "stt": _l("STT"),
    "full_name": _l("Họ và tên"),
    "birth_date": _l("Ngày sinh"),
    "gender": _l("Giới tính"),
    "citizen_id": _l("Số định danh cá nhân (CCCD)"),
    "phone": _l("Số điện thoại"),
    "address": _l("Nơi thường trú / Địa chỉ"),
    "hamlet": _l("Thôn/Ấp/Tổ"),
    "commune": _l("Xã/Phường"),
    "status": _l("Trạng thái"),
}
#: the fields without which a row is no person
REQUIRED = ("citizen_id", "full_name")
#: what a header cell may say for each field, folded (accents, case and punctuation ignored)
_ALIASES = {alias: name for name, aliases in {
    "stt": ("stt", "s t t", "tt", "so thu tu", "so tt"),
    "full_name": ("ho va ten", "ho ten", "ho ten cong dan", "ho va ten cong dan", "ten",
                  "ten cong dan", "full name", "name"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "nam sinh", "ngay thang nam",
                   "ngay sinh nam sinh", "birth date", "dob"),
    "gender": ("gioi tinh", "gioi", "nam nu", "gender"),
    "citizen_id": ("so dinh danh ca nhan", "so dinh danh", "dinh danh ca nhan", "ma dinh danh",
                   "so ddcn", "ddcn", "cccd", "so cccd", "so can cuoc", "so can cuoc cong dan",
                   "can cuoc cong dan", "cmnd cccd", "so cmnd cccd", "so cccd cmnd",
                   "cccd cmnd", "citizen id"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dt", "dien thoai lien he",
              "phone"),
    "address": ("noi thuong tru", "dia chi", "dia chi thuong tru", "noi o hien tai",
                "noi o", "cho o hien tai", "dia chi cu tru", "noi cu tru", "que quan dia chi",
                "address"),
    "hamlet": ("thon ap to", "thon ap", "thon", "ap", "to", "thon xom", "to dan pho",
               "khu pho", "thon to dan pho", "thon ap khu pho", "thon to", "ap khu pho",
               "ban", "xom", "hamlet"),
    "commune": ("xa phuong", "xa", "phuong", "xa phuong thi tran", "xa phuong dac khu",
                "ten xa", "don vi", "commune"),
    "status": ("trang thai", "tinh trang", "trang thai ho so", "ket qua", "status"),
}.items() for alias in aliases}


def header_key(header: str) -> str:
    """Return a header as the mapping remembers it: folded, punctuation as spaces."""
    return fold_words(header)


def recognise(header: str) -> str | None:
    """Return the field a header names by itself, or None."""
    key = header_key(header)
    if key in _ALIASES:
        return _ALIASES[key]
    if key.count(" ") > 6:
        return None  # a title row ("DANH SÁCH ... ĐỊNH DANH ĐIỆN TỬ"), not a column's name
    if "cccd" in key or "dinh danh" in key or "can cuoc" in key:
        return "citizen_id"
    if "dien thoai" in key:
        return "phone"
    if "ngay sinh" in key:
        return "birth_date"
    if key.startswith(("ho va ten", "ho ten")):
        return "full_name"
    if key.startswith(("noi thuong tru", "dia chi")):
        return "address"
    return None


def known_header(mapping: dict[str, str]):
    """Return the test find_header uses: a header the mapping or the aliases recognise."""
    def known(cell: str) -> bool:
        key = header_key(cell)
        return bool(mapping.get(key)) or recognise(cell) is not None
    return known


def columns_of(headers: list, mapping: dict[str, str], header_row: int,
               *, need_commune: bool) -> tuple[dict[str, int], dict[str, str], list[ImportProblem]]:
    """Return {field: column index}, the mapping to remember and the header's problems.

    The organizer's mapping (folded header -> field, "" for a column to skip) wins over the
    aliases. Two columns for one field, or a required field missing, is a problem of the file.
    """
    positions: dict[str, list[int]] = {}
    remembered: dict[str, str] = {}
    for index, cell in enumerate(headers):
        if not isinstance(cell, str) or not cell.strip():
            continue
        key = header_key(cell)
        field = mapping[key] if key in mapping else recognise(cell)
        remembered[key] = field or ""
        if field:
            positions.setdefault(field, []).append(index)
    problems = []
    for field, indexes in positions.items():
        if len(indexes) > 1:
            names = ", ".join(f"“{headers[i]}”" for i in indexes)
            problems.append(ImportProblem(header_row, None, _l(
                "Các cột %(columns)s cùng được hiểu là “%(field)s”. Hãy chọn một cột cho trường "
                "này, các cột kia chọn “Bỏ qua”.", columns=names, field=FIELDS[field])))
    # Without a commune chosen, each row's commune is read from its commune column, or else
    # from its address ("..., xã Hùng Dũng, huyện Hưng Hà").
    lacks_commune = need_commune and "commune" not in positions and "address" not in positions
    needed = (*REQUIRED, "commune") if lacks_commune else REQUIRED
    found = ", ".join(f"“{cell}”" for cell in headers if isinstance(cell, str) and cell)
    for field in needed:
        if field not in positions:
            message = (_l("Không tìm thấy cột “%(field)s”. Các cột có trong tệp: %(columns)s. "
                          "Hãy chọn cột này ở bước “Cột trong tệp”.",
                          field=FIELDS[field], columns=found) if field != "commune" else
                       _l("Tệp không có cột xã/phường hay địa chỉ: hãy chọn xã/phường của danh "
                          "sách, hoặc chọn cột chứa tên xã/phường."))
            problems.append(ImportProblem(header_row, None, message))
    return {field: indexes[0] for field, indexes in positions.items()}, remembered, problems
