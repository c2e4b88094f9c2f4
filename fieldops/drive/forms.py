"""Forms of the drive: the visit at a door, the household survey, the split, the settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from fieldops.checkin.forms import REQUIRED, SubmissionForm
from fieldops.drive import rules
from fieldops.drive.assign import BY_HOUSEHOLD, BY_STREET
from fieldops.drive.models import ListedPerson
from fieldops.drive.visits import PersonOutcome
from fieldops.forms import choices

_COUNT = [Optional(), NumberRange(0, rules.COUNT_MAX, rules.COUNT_MESSAGE)]


def _count(name: str) -> IntegerField:
    # A text box with a pattern: a number spinner is clumsy on a phone and lets "1e3" through.
    return IntegerField(rules.SURVEY_LABELS[name], _COUNT, widget=TextInput(),
                        render_kw=rules.survey_attributes(name))


class SurveyFields:
    """The household survey of plan 004, shared by the visit form and the survey form."""

    head_name = StringField(_l("Chủ hộ"), [Optional(), Length(max=120)],
                            render_kw={"maxlength": 120, "autocomplete": "off"})
    members_14plus = _count("members_14plus")
    smartphones = _count("smartphones")
    computers = _count("computers")
    vneid_installed = _count("vneid_installed")
    vneid_activated = _count("vneid_activated")

    def survey(self) -> dict[str, int | None]:
        """Return the survey's counts by field name (None: not asked)."""
        return {name: self[name].data for name in rules.SURVEY_FIELDS}

    def survey_fields(self) -> list:
        """Return the count fields, in the survey's order."""
        return [self[name] for name in rules.SURVEY_FIELDS]


class VisitForm(SurveyFields, SubmissionForm):
    """The visit of one door: each person's outcome, a note, and the household's survey."""

    note = TextAreaField(_l("Ghi chú"), [Optional(), Length(max=500)],
                         render_kw={"maxlength": 500, "rows": 2})

    def person_fields(self) -> list[tuple[ListedPerson, object, object]]:
        """Return (person, outcome field, reason field) for each person of the door."""
        return [(p, self[f"outcome_{p.id}"], self[f"reason_{p.id}"]) for p in self._people]

    def outcomes(self) -> list[PersonOutcome]:
        """Return the outcomes chosen (people left blank are not recorded)."""
        found = []
        for person, outcome, reason in self.person_fields():
            if not outcome.data:
                continue
            key, route = rules.split_choice(outcome.data)
            found.append(PersonOutcome(person.id, key, route or reason.data))
        return found


def visit_form(people: list[ListedPerson], **kwargs) -> VisitForm:
    """Return a visit form with one outcome and one reason field per person."""
    outcome_choices = choices([("", _l("— Chưa gặp / bỏ qua —")), *rules.outcome_choices()])

    class Form(VisitForm):
        pass

    for person in people:
        setattr(Form, f"outcome_{person.id}",
                SelectField(person.full_name, choices=outcome_choices, default=""))
        setattr(Form, f"reason_{person.id}", StringField(
            _l("Lý do (khi từ chối) hoặc ghi chú"), [Optional(), Length(max=rules.REASON_MAX)],
            render_kw=rules.reason_attributes()))
    form = Form(**kwargs)
    form._people = people
    return form


class HouseholdForm(SurveyFields, SubmissionForm):
    """A household found at the door, or its survey alone."""

    hamlet_id = SelectField(_l("Thôn/ấp"), coerce=int, validate_choice=False)
    address = StringField(_l("Địa chỉ (số nhà, tổ, ngõ)"), [DataRequired(REQUIRED),
                                                         Length(max=255)],
                          render_kw={"maxlength": 255, "required": True,
                                     "data-required-message": REQUIRED})
    street = StringField(_l("Đường / ngõ / tổ"), [Optional(), Length(max=120)],
                         render_kw={"maxlength": 120})


class SplitForm(FlaskForm):
    """Share the hamlet's people evenly among the team's members."""

    by = SelectField(_l("Chia theo"), choices=choices([
        (BY_HOUSEHOLD, _l("Theo hộ")), (BY_STREET, _l("Theo đường, ngõ"))]),
        default=BY_HOUSEHOLD)
    only_unassigned = SelectField(_l("Ai được chia"), choices=choices([
        ("1", _l("Chỉ người chưa có ai phụ trách")), ("0", _l("Chia lại tất cả"))]), default="1")


class HandForm(FlaskForm):
    """Give the chosen households and people to one member."""

    member_id = SelectField(_l("Giao cho"), coerce=int, validate_choice=False)
    household_ids = SelectMultipleField(coerce=int, validate_choice=False)
    person_ids = SelectMultipleField(coerce=int, validate_choice=False)


class DriveRulesForm(FlaskForm):
    """A campaign's door-to-door settings."""

    absences_to_list = IntegerField(
        _l("Số lần vắng nhà thì đưa vào danh sách gửi Công an xã"),
        [DataRequired(REQUIRED), NumberRange(1, 10, _l("Nhập một số từ 1 đến 10."))],
        widget=TextInput(), render_kw={"inputmode": "numeric", "maxlength": 2})


class EditVisitForm(SubmissionForm):
    """Correct a visit's outcome, with a reason."""

    outcome = SelectField(_l("Kết quả"), choices=[])
    reason = StringField(_l("Lý do (khi từ chối) hoặc ghi chú"),
                         [Optional(), Length(max=rules.REASON_MAX)])
    why = StringField(_l("Lý do sửa"), [DataRequired(REQUIRED), Length(max=255)])


class HouseholdsImportForm(FlaskForm):
    """A CSV or Excel survey sheet of households."""

    file = FileField(
        _l("Tệp CSV hoặc Excel (.xlsx)"),
        [FileRequired(_l("Vui lòng chọn một tệp.")),
         FileAllowed(["csv", "xlsx", "txt"], _l("Chỉ nhận tệp .csv hoặc .xlsx."))],
    )
