"""The citizen's pre-registration from a desk's QR code: the busiest write of a launch morning.

Written with SQLAlchemy Core statements built once, and as few round trips as the rules allow
(one lookup of the code; one read for the replay check, the hamlet and the services; then the
queue upsert and two inserts, a single statement on PostgreSQL), because a crowd scans at once
and every write waits for the one before it (on SQLite the database, elsewhere the desk's
queue counter).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql

from fieldops.areas.models import Area
from fieldops.campaigns.models import Campaign, Service, campaign_services
from fieldops.checkin.models import QR, WAITING, QueueCounter, RefusedSubmission, Registration
from fieldops.checkin.models import RegistrationService as RegService
from fieldops.checkin.services import (
    HAMLET_OUTSIDE,
    HAMLET_REQUIRED,
    RefusedError,
    check_submission_id,
    clean_name,
    clean_phone,
    dates_refusal,
    hamlet_in_campaign,
    local_today,
    next_queue_number,
    refuse,
)
from fieldops.db import db, now_utc
from fieldops.errors import DomainError
from fieldops.events.models import (
    CHECKIN,
    DeskCode,
    HelpDesk,
    LaunchEvent,
    code_state,
    help_desk_services,
)
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


# Statements are built once at import, from plain tables, and run on the session's connection:
# building and key-caching a statement per request cost more than the SQLite round trip.
_code, _desk, _event, _campaign = (DeskCode.__table__, HelpDesk.__table__, LaunchEvent.__table__,
                                   Campaign.__table__)
_registration, _refused = Registration.__table__, RefusedSubmission.__table__
_CODE_FACTS = (
    sa.select(_code.c.token, _code.c.desk_id, _desk.c.event_id, _campaign.c.id,
              _campaign.c.start_date, _campaign.c.end_date, _code.c.valid_from,
              _code.c.valid_until, _code.c.revoked_at)
    .join(_desk, _desk.c.id == _code.c.desk_id)
    .join(_event, _event.c.id == _desk.c.event_id)
    .join(_campaign, _campaign.c.id == _event.c.campaign_id)
    .where(_code.c.token == sa.bindparam("token"), _code.c.kind == CHECKIN))

# Everything pre_register reads about a submission, in one round trip: the replay check
# (a registration, else a refusal, under the submission id), whether the hamlet lies in the
# campaign, and the services of the desk and of the campaign. Code facts are not cached: a
# revoked or re-windowed code must refuse at once, in every worker process.
_submission = sa.bindparam("submission_id")
_FACTS_OF_SUBMISSION = sa.union_all(
    sa.select(sa.literal("registration"), _registration.c.desk_id, _registration.c.name_folded)
    .where(_registration.c.submission_id == _submission),
    sa.select(sa.literal("refusal"), _refused.c.id, _refused.c.reason)
    .where(_refused.c.submission_id == _submission),
    hamlet_in_campaign(sa.literal("hamlet"), Area.__table__.c.id, sa.null()),
    sa.select(sa.literal("desk_service"), help_desk_services.c.service_id, sa.null())
    .where(help_desk_services.c.desk_id == sa.bindparam("desk_id")),
    sa.select(sa.literal("campaign_service"), campaign_services.c.service_id, sa.null())
    .where(campaign_services.c.campaign_id == sa.bindparam("campaign_id")))
_ALL_SERVICES = sa.select(Service.__table__.c.id)
_INSERT_REGISTRATION = _registration.insert().returning(_registration.c.id)
_INSERT_SERVICES = RegService.__table__.insert()
_VALUES = ("submission_id", "campaign_id", "event_id", "desk_id", "hamlet_id", "source", "status",
           "queue_day", "full_name", "name_folded", "phone", "consent_at", "created_at")


def _postgresql_write() -> sa.Insert:
    """Return one statement that takes the queue number and inserts the record and services."""
    counter, links = QueueCounter.__table__, RegService.__table__
    number = (postgresql.insert(counter)
              .values(desk_id=sa.bindparam("desk_id"), day=sa.bindparam("queue_day"),
                      last_number=1)
              .on_conflict_do_update(index_elements=["desk_id", "day"],
                                     set_={"last_number": counter.c.last_number + 1})
              .returning(counter.c.last_number).cte("number"))
    registration = (_registration.insert().from_select(
        [*_VALUES, "queue_number"],
        sa.select(*(sa.bindparam(c, type_=_registration.c[c].type) for c in _VALUES),
                  number.c.last_number))
        .returning(_registration.c.id).cte("registration"))
    service_ids = sa.bindparam("service_ids", type_=postgresql.ARRAY(sa.Integer))
    return links.insert().from_select(
        ["registration_id", "service_id"],
        sa.select(registration.c.id, sa.func.unnest(service_ids, type_=sa.Integer)))


_POSTGRESQL_WRITE = _postgresql_write()


def code_facts(token: str) -> CodeFacts | None:
    """Return the facts of a check-in token in one query, or None for an unknown token."""
    row = db.session.connection().execute(_CODE_FACTS, {"token": token}).first()
    return CodeFacts(*row) if row else None


def _refusal(facts: CodeFacts) -> str | None:
    state = code_state(facts.revoked_at, facts.valid_from, facts.valid_until, now_utc())
    if state != "valid":
        return state
    return dates_refusal(facts.start_date, facts.end_date)


def _allowed_services(found: dict[str, set[int]]) -> set[int]:
    """Return the desk's services, else the campaign's, else every service."""
    return (found["desk_service"] or found["campaign_service"]
            or set(db.session.connection().execute(_ALL_SERVICES).scalars()))


def pre_register(facts: CodeFacts, *, submission_id: str, full_name: str, phone: str | None,
                 hamlet_id: int | None, service_ids: list[int], consent: bool) -> str:
    """Put a citizen in the desk's queue; return the submission id the ticket is under.

    A replay (same submission id, same desk and name) returns at once and stores nothing.
    """
    submission_id = check_submission_id(submission_id)
    # An id no integer column can hold names no hamlet (and must not fail the replay check).
    hamlet_key = hamlet_id if hamlet_id and -2**31 <= hamlet_id < 2**31 else None
    rows = db.session.connection().execute(_FACTS_OF_SUBMISSION, {
        "submission_id": submission_id, "hamlet_id": hamlet_key,
        "campaign_id": facts.campaign_id, "desk_id": facts.desk_id}).all()
    found: dict[str, set[int]] = {"hamlet": set(), "desk_service": set(),
                                  "campaign_service": set()}
    before = None
    for kind, ref, detail in rows:
        if kind in found:
            found[kind].add(ref)
        elif before is None:
            before = (kind, ref, detail)
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
    # The same rule as services._check_hamlet_id, answered by the query above.
    if not hamlet_id:
        raise DomainError(HAMLET_REQUIRED, "hamlet_id")
    if not found["hamlet"]:
        raise DomainError(HAMLET_OUTSIDE, "hamlet_id")
    allowed = _allowed_services(found)
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
    values = {"submission_id": submission_id, "campaign_id": facts.campaign_id,
              "event_id": facts.event_id, "desk_id": facts.desk_id, "hamlet_id": hamlet_id,
              "source": QR, "status": WAITING, "queue_day": today, "full_name": name,
              "name_folded": fold(name), "phone": phone, "consent_at": now_utc(),
              "created_at": now_utc()}
    # From here on the database holds its write lock (on PostgreSQL, the desk's counter row)
    # until the view commits: keep it short.
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # One round trip instead of three; a failed insert undoes the number with the rest.
        connection.execute(_POSTGRESQL_WRITE, {**values, "service_ids": chosen})
        return submission_id
    number = next_queue_number(facts.desk_id, today)
    registration_id = connection.execute(
        _INSERT_REGISTRATION, {**values, "queue_number": number}).scalar_one()
    connection.execute(_INSERT_SERVICES, [
        {"registration_id": registration_id, "service_id": sid} for sid in chosen])
    # No history row: the record's own created_at and source say who made it and when.
    return submission_id
