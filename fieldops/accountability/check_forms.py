"""Forms of the spot-check pages: the draw, a call-back's verdict, naming a checker."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from fieldops.accountability.check_models import (
    CONFIRMED,
    COUNT,
    REJECTED,
    SHARE,
    UNREACHABLE,
    VERDICT_LABELS,
)
from fieldops.forms import CountField, VNDateField, choices

REQUIRED = _l("Vui lòng nhập trường này.")


class DrawForm(FlaskForm):
    """Draw a sample of a unit's results for a period."""

    unit = SelectField(_l("Đơn vị được kiểm tra (xã, ấp hoặc đoàn)"),
                       validators=[InputRequired(REQUIRED)])
    first_day = VNDateField(_l("Từ ngày"), validators=[InputRequired(REQUIRED)])
    last_day = VNDateField(_l("Đến ngày"), validators=[InputRequired(REQUIRED)])
    size_kind = RadioField(_l("Cỡ mẫu tính theo"), choices=choices([
        (COUNT, _l("Số kết quả")), (SHARE, _l("Tỷ lệ % kết quả"))]), default=COUNT)
    size_value = CountField(_l("Cỡ mẫu (số kết quả hoặc %)"),
                            validators=[InputRequired(_l("Hãy nhập cỡ mẫu là số nguyên."))])


class VerdictForm(FlaskForm):
    """What the call-back found for one sampled result."""

    verdict = RadioField(_l("Kết quả gọi lại"), choices=choices(
        [(v, VERDICT_LABELS[v]) for v in (CONFIRMED, REJECTED, UNREACHABLE)]),
        validators=[InputRequired(_l("Hãy chọn kết quả gọi lại."))])
    reason = StringField(_l("Lý do (bắt buộc khi loại)"), validators=[Optional()])


class CheckerForm(FlaskForm):
    """Name a user a checker of the campaign."""

    user_id = SelectField(_l("Người kiểm tra"), coerce=int, validators=[InputRequired(REQUIRED)])
