"""Launch events: the agenda, the invited groups, arrivals, help desks and their QR codes."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.clock import now_utc
from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign, Service

PLANNED, RUNNING, FINISHED = "planned", "running", "finished"
STATUSES = (PLANNED, RUNNING, FINISHED)
STATUS_LABELS = {PLANNED: _l("Đã lên kế hoạch"), RUNNING: _l("Đang diễn ra"),
                 FINISHED: _l("Đã kết thúc")}

#: a day at one place with desks (a launch ceremony, a help day), or a mobile collection point
#: ("điểm thu nhận hồ sơ lưu động", plan 003) that takes level-2 applications in a hamlet or school
EVENT, MOBILE_POINT = "event", "mobile_point"
KINDS = (EVENT, MOBILE_POINT)
KIND_LABELS = {EVENT: _l("Sự kiện, ngày hỗ trợ"), MOBILE_POINT: _l("Điểm thu nhận hồ sơ lưu động")}

GUIDE, CHECKIN = "guide", "checkin"
CODE_KINDS = (GUIDE, CHECKIN)
CODE_LABELS = {GUIDE: _l("Hướng dẫn cài đặt, kích hoạt"), CHECKIN: _l("Đăng ký nhanh")}

help_desk_services = sa.Table(
    "help_desk_service",
    db.metadata,
    sa.Column("desk_id", sa.ForeignKey("help_desk.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("service.id"), primary_key=True),
)

desk_staff = sa.Table(
    "desk_staff",
    db.metadata,
    sa.Column("desk_id", sa.ForeignKey("help_desk.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id"), primary_key=True),
)


class LaunchEvent(db.Model):
    """A "Lễ phát động ra quân": one place, one day, from a start to an end time."""

    __tablename__ = "launch_event"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(sa.String(12), default=EVENT, server_default=EVENT)
    event_date: Mapped[date] = mapped_column(index=True)
    #: local times of day (Asia/Ho_Chi_Minh) on event_date
    start_time: Mapped[time]
    end_time: Mapped[time]
    venue_name: Mapped[str] = mapped_column(sa.String(255))
    venue_address: Mapped[str | None] = mapped_column(sa.String(255))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    expected_attendance: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(10), default=PLANNED)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by=lambda: (AgendaItem.start_time, AgendaItem.end_time, AgendaItem.id))
    shifts: Mapped[list[AgendaShift]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by=lambda: AgendaShift.id.desc())
    groups: Mapped[list[AttendeeGroup]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="AttendeeGroup.position")
    desks: Mapped[list[HelpDesk]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="HelpDesk.id")

    __table_args__ = (
        sa.CheckConstraint(sa.text("end_time > start_time"), name="times"),
        sa.CheckConstraint(sa.text("expected_attendance IS NULL OR expected_attendance >= 0"),
                           name="expected_attendance"),
        sa.CheckConstraint(sa.text("status IN ('planned', 'running', 'finished')"),
                           name="status"),
        sa.CheckConstraint(sa.text("kind IN ('event', 'mobile_point')"), name="kind"),
    )

    @property
    def kind_label(self) -> str:
        """Return the kind of the event in the interface language."""
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        """Return the status in the interface language."""
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def expected_total(self) -> int:
        """Return the head-count expected over all invited groups."""
        return sum(g.expected_count for g in self.groups)


class AgendaItem(db.Model):
    """A timed item of the run of show; items overlap only when marked parallel."""

    __tablename__ = "agenda_item"

    id: Mapped[int_pk]
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("launch_event.id", ondelete="CASCADE"), index=True)
    start_time: Mapped[time]
    end_time: Mapped[time]
    title: Mapped[str] = mapped_column(sa.String(255))
    responsible_unit: Mapped[str | None] = mapped_column(sa.String(255))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    #: runs beside other items (music during reception), so overlapping it is allowed
    parallel: Mapped[bool] = mapped_column(default=False)

    event: Mapped[LaunchEvent] = relationship(back_populates="agenda_items")

    __table_args__ = (sa.CheckConstraint(sa.text("end_time > start_time"), name="times"),)


class AgendaShift(db.Model):
    """A record of "shift this item and everything after it by N minutes"."""

    __tablename__ = "agenda_shift"

    id: Mapped[int_pk]
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("launch_event.id", ondelete="CASCADE"), index=True)
    #: the item the shift started from; its title is kept in case it is later deleted
    from_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="SET NULL"))
    from_item_title: Mapped[str] = mapped_column(sa.String(255))
    from_time: Mapped[time]
    minutes: Mapped[int]
    items_moved: Mapped[int]
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    #: the event end before and after, when the shift had to extend the event
    old_end_time: Mapped[time]
    new_end_time: Mapped[time]
    shifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    shifted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    event: Mapped[LaunchEvent] = relationship(back_populates="shifts")
    shifted_by: Mapped[User | None] = relationship()


class AttendeeGroup(db.Model):
    """An invited group with its expected head-count (hamlet heads: 60)."""

    __tablename__ = "attendee_group"

    id: Mapped[int_pk]
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("launch_event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    organisation: Mapped[str | None] = mapped_column(sa.String(255))
    expected_count: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[LaunchEvent] = relationship(back_populates="groups")

    __table_args__ = (
        sa.CheckConstraint(sa.text("expected_count >= 0"), name="expected_count"),
    )


class ArrivalTap(db.Model):
    """One tap at reception (+1 arrived, -1 undo); the phone's tap_id makes a resend count once."""

    __tablename__ = "arrival_tap"

    id: Mapped[int_pk]
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attendee_group.id", ondelete="CASCADE"), index=True)
    #: made by the phone (a UUID) so that a tap sent twice is stored once
    tap_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    delta: Mapped[int]
    tapped_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    tapped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    __table_args__ = (sa.CheckConstraint(sa.text("delta IN (-1, 1)"), name="delta"),)


class HelpDesk(db.Model):
    """A table run by one organisation, helping citizens with some of the campaign's services."""

    __tablename__ = "help_desk"

    id: Mapped[int_pk]
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("launch_event.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(255))
    purpose: Mapped[str | None] = mapped_column(sa.String(255))
    #: as written on the table: "Bàn 1"
    table_label: Mapped[str] = mapped_column(sa.String(60))
    #: the instructions the guide QR code opens, written by the organizer
    guide_text: Mapped[str | None] = mapped_column(sa.Text)

    event: Mapped[LaunchEvent] = relationship(back_populates="desks")
    services: Mapped[list[Service]] = relationship(
        secondary=help_desk_services, order_by="Service.position")
    staff: Mapped[list[User]] = relationship(secondary=desk_staff, order_by="User.full_name")
    codes: Mapped[list[DeskCode]] = relationship(
        back_populates="desk", cascade="all, delete-orphan", order_by="DeskCode.id")

    @property
    def name(self) -> str:
        """Return the desk as people call it: "Bàn 1 – Viettel Đồng Nai"."""
        return f"{self.table_label} – {self.organisation}"

    def current_code(self, kind: str) -> DeskCode | None:
        """Return the newest code of a kind that has not been revoked."""
        live = [c for c in self.codes if c.kind == kind and c.revoked_at is None]
        return live[-1] if live else None


class DeskCode(db.Model):
    """An opaque token printed as a QR code; old ones stay so they say "no longer valid"."""

    __tablename__ = "desk_code"

    id: Mapped[int_pk]
    desk_id: Mapped[int] = mapped_column(
        sa.ForeignKey("help_desk.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    #: secrets.token_urlsafe(16): 128 random bits in 22 characters, nothing else in it
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    desk: Mapped[HelpDesk] = relationship(back_populates="codes")

    __table_args__ = (sa.CheckConstraint(sa.text("kind IN ('guide', 'checkin')"), name="kind"),)

    @property
    def kind_label(self) -> str:
        """Return what the code opens, in the interface language."""
        return str(CODE_LABELS[self.kind])

    def state(self, at: datetime) -> str:
        """Return "valid", "revoked", "expired" or "not_yet" at a given moment."""
        return code_state(self.revoked_at, self.valid_from, self.valid_until, at)


def code_state(revoked_at: datetime | None, valid_from: datetime | None,
               valid_until: datetime | None, at: datetime) -> str:
    """Return a code's state from its plain dates (the check-in POST reads no ORM objects)."""
    if revoked_at is not None:
        return "revoked"
    if valid_until is not None and at >= valid_until:
        return "expired"
    if valid_from is not None and at < valid_from:
        return "not_yet"
    return "valid"


class QRImage(db.Model):
    """A QR image made once per address and format, then served from here."""

    __tablename__ = "qr_image"

    id: Mapped[int_pk]
    #: the exact address the code encodes (public base URL + /q/<token>)
    url: Mapped[str] = mapped_column(sa.String(300))
    fmt: Mapped[str] = mapped_column(sa.String(4))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    etag: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[created_at]

    __table_args__ = (sa.UniqueConstraint("url", "fmt"),)
