"""A campaign's commendation thresholds: the confirmation and rejection rates it accepts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.db import db

#: the defaults until an organizer changes them: 90 % confirmed, at most 10 % found untrue
MIN_CONFIRMATION, MAX_REJECTION = 90, 10


class CommendationSettings(db.Model):
    """The spot-check rates a unit must keep to be proposed for commendation in a campaign."""

    __tablename__ = "commendation_settings"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    #: a unit is commended only if at least this % of its spot-checked results were confirmed
    min_confirmation_percent: Mapped[int] = mapped_column(default=MIN_CONFIRMATION)
    #: a unit is excluded when more than this % of its spot-checked results were found untrue
    max_rejection_percent: Mapped[int] = mapped_column(default=MAX_REJECTION)

    __table_args__ = (
        sa.CheckConstraint(sa.text("min_confirmation_percent BETWEEN 0 AND 100"
                                   " AND max_rejection_percent BETWEEN 0 AND 100"),
                           name="percents"),
    )
