"""Forms: the citizen's check-in, the volunteer's record, edit, void, device tokens, filters."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from fieldops.campaigns.models import Service
from fieldops.checkin.models import CONSENT_PURPOSE, FAILURE_REASONS, OUTCOME_LABELS
from fieldops.checkin.rules import REQUIRED_MESSAGE, field_attributes
from fieldops.checkin.services import Outcome
from fieldops.forms import choices, id_choice

REQUIRED = REQUIRED_MESSAGE


def new_submission_id() -> str:
    """Return a fresh submission id for a rendered form (JS keeps it; no-JS phones resend it)."""
    return str(uuid.uuid4())


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as check boxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SubmissionForm(FlaskForm):
    """A form that carries its submission id, so that sending it twice stores it once."""

    # An explicit label (the one WTForms would derive): a derived label is looked up in
    # WTForms' translations, which loads a catalogue file from disk on every request.
    submission_id = HiddenField("Submission Id", default=new_submission_id)


class QueueActionForm(SubmissionForm):
    """A tap at a desk's queue: call the next citizen, or mark or unmark an entry."""

    submission_id = HiddenField("Submission Id", [Optional(), Length(max=64)],
                                default=new_submission_id)
    mark = HiddenField("Mark")


class CheckinForm(SubmissionForm):
    """The citizen's own form, opened from the desk's QR code: no account, no ID number."""

    class Meta:
        # No session on a citizen's phone to tie a token to; a replay is harmless by design.
        csrf = False

    full_name = StringField(_l("Họ và tên"), [DataRequired(REQUIRED), Length(max=120)],
                            render_kw={"autocomplete": "name",
                                       **field_attributes("full_name", required=True)})
    phone = StringField(_l("Số điện thoại"), [DataRequired(REQUIRED), Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20,
                                   **field_attributes("phone", required=True)})
    hamlet_id = RadioField(_l("Thôn/ấp nơi ở"), coerce=id_choice, validate_choice=False,
                           validators=[Optional()])
    services = CheckboxesField(_l("Dịch vụ cần hỗ trợ"), coerce=id_choice, validate_choice=False)
    consent = BooleanField(CONSENT_PURPOSE)


class RecordForm(SubmissionForm):
    """What the volunteer completes: the citizen, the ID number, and each service's outcome."""

    full_name = StringField(_l("Họ và tên"), [DataRequired(REQUIRED), Length(max=120)],
                            render_kw=field_attributes("full_name", required=True))
    phone = StringField(_l("Số điện thoại (không bắt buộc)"), [Optional(), Length(max=20)],
                        render_kw={"inputmode": "tel",
                                   **field_attributes("phone", required=False)})
    hamlet_id = SelectField(_l("Thôn/ấp"), coerce=id_choice, validate_choice=False)
    citizen_id = StringField(_l("Số CCCD (12 số)"), [Length(max=20)],
                             render_kw={"inputmode": "numeric", "autocomplete": "off",
                                        "maxlength": 20})
    birth_year = IntegerField(_l("Năm sinh (để đối chiếu)"),
                              [Optional(), NumberRange(1900, 2100, _l("Năm sinh không hợp lệ."))],
                              widget=TextInput(),  # a number spinner is useless for a year
                              render_kw={"inputmode": "numeric", "maxlength": 4})
    citizen_id_confirm = StringField(_l("Hoặc nhập lại số CCCD"), [Length(max=20)],
                                     render_kw={"inputmode": "numeric", "autocomplete": "off",
                                                "maxlength": 20})
    consent = BooleanField(_l("Người dân đã đồng ý cho ghi thông tin để hỗ trợ và báo cáo"))
    #: the member credited with the result; choices set by the view (creditable_people)
    credited_member_id = SelectField(_l("Người hướng dẫn"), coerce=id_choice,
                                     validate_choice=False, validators=[Optional()],
                                     choices=[], default=0)

    def outcome_fields(self) -> list[tuple]:
        """Return (service, outcome field, reason field, note field) for each service."""
        return [(s, self[f"outcome_{s.id}"], self[f"reason_{s.id}"], self[f"note_{s.id}"])
                for s in self._services]

    def outcomes(self) -> list[Outcome]:
        """Return the outcomes chosen (services left blank are not counted)."""
        return [Outcome(s.id, o.data, r.data or None, n.data or None)
                for s, o, r, n in self.outcome_fields() if o.data]


class EditForm(RecordForm):
    """A correction: the same fields, the ID number only if it changes, and a reason."""

    reason = StringField(_l("Lý do sửa"), [DataRequired(REQUIRED), Length(max=255)])


def record_form(services: list[Service], form_class: type[RecordForm] = RecordForm,
                **kwargs) -> RecordForm:
    """Return a record form with one outcome, reason and note field per service."""
    outcome_choices = choices([("", _l("— Không làm —")), *OUTCOME_LABELS.items()])
    reason_choices = choices([("", _l("— Lý do (nếu không thành công) —")),
                              *FAILURE_REASONS.items()])

    class Form(form_class):
        pass

    for service in services:
        setattr(Form, f"outcome_{service.id}",
                SelectField(service.name, choices=outcome_choices, default=""))
        setattr(Form, f"reason_{service.id}", SelectField(_l("Lý do"), choices=reason_choices,
                                                          default=""))
        setattr(Form, f"note_{service.id}", StringField(_l("Ghi chú"), [Length(max=255)]))
    form = Form(**kwargs)
    form._services = services
    return form


def credit_choices(form: RecordForm, people: list) -> None:
    """Offer the people who may be credited as "người hướng dẫn" (the recorder by default)."""
    form.credited_member_id.choices = choices(
        [(0, _l("— Chính người ghi —"))] + [(m.id, m.full_name) for m in people])


class VoidForm(SubmissionForm):
    """Cancel a record, with a reason."""

    reason = StringField(_l("Lý do hủy"), [DataRequired(REQUIRED), Length(max=255)])


class DeviceTokenForm(FlaskForm):
    """Name a new device token."""

    label = StringField(_l("Tên thiết bị"), [DataRequired(REQUIRED), Length(max=80)],
                        render_kw={"placeholder": "Điện thoại Bàn 1"})


class RefusalForm(FlaskForm):
    """Take a refused check-in into the desk's queue, or dismiss it with a note."""

    note = StringField(_l("Lý do bỏ qua"), [Optional(), Length(max=255)])
    #: which list the page goes back to: the desk's or the campaign's
    back = HiddenField("Back")
