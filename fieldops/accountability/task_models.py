"""Tasks by the "5 rõ": who answers, what, by when, the result expected and the one reported."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import now_utc
from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign
    from fieldops.events.models import LaunchEvent
    from fieldops.teams.models import Member, Organisation, Team

OPEN, DONE, OVERDUE = "open", "done", "overdue"
STATUS_LABELS = {OPEN: _l("Đang làm"), DONE: _l("Đã xong"), OVERDUE: _l("Quá hạn")}


class Task(db.Model):
    """A task of a campaign (or of one of its events), owned by a unit and a person."""

    __tablename__ = "task"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: set for an event's preparation (backup 4G, tables and water for the ceremony)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("launch_event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(255))
    # The responsible unit: an organisation or a team (exactly one).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"))
    # The responsible person: a member, or a user account (a member with an account sees it).
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_result: Mapped[str] = mapped_column(sa.Text)
    result_reported: Mapped[str | None] = mapped_column(sa.Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    event: Mapped[LaunchEvent | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    team: Mapped[Team | None] = relationship()
    member: Mapped[Member | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])

    __table_args__ = (
        sa.CheckConstraint(sa.text(
            "(CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) = 1"), name="one_unit"),
    )

    def status_at(self, at: datetime | None = None) -> str:
        """Return done, or overdue once the due time has passed, else open."""
        if self.done_at is not None:
            return DONE
        return OVERDUE if self.due_at < (at or now_utc()) else OPEN

    @property
    def status(self) -> str:
        """Return the task's status now."""
        return self.status_at()

    @property
    def status_label(self) -> str:
        """Return the status now, in the interface language."""
        return str(STATUS_LABELS[self.status])

    @property
    def unit_name(self) -> str:
        """Return the responsible unit's name."""
        if self.team is not None:
            return self.team.name
        return self.organisation.name if self.organisation is not None else ""

    @property
    def person_name(self) -> str:
        """Return the responsible person's name."""
        if self.member is not None:
            return self.member.full_name
        return self.user.full_name if self.user is not None else ""
