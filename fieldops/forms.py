"""Form fields shared by features: Vietnamese dates and numbers; the upload confirm form."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, StringField
from wtforms.widgets import TextInput

from fieldops.db import MAX_ID


def id_choice(value) -> int:
    """Coerce a chosen id; a number no id column holds (past MAX_ID) reads as 0, none chosen."""
    number = int(value)
    return number if -MAX_ID <= number <= MAX_ID else 0


def choices(pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as the choices of a select or check list."""
    return [SelectChoice(value, label) for value, label in pairs]


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_vn_date(text: str) -> date | None:
    """Return the date written as dd/mm/yyyy (or ISO yyyy-mm-dd), or None if unreadable."""
    text = (text or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class VNDateField(StringField):
    """A date typed as dd/mm/yyyy, whatever language the phone's date picker uses."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                     "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}", "class": "date"}
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_vn_date(valuelist[0])
        if self.data is None:
            raise ValueError(_l("Ngày phải viết dạng ngày/tháng/năm, ví dụ 10/10/2025."))


class CountField(Field):
    """A whole, non-negative number; "10.722" and "10,722" both read as 10722."""

    widget = TextInput(input_type="text")

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist) -> None:
        text = re.sub(r"[\s.,]", "", valuelist[0]) if valuelist else ""
        if not text:
            self.data = None
            return
        if not text.isdigit():
            self.data = None
            raise ValueError(_l("Phải là số nguyên không âm."))
        self.data = int(text)


class CoordinateField(Field):
    """A latitude or longitude in decimal degrees; a comma works as the decimal mark."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.6f}".rstrip("0").rstrip(".")

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        if not text:
            self.data = None
            return
        try:
            self.data = float(text)
        except ValueError:
            self.data = None
            raise ValueError(_l("Tọa độ phải là số thập phân, ví dụ 10.70123.")) from None


class ConfirmUploadForm(FlaskForm):
    """Confirm or cancel a staged upload; an import adds its own options by subclassing."""


#: WTForms' built-in messages (English msgids) in our words; Vietnamese first, like every message
_WTFORMS_MESSAGES = {
    "Field must be equal to %(other_name)s.": _l("Phải trùng với ô %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Tối thiểu %(min)d ký tự."),
    "Field cannot be longer than %(max)d character.": _l("Tối đa %(max)d ký tự."),
    "Field must be exactly %(max)d character long.": _l("Phải đúng %(max)d ký tự."),
    "Field must be between %(min)d and %(max)d characters long.":
        _l("Phải từ %(min)d đến %(max)d ký tự."),
    "Number must be at least %(min)s.": _l("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Số phải không quá %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Số phải từ %(min)s đến %(max)s."),
    "This field is required.": _l("Vui lòng nhập trường này."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Invalid email address.": _l("Địa chỉ thư điện tử không hợp lệ."),
    "Invalid value, must be one of: %(values)s.": _l("Giá trị phải là một trong: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("Giá trị không được là: %(values)s."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid choice(s): one or more data inputs could not be coerced.":
        _l("Lựa chọn không hợp lệ."),
    "'%(value)s' is not a valid choice for this field.":
        _l("'%(value)s' không phải là lựa chọn hợp lệ."),
    "Not a valid datetime value.": _l("Thời điểm không hợp lệ."),
    "Not a valid date value.": _l("Ngày không hợp lệ."),
    "Not a valid time value.": _l("Giờ không hợp lệ."),
    "Not a valid integer value.": _l("Phải là số nguyên."),
    "Not a valid decimal value.": _l("Phải là số."),
    "Not a valid float value.": _l("Phải là số."),
}


class WTFormsMessages:
    """WTForms' built-in messages in the interface language (WTForms has no Vietnamese)."""

    def gettext(self, string: str) -> str:
        """Return a WTForms message in the current language (unknown ones unchanged)."""
        ours = _WTFORMS_MESSAGES.get(string)
        return string if ours is None else str(ours)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return a counted WTForms message; Vietnamese has one form, keyed by the singular."""
        if singular in _WTFORMS_MESSAGES:
            return self.gettext(singular)
        return singular if n == 1 else plural

    # Flask-WTF's request-level catalog is called through the older names
    ugettext = gettext
    ungettext = ngettext
