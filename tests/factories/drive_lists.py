"""The drive: police list files as the commune police export them (title rows, Excel numbers)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

from fieldops.campaigns.models import Campaign
from tests.factories.areas import commune_with_hamlets
from tests.factories.campaigns import CampaignFactory

TITLE = "DANH SÁCH CÔNG DÂN ĐÃ ĐƯỢC DUYỆT HỒ SƠ, CHƯA KÍCH HOẠT TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ"
HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
          "Số điện thoại", "Nơi thường trú", "Thôn/Ấp/Tổ", "Trạng thái")
#: (name, birth, gender, ID, phone, hamlet): people of Nhơn Trạch (ID province 075, Đồng Nai)
PEOPLE = {
    "an": ("Nguyễn Văn An", "05/03/1987", "Nam", "075087001234", "0912345678", "Ấp Chợ"),
    "binh": ("Trần Thị Bình", "12/11/1990", "Nữ", "075190002345", "0987654321", "Trâu"),
    "cuong": ("Lê Văn Cường", "1975", "Nam", "075075003456", "", "Phước Mỹ"),
    "dung": ("Phạm Thị Dung", "01/01/2001", "Nữ", "075301004567", "0355111222", "Ấp Chợ"),
    "em": ("Võ Văn Em", "20/08/1965", "Nam", "075065005678", "", "Trâu"),
}


def list_campaign() -> Campaign:
    """Nhơn Trạch (ấp Chợ, Trâu, Phước Mỹ) and a campaign over it."""
    return CampaignFactory(communes=[commune_with_hamlets()])


def person_rows(keys: Iterable[str], hamlets: dict[str, str] | None = None) -> list[tuple]:
    """Return the rows of the named people, their hamlet written as `hamlets` says."""
    rows = []
    for number, key in enumerate(keys, start=1):
        name, birth, gender, citizen, phone, hamlet = PEOPLE[key]
        hamlet = (hamlets or {}).get(key, hamlet)
        rows.append((number, name, birth, gender, citizen, phone,
                     f"{hamlet}, xã Nhơn Trạch, tỉnh Đồng Nai", hamlet, "Chưa kích hoạt"))
    return rows


def list_csv(rows: Iterable[tuple], header: tuple = HEADER, title: bool = True,
             delimiter: str = ",") -> bytes:
    """Return a police list as CSV (UTF-8 with BOM, as Excel saves it), title rows on top."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if title:
        writer.writerows([[TITLE], ["Xã Nhơn Trạch, huyện Nhơn Trạch"], []])
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def list_xlsx(rows: Iterable[tuple], header: tuple = HEADER) -> bytes:
    """Return a police list as Excel keeps it: title rows, IDs and dates typed as the rows say."""
    book = Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.append(["Ngày trích xuất: 11/10/2025"])
    sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
