"""Forms of a unit's roster of officials: one official typed in, or the roster's file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional

from fieldops.accountability.official_models import CHECKS
from fieldops.forms import VNDateField

REQUIRED = _l("Vui lòng nhập trường này.")


class OfficialForm(FlaskForm):
    """An official of the unit and the three checks, each with the day it was confirmed."""

    full_name = StringField(_l("Họ và tên"), [DataRequired(REQUIRED), Length(max=120)])
    position = StringField(_l("Chức vụ"), [DataRequired(REQUIRED), Length(max=120)],
                           render_kw={"placeholder": "Chủ tịch UBND xã"})
    phone = StringField(_l("Số điện thoại (không bắt buộc)"), [Optional(), Length(max=20)],
                        render_kw={"inputmode": "tel"})
    eid_level2 = BooleanField(CHECKS["eid_level2"])
    eid_level2_on = VNDateField(_l("Ngày xác nhận"), [Optional()])
    vneid_install = BooleanField(CHECKS["vneid_install"])
    vneid_install_on = VNDateField(_l("Ngày xác nhận"), [Optional()])
    public_services_account = BooleanField(CHECKS["public_services_account"])
    public_services_account_on = VNDateField(_l("Ngày xác nhận"), [Optional()])

    def checks(self) -> dict:
        """Return the checks as the service takes them: name -> (done, day)."""
        return {c: (getattr(self, c).data, getattr(self, f"{c}_on").data) for c in CHECKS}


class OfficialsImportForm(FlaskForm):
    """A CSV or Excel roster of the unit's officials."""

    file = FileField(
        _l("Tệp CSV hoặc Excel (.xlsx)"),
        [FileRequired(_l("Vui lòng chọn một tệp.")),
         FileAllowed(["csv", "xlsx", "txt"], _l("Chỉ nhận tệp .csv hoặc .xlsx."))],
    )
