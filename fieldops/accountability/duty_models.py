"""Reporting duties, the units that report, their reports with every version, and reminders."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign, Phase
    from fieldops.teams.models import Organisation, Team

DAILY, WEEKLY, PHASE_REVIEW, FINAL = "daily", "weekly", "phase_review", "final"
FREQUENCIES = {
    DAILY: _l("Hằng ngày"),
    WEEKLY: _l("Hằng tuần"),
    PHASE_REVIEW: _l("Sơ kết giai đoạn"),
    FINAL: _l("Tổng kết"),
}
COMMUNE, ORGANISATION, TEAM = "commune", "organisation", "team"
UNIT_KINDS = {COMMUNE: _l("Các xã của chiến dịch"), ORGANISATION: _l("Các tổ chức"),
              TEAM: _l("Các đoàn, tổ công tác")}
ON_TIME, LATE, MISSING, WAITING = "on_time", "late", "missing", "waiting"
STATUSES = {ON_TIME: _l("Đúng hạn"), LATE: _l("Nộp muộn"), MISSING: _l("Chưa nộp (quá hạn)"),
            WAITING: _l("Chưa đến hạn")}

reporting_unit_members = sa.Table(
    "reporting_unit_member",
    db.metadata,
    sa.Column("unit_id", sa.ForeignKey("reporting_unit.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class ReportingUnit(db.Model):
    """A commune, organisation or team that reports to a campaign, with its own accounts."""

    __tablename__ = "reporting_unit"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"))
    #: the unit's office mailbox: where e-mail reminders go (users have no e-mail address)
    email: Mapped[str | None] = mapped_column(sa.String(254))

    campaign: Mapped[Campaign] = relationship()
    area: Mapped[Area | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    team: Mapped[Team | None] = relationship()
    #: accounts attached by an organizer; a team's and an organisation's own people count too
    users: Mapped[list[User]] = relationship(secondary=reporting_unit_members,
                                             order_by="User.full_name")

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "area_id"),
        sa.UniqueConstraint("campaign_id", "organisation_id"),
        sa.UniqueConstraint("campaign_id", "team_id"),
        sa.CheckConstraint(sa.text(
            "(CASE WHEN area_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) = 1"),
            name="one_unit"),
    )

    @property
    def kind(self) -> str:
        """Return commune, organisation or team."""
        return COMMUNE if self.area_id else ORGANISATION if self.organisation_id else TEAM

    @property
    def sort_name(self) -> str:
        """Return the name a list sorts by: the commune's without "Xã" or "Thị trấn"."""
        if self.area is not None:
            return self.area.name
        return self.name

    @property
    def name(self) -> str:
        """Return the unit's name as the interface shows it."""
        if self.area is not None:
            return self.area.display_name
        if self.organisation is not None:
            return self.organisation.name
        return self.team.name if self.team is not None else ""


class ReportingDuty(db.Model):
    """Who reports to a campaign, how often, and by which local hour."""

    __tablename__ = "reporting_duty"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    frequency: Mapped[str] = mapped_column(sa.String(20))
    unit_kind: Mapped[str] = mapped_column(sa.String(20))
    #: weekly: the weekday the week ends on, 0 = Monday (4 = Friday, 5 = Saturday)
    weekday: Mapped[int | None]
    #: phase review: the phase reviewed
    phase_id: Mapped[int | None] = mapped_column(sa.ForeignKey("phase.id", ondelete="CASCADE"))
    #: phase review and final report: the date the report is due
    due_on: Mapped[date | None]
    #: the local hour of the deadline on the due day (17:00, 16:30)
    deadline: Mapped[time]
    #: a period takes no report, even late, this many days after its deadline
    close_after_days: Mapped[int] = mapped_column(default=3)
    #: the reminder goes this many minutes before the deadline (60: at 16:00 for 17:00)
    remind_before_minutes: Mapped[int] = mapped_column(default=60)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship()
    phase: Mapped[Phase | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text("frequency IN ('daily', 'weekly', 'phase_review', 'final')"),
                           name="frequency"),
        sa.CheckConstraint(sa.text("unit_kind IN ('commune', 'organisation', 'team')"),
                           name="unit_kind"),
        sa.CheckConstraint(sa.text("close_after_days >= 0 AND remind_before_minutes >= 0"),
                           name="windows"),
    )

    @property
    def frequency_label(self) -> str:
        """Return how often, in the interface language."""
        return str(FREQUENCIES.get(self.frequency, self.frequency))


class UnitReport(db.Model):
    """One unit's report for one period of a duty: its state and its current version."""

    __tablename__ = "unit_report"

    id: Mapped[int_pk]
    duty_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_duty.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_unit.id", ondelete="CASCADE"),
                                         index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: missing (marked by the schedule once the deadline passed), on_time or late
    status: Mapped[str] = mapped_column(sa.String(10))
    #: when the schedule found nothing at the deadline (kept after a late report)
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the number of the current version; 0 while nothing was submitted
    version: Mapped[int] = mapped_column(default=0)

    duty: Mapped[ReportingDuty] = relationship()
    unit: Mapped[ReportingUnit] = relationship()
    versions: Mapped[list[UnitReportVersion]] = relationship(
        back_populates="report", order_by="UnitReportVersion.number",
        cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("duty_id", "unit_id", "period_start"),
        sa.CheckConstraint(sa.text("status IN ('missing', 'on_time', 'late')"), name="status"),
    )

    @property
    def current(self) -> UnitReportVersion | None:
        """Return the version in force (the last one), or None."""
        return self.versions[-1] if self.versions else None


class UnitReportVersion(db.Model):
    """What a unit submitted once: its narrative and the figures as they stood then."""

    __tablename__ = "unit_report_version"

    id: Mapped[int_pk]
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("unit_report.id", ondelete="CASCADE"))
    number: Mapped[int]
    #: the phone outbox's id of the form sent: the same form sent twice is one version
    submission_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    late: Mapped[bool] = mapped_column(default=False)
    results: Mapped[str] = mapped_column(sa.Text, default="")
    difficulties: Mapped[str] = mapped_column(sa.Text, default="")
    proposals: Mapped[str] = mapped_column(sa.Text, default="")

    report: Mapped[UnitReport] = relationship(back_populates="versions")
    submitted_by: Mapped[User | None] = relationship()
    figures: Mapped[list[UnitReportFigure]] = relationship(
        back_populates="version", order_by="UnitReportFigure.id", cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("report_id", "number"),)


class UnitReportFigure(db.Model):
    """One service in one phase of a submitted version: the app's figures and the unit's own."""

    __tablename__ = "unit_report_figure"

    id: Mapped[int_pk]
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("unit_report_version.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(sa.ForeignKey("phase.id", ondelete="CASCADE"))
    #: None: every service of the campaign together (targets set for no one service)
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"))
    target: Mapped[int | None]
    #: what the campaign counts (confirmed-only where the lists decide), in the period
    done_period: Mapped[int] = mapped_column(default=0)
    #: ... and from the phase's first day to the period's last
    done_total: Mapped[int] = mapped_column(default=0)
    #: where the campaign has the police's lists: members' records and what the lists confirm
    claimed_total: Mapped[int | None]
    confirmed_total: Mapped[int | None]
    #: the unit's own figures from outside the app, if it gave them
    own_period: Mapped[int | None]
    own_total: Mapped[int | None]

    version: Mapped[UnitReportVersion] = relationship(back_populates="figures")


class ReportReminder(db.Model):
    """The reminder a unit got for a period: sent once (the row is the proof)."""

    __tablename__ = "report_reminder"

    id: Mapped[int_pk]
    duty_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_duty.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("reporting_unit.id", ondelete="CASCADE"))
    period_start: Mapped[date]
    created_at: Mapped[created_at]
    #: when the e-mail went out; None without SMTP, a mailbox, or when sending failed
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str | None] = mapped_column(sa.String(255))

    __table_args__ = (sa.UniqueConstraint("duty_id", "unit_id", "period_start"),)
