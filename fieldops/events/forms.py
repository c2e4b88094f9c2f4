"""Forms for launch events, agenda items, invited groups, help desks and their codes."""

from __future__ import annotations

import re
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from fieldops.campaigns.forms import CheckboxesField
from fieldops.clock import LOCAL_TZ
from fieldops.events.models import EVENT, KIND_LABELS, STATUS_LABELS
from fieldops.forms import CoordinateField, CountField, VNDateField, choices, parse_vn_date

REQUIRED = _l("Vui lòng nhập trường này.")
# "7:00", "07:00", "07h00", "7h", "07.00": the ways plans and phones write a time of day.
_TIME = re.compile(r"^(\d{1,2})\s*[:hHgG.]\s*(\d{2})?$|^(\d{1,2})$")


def parse_time(text: str) -> time | None:
    """Return a 24-hour time of day written as HH:MM (or 07h00), or None if unreadable."""
    match = _TIME.match((text or "").strip())
    if not match:
        return None
    hour = int(match.group(1) or match.group(3))
    minute = int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeOfDayField(StringField):
    """A time of day typed as HH:MM, 24-hour ("07h00" as printed in plans works too)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "HH:MM", "inputmode": "numeric", "autocomplete": "off",
                     "class": "time", "maxlength": 5}
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_time(valuelist[0])
        if self.data is None:
            raise ValueError(_l("Giờ phải viết dạng giờ:phút (24 giờ), ví dụ 07:30."))


class LocalDateTimeField(Field):
    """A moment typed as dd/mm/yyyy HH:MM in Vietnam's time; stored aware, in UTC."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy HH:MM", "autocomplete": "off",
                                        "class": "datetime"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, datetime):
            return self.data.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
        return ""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        day_text, _, time_text = text.partition(" ")
        day = parse_vn_date(day_text)
        at = parse_time(time_text) if time_text.strip() else time(0, 0)
        if day is None or at is None:
            self.data = None
            raise ValueError(_l("Viết dạng ngày/tháng/năm giờ:phút, ví dụ 10/10/2025 07:00."))
        self.data = datetime.combine(day, at, tzinfo=LOCAL_TZ)


class EventForm(FlaskForm):
    """A launch event: what, when, where, how many, and how far along."""

    title = StringField(_l("Tên sự kiện"), [DataRequired(REQUIRED), Length(max=255)],
                        render_kw={"placeholder": "Lễ phát động ra quân"})
    kind = SelectField(_l("Loại"), default=EVENT,
                       choices=choices((k, v) for k, v in KIND_LABELS.items()))
    event_date = VNDateField(_l("Ngày tổ chức"), [InputRequired(REQUIRED)])
    start_time = TimeOfDayField(_l("Giờ bắt đầu"), [InputRequired(REQUIRED)])
    end_time = TimeOfDayField(_l("Giờ kết thúc"), [InputRequired(REQUIRED)])
    venue_name = StringField(_l("Địa điểm"), [DataRequired(REQUIRED), Length(max=255)],
                             render_kw={"placeholder": "Trụ sở UBND xã"})
    venue_address = StringField(_l("Địa chỉ"), [Optional(), Length(max=255)])
    latitude = CoordinateField(_l("Vĩ độ"), [Optional()])
    longitude = CoordinateField(_l("Kinh độ"), [Optional()])
    expected_attendance = CountField(_l("Số người dự kiến"), [Optional()])
    status = SelectField(_l("Trạng thái"),
                         choices=choices((k, v) for k, v in STATUS_LABELS.items()))


class AgendaItemForm(FlaskForm):
    """A timed item of the run of show."""

    start_time = TimeOfDayField(_l("Từ"), [InputRequired(REQUIRED)])
    end_time = TimeOfDayField(_l("Đến"), [InputRequired(REQUIRED)])
    title = StringField(_l("Nội dung"), [DataRequired(REQUIRED), Length(max=255)])
    responsible_unit = StringField(_l("Đơn vị phụ trách"), [Optional(), Length(max=255)])
    notes = TextAreaField(_l("Ghi chú"), [Optional(), Length(max=5000)])
    parallel = BooleanField(_l("Diễn ra song song với mục khác"))


class ShiftForm(FlaskForm):
    """Shift one item and every item after it."""

    item_id = SelectField(_l("Từ mục"), coerce=int, validate_choice=False)
    # A text box, not type=number: phone number pads often lack the minus sign.
    minutes = IntegerField(_l("Số phút (âm để dời sớm hơn)"), [InputRequired(REQUIRED)],
                           widget=TextInput(), render_kw={"autocomplete": "off"})
    reason = StringField(_l("Lý do"), [Optional(), Length(max=255)],
                         render_kw={"placeholder": "Khai mạc bắt đầu muộn", "class": "long"})


class GroupForm(FlaskForm):
    """An invited group and its expected head-count."""

    name = StringField(_l("Tên nhóm"), [DataRequired(REQUIRED), Length(max=255)])
    organisation = StringField(_l("Cơ quan, đơn vị"), [Optional(), Length(max=255)])
    expected_count = CountField(_l("Số người dự kiến"), [InputRequired(REQUIRED)])


class TapForm(FlaskForm):
    """One tap at reception; the tap_id makes a resend count once."""

    tap_id = HiddenField()
    delta = HiddenField(default="1")


class DeskForm(FlaskForm):
    """A help desk: who runs it, what for, which services, who staffs it, its guide text."""

    table_label = StringField(_l("Số bàn"), [DataRequired(REQUIRED), Length(max=60)],
                              render_kw={"placeholder": "Bàn 1"})
    organisation = StringField(_l("Đơn vị phụ trách"), [DataRequired(REQUIRED), Length(max=255)],
                               render_kw={"placeholder": "Viettel Đồng Nai"})
    purpose = StringField(_l("Mục đích"), [Optional(), Length(max=255)])
    services = CheckboxesField(_l("Dịch vụ hỗ trợ"), coerce=int)
    staff = CheckboxesField(_l("Người trực bàn"), coerce=int)
    guide_text = TextAreaField(_l("Hướng dẫn hiện khi quét mã (tiếng Việt)"),
                               [Optional(), Length(max=10000)])


class CodesForm(FlaskForm):
    """Re-issue or time-limit a desk's codes."""

    kind = SelectField(_l("Mã"), choices=choices((
        ("both", _l("Cả hai mã")), ("guide", _l("Mã hướng dẫn")), ("checkin", _l("Mã đăng ký")))))
    valid_from = LocalDateTimeField(_l("Hiệu lực từ"), [Optional()])
    valid_until = LocalDateTimeField(_l("Hiệu lực đến"), [Optional()])


class DeleteForm(FlaskForm):
    """An empty form whose CSRF token guards a delete or revoke button."""
