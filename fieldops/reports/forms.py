"""Forms of the targets and progress pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from fieldops.forms import ConfirmUploadForm, CountField, choices

REQUIRED = _l("Vui lòng nhập trường này.")


class AppendixForm(FlaskForm):
    """Upload an appendix table of targets per commune and phase."""

    service_id = SelectField(_l("Dịch vụ được tính"), coerce=int)
    file = FileField(_l("Tệp phụ lục (CSV hoặc Excel .xlsx)"),
                     validators=[FileRequired(_l("Hãy chọn tệp."))])


class ConfirmAppendixForm(ConfirmUploadForm):
    """Confirm a previewed appendix; optionally take its population figures too."""

    update_population = BooleanField(
        _l("Cập nhật cả nhân khẩu từ đủ 14 tuổi trở lên của các xã theo phụ lục"), default=False)


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a button."""


class TargetForm(FlaskForm):
    """Set one unit's target by hand."""

    value = CountField(_l("Chỉ tiêu"), validators=[Optional()])
    reason = StringField(_l("Lý do điều chỉnh"), validators=[Optional()])


class SettingsForm(FlaskForm):
    """The per-person floor, this phase's floor and the traffic-light thresholds."""

    person_floor = IntegerField(_l("Chỉ tiêu tối thiểu mỗi người (mặc định)"),
                                validators=[InputRequired(REQUIRED), NumberRange(min=0)])
    phase_floor = IntegerField(_l("Chỉ tiêu mỗi người riêng giai đoạn này (để trống: như mặc "
                                  "định)"), validators=[Optional(), NumberRange(min=0)])
    green_percent = IntegerField(_l("Xanh khi đạt từ (% mức cần đạt đến hôm nay)"),
                                 validators=[InputRequired(REQUIRED), NumberRange(min=0)])
    amber_percent = IntegerField(_l("Vàng khi đạt từ (%), dưới mức này là đỏ"),
                                 validators=[InputRequired(REQUIRED), NumberRange(min=0)])
    list_percent = IntegerField(
        _l("Chỉ tiêu giai đoạn này bằng % số người trong danh sách “đã duyệt, chưa kích hoạt” "
           "(80: 80% người đủ điều kiện; 100: tất cả còn lại; để trống: không dùng)"),
        validators=[Optional(), NumberRange(min=1, max=100,
                                            message=_l("Tỷ lệ phải từ %(min)s đến %(max)s%%."))])
    count_mode = RadioField(_l("Kết quả được tính"), choices=choices([
        ("confirmed", _l("Chỉ người đã ra khỏi danh sách của Công an (số liệu CSDLQG xác nhận)")),
        ("claimed", _l("Kết quả các tổ tự báo cáo"))]), default="confirmed")
