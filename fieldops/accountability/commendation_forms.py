"""The form of a campaign's commendation thresholds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from fieldops.forms import CountField

PERCENT = _l("Hãy nhập một tỷ lệ từ 0 đến 100 %.")


class ThresholdsForm(FlaskForm):
    """The confirmation rate a commended unit needs and the rejection rate that excludes it
    (the service checks the range: its message has a "%" WTForms would read as a format)."""

    min_confirmation = CountField(
        _l("Tỷ lệ xác nhận tối thiểu để được khen thưởng (%)"),
        validators=[InputRequired(PERCENT)])
    max_rejection = CountField(
        _l("Tỷ lệ sai tối đa khi kiểm tra xác suất (%)"),
        validators=[InputRequired(PERCENT)])
