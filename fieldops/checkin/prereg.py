"""The citizen's pre-registration from a desk's QR code: the busiest write of a launch morning.

A crowd scans at once and every write waits for the one before it (on SQLite the database, on
PostgreSQL the desk's queue counter), so this path is written for the fewest round trips and
the shortest lock: statements built once from plain tables, one read for everything the rules
need, then the write. It runs on its own connection and the view holds the transaction
(`transaction()`): on PostgreSQL the write is one statement in autocommit mode, which commits
as it ends; on SQLite it is BEGIN IMMEDIATE, three statements, COMMIT. No ORM session is
involved unless the submission is refused or the form must be drawn again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql
from werkzeug.datastructures import MultiDict

from fieldops.campaigns.models import Campaign, Service, campaign_services
from fieldops.checkin.models import QR, WAITING, RefusedSubmission, Registration
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
    queue_upsert,
    refuse,
)
from fieldops.db import DriverCursor, DriverStatement, db, now_utc
from fieldops.errors import DomainError, DomainErrors
from fieldops.events.models import (
    CHECKIN,
    DeskCode,
    HelpDesk,
    LaunchEvent,
    code_state,
    help_desk_services,
)
from fieldops.text import fold

#: what WTForms' BooleanField reads as unticked; anything else sent for the box is a tick
_UNTICKED = ("", "false")


class Submission(NamedTuple):
    """The citizen's POST as plain values (WTForms only draws the form)."""

    submission_id: str
    full_name: str
    phone: str
    hamlet_id: int | None
    service_ids: list[int]
    consent: bool


def _integer(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    # An id no integer column can hold names nothing (and must not break the query).
    return number if -2**31 <= number < 2**31 else None


def read_submission(form: MultiDict) -> Submission:
    """Read the posted form; values that are not numbers count as not chosen."""
    return Submission(
        submission_id=form.get("submission_id", ""), full_name=form.get("full_name", ""),
        phone=form.get("phone", ""), hamlet_id=_integer(form.get("hamlet_id")),
        service_ids=[n for n in map(_integer, form.getlist("services")) if n is not None],
        consent=form.get("consent", "") not in _UNTICKED)


class Facts(NamedTuple):
    """Everything the rules need to know about one POST, read in one query."""

    token: str
    desk_id: int
    event_id: int
    campaign_id: int
    start_date: date
    end_date: date
    valid_from: datetime | None
    valid_until: datetime | None
    revoked_at: datetime | None
    earlier_desk_id: int | None
    earlier_name: str | None
    refusal_id: int | None
    hamlet_ok: bool
    desk_services: str | None
    campaign_services: str | None


def _facts_query(dialect: str) -> sa.Select:
    """Build the one read: the code's facts, the replay check, the hamlet and the services."""
    code, desk, event, campaign = (DeskCode.__table__, HelpDesk.__table__, LaunchEvent.__table__,
                                   Campaign.__table__)
    registration, refused = Registration.__table__, RefusedSubmission.__table__
    submission = sa.bindparam("submission_id", type_=sa.String)

    def services_of(links: sa.Table, key: sa.Column, owner: sa.Column) -> sa.ScalarSelect:
        ids = sa.cast(links.c.service_id, sa.String)
        # Each dialect's own "1,2,3" (aggregate_strings would bind the comma on every call).
        listed = (sa.func.string_agg(ids, sa.literal_column("','")) if dialect == "postgresql"
                  else sa.func.group_concat(ids))
        return (sa.select(listed)
                .where(key == owner).scalar_subquery())

    return (
        sa.select(
            code.c.token, code.c.desk_id, desk.c.event_id, campaign.c.id, campaign.c.start_date,
            campaign.c.end_date, code.c.valid_from, code.c.valid_until, code.c.revoked_at,
            # An earlier copy of this submission, stored or refused (both keys are unique).
            registration.c.desk_id, registration.c.name_folded, refused.c.id,
            sa.exists(hamlet_in_campaign(sa.literal(1), campaign_id=campaign.c.id)),
            services_of(help_desk_services, help_desk_services.c.desk_id, code.c.desk_id),
            services_of(campaign_services, campaign_services.c.campaign_id, campaign.c.id))
        .join_from(code, desk, desk.c.id == code.c.desk_id)
        .join(event, event.c.id == desk.c.event_id)
        .join(campaign, campaign.c.id == event.c.campaign_id)
        .outerjoin(registration, registration.c.submission_id == submission)
        .outerjoin(refused, refused.c.submission_id == submission)
        .where(code.c.token == sa.bindparam("token"), code.c.kind == CHECKIN))


_VALUES = ("submission_id", "campaign_id", "event_id", "desk_id", "hamlet_id", "source", "status",
           "queue_day", "full_name", "name_folded", "phone", "consent_at", "created_at")


def _postgresql_write() -> sa.Insert:
    """Return one statement that takes the queue number and inserts the record and services."""
    registration, links = Registration.__table__, RegService.__table__
    number = queue_upsert("postgresql").cte("number")
    new = (registration.insert().from_select(
        [*_VALUES, "queue_number"],
        sa.select(*(sa.bindparam(c, type_=registration.c[c].type) for c in _VALUES),
                  number.c.last_number))
        .returning(registration.c.id).cte("registration"))
    service_ids = sa.bindparam("service_ids", type_=postgresql.ARRAY(sa.Integer))
    return links.insert().from_select(
        ["registration_id", "service_id"],
        sa.select(new.c.id, sa.func.unnest(service_ids, type_=sa.Integer)))


def _sqlite_writes() -> tuple[sa.Insert, sa.Insert, sa.Insert]:
    """Return the queue upsert and the two inserts SQLite runs inside BEGIN IMMEDIATE."""
    registration, links = Registration.__table__, RegService.__table__
    return (queue_upsert("sqlite"),
            registration.insert().values(
                {c: sa.bindparam(c) for c in (*_VALUES, "queue_number")}),
            links.insert().values(registration_id=sa.bindparam("registration_id"),
                                  service_id=sa.bindparam("service_id")))


class _Statements(NamedTuple):
    facts: DriverStatement
    writes: tuple[DriverStatement, ...]


# Compiled once per process for the database in use, and run on the driver's cursor: here
# SQLAlchemy's work per statement (~40 us) was most of a statement's cost, and on SQLite it was
# spent holding the one write lock every other worker waits for. Code facts are never cached:
# a revoked or re-windowed code must refuse at once, in every worker process.
_COMPILED: dict[str, _Statements] = {}
_ALL_SERVICES = sa.select(Service.__table__.c.id)


def _statements(dialect: sa.Dialect) -> _Statements:
    """Return the facts read and the writes, compiled for this dialect."""
    found = _COMPILED.get(dialect.name)
    if found is None:
        writes = ((_postgresql_write(),) if dialect.name == "postgresql" else _sqlite_writes())
        found = _COMPILED[dialect.name] = _Statements(
            DriverStatement.compile(_facts_query(dialect.name), dialect),
            tuple(DriverStatement.compile(write, dialect) for write in writes))
    return found


class Transaction:
    """The POST's own connection; `write()` opens the short write transaction where needed."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self.statements = _statements(connection.dialect)

    def write(self) -> None:
        """Take the write lock now (SQLite); PostgreSQL's single statement needs none."""
        if not self.postgresql:
            # IMMEDIATE waits (busy timeout) for the lock here, not halfway through the writes;
            # the reads before it ran outside any transaction (the sqlite3 module's default).
            self.connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def transaction() -> Iterator[Transaction]:
    """Yield the check-in POST's connection; commit its write on leaving, undo it on an error."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # The write is one statement: let it be its own transaction, committed as it ends.
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield Transaction(connection)
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def read_facts(tx: Transaction, token: str, submission: Submission) -> Facts | None:
    """Return the facts for this token and submission, or None for an unknown token."""
    values = {"token": token, "submission_id": submission.submission_id.strip(),
              "hamlet_id": submission.hamlet_id}
    with DriverCursor(tx.connection) as cursor:
        row = cursor.first(tx.statements.facts, values)
    return Facts(*row) if row else None


def _allowed_services(tx: Transaction, facts: Facts) -> set[int]:
    """Return the desk's services, else the campaign's, else every service."""
    listed = facts.desk_services or facts.campaign_services
    if listed:
        return {int(n) for n in listed.split(",")}
    return set(tx.connection.execute(_ALL_SERVICES).scalars())


def _refusal(facts: Facts) -> str | None:
    state = code_state(facts.revoked_at, facts.valid_from, facts.valid_until, now_utc())
    if state != "valid":
        return state
    return dates_refusal(facts.start_date, facts.end_date)


def _check_fields(tx: Transaction, facts: Facts,
                  submission: Submission) -> tuple[str, str, list[int]]:
    """Return the clean name, phone and chosen services, or raise every field's problem."""
    problems: list[DomainError] = []

    def checked(rule, *args):
        try:
            return rule(*args)
        except DomainError as error:
            problems.append(error)
            return None

    name = checked(clean_name, submission.full_name)
    phone = checked(clean_phone, submission.phone, True)
    if not submission.consent:
        problems.append(DomainError(_l("Cần đánh dấu đồng ý để đăng ký."), "consent"))
    # The same rule as services._check_hamlet_id, answered by the one read.
    if not submission.hamlet_id:
        problems.append(DomainError(HAMLET_REQUIRED, "hamlet_id"))
    elif not facts.hamlet_ok:
        problems.append(DomainError(HAMLET_OUTSIDE, "hamlet_id"))
    allowed = _allowed_services(tx, facts)
    chosen = [sid for sid in dict.fromkeys(submission.service_ids) if sid in allowed]
    if not chosen:
        problems.append(DomainError(_l("Hãy chọn ít nhất một dịch vụ cần hỗ trợ."), "services"))
    if problems:
        raise problems[0] if len(problems) == 1 else DomainErrors(problems)
    return name, phone, chosen


def pre_register(tx: Transaction, facts: Facts, submission: Submission) -> str:
    """Put a citizen in the desk's queue; return the submission id the ticket is under.

    A replay (same submission id, same desk and name) returns at once and stores nothing. A
    refusal is added to the ORM session (the view commits it) and raised as RefusedError.
    """
    submission_id = check_submission_id(submission.submission_id)
    if facts.refusal_id is not None:
        raise RefusedError(db.session.get(RefusedSubmission, facts.refusal_id))
    # name_folded is never NULL: a name means the outer join found a stored copy.
    if facts.earlier_name is not None:
        if facts.earlier_desk_id != facts.desk_id or facts.earlier_name != fold(
                submission.full_name):
            raise DomainError(_l("Biểu mẫu này đã được gửi cho một người khác. Hãy tải lại "
                                 "trang để đăng ký người mới."))
        return submission_id
    name, phone, chosen = _check_fields(tx, facts, submission)
    reason = _refusal(facts)
    if reason:
        payload = {"full_name": name, "phone": phone, "hamlet_id": submission.hamlet_id,
                   "service_ids": chosen, "token": facts.token}
        raise RefusedError(refuse(submission_id, reason, source=QR, payload=payload,
                                  desk=db.session.get(HelpDesk, facts.desk_id)))
    today, now = local_today(), now_utc()
    values = {"submission_id": submission_id, "campaign_id": facts.campaign_id,
              "event_id": facts.event_id, "desk_id": facts.desk_id,
              "hamlet_id": submission.hamlet_id, "source": QR, "status": WAITING,
              "queue_day": today, "full_name": name, "name_folded": fold(name), "phone": phone,
              "consent_at": now, "created_at": now}
    # From here to the end of the view's `with` the write lock is held: keep it short.
    tx.write()
    with DriverCursor(tx.connection) as cursor:
        if tx.postgresql:
            # One round trip; a failed insert undoes the number with the rest.
            write, = tx.statements.writes
            cursor.run(write, {**values, "day": today, "service_ids": chosen})
        else:
            number, registration, services = tx.statements.writes
            values["queue_number"] = cursor.first(number, {"desk_id": facts.desk_id,
                                                            "day": today})[0]
            cursor.run(registration, values)
            cursor.run(services, {"registration_id": cursor.cursor.lastrowid},
                       many=[{"service_id": sid} for sid in chosen])
    # No history row: the record's own created_at and source say who made it and when.
    return submission_id
