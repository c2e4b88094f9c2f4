"""The documents pages' forms: the letterhead, signer and recipients a document is printed with.

They are read from the query string (downloading changes nothing, so no CSRF token): a link
with only `scope` and `format` gets the campaign's defaults for every other field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from fieldops.accountability.documents import Letterhead, Recipients, Signer
from fieldops.forms import VNDateField

REQUIRED = _l("Vui lòng nhập trường này.")
TOO_LONG = _l("Tối đa %(max)d ký tự.")


class DocumentForm(FlaskForm):
    """What a document's letterhead, signature block and "Nơi nhận:" say."""

    class Meta:
        csrf = False

    parent_body = StringField(_l("Cơ quan chủ quản (dòng trên, có thể để trống)"),
                              validators=[Optional(), Length(max=120, message=TOO_LONG)])
    issuing_body = StringField(_l("Cơ quan ban hành"), validators=[
        DataRequired(REQUIRED), Length(max=120, message=TOO_LONG)])
    number = StringField(_l("Số (để trống để văn thư ghi khi phát hành)"), validators=[
        Optional(), Regexp(r"^\d{1,6}$", message=_l("Số văn bản chỉ gồm chữ số."))])
    symbol = StringField(_l("Ký hiệu"), validators=[
        DataRequired(REQUIRED), Length(max=40, message=TOO_LONG),
        Regexp(r"^[^\s/]+$", message=_l("Ký hiệu không có dấu cách và dấu “/”, ví dụ BC-UBND."))])
    place = StringField(_l("Địa danh"), validators=[
        DataRequired(REQUIRED), Length(max=60, message=TOO_LONG)])
    day = VNDateField(_l("Ngày ban hành"), validators=[InputRequired(REQUIRED)])
    signer_authority = StringField(_l("Thẩm quyền ký (TM., KT., có thể để trống)"),
                                   validators=[Optional(), Length(max=80, message=TOO_LONG)])
    signer_position = StringField(_l("Chức vụ người ký"), validators=[
        DataRequired(REQUIRED), Length(max=80, message=TOO_LONG)])
    signer_name = StringField(_l("Họ tên người ký"), validators=[
        DataRequired(REQUIRED), Length(max=80, message=TOO_LONG)])
    recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"),
                               validators=[Optional(), Length(max=1000, message=TOO_LONG)])

    def letterhead(self) -> Letterhead:
        """Return the letterhead the form describes."""
        return Letterhead(issuing_body=self.issuing_body.data.strip(),
                          parent_body=(self.parent_body.data or "").strip(),
                          place=self.place.data.strip(), day=self.day.data,
                          number=(self.number.data or "").strip(),
                          symbol=self.symbol.data.strip())

    def signer(self) -> Signer:
        """Return the signature block the form describes."""
        return Signer(authority=(self.signer_authority.data or "").strip(),
                      position=self.signer_position.data.strip(),
                      name=self.signer_name.data.strip())

    def recipient_list(self) -> Recipients:
        """Return the "Nơi nhận:" lines, blank lines dropped."""
        lines = (self.recipients.data or "").splitlines()
        return Recipients([line.strip(" -;.") for line in lines if line.strip(" -;.")])


class ReviewForm(DocumentForm):
    """A phase review (one phase) or the final review (every phase), and its letterhead."""

    scope = SelectField(_l("Báo cáo"), validators=[DataRequired(REQUIRED)], validate_choice=False)


class CeremonyForm(DocumentForm):
    """The ceremony's invitations or sign-in sheets: every invited group, or one."""

    group = SelectField(_l("Nhóm khách mời"), validators=[Optional()], validate_choice=False)
