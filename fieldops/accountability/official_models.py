"""The officials' own e-ID: each unit's roster of leaders and officials and their three checks."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.accountability.duty_models import ReportingUnit

#: the plans' three checks, in their order: (1) a level-2 e-ID, (2) VNeID installed and
#: activated, (3) used on the national public-services portal
EID_LEVEL2, VNEID_INSTALL, PUBLIC_SERVICES_ACCOUNT = (
    "eid_level2", "vneid_install", "public_services_account")
CHECKS = {
    EID_LEVEL2: _l("Định danh mức 2"),
    VNEID_INSTALL: _l("Cài đặt, kích hoạt VNeID"),
    PUBLIC_SERVICES_ACCOUNT: _l("Dùng trên Cổng DVC"),
}


class UnitOfficial(db.Model):
    """A leader or official of a reporting unit and whether they themselves did the three."""

    __tablename__ = "unit_official"

    id: Mapped[int_pk]
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_unit.id", ondelete="CASCADE"),
                                         index=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[str] = mapped_column(sa.String(120))
    #: folded name and position: a re-imported roster updates the same person, never adds one
    person_key: Mapped[str] = mapped_column(sa.String(250))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    eid_level2: Mapped[bool] = mapped_column(default=False)
    #: the local day each check was confirmed, when known
    eid_level2_on: Mapped[date | None]
    vneid_install: Mapped[bool] = mapped_column(default=False)
    vneid_install_on: Mapped[date | None]
    public_services_account: Mapped[bool] = mapped_column(default=False)
    public_services_account_on: Mapped[date | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[ReportingUnit] = relationship()

    __table_args__ = (sa.UniqueConstraint("unit_id", "person_key"),)

    @property
    def missing(self) -> list[str]:
        """Return the checks this official has not done, in the plans' order."""
        return [check for check in CHECKS if not getattr(self, check)]

    @property
    def is_complete(self) -> bool:
        """Return whether the official did all three."""
        return not self.missing
