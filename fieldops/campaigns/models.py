"""Campaigns, phases and the catalogue of services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area

campaign_communes = sa.Table(
    "campaign_commune",
    db.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id"), primary_key=True),
)

campaign_services = sa.Table(
    "campaign_service",
    db.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("service.id"), primary_key=True),
)


class Service(db.Model):
    """Something a campaign counts: VNeID install, level-2 e-ID activation, ..."""

    __tablename__ = "service"

    id: Mapped[int_pk]
    #: glossary code name, e.g. "eid_level2"; stable across languages
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str | None] = mapped_column(sa.String(120))
    #: shipped with the app (cannot be deleted) rather than added by an organizer
    builtin: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=100)

    @property
    def name(self) -> str:
        """Return the name in the interface language (Vietnamese when no English is given)."""
        if str(get_locale()) == "en" and self.name_en:
            return self.name_en
        return self.name_vi


class Campaign(db.Model):
    """A numbered plan that starts a drive, with its dates, communes and services."""

    __tablename__ = "campaign"

    id: Mapped[int_pk]
    title: Mapped[str] = mapped_column(sa.String(255))
    #: as printed on the plan: "63/KH-UBND"
    plan_number: Mapped[str | None] = mapped_column(sa.String(60))
    issuing_unit: Mapped[str | None] = mapped_column(sa.String(255))
    issued_on: Mapped[date | None]
    start_date: Mapped[date]
    end_date: Mapped[date]
    description: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[created_at]
    #: days after end_date before citizens' personal data is removed (Law 91/2025/QH15);
    #: None: not decided yet, nothing is removed
    retention_days: Mapped[int | None]
    #: when the retention purge last removed this campaign's personal data
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    phases: Mapped[list[Phase]] = relationship(
        back_populates="campaign", order_by="Phase.start_date", cascade="all, delete-orphan"
    )
    communes: Mapped[list[Area]] = relationship(secondary=campaign_communes, order_by="Area.name")
    services: Mapped[list[Service]] = relationship(
        secondary=campaign_services, order_by="Service.position"
    )

    __table_args__ = (sa.CheckConstraint(sa.text("end_date >= start_date"), name="dates"),)

    @property
    def days(self) -> int:
        """Return the campaign's length in days, both ends counted."""
        return (self.end_date - self.start_date).days + 1

    @property
    def purge_due_on(self) -> date | None:
        """Return the first day the personal data may be removed (None while not decided)."""
        if self.retention_days is None:
            return None
        return self.end_date + timedelta(days=self.retention_days + 1)


class Phase(db.Model):
    """A dated part of a campaign, inside it and not overlapping the others."""

    __tablename__ = "phase"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    start_date: Mapped[date]
    end_date: Mapped[date]

    campaign: Mapped[Campaign] = relationship(back_populates="phases")

    __table_args__ = (sa.CheckConstraint(sa.text("end_date >= start_date"), name="dates"),)
