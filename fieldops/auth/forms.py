"""Forms for signing in and managing accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from fieldops.auth.models import ORGANIZER, TEAM_LEAD, VOLUNTEER
from fieldops.forms import choices

ROLE_CHOICES = choices([
    (ORGANIZER, _l("Người tổ chức")),
    (TEAM_LEAD, _l("Trưởng đoàn")),
    (VOLUNTEER, _l("Tình nguyện viên")),
])
REQUIRED = _l("Vui lòng nhập trường này.")


class SignInForm(FlaskForm):
    """Username or phone, and password."""

    username = StringField(_l("Tên đăng nhập hoặc số điện thoại"), [DataRequired(REQUIRED)])
    password = PasswordField(_l("Mật khẩu"), [DataRequired(REQUIRED)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))


class ChangePasswordForm(FlaskForm):
    """The current password and the new one typed twice."""

    current_password = PasswordField(_l("Mật khẩu hiện tại"), [DataRequired(REQUIRED)])
    new_password = PasswordField(_l("Mật khẩu mới"), [DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        [DataRequired(REQUIRED), EqualTo("new_password", _l("Hai mật khẩu mới không khớp."))],
    )


class UserForm(FlaskForm):
    """An account as an organizer edits it."""

    username = StringField(
        _l("Tên đăng nhập"),
        [
            DataRequired(REQUIRED),
            Length(max=60),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Chỉ dùng chữ không dấu, số, dấu chấm, gạch.")),
        ],
    )
    full_name = StringField(_l("Họ và tên"), [DataRequired(REQUIRED), Length(max=120)])
    phone = StringField(_l("Số điện thoại"), [Optional(), Length(max=20)])
    role = SelectField(_l("Vai trò"), choices=ROLE_CHOICES)
    #: "" is the whole install; the view fills the places the editor may give
    area_id = SelectField(_l("Địa bàn phụ trách"), choices=[], validate_choice=False)
    password = PasswordField(_l("Mật khẩu"), [DataRequired(REQUIRED)])


class UserEditForm(UserForm):
    """The same without username and password, which are not edited here."""

    username = None
    password = None
