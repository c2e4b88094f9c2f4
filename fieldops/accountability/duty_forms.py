"""Forms of reporting duties, reporting units and the units' reports."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fieldops.accountability.duty_models import FREQUENCIES, UNIT_KINDS
from fieldops.accountability.figures import Figure
from fieldops.checkin.forms import new_submission_id
from fieldops.events.forms import TimeOfDayField
from fieldops.forms import CountField, VNDateField, choices
from fieldops.teams.models import WEEKDAYS

REQUIRED = _l("Vui lòng nhập trường này.")


class DutyForm(FlaskForm):
    """Who reports, how often and by which hour."""

    title = StringField(_l("Tên báo cáo"), [DataRequired(REQUIRED), Length(max=160)],
                        render_kw={"placeholder": "Báo cáo tiến độ hằng ngày"})
    unit_kind = SelectField(_l("Đơn vị báo cáo"), choices=choices(UNIT_KINDS.items()))
    frequency = SelectField(_l("Tần suất"), choices=choices(FREQUENCIES.items()))
    weekday = SelectField(_l("Báo cáo tuần: thứ"), coerce=int, default=4,
                          choices=choices(enumerate(WEEKDAYS)))
    phase_id = SelectField(_l("Sơ kết: giai đoạn"), coerce=int, validate_choice=False)
    due_on = VNDateField(_l("Sơ kết, tổng kết: hạn nộp"), [Optional()])
    deadline = TimeOfDayField(_l("Giờ hạn nộp"), [InputRequired(REQUIRED)], default=time(17, 0))
    close_after_days = CountField(_l("Khóa kỳ sau hạn (ngày)"), [InputRequired(REQUIRED)],
                                  default=3)
    remind_before_minutes = CountField(_l("Nhắc trước hạn (phút)"), [InputRequired(REQUIRED)],
                                       default=60)


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards the delete button."""


class UnitUserForm(FlaskForm):
    """Attach an account to a reporting unit."""

    user = SelectField(_l("Tài khoản"), coerce=int, validate_choice=False)


class UnitEmailForm(FlaskForm):
    """The unit's mailbox for reminders."""

    email = StringField(_l("Thư điện tử của đơn vị"), [Optional(), Length(max=254)])


class ReportFormBase(FlaskForm):
    """The narrative of a report; the unit's own figures are added per line. Sent through the
    phone's outbox: its submission id makes a resend store it once."""

    submission_id = HiddenField("Submission Id", [Optional(), Length(max=64)],
                                default=new_submission_id)

    results = TextAreaField(_l("Kết quả thực hiện"), [DataRequired(REQUIRED)])
    difficulties = TextAreaField(_l("Khó khăn, vướng mắc"), [Optional()])
    proposals = TextAreaField(_l("Đề xuất, kiến nghị"), [Optional()])


def report_form(figures: list[Figure], **kwargs) -> ReportFormBase:
    """Return the report form with two optional fields per figure: the unit's own numbers."""

    class ReportForm(ReportFormBase):
        pass

    for figure in figures:
        setattr(ReportForm, f"own_period_{figure.key}",
                CountField(_l("Số của đơn vị trong kỳ"), [Optional()]))
        setattr(ReportForm, f"own_total_{figure.key}",
                CountField(_l("Số của đơn vị lũy kế"), [Optional()]))
    return ReportForm(**kwargs)


def own_figures(form: ReportFormBase, figures: list[Figure]) -> dict:
    """Return {figure key: (own period, own cumulative)} from a filled report form."""
    return {f.key: (form[f"own_period_{f.key}"].data, form[f"own_total_{f.key}"].data)
            for f in figures}
