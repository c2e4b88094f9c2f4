"""Forms for campaigns, phases and services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from fieldops.forms import VNDateField

REQUIRED = _l("Vui lòng nhập trường này.")


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CampaignForm(FlaskForm):
    """The header of a plan: title, number, unit, dates, communes and services."""

    title = StringField(_l("Tên chiến dịch"), [DataRequired(REQUIRED), Length(max=255)])
    plan_number = StringField(_l("Số kế hoạch"), [Optional(), Length(max=60)],
                              render_kw={"placeholder": "63/KH-UBND"})
    issuing_unit = StringField(_l("Cơ quan ban hành"), [Optional(), Length(max=255)],
                               render_kw={"placeholder": "UBND xã Nhơn Trạch"})
    issued_on = VNDateField(_l("Ngày ban hành"), [Optional()])
    start_date = VNDateField(_l("Ngày bắt đầu"), [InputRequired(REQUIRED)])
    end_date = VNDateField(_l("Ngày kết thúc"), [InputRequired(REQUIRED)])
    communes = CheckboxesField(_l("Các xã/phường thực hiện"), coerce=int)
    services = CheckboxesField(_l("Các dịch vụ được tính"), coerce=int)
    description = TextAreaField(_l("Mục tiêu, ghi chú"), [Optional(), Length(max=5000)])
    retention_days = IntegerField(
        _l("Thời hạn lưu dữ liệu cá nhân (số ngày sau khi kết thúc)"),
        [Optional(), NumberRange(0, 3650, _l("Nhập số ngày từ 0 đến 3650."))],
        widget=TextInput(), render_kw={"inputmode": "numeric", "maxlength": 4})

RETENTION_HINT = _l("Hết thời hạn, họ tên, số điện thoại, số CCCD, địa chỉ của người dân được "
                    "xóa; số liệu thống kê vẫn giữ nguyên. Để trống: chưa quyết định, chưa xóa.")


class PhaseForm(FlaskForm):
    """A dated phase of a campaign."""

    name = StringField(_l("Tên giai đoạn"), [DataRequired(REQUIRED), Length(max=120)])
    start_date = VNDateField(_l("Từ ngày"), [InputRequired(REQUIRED)])
    end_date = VNDateField(_l("Đến ngày"), [InputRequired(REQUIRED)])


class ServiceForm(FlaskForm):
    """An organizer's own service."""

    name_vi = StringField(_l("Tên dịch vụ (tiếng Việt)"), [DataRequired(REQUIRED),
                                                           Length(max=120)])
    name_en = StringField(_l("Tên tiếng Anh"), [Optional(), Length(max=120)])


class DeleteForm(FlaskForm):
    """An empty form whose CSRF token guards a delete button."""
