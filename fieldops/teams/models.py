"""Organisations, members, teams, their composition rules and hamlet assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import now_utc
from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign

#: organisation kinds (glossary code names) and their Vietnamese labels
ORG_KINDS = {
    "commune_police": _l("Công an xã"),
    "health_station": _l("Trạm y tế"),
    "youth_union": _l("Đoàn Thanh niên"),
    "womens_union": _l("Hội Phụ nữ"),
    "farmers_union": _l("Hội Nông dân"),
    "veterans_association": _l("Hội Cựu chiến binh"),
    "telecom": _l("Doanh nghiệp viễn thông"),
    "bank": _l("Ngân hàng"),
    "school": _l("Trường học"),
    "post_office": _l("Bưu điện"),
    "government_office": _l("Cơ quan, phòng ban xã"),
    "other": _l("Khác"),
}
#: 0 = Monday, as date.weekday() counts
WEEKDAYS = (_l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"),
            _l("Thứ Bảy"), _l("Chủ Nhật"))
#: team colours on the map, far enough apart to tell on a phone in the sun
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2", "#bcbd22", "#393b79")

team_members = sa.Table(
    "team_member",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("member_id", sa.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    """A unit that runs teams or lends members: commune police, Viettel, a school, ..."""

    __tablename__ = "organisation"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(sa.String(160))
    #: lower-case, accents removed: makes "Cong an xa" and "Công an xã" the same organisation
    name_folded: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30), default="other")
    created_at: Mapped[created_at]

    members: Mapped[list[Member]] = relationship(back_populates="organisation",
                                                 order_by="Member.full_name")

    @property
    def kind_label(self) -> str:
        """Return the kind in the interface language."""
        return str(ORG_KINDS.get(self.kind, self.kind))


class Member(db.Model):
    """A person who can go out with a team; may also have a sign-in account."""

    __tablename__ = "member"

    id: Mapped[int_pk]
    full_name: Mapped[str] = mapped_column(sa.String(120))
    #: Vietnamese mobile number as 0xxxxxxxxx (normalize_phone): one person, one member
    phone: Mapped[str] = mapped_column(sa.String(15), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    #: "am hiểu CNTT": counts toward the plan's minimum per team and per hamlet
    it_savvy: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"),
                                                unique=True)
    created_at: Mapped[created_at]

    organisation: Mapped[Organisation] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship()


class Team(db.Model):
    """A field team of one campaign: a lead organisation, a lead and members."""

    __tablename__ = "team"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    lead_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    lead_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"))
    #: the team's colour on the map and in the schedule (#rrggbb)
    color: Mapped[str] = mapped_column(sa.String(7), default=PALETTE[0])
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship()
    lead_organisation: Mapped[Organisation | None] = relationship()
    lead: Mapped[Member | None] = relationship(foreign_keys=[lead_member_id])
    members: Mapped[list[Member]] = relationship(secondary=team_members,
                                                 order_by="Member.full_name")
    requirements: Mapped[list[TeamRequirement]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamRequirement.id")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="Assignment.start_date")

    __table_args__ = (sa.UniqueConstraint("campaign_id", "name"),)

    @property
    def people(self) -> list[Member]:
        """Return the lead first, then the members: everyone who carries a share of the
        team's target."""
        people = list(self.members)
        if self.lead is not None and self.lead not in people:
            people.insert(0, self.lead)
        return people

    def is_led_or_joined_by(self, user) -> bool:
        """Return whether the signed-in user is this team's lead or one of its members."""
        user_id = getattr(user, "id", None)
        return user_id is not None and any(m.user_id == user_id for m in self.members)


class TeamRequirement(db.Model):
    """One line of the composition the plan asks for: "Công an xã (01)", "Viettel (05)"."""

    __tablename__ = "team_requirement"

    id: Mapped[int_pk]
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"),
                                         index=True)
    #: either a named organisation (Viettel) ...
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    #: ... or any organisation of a kind (any bank)
    organisation_kind: Mapped[str | None] = mapped_column(sa.String(30))
    count: Mapped[int]

    team: Mapped[Team] = relationship(back_populates="requirements")
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text("count > 0"), name="count"),
        sa.CheckConstraint(sa.text("(organisation_id IS NULL) <> (organisation_kind IS NULL)"),
                           name="one_target"),
    )

    @property
    def label(self) -> str:
        """Return what is required, as the plan writes it: "Viettel", "Ngân hàng"."""
        if self.organisation is not None:
            return self.organisation.name
        return str(ORG_KINDS.get(self.organisation_kind or "", self.organisation_kind))


class CampaignTeamRules(db.Model):
    """A campaign's rules on teams: minimum IT-savvy members per team and per hamlet."""

    __tablename__ = "campaign_team_rules"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    #: Hớn Quản asks 2
    min_it_savvy_per_team: Mapped[int] = mapped_column(default=0)
    #: Trường Thi asks 3 per street
    min_it_savvy_per_hamlet: Mapped[int] = mapped_column(default=0)


class Assignment(db.Model):
    """A team sent to a hamlet on the days of a range (every day, or one weekday only)."""

    __tablename__ = "assignment"

    id: Mapped[int_pk]
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"),
                                         index=True)
    hamlet_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: None: every day of the range; 0-6 (Monday-Sunday): only that weekday (5 = Saturday)
    weekday: Mapped[int | None]
    #: the organizer accepted that another team works this hamlet on the same days
    allow_shared: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team] = relationship(back_populates="assignments")
    hamlet: Mapped[Area] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text("end_date >= start_date"), name="dates"),
        sa.CheckConstraint(sa.text("weekday IS NULL OR (weekday >= 0 AND weekday <= 6)"),
                           name="weekday"),
    )


class AssignmentChange(db.Model):
    """The history of assignments: who created, changed or removed one, and when."""

    __tablename__ = "assignment_change"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    #: kept empty once the assignment is removed; the summary still says what it was
    assignment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assignment.id", ondelete="SET NULL"), index=True)
    #: "created", "changed" or "removed"
    action: Mapped[str] = mapped_column(sa.String(10))
    summary: Mapped[str] = mapped_column(sa.Text)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    changed_by: Mapped[User | None] = relationship()
