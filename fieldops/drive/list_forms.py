"""The form to import the police's list (the other drive forms are in forms.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import DataRequired

from fieldops.drive.models import LIST_KINDS
from fieldops.forms import VNDateField, choices


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class ListImportForm(FlaskForm):
    """A police list file: its kind, its day and its commune (or the file's commune column)."""

    kind = SelectField(_l("Loại danh sách"), choices=choices(LIST_KINDS.items()))
    list_day = VNDateField(_l("Danh sách của ngày"),
                           [DataRequired(_l("Vui lòng nhập ngày của danh sách."))])
    commune_id = SelectField(_l("Xã/phường"), coerce=_optional_int)
    file = FileField(
        _l("Tệp danh sách (CSV hoặc Excel .xlsx)"),
        [FileRequired(_l("Vui lòng chọn một tệp.")),
         FileAllowed(["csv", "xlsx", "txt"], _l("Chỉ nhận tệp .csv hoặc .xlsx."))],
    )
