"""Forms for organisations, members, teams, composition, rules and assignments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fieldops.forms import CountField, VNDateField, choices
from fieldops.teams.models import ORG_KINDS, WEEKDAYS

REQUIRED = _l("Vui lòng nhập trường này.")


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class OrganisationForm(FlaskForm):
    """An organisation's name and kind."""

    name = StringField(_l("Tên tổ chức"), [DataRequired(REQUIRED), Length(max=160)],
                       render_kw={"placeholder": "Công an xã Nhơn Trạch", "class": "long"})
    kind = SelectField(_l("Loại"), choices=choices(ORG_KINDS.items()))


class MemberForm(FlaskForm):
    """A member: name, Vietnamese phone, organisation, IT flag and optional account."""

    full_name = StringField(_l("Họ và tên"), [DataRequired(REQUIRED), Length(max=120)])
    phone = StringField(_l("Số điện thoại"), [DataRequired(REQUIRED), Length(max=20)],
                        render_kw={"inputmode": "tel", "placeholder": "0912 345 678"})
    organisation_id = SelectField(_l("Tổ chức (đơn vị)"), coerce=_optional_int)
    it_savvy = BooleanField(_l("Am hiểu CNTT"))
    user_id = SelectField(_l("Tài khoản đăng nhập (không bắt buộc)"), coerce=_optional_int)


class TeamForm(FlaskForm):
    """A team: name, lead organisation, lead and members."""

    name = StringField(_l("Tên đoàn"), [DataRequired(REQUIRED), Length(max=120)],
                       render_kw={"placeholder": "Đoàn 1"})
    lead_organisation_id = SelectField(_l("Đơn vị chủ trì"), coerce=_optional_int)
    lead_member_id = SelectField(_l("Trưởng đoàn"), coerce=_optional_int)
    members = CheckboxesField(_l("Thành viên"), coerce=int)


class RequirementForm(FlaskForm):
    """A line of required composition: an organisation or a kind, and a head-count."""

    target = SelectField(_l("Đơn vị hoặc loại đơn vị"))
    count = CountField(_l("Số người"), [InputRequired(REQUIRED)])


class RulesForm(FlaskForm):
    """The campaign's IT-savvy minimums."""

    min_it_savvy_per_team = CountField(_l("Tối thiểu người am hiểu CNTT mỗi đoàn"))
    min_it_savvy_per_hamlet = CountField(_l("Tối thiểu người am hiểu CNTT mỗi thôn/ấp"))


MODES = choices([
    ("day", _l("Một ngày")),
    ("range", _l("Mọi ngày trong khoảng")),
    ("weekly", _l("Một thứ cố định mỗi tuần")),
])


class AssignmentForm(FlaskForm):
    """Send a team to hamlets: one day, a date range, or a weekday within a range."""

    # Choices are not enforced by the form: the service names the wrong hamlet or team itself.
    team_id = SelectField(_l("Đoàn"), coerce=_optional_int, validate_choice=False)
    hamlets = CheckboxesField(_l("Thôn/ấp"), coerce=int, validate_choice=False)
    mode = RadioField(_l("Ngày đi"), choices=MODES, default="day")
    day = VNDateField(_l("Ngày"), [Optional()])
    start_date = VNDateField(_l("Từ ngày"), [Optional()])
    end_date = VNDateField(_l("Đến ngày"), [Optional()])
    weekday = SelectField(_l("Thứ"), choices=choices(enumerate(WEEKDAYS)), coerce=int, default=5)
    allow_shared = BooleanField(_l("Cho phép hai đoàn cùng đi một thôn/ấp trong cùng ngày"))

    def dates(self, campaign) -> tuple:
        """Return (start, end, weekday) as chosen; blank range ends default to the campaign's."""
        if self.mode.data == "day":
            return self.day.data, self.day.data, None
        start = self.start_date.data or campaign.start_date
        end = self.end_date.data or campaign.end_date
        return start, end, self.weekday.data if self.mode.data == "weekly" else None


class MembersImportForm(FlaskForm):
    """A CSV or Excel file of members."""

    file = FileField(
        _l("Tệp CSV hoặc Excel (.xlsx)"),
        [FileRequired(_l("Vui lòng chọn một tệp.")),
         FileAllowed(["csv", "xlsx", "txt"], _l("Chỉ nhận tệp .csv hoặc .xlsx."))],
    )


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards a confirm, cancel or delete button."""
