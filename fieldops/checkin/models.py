"""Registrations (who was helped with what), their history, refusals, audit and device tokens."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.checkin.citizen_id import mask
from fieldops.clock import now_utc
from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign, Service
    from fieldops.events.models import HelpDesk, LaunchEvent
    from fieldops.teams.models import Member, Team

# Where a record was made: the citizen's own phone (QR), a desk, a door, a device (API).
QR, DESK, DOOR, API = "qr", "desk", "door", "api"
SOURCES = (QR, DESK, DOOR, API)
SOURCE_LABELS = {QR: _l("Tự đăng ký qua QR"), DESK: _l("Tại bàn"), DOOR: _l("Tại nhà"),
                 API: _l("Thiết bị")}

WAITING, CALLED, RECORDED, VOIDED = "waiting", "called", "recorded", "voided"
#: the volunteer's marks on a queue entry: the same person twice, or called and not there
DUPLICATE, ABSENT = "duplicate", "absent"
#: a recorded result a spot-check call-back found untrue: kept, no longer counted (not a void:
#: nobody at the desk or door cancelled it, and the checker may restore it)
REJECTED = "rejected"
STATUSES = (WAITING, CALLED, RECORDED, VOIDED, DUPLICATE, ABSENT, REJECTED)
#: the statuses of a record whose outcomes no longer count toward any target
NOT_COUNTED = (VOIDED, REJECTED)
#: still in the queue: the one live entry a citizen may hold at a desk on a day
LIVE = (WAITING, CALLED)
STATUS_LABELS = {WAITING: _l("Đang chờ"), CALLED: _l("Đang được hỗ trợ"),
                 RECORDED: _l("Đã ghi nhận"), VOIDED: _l("Đã hủy"), DUPLICATE: _l("Trùng"),
                 ABSENT: _l("Vắng"), REJECTED: _l("Bị loại khi kiểm tra")}

DONE, FAILED, FOLLOW_UP = "done", "failed", "follow_up"
OUTCOMES = (DONE, FAILED, FOLLOW_UP)
OUTCOME_LABELS = {DONE: _l("Hoàn thành"), FAILED: _l("Không thành công"),
                  FOLLOW_UP: _l("Cần hỗ trợ tiếp")}
FAILURE_REASONS = {
    "no_chip_id": _l("Chưa có CCCD gắn chip"),
    "forgot_password": _l("Quên mật khẩu"),
    "phone_unsupported": _l("Điện thoại không hỗ trợ"),
    "no_smartphone": _l("Không có điện thoại thông minh"),
    "sim_not_owned": _l("SIM không chính chủ"),
    "no_network": _l("Mất mạng, lỗi hệ thống"),
    "absent": _l("Vắng mặt"),
    "other": _l("Lý do khác"),
}

#: the purpose shown beside the consent box, and kept with each record (Law 91/2025/QH15)
CONSENT_PURPOSE = _l(
    "Tôi đồng ý để Ban tổ chức dùng họ tên, số điện thoại và thôn/ấp của tôi chỉ để xếp lượt và "
    "hỗ trợ tôi các dịch vụ đã chọn trong chiến dịch này, rồi báo cáo số lượng đã hỗ trợ.")


def _index_when_set(table: str, column: str, unique: bool = False) -> sa.Index:
    """Return an index of the rows where `column` is set (SQLite and PostgreSQL alike)."""
    where = sa.text(f"{column} IS NOT NULL")
    prefix = "uq" if unique else "ix"
    return sa.Index(f"{prefix}_{table}_{column}", column, unique=unique, sqlite_where=where,
                    postgresql_where=where)


#: the entries uq_registration_same_person keeps to one per person: the QR's live tickets
SAME_PERSON_WHERE = sa.text(
    "source = 'qr' AND status IN ('waiting', 'called') AND phone IS NOT NULL")


class Registration(db.Model):
    """One citizen helped (or waiting to be) at a desk or a door, in one campaign."""

    __tablename__ = "registration"

    id: Mapped[int_pk]
    #: made by the phone or form (a UUID): the same submission sent twice is stored once
    submission_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    # A deleted desk, event or team must not take its records with it.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("launch_event.id", ondelete="SET NULL"), index=True)
    # Looked up through the (desk_id, queue_day, queue_number) key below.
    desk_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("help_desk.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("team.id", ondelete="SET NULL"))
    hamlet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    source: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default=WAITING)
    #: the desk's queue for the local day (Asia/Ho_Chi_Minh), from 1
    queue_day: Mapped[date | None]
    queue_number: Mapped[int | None]
    full_name: Mapped[str] = mapped_column(sa.String(120))
    #: lower-case, without accents: "nguyen van" finds "Nguyễn Văn"
    name_folded: Mapped[str] = mapped_column(sa.String(120))  # searched inside: no index helps
    phone: Mapped[str | None] = mapped_column(sa.String(15))
    birth_year: Mapped[int | None]
    #: HMAC-SHA256 of the citizen ID number (crypto.citizen_hash); never the number itself
    citizen_id_hash: Mapped[str | None] = mapped_column(sa.String(64))
    citizen_id_last4: Mapped[str | None] = mapped_column(sa.String(4))
    #: Fernet token of the number, read only by an organizer's audited "show"
    citizen_id_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: "người hướng dẫn": the member credited with the result when not the recording account
    #: (a member without an account, or one a team lead records for)
    credited_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"))
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the campaign's retention setting removed the name, phone and ID number
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    event: Mapped[LaunchEvent | None] = relationship()
    desk: Mapped[HelpDesk | None] = relationship()
    team: Mapped[Team | None] = relationship()
    hamlet: Mapped[Area | None] = relationship()
    volunteer: Mapped[User | None] = relationship()
    credited_member: Mapped[Member | None] = relationship()
    services: Mapped[list[RegistrationService]] = relationship(
        back_populates="registration", cascade="all, delete-orphan",
        order_by="RegistrationService.id")
    changes: Mapped[list[RegistrationChange]] = relationship(
        back_populates="registration", order_by="RegistrationChange.id")

    __table_args__ = (
        sa.UniqueConstraint("desk_id", "queue_day", "queue_number"),
        # Partial: a citizen's pre-registration leaves these empty and touches none of them.
        *(_index_when_set("registration", column) for column in (
            "team_id", "citizen_id_hash", "volunteer_id", "recorded_at")),
        # One live ticket per person (phone and folded name) at a desk on a day: a citizen who
        # scans again gets it back, and two sends at once cannot both take a number.
        sa.Index("uq_registration_same_person", "desk_id", "queue_day", "phone", "name_folded",
                 unique=True, sqlite_where=SAME_PERSON_WHERE, postgresql_where=SAME_PERSON_WHERE),
        sa.CheckConstraint(sa.text(
            "status IN ('waiting', 'called', 'recorded', 'voided', 'duplicate', 'absent', "
            "'rejected')"),
            name="status"),
        sa.CheckConstraint(sa.text("source IN ('qr', 'desk', 'door', 'api')"), name="source"),
    )

    @property
    def masked_citizen_id(self) -> str:
        """Return the ID number as shown everywhere: ********1234."""
        return mask(self.citizen_id_last4)

    @property
    def status_label(self) -> str:
        """Return the status in the interface language."""
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def on_behalf(self) -> bool:
        """Return whether the record is "ghi thay": credited to a member who did not record it."""
        member = self.credited_member
        return member is not None and member.user_id != self.volunteer_id

    @property
    def source_label(self) -> str:
        """Return where the record was made, in the interface language."""
        return str(SOURCE_LABELS.get(self.source, self.source))

    @property
    def place_label(self) -> str:
        """Return the desk or team the record belongs to."""
        if self.desk is not None:
            return self.desk.name
        return self.team.name if self.team is not None else ""


class RegistrationService(db.Model):
    """A service the citizen asked for, and once recorded, its outcome."""

    __tablename__ = "registration_service"

    id: Mapped[int_pk]
    # Looked up through the (registration_id, service_id) key below.
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    #: None while the citizen waits; then done, failed or follow_up
    outcome: Mapped[str | None] = mapped_column(sa.String(10))
    failure_reason: Mapped[str | None] = mapped_column(sa.String(30))
    note: Mapped[str | None] = mapped_column(sa.String(255))
    #: crypto.dedup_key(campaign, service, citizen hash) while the record counts, else NULL:
    #: the unique constraint makes "one citizen, one service, one campaign" hold under races
    dedup_key: Mapped[str | None] = mapped_column(sa.String(64))

    registration: Mapped[Registration] = relationship(back_populates="services")
    service: Mapped[Service] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("registration_id", "service_id"),
        _index_when_set("registration_service", "outcome"),
        _index_when_set("registration_service", "dedup_key", unique=True),
        sa.CheckConstraint(
            sa.text("outcome IS NULL OR outcome IN ('done', 'failed', 'follow_up')"),
            name="outcome"),
    )

    @property
    def outcome_label(self) -> str:
        """Return the outcome (and the reason of a failure) in the interface language."""
        return outcome_text(self.outcome, self.failure_reason)


def outcome_text(outcome: str | None, failure_reason: str | None) -> str:
    """Return an outcome (and the reason of a failure) in the interface language."""
    if outcome is None:
        return str(_l("Chưa ghi nhận"))
    label = str(OUTCOME_LABELS[outcome])
    if outcome == FAILED and failure_reason:
        label += f": {FAILURE_REASONS.get(failure_reason, failure_reason)}"
    return label


class RegistrationChange(db.Model):
    """The history of a record: created, called, recorded, edited, voided; never deleted."""

    __tablename__ = "registration_change"

    id: Mapped[int_pk]
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), index=True)
    #: the form's submission id: a change sent twice is applied once
    submission_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    action: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    #: what changed, as "field: before → after" lines; ID numbers appear masked only
    summary: Mapped[str | None] = mapped_column(sa.Text)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    registration: Mapped[Registration] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship()


class RefusedSubmission(db.Model):
    """A submission the rules refused (revoked code, ended campaign, wrong desk), kept with why."""

    __tablename__ = "refused_submission"

    id: Mapped[int_pk]
    submission_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: revoked, expired, not_yet, campaign_ended, campaign_not_started, wrong_desk
    reason: Mapped[str] = mapped_column(sa.String(30))
    source: Mapped[str] = mapped_column(sa.String(10))
    desk_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("help_desk.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: name, phone, hamlet and services as JSON, so the organizer can follow up; no ID number
    payload: Mapped[str] = mapped_column(sa.Text)
    refused_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: the campaign it was meant for: the organizer's list and the retention purge find it by
    #: this even when it came through no desk
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    #: None while someone must look at it; queued (taken into the desk's queue) or dismissed
    resolution: Mapped[str | None] = mapped_column(sa.String(10))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: why it was dismissed (or nothing)
    resolution_note: Mapped[str | None] = mapped_column(sa.String(255))
    #: the queue entry it became
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"))

    desk: Mapped[HelpDesk | None] = relationship()
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    registration: Mapped[Registration | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text("resolution IN ('queued', 'dismissed')"), name="resolution"),
    )


class QueueCounter(db.Model):
    """The last queue number given at a desk on a day; bumped in one atomic upsert."""

    __tablename__ = "queue_counter"

    desk_id: Mapped[int] = mapped_column(
        sa.ForeignKey("help_desk.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class AuditEntry(db.Model):
    """Who saw, changed or exported personal data, when, and from where."""

    __tablename__ = "checkin_audit"

    id: Mapped[int_pk]
    #: reveal, edit, void, export, ...: every action is named in audit_log.ACTIONS
    action: Mapped[str] = mapped_column(sa.String(20), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"),
                                                        index=True)
    detail: Mapped[str | None] = mapped_column(sa.Text)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    # The log page filters by day over many entries.
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)

    user: Mapped[User | None] = relationship()


class DeviceToken(db.Model):
    """A volunteer device's API token; only its hash is kept, it can be revoked."""

    __tablename__ = "device_token"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: the first characters, so the owner can tell tokens apart
    token_prefix: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
