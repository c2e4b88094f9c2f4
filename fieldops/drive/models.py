"""The door-to-door drive: the police's daily lists, the people on them, households and visits.

Plan 003's loop: each day the commune police hand a list per hamlet of the people still to
activate; teams visit each house and send back who was absent; a person gone from the next list
is the official result.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldops.checkin.citizen_id import mask
from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area
    from fieldops.auth.models import User
    from fieldops.campaigns.models import Campaign
    from fieldops.checkin.models import Registration
    from fieldops.teams.models import Member

#: kinds of list the police send (glossary: approved_not_activated)
APPROVED_NOT_ACTIVATED, CHIP_NO_LEVEL2, ACTIVATED = (
    "approved_not_activated", "chip_no_level2", "activated")
LIST_KINDS = {
    APPROVED_NOT_ACTIVATED: _l("Hồ sơ được duyệt, chưa kích hoạt"),
    CHIP_NO_LEVEL2: _l("Có CCCD gắn chip, chưa đề nghị mức độ 2"),
    ACTIVATED: _l("Danh sách đã kích hoạt (đơn vị gửi)"),
}

#: a list entry compared with the previous list of its commune and kind
NEW, STILL, BACK = "new", "still", "back"
ENTRY_CHANGES = {NEW: _l("Mới"), STILL: _l("Vẫn còn"), BACK: _l("Quay lại")}

#: what a member found at the door, per person
(ACTIVATED_LEVEL1, ACTIVATED_LEVEL2, GUIDED, ABSENT, NO_SMARTPHONE, REFUSED, WRONG_ADDRESS,
 MOVED, DECEASED, WORKING_AWAY) = (
    "activated_level1", "activated_level2", "guided", "absent", "no_smartphone", "refused",
    "wrong_address", "moved", "deceased", "working_away")
OUTCOMES = {
    ACTIVATED_LEVEL1: _l("Đã kích hoạt mức 1"),
    ACTIVATED_LEVEL2: _l("Đã kích hoạt mức 2"),
    GUIDED: _l("Đã hướng dẫn, sẽ tự kích hoạt"),
    ABSENT: _l("Vắng nhà – đi lại"),
    NO_SMARTPHONE: _l("Không có điện thoại thông minh"),
    REFUSED: _l("Từ chối"),
    WRONG_ADDRESS: _l("Sai địa chỉ"),
    MOVED: _l("Đã chuyển đi"),
    DECEASED: _l("Đã mất"),
    WORKING_AWAY: _l("Đi làm ăn xa"),
}
#: outcomes a member claims as activated: confirmed only when the person leaves the list
CLAIMED_ACTIVATED = (ACTIVATED_LEVEL1, ACTIVATED_LEVEL2)


class DriveRules(db.Model):
    """A campaign's door-to-door settings."""

    __tablename__ = "drive_rules"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    #: absences before a person goes on the absent list sent back to the police
    absences_to_list: Mapped[int] = mapped_column(default=2)
    #: progress counts only results the next list confirms (plan 003), or what members claim
    count_confirmed_only: Mapped[bool] = mapped_column(default=True)


class ColumnMapping(db.Model):
    """The organizer's mapping of a list file's columns, remembered for the next day's file."""

    __tablename__ = "list_column_mapping"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    #: {folded header text: field name}, e.g. {"so dinh danh ca nhan": "citizen_id"}
    mapping: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("campaign_id", "kind"),)


class HamletAlias(db.Model):
    """A hamlet name as a list writes it, mapped once to the hamlet it means."""

    __tablename__ = "hamlet_alias"

    id: Mapped[int_pk]
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"))
    #: fold_words of the name as written: "ap 3", "to 5 khu pho 2"
    alias_folded: Mapped[str] = mapped_column(sa.String(160))
    hamlet_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"))

    __table_args__ = (sa.UniqueConstraint("commune_id", "alias_folded"),)


class PoliceList(db.Model):
    """One commune's list of one kind on one day, as the police exported it."""

    __tablename__ = "police_list"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    list_day: Mapped[date]
    #: SHA-256 of the file: the same file twice imports once
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255))
    row_count: Mapped[int] = mapped_column(default=0)
    #: filled by the comparison with the previous list of the commune and kind
    new_count: Mapped[int] = mapped_column(default=0)
    still_count: Mapped[int] = mapped_column(default=0)
    back_count: Mapped[int] = mapped_column(default=0)
    gone_count: Mapped[int] = mapped_column(default=0)
    previous_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("police_list.id", ondelete="SET NULL"))
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[created_at]

    campaign: Mapped[Campaign] = relationship()
    commune: Mapped[Area] = relationship()
    imported_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "commune_id", "kind", "list_day"),
        sa.Index("ix_police_list_file", "campaign_id", "file_sha256"),
        sa.CheckConstraint(sa.text(
            "kind IN ('approved_not_activated', 'chip_no_level2', 'activated')"), name="kind"),
    )

    @property
    def kind_label(self) -> str:
        """Return the kind in the interface language."""
        return str(LIST_KINDS.get(self.kind, self.kind))


class Household(db.Model):
    """A household of a hamlet, as surveyed at the door or imported (plan 004)."""

    __tablename__ = "household"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    hamlet_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(255))
    #: fold_words of the address: how a listed person's address finds their household
    address_folded: Mapped[str] = mapped_column(sa.String(255))
    #: the street or lane, to group a member's list ("Tổ 3", "Hẻm 12")
    street: Mapped[str | None] = mapped_column(sa.String(120))
    head_name: Mapped[str | None] = mapped_column(sa.String(120))
    members_14plus: Mapped[int | None]
    smartphones: Mapped[int | None]
    computers: Mapped[int | None]
    vneid_installed: Mapped[int | None]
    vneid_activated: Mapped[int | None]
    surveyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    surveyed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: the phone's submission id of the last survey: a resend is stored once
    survey_submission_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: the member who answers for this household ("khoán hộ dân cụ thể")
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[created_at]

    hamlet: Mapped[Area] = relationship()
    assignee: Mapped[Member | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("campaign_id", "hamlet_id", "address_folded"),)


class ListedPerson(db.Model):
    """A person the police listed, one row per campaign and ID number across every day."""

    __tablename__ = "listed_person"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    #: crypto.citizen_hash of the ID number: the same person on every day's list
    citizen_id_hash: Mapped[str] = mapped_column(sa.String(64))
    citizen_id_last4: Mapped[str] = mapped_column(sa.String(4))
    citizen_id_encrypted: Mapped[str] = mapped_column(sa.Text)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    name_folded: Mapped[str] = mapped_column(sa.String(120))
    birth_date: Mapped[date | None]
    #: when the list gives only a year
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(sa.String(10))
    phone: Mapped[str | None] = mapped_column(sa.String(15))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"))
    hamlet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household.id", ondelete="SET NULL"), index=True)
    #: the member responsible for visiting, and by when
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member.id", ondelete="SET NULL"), index=True)
    due_date: Mapped[date | None]
    #: the latest list of each kind the person is on (None once gone from it)
    on_list_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("police_list.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    first_listed_on: Mapped[date]
    last_listed_on: Mapped[date]
    #: the day the person left the list: the official result
    gone_on: Mapped[date | None]
    absences: Mapped[int] = mapped_column(default=0)
    #: on the absent list sent back to the police since this day
    absent_listed_on: Mapped[date | None]
    last_outcome: Mapped[str | None] = mapped_column(sa.String(20))
    #: whose work the activation is: the registration of the last visit not voided (team,
    #: account, member named as guide), kept by credit.refresh so counts need no join
    credit_team_id: Mapped[int | None]
    credit_volunteer_id: Mapped[int | None]
    credit_member_id: Mapped[int | None]
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_note: Mapped[str | None] = mapped_column(sa.String(500))
    #: the day of the list that still had the person two lists after a member claimed an
    #: activation: "claimed, not confirmed", to follow up (None once confirmed or cleared)
    unconfirmed_on: Mapped[date | None]
    #: when the campaign's retention setting removed the name, ID number, phone and address
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    household: Mapped[Household | None] = relationship()
    hamlet: Mapped[Area | None] = relationship(foreign_keys=[hamlet_id])
    assignee: Mapped[Member | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "citizen_id_hash"),
        # The few people flagged "claimed, not confirmed", found without reading every person.
        sa.Index("ix_listed_person_unconfirmed_on", "unconfirmed_on",
                 sqlite_where=sa.text("unconfirmed_on IS NOT NULL"),
                 postgresql_where=sa.text("unconfirmed_on IS NOT NULL")),
    )

    @property
    def masked_citizen_id(self) -> str:
        """Return the ID number as shown everywhere: ********1234."""
        return mask(self.citizen_id_last4)

    @property
    def outcome_label(self) -> str:
        """Return the last visit's outcome in the interface language."""
        return str(OUTCOMES.get(self.last_outcome or "", ""))


class ListEntry(db.Model):
    """A person on one day's list, and how that differs from the commune's previous list."""

    __tablename__ = "list_entry"

    list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("police_list.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listed_person.id", ondelete="CASCADE"), primary_key=True, index=True)
    #: the row number in the file (STT or the line), to name it in messages
    row_number: Mapped[int]
    change: Mapped[str] = mapped_column(sa.String(10), default=NEW)
    #: consecutive lists the person has been on, this one included
    days_on_list: Mapped[int] = mapped_column(default=1)
    #: the "Trạng thái" column as written
    status_text: Mapped[str | None] = mapped_column(sa.String(120))

    __table_args__ = (
        sa.CheckConstraint(sa.text("change IN ('new', 'still', 'back')"), name="change"),
    )


class Visit(db.Model):
    """A member's visit to one listed person: a door-to-door registration and its outcome."""

    __tablename__ = "visit"

    id: Mapped[int_pk]
    #: the registration of the door kind this visit is (submission id, progress, history)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("listed_person.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(sa.String(20))
    #: why refused, where moved, ...
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    #: the member's note for the household's visit, kept on each person's visit
    note: Mapped[str | None] = mapped_column(sa.String(500))
    visited_on: Mapped[date]
    created_at: Mapped[created_at]

    registration: Mapped[Registration] = relationship()
    person: Mapped[ListedPerson] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text(
            "outcome IN ('activated_level1', 'activated_level2', 'guided', 'absent', "
            "'no_smartphone', 'refused', 'wrong_address', 'moved', 'deceased', "
            "'working_away')"), name="outcome"),
    )

    @property
    def outcome_label(self) -> str:
        """Return the outcome in the interface language."""
        return str(OUTCOMES.get(self.outcome, self.outcome))


class ConfirmedCount(db.Model):
    """People gone from the list of the approved but not activated, per day they left, hamlet
    and whose work it was (the last visit's team, account and guide).

    Kept by drive.credit as lists are imported and visits recorded, changed or voided, so
    progress reads these few rows instead of joining every listed person to their visits. No
    foreign keys on team, account or member, as with the daily counters.
    """

    __tablename__ = "confirmed_count"

    id: Mapped[int_pk]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    day: Mapped[date]
    hamlet_id: Mapped[int | None]
    team_id: Mapped[int | None]
    volunteer_id: Mapped[int | None]
    member_id: Mapped[int | None]
    #: "day:hamlet:team:volunteer:member": one row per key, even where parts are NULL
    bucket: Mapped[str] = mapped_column(sa.String(80))
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "bucket"),
        sa.Index("ix_confirmed_count_campaign_day", "campaign_id", "day"),
    )
