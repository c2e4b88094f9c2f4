"""Spot-checks ("kiểm tra xác suất"): who checks, the drawn sample, each call-back's verdict."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign
    from fieldops.checkin.models import Registration
    from fieldops.teams.models import Team

COUNT, SHARE = "count", "share"
CONFIRMED, REJECTED, UNREACHABLE = "confirmed", "rejected", "unreachable"
VERDICTS = (CONFIRMED, REJECTED, UNREACHABLE)
VERDICT_LABELS = {CONFIRMED: _l("Xác nhận đúng"), REJECTED: _l("Không đúng, loại"),
                  UNREACHABLE: _l("Không liên lạc được")}


class SpotChecker(db.Model):
    """A user named to spot-check one campaign's results (organizers may always check)."""

    __tablename__ = "spot_checker"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    named_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    named_at: Mapped[created_at]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SpotCheck(db.Model):
    """One draw of a unit's results in a period; drawn once, reproducible from its seed."""

    __tablename__ = "spot_check"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: "area:<id>" or "team:<id>": with the period, the key that makes a second draw the first
    unit_key: Mapped[str] = mapped_column(sa.String(30))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"))
    first_day: Mapped[date]
    last_day: Mapped[date]
    #: count (a number of results) or share (a per cent of them)
    size_kind: Mapped[str] = mapped_column(sa.String(5))
    size_value: Mapped[int]
    #: the random generator's seed: the same seed over the same results draws the same sample
    seed: Mapped[str] = mapped_column(sa.String(32))
    #: how many results the unit had in the period when drawn, and the SHA-256 of their ids
    population: Mapped[int]
    population_digest: Mapped[str] = mapped_column(sa.String(64))
    checker_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    drawn_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship()
    area: Mapped[Area | None] = relationship()
    team: Mapped[Team | None] = relationship()
    checker: Mapped[User] = relationship()
    items: Mapped[list[SpotCheckItem]] = relationship(
        back_populates="spot_check", cascade="all, delete-orphan",
        order_by="SpotCheckItem.position")

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "unit_key", "first_day", "last_day"),
        sa.CheckConstraint(sa.text("size_kind IN ('count', 'share')"), name="size_kind"),
        sa.CheckConstraint(sa.text("size_value > 0"), name="size_value"),
    )

    @property
    def unit_name(self) -> str:
        """Return the checked unit's name."""
        if self.team is not None:
            return self.team.name
        return self.area.display_name if self.area is not None else ""


class SpotCheckItem(db.Model):
    """One sampled result and the checker's verdict on it after the call-back."""

    __tablename__ = "spot_check_item"

    id: Mapped[int_pk]
    spot_check_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spot_check.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), index=True)
    #: the stratum it was drawn from (the record's team when drawn; None: no team)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id", ondelete="SET NULL"))
    position: Mapped[int]
    #: None until called back; then confirmed, rejected or unreachable
    verdict: Mapped[str | None] = mapped_column(sa.String(12))
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    spot_check: Mapped[SpotCheck] = relationship(back_populates="items")
    registration: Mapped[Registration] = relationship()
    team: Mapped[Team | None] = relationship()
    changes: Mapped[list[SpotCheckVerdict]] = relationship(
        back_populates="item", order_by="SpotCheckVerdict.id")

    __table_args__ = (
        sa.UniqueConstraint("spot_check_id", "registration_id"),
        sa.CheckConstraint(sa.text(
            "verdict IS NULL OR verdict IN ('confirmed', 'rejected', 'unreachable')"),
            name="verdict"),
    )

    @property
    def verdict_label(self) -> str:
        """Return the verdict in the interface language (empty before the call-back)."""
        return str(VERDICT_LABELS[self.verdict]) if self.verdict else ""


class SpotCheckVerdict(db.Model):
    """Every verdict given on an item, in order: a changed verdict keeps the earlier one."""

    __tablename__ = "spot_check_verdict"

    id: Mapped[int_pk]
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spot_check_item.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(sa.String(12))
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    given_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    given_at: Mapped[created_at]

    item: Mapped[SpotCheckItem] = relationship(back_populates="changes")
    given_by: Mapped[User | None] = relationship()
