"""The citizen's pre-registration from a desk's QR code: the busiest write of a launch morning.

Written with SQLAlchemy Core and as few statements as the rules allow (one lookup of the code,
one replay check, one hamlet check, one service list, then the queue upsert and two inserts),
because a crowd scans at once and on SQLite every write waits for the one before it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fieldops.campaigns.models import Campaign, Service, campaign_services
from fieldops.checkin.models import QR, WAITING, RefusedSubmission, Registration
from fieldops.checkin.models import RegistrationService as RegService
from fieldops.checkin.services import (
    RefusedError,
    _check_hamlet_id,
    check_submission_id,
    clean_name,
    clean_phone,
    local_today,
    next_queue_number,
    refuse,
)
from fieldops.db import db, now_utc
from fieldops.errors import DomainError
from fieldops.events.models import CHECKIN, DeskCode, HelpDesk, LaunchEvent, help_desk_services
from fieldops.text import fold


class CodeFacts(NamedTuple):
    """What a check-in POST needs to know about its code, desk, event and campaign."""

    token: str
    desk_id: int
    event_id: int
    campaign_id: int
    start_date: date
    end_date: date
    valid_from: datetime | None
    valid_until: datetime | None
    revoked_at: datetime | None


def code_facts(token: str) -> CodeFacts | None:
    """Return the facts of a check-in token in one query, or None for an unknown token."""
    row = db.session.execute(
        sa.select(DeskCode.token, DeskCode.desk_id, HelpDesk.event_id, Campaign.id,
                  Campaign.start_date, Campaign.end_date, DeskCode.valid_from,
                  DeskCode.valid_until, DeskCode.revoked_at)
        .join(HelpDesk, HelpDesk.id == DeskCode.desk_id)
        .join(LaunchEvent, LaunchEvent.id == HelpDesk.event_id)
        .join(Campaign, Campaign.id == LaunchEvent.campaign_id)
        .where(DeskCode.token == token, DeskCode.kind == CHECKIN)).first()
    return CodeFacts(*row) if row else None


def _refusal(facts: CodeFacts) -> str | None:
    # The same rules as DeskCode.state() and services.campaign_refusal(), on plain values.
    now = now_utc()
    if facts.revoked_at is not None:
        return "revoked"
    if facts.valid_until is not None and now >= facts.valid_until:
        return "expired"
    if facts.valid_from is not None and now < facts.valid_from:
        return "not_yet"
    today = local_today()
    if today > facts.end_date:
        return "campaign_ended"
    if today < facts.start_date:
        return "campaign_not_started"
    return None


def _allowed_services(facts: CodeFacts) -> set[int]:
    """Return the desk's services, else the campaign's, else every service."""
    rows = db.session.execute(sa.union_all(
        sa.select(sa.literal(1), help_desk_services.c.service_id)
        .where(help_desk_services.c.desk_id == facts.desk_id),
        sa.select(sa.literal(2), campaign_services.c.service_id)
        .where(campaign_services.c.campaign_id == facts.campaign_id))).all()
    for level in (1, 2):
        found = {service_id for source, service_id in rows if source == level}
        if found:
            return found
    return set(db.session.execute(sa.select(Service.id)).scalars())


def _sent_before(submission_id: str):
    """Return ("registration", desk_id, name_folded) or ("refusal", id, reason), or None."""
    return db.session.execute(sa.union_all(
        sa.select(sa.literal("registration"), Registration.desk_id, Registration.name_folded)
        .where(Registration.submission_id == submission_id),
        sa.select(sa.literal("refusal"), RefusedSubmission.id, RefusedSubmission.reason)
        .where(RefusedSubmission.submission_id == submission_id))).first()


def pre_register(facts: CodeFacts, *, submission_id: str, full_name: str, phone: str | None,
                 hamlet_id: int | None, service_ids: list[int], consent: bool) -> str:
    """Put a citizen in the desk's queue; return the submission id the ticket is under.

    A replay (same submission id, same desk and name) returns at once and stores nothing.
    """
    submission_id = check_submission_id(submission_id)
    before = _sent_before(submission_id)
    if before is not None:
        kind, ref, detail = before
        if kind == "refusal":
            raise RefusedError(db.session.get(RefusedSubmission, ref))
        if ref != facts.desk_id or detail != fold(full_name):
            raise DomainError(_l("Biểu mẫu này đã được gửi cho một người khác. Hãy tải lại "
                                 "trang để đăng ký người mới."))
        return submission_id
    name = clean_name(full_name)
    phone = clean_phone(phone, required=True)
    if not consent:
        raise DomainError(_l("Cần đánh dấu đồng ý để đăng ký."), "consent")
    _check_hamlet_id(facts.campaign_id, hamlet_id)
    allowed = _allowed_services(facts)
    chosen = [sid for sid in dict.fromkeys(service_ids) if sid in allowed]
    if not chosen:
        raise DomainError(_l("Hãy chọn ít nhất một dịch vụ cần hỗ trợ."), "services")
    reason = _refusal(facts)
    if reason:
        payload = {"full_name": name, "phone": phone, "hamlet_id": hamlet_id,
                   "service_ids": chosen, "token": facts.token}
        raise RefusedError(refuse(submission_id, reason, source=QR, payload=payload,
                                  desk=db.session.get(HelpDesk, facts.desk_id)))
    today = local_today()
    # From here on the database holds its write lock until the view commits: keep it short.
    number = next_queue_number(facts.desk_id, today)
    registration_id = db.session.execute(
        sa.insert(Registration).returning(Registration.id),
        [{"submission_id": submission_id, "campaign_id": facts.campaign_id,
          "event_id": facts.event_id, "desk_id": facts.desk_id, "hamlet_id": hamlet_id,
          "source": QR, "status": WAITING, "queue_day": today, "queue_number": number,
          "full_name": name, "name_folded": fold(name), "phone": phone,
          "consent_at": now_utc(), "created_at": now_utc()}]).scalar_one()
    db.session.execute(sa.insert(RegService), [
        {"registration_id": registration_id, "service_id": sid} for sid in chosen])
    # No history row: the record's own created_at and source say who made it and when.
    return submission_id
