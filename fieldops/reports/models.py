"""Targets, their history, progress settings, daily counters and rankings."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import now_utc
from fieldops.db import UTCDateTime, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Phase
    from fieldops.teams.models import Member, Team

APPENDIX, CASCADE, MANUAL = "appendix", "cascade", "manual"
SOURCES = (APPENDIX, CASCADE, MANUAL)


class Target(db.Model):
    """A number to reach in one phase, for one place, team or person (exactly one)."""

    __tablename__ = "target"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    phase_id: Mapped[int] = mapped_column(sa.ForeignKey("phase.id", ondelete="CASCADE"),
                                          index=True)
    #: None: every service the campaign counts
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"),
                                                index=True)
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]
    #: appendix, cascade or manual: where the number came from
    source: Mapped[str] = mapped_column(sa.String(10))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    phase: Mapped[Phase] = relationship()
    area: Mapped[Area | None] = relationship()
    team: Mapped[Team | None] = relationship()
    member: Mapped[Member | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text("value >= 0"), name="value"),
        sa.CheckConstraint(sa.text(
            "(CASE WHEN area_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN team_id IS NULL THEN 0 "
            "ELSE 1 END) + (CASE WHEN member_id IS NULL THEN 0 ELSE 1 END) = 1"), name="one_unit"),
        sa.CheckConstraint(sa.text("source IN ('appendix', 'cascade', 'manual')"),
                           name="source"),
    )


class TargetChange(db.Model):
    """The history of targets: who set or changed which number, from what, and why."""

    __tablename__ = "target_change"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    target_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("target.id", ondelete="SET NULL"), index=True)
    #: "Giai đoạn 1 · Xã Bắc Sơn": what the target was for, kept if the target goes
    label: Mapped[str] = mapped_column(sa.String(255))
    before: Mapped[int | None]
    after: Mapped[int | None]
    source: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ProgressSettings(db.Model):
    """A campaign's per-person floor and traffic-light thresholds."""

    __tablename__ = "progress_settings"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    #: each cadre guides at least this many citizens per phase
    person_floor: Mapped[int] = mapped_column(default=10)
    #: green when done >= this % of what is expected by today
    green_percent: Mapped[int] = mapped_column(default=100)
    #: amber when done >= this %, red below
    amber_percent: Mapped[int] = mapped_column(default=80)

    __table_args__ = (
        sa.CheckConstraint(sa.text("person_floor >= 0"), name="person_floor"),
        sa.CheckConstraint(sa.text("amber_percent >= 0 AND green_percent >= amber_percent"),
                           name="thresholds"),
    )


class PhaseFloor(db.Model):
    """A phase that asks more of each person than the campaign's floor (Hưng Hà: 50)."""

    __tablename__ = "phase_floor"

    phase_id: Mapped[int] = mapped_column(sa.ForeignKey("phase.id", ondelete="CASCADE"),
                                          primary_key=True)
    person_floor: Mapped[int]

    __table_args__ = (sa.CheckConstraint(sa.text("person_floor >= 0"), name="person_floor"),)


class PhaseListTarget(db.Model):
    """A phase whose targets are a share of the people the police's lists name.

    Plan 003's second phase: 80 % of the eligible by 20/9; plan 000: all that remain (100 %).
    Applies to the places that have no target of their own.
    """

    __tablename__ = "phase_list_target"

    phase_id: Mapped[int] = mapped_column(sa.ForeignKey("phase.id", ondelete="CASCADE"),
                                          primary_key=True)
    percent: Mapped[int]

    __table_args__ = (sa.CheckConstraint(sa.text("percent BETWEEN 1 AND 100"), name="percent"),)


class DailyCount(db.Model):
    """Successful outcomes of a day, per service, hamlet, team and volunteer.

    Kept in the same transaction as the registrations (counters.on_registration_changed), so
    the progress page reads these few rows instead of every registration. No foreign keys on
    team and volunteer: deleting a team must not be blocked by its counts (rebuild_counters
    tidies them).
    """

    __tablename__ = "daily_count"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    service_id: Mapped[int]
    #: the local day (Asia/Ho_Chi_Minh) the outcome was recorded
    day: Mapped[date]
    hamlet_id: Mapped[int | None]
    team_id: Mapped[int | None]
    volunteer_id: Mapped[int | None]
    #: the member credited on the form (Registration.credited_member_id), else None: the
    #: volunteer's own member in the team is credited
    member_id: Mapped[int | None]
    #: "service:day:hamlet:team:volunteer:member": one row per key, even where parts are NULL
    bucket: Mapped[str] = mapped_column(sa.String(80))
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "bucket"),
        sa.Index("ix_daily_count_campaign_day", "campaign_id", "day"),
    )


class RankingSnapshot(db.Model):
    """The ranking of a phase frozen for commendation; later corrections do not change it."""

    __tablename__ = "ranking_snapshot"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    phase_id: Mapped[int] = mapped_column(sa.ForeignKey("phase.id", ondelete="CASCADE"),
                                          unique=True)
    #: None: frozen automatically by the schedule once the phase ended
    frozen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    automatic: Mapped[bool] = mapped_column(default=False)

    rows: Mapped[list[RankingRow]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan",
        order_by="(RankingRow.kind, RankingRow.rank)")


class RankingRow(db.Model):
    """One unit or person in a frozen ranking."""

    __tablename__ = "ranking_row"

    id: Mapped[int_pk]
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ranking_snapshot.id", ondelete="CASCADE"), index=True)
    #: commune, hamlet, team or member
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(255))
    rank: Mapped[int]
    target: Mapped[int]
    done: Mapped[int]
    #: per cent of target in hundredths (10250 = 102.50 %), fixed at freezing
    percent_x100: Mapped[int]
    #: per cent of spot-checked results confirmed, x100, at freezing; None if none was checked
    confirmation_x100: Mapped[int | None]
    #: the unit the line stands for ("commune": the area's id, "team": the team's id); None for
    #: a person, so later lists join a frozen line to its reporting unit
    unit_kind: Mapped[str | None] = mapped_column(sa.String(10))
    unit_id: Mapped[int | None]

    snapshot: Mapped[RankingSnapshot] = relationship(back_populates="rows")


FREEZE, UNDO = "freeze", "undo"


class RankingFreezeLog(db.Model):
    """Every freeze and undo of a phase's ranking: who, when, by hand or automatically."""

    __tablename__ = "ranking_freeze_log"

    id: Mapped[int_pk]
    phase_id: Mapped[int] = mapped_column(sa.ForeignKey("phase.id", ondelete="CASCADE"),
                                          index=True)
    action: Mapped[str] = mapped_column(sa.String(10))
    automatic: Mapped[bool] = mapped_column(default=False)
    #: None for the schedule's automatic freeze
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text("action IN ('freeze', 'undo')"), name="action"),
    )
