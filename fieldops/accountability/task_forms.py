"""Forms of the task pages: a task by the "5 rõ", and its reported result."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from fieldops.events.forms import TimeOfDayField
from fieldops.forms import VNDateField

REQUIRED = _l("Vui lòng nhập trường này.")


class TaskForm(FlaskForm):
    """Create or change a task: unit, person, what, when and the result expected.

    The service checks that each of the "5 rõ" is given, and says which are missing at once.
    """

    title = StringField(_l("Việc cần làm (rõ việc)"))
    unit = SelectField(_l("Đơn vị chịu trách nhiệm"), validate_choice=False)
    person = SelectField(_l("Người thực hiện (rõ người)"), validate_choice=False)
    due_day = VNDateField(_l("Hạn: ngày (rõ tiến độ)"))
    due_time = TimeOfDayField(_l("Hạn: giờ"))
    expected_result = TextAreaField(_l("Kết quả cần đạt (rõ kết quả)"))


class ReportForm(FlaskForm):
    """The result the responsible person reports."""

    result = TextAreaField(_l("Kết quả đã làm được"), validators=[InputRequired(REQUIRED)])
    done = BooleanField(_l("Đã hoàn thành việc này"), default=True, validators=[Optional()])
