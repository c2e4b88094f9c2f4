"""Forms for places and place files."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from fieldops.forms import CoordinateField, CountField

REQUIRED = _l("Vui lòng nhập trường này.")


class AreaForm(FlaskForm):
    """A place's name, kind, counts and point."""

    name = StringField(_l("Tên"), [DataRequired(REQUIRED), Length(max=120)])
    kind = SelectField(_l("Loại"))
    code = StringField(_l("Mã đơn vị hành chính"), [Optional(), Length(max=20)])
    population_14plus = CountField(_l("Nhân khẩu từ đủ 14 tuổi trở lên"))
    households = CountField(_l("Số hộ"))
    latitude = CoordinateField(_l("Vĩ độ"))
    longitude = CoordinateField(_l("Kinh độ"))


class PlacesImportForm(FlaskForm):
    """A CSV or Excel file of communes and hamlets, and where they go."""

    parent_id = SelectField(_l("Nhập vào"), coerce=int)
    file = FileField(
        _l("Tệp CSV hoặc Excel (.xlsx)"),
        [FileRequired(_l("Vui lòng chọn một tệp.")),
         FileAllowed(["csv", "xlsx", "txt"], _l("Chỉ nhận tệp .csv hoặc .xlsx."))],
    )


class ShapesImportForm(FlaskForm):
    """A GeoJSON file of hamlet boundaries."""

    file = FileField(
        _l("Tệp GeoJSON"),
        [FileRequired(_l("Vui lòng chọn một tệp.")),
         FileAllowed(["geojson", "json"], _l("Chỉ nhận tệp .geojson hoặc .json."))],
    )


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token guards the confirm and cancel buttons."""
