"""Registrations through the ORM: lookups, the desk's queue, stored refusals, the history.

The rules themselves are in rules.py, on plain values; here the ORM paths (the citizen's GET,
the desk, the door, the API) read those values and ask them. Services flush and raise
DomainError; the request commits once. A submission id already stored makes the call a replay:
the caller gets the stored record and nothing new is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from fieldops.areas.models import HAMLET, Area
from fieldops.auth.models import User
from fieldops.campaigns.models import Campaign, Service
from fieldops.checkin import rules
from fieldops.checkin.models import (
    CALLED,
    LIVE,
    RefusedSubmission,
    Registration,
    RegistrationChange,
)
from fieldops.checkin.signals import announce, state_of
from fieldops.clock import local_today, now_utc
from fieldops.db import db
from fieldops.errors import DomainError
from fieldops.events.models import CHECKIN, DeskCode, HelpDesk, LaunchEvent


class DuplicateError(DomainError):
    """The citizen already has this service in this campaign; `existing` is that record."""

    def __init__(self, message: str, existing: Registration) -> None:
        super().__init__(message, "citizen_id")
        self.existing = existing


class RefusedError(DomainError):
    """The rules refused the submission; the refusal is stored with its `reason`."""

    def __init__(self, reason: str, desk_id: int | None = None) -> None:
        super().__init__(str(rules.REFUSALS.get(reason, reason)))
        self.reason = reason
        self.desk_id = desk_id


class ConflictError(DomainError):
    """Another request stored the same submission, or the same citizen's service, first."""


@contextmanager
def first_write_wins(message) -> Iterator[None]:
    """Flush the block's writes; raise ConflictError when another request took a unique key.

    Two copies of one form sent at once, or one citizen recorded at two desks at the same
    moment: the session must be rolled back, which whoever catches a DomainError does.
    """
    try:
        yield
        db.session.flush()
    except IntegrityError as error:
        raise ConflictError(message) from error


@dataclass
class Outcome:
    """The result of one service for one citizen."""

    service_id: int
    outcome: str
    failure_reason: str | None = None
    note: str | None = None


# --- lookups ---------------------------------------------------------------------------------


def find_code(token: str) -> DeskCode | None:
    """Return the check-in code printed with this token, whatever its state."""
    # One query for the code, its desk, event and campaign: the citizen's GET needs them all.
    return db.session.execute(
        db.select(DeskCode).filter_by(token=token, kind=CHECKIN).options(
            joinedload(DeskCode.desk).joinedload(HelpDesk.event).joinedload(LaunchEvent.campaign))
    ).unique().scalar_one_or_none()


def find_registration(submission_id: str) -> Registration | None:
    """Return the record a submission id created, if any."""
    return db.session.execute(
        db.select(Registration).filter_by(submission_id=submission_id)).scalar_one_or_none()


def find_change(submission_id: str) -> RegistrationChange | None:
    """Return the change a submission id made to an existing record, if any."""
    return db.session.execute(
        db.select(RegistrationChange).filter_by(submission_id=submission_id)).scalar_one_or_none()


def find_refusal(submission_id: str) -> RefusedSubmission | None:
    """Return the stored refusal of a submission id, if any."""
    return db.session.execute(
        db.select(RefusedSubmission).filter_by(submission_id=submission_id)).scalar_one_or_none()


def _services(ids: list[int] | None) -> list[Service]:
    """Return these services (every one for None) in the catalogue's order."""
    stmt = db.select(Service).order_by(Service.position, Service.name_vi)
    if ids is not None:
        stmt = stmt.where(Service.id.in_(ids))
    return list(db.session.execute(stmt).scalars())


def services_counted(campaign: Campaign) -> list[Service]:
    """Return the services a campaign counts (every service when it names none)."""
    return _services(rules.offered_services((), [s.id for s in campaign.services]))


def desk_services(desk: HelpDesk) -> list[Service]:
    """Return the services offered at a desk (the campaign's when the desk names none)."""
    return _services(rules.offered_services([s.id for s in desk.services],
                                            [s.id for s in desk.event.campaign.services]))


def campaign_hamlets(campaign: Campaign) -> list[Area]:
    """Return the hamlets of the campaign's communes, by commune then name."""
    commune_ids = [c.id for c in campaign.communes]
    stmt = db.select(Area).where(Area.level == HAMLET)
    if commune_ids:
        stmt = stmt.where(Area.parent_id.in_(commune_ids))
    rows = db.session.execute(stmt).scalars()
    return sorted(rows, key=lambda a: (a.parent_id or 0, a.name_folded))


# --- the rules, asked with what the ORM read --------------------------------------------------


def code_refusal(code: DeskCode) -> str | None:
    """Return why a check-in code cannot take a registration now, or None if it can."""
    campaign = code.desk.event.campaign
    return rules.code_refusal(code.revoked_at, code.valid_from, code.valid_until,
                              campaign.start_date, campaign.end_date, at=now_utc(),
                              today=local_today())


def campaign_refusal(campaign: Campaign) -> str | None:
    """Return campaign_ended / campaign_not_started, or None while the campaign runs."""
    return rules.campaign_refusal(campaign.start_date, campaign.end_date, local_today())


_HAMLET_CHECK = rules.hamlet_in_campaign(Area.__table__.c.id)


def check_hamlet(campaign: Campaign, hamlet_id: int | None, required: bool) -> Area | None:
    """Return the chosen hamlet, None if none was chosen and none is required, or raise."""
    in_campaign = bool(hamlet_id) and db.session.connection().execute(
        _HAMLET_CHECK, {"campaign_id": campaign.id, "hamlet_id": hamlet_id}).first() is not None
    rules.check_hamlet(hamlet_id, in_campaign, required)
    return db.session.get(Area, hamlet_id) if hamlet_id else None


# --- refusals --------------------------------------------------------------------------------


def refuse(submission_id: str, reason: str, *, source: str, payload: dict, campaign: Campaign,
           desk: HelpDesk | None = None, user: User | None = None) -> RefusedSubmission:
    """Store a refused submission with its reason (once per submission id) and return it."""
    existing = find_refusal(submission_id)
    if existing is not None:
        return existing
    # The bare ID number never goes into the payload (the callers pass none).
    refusal = RefusedSubmission(
        submission_id=submission_id, reason=reason, source=source, campaign_id=campaign.id,
        desk_id=desk.id if desk else None, user_id=user.id if user else None,
        payload=json.dumps(payload, ensure_ascii=False, default=str))
    db.session.add(refusal)
    db.session.flush()
    return refusal


# --- the queue and the history ----------------------------------------------------------------


def desk_queue(desk: HelpDesk, day: date | None = None, *,
               with_marks: bool = False) -> list[Registration]:
    """Return today's waiting and called citizens of a desk (and the marked ones if asked)."""
    statuses = (*LIVE, *rules.MARKS) if with_marks else LIVE
    return list(db.session.execute(
        db.select(Registration)
        .where(Registration.desk_id == desk.id, Registration.queue_day == (day or local_today()),
               Registration.status.in_(statuses))
        .order_by(Registration.queue_number)).scalars())


def people_ahead(registration: Registration) -> int:
    """Return how many live entries come before this one in its desk's queue."""
    if registration.desk is None:
        return 0
    queue = desk_queue(registration.desk, registration.queue_day)
    return rules.people_ahead(((r.queue_number, r.status) for r in queue),
                              registration.queue_number)


def call_next(desk: HelpDesk, user: User, *,
              submission_id: str | None = None) -> Registration | None:
    """Mark the first waiting citizen of the desk as called by this volunteer and return them.

    The call is logged under the tap's submission id: the caller answers a resend with the
    citizen that tap called (find_change), so one tap never calls two people.
    """
    queue = desk_queue(desk)
    number = rules.next_waiting((r.queue_number, r.status) for r in queue)
    if number is None:
        return None
    registration = next(r for r in queue if r.queue_number == number)
    before = state_of(registration)
    with first_write_wins(_l("Lần bấm này đã được gửi rồi.")):
        registration.status = CALLED
        registration.called_at = now_utc()
        registration.volunteer_id = user.id
        log_change(registration, "called", user, submission_id=submission_id)
    announce(before, registration)
    return registration


def mark(registration: Registration, mark: str, user: User, *,
         submission_id: str | None = None) -> None:
    """Mark a queue entry duplicate or absent (call next skips it), or WAITING to undo a mark.

    Logged under the action's submission id, so that the caller can answer a resend as such.
    """
    rules.check_mark(registration.status, mark)
    before = state_of(registration)
    # Undoing a mark makes the entry live again: the person may hold a newer live ticket.
    with first_write_wins(_l("Người này đã có một số khác đang chờ ở bàn này.")):
        registration.status = mark
        registration.updated_at = now_utc()
        log_change(registration, mark if mark in rules.MARKS else "unmarked", user,
                   submission_id=submission_id)
    announce(before, registration)


def log_change(registration: Registration, action: str, user: User | None, *,
               submission_id: str | None = None, reason: str | None = None,
               summary: str | None = None) -> RegistrationChange:
    """Add a line to the registration's history: who did what, why, and what changed."""
    change = RegistrationChange(registration=registration, action=action, reason=reason,
                                summary=summary, submission_id=submission_id,
                                changed_by_id=user.id if user else None)
    db.session.add(change)
    return change
