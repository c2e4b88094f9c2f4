"""The citizen POST's fast writer: one small class per database behind one interface.

A crowd scans at once and every write waits for the one before it (on SQLite the database, on
PostgreSQL the desk's queue counter), so the POST is written for the fewest round trips and the
shortest lock: statements built once from plain tables, one read for everything the rules need
(`Writer.facts`: the code, an earlier copy of the submission, the same person's live ticket),
then the record (`register`) or the refusal (`refuse`), all on the POST's own
connection and without an ORM session. On PostgreSQL the record is one statement in autocommit
mode, which commits as it ends; on SQLite it is BEGIN IMMEDIATE, three statements, COMMIT.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from fieldops.campaigns.models import Campaign, Service, campaign_services
from fieldops.checkin.models import (
    QR,
    SAME_PERSON_WHERE,
    QueueCounter,
    RefusedSubmission,
    Registration,
)
from fieldops.checkin.models import RegistrationService as RegService
from fieldops.checkin.rules import hamlet_in_campaign
from fieldops.clock import now_utc
from fieldops.db import DriverCursor, DriverStatement, db
from fieldops.events.models import CHECKIN, DeskCode, HelpDesk, LaunchEvent, help_desk_services


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
    refused_reason: str | None
    #: the submission id of this person's live ticket at the desk today (same phone and name)
    same_person: str | None
    hamlet_ok: bool
    desk_services: str | None
    campaign_services: str | None
    #: what the refusal page shows
    table_label: str
    organisation: str
    event_title: str


def _facts_query(dialect: str) -> sa.Select:
    """Build the one read: the code's facts, the replay check, the hamlet and the services."""
    code, desk, event, campaign = (DeskCode.__table__, HelpDesk.__table__, LaunchEvent.__table__,
                                   Campaign.__table__)
    registration, refused = Registration.__table__, RefusedSubmission.__table__
    submission = sa.bindparam("submission_id", type_=sa.String)
    live = registration.alias("live")
    # The same predicate as uq_registration_same_person, so that index answers it.
    same_person = (sa.select(live.c.submission_id)
                   .where(live.c.desk_id == code.c.desk_id,
                          live.c.queue_day == sa.bindparam("day", type_=sa.Date),
                          live.c.phone == sa.bindparam("phone", type_=sa.String),
                          live.c.name_folded == sa.bindparam("name_folded", type_=sa.String),
                          SAME_PERSON_WHERE)
                   .scalar_subquery())

    def services_of(links: sa.Table, key: sa.Column, owner: sa.Column) -> sa.ScalarSelect:
        ids = sa.cast(links.c.service_id, sa.String)
        # Each dialect's own "1,2,3" (aggregate_strings would bind the comma on every call).
        listed = (sa.func.string_agg(ids, sa.literal_column("','")) if dialect == "postgresql"
                  else sa.func.group_concat(ids))
        return sa.select(listed).where(key == owner).scalar_subquery()

    return (
        sa.select(
            code.c.token, code.c.desk_id, desk.c.event_id, campaign.c.id, campaign.c.start_date,
            campaign.c.end_date, code.c.valid_from, code.c.valid_until, code.c.revoked_at,
            # An earlier copy of this submission, stored or refused (both keys are unique).
            registration.c.desk_id, registration.c.name_folded, refused.c.reason, same_person,
            sa.exists(hamlet_in_campaign(sa.literal(1), campaign_id=campaign.c.id)),
            services_of(help_desk_services, help_desk_services.c.desk_id, code.c.desk_id),
            services_of(campaign_services, campaign_services.c.campaign_id, campaign.c.id),
            desk.c.table_label, desk.c.organisation, event.c.title)
        .join_from(code, desk, desk.c.id == code.c.desk_id)
        .join(event, event.c.id == desk.c.event_id)
        .join(campaign, campaign.c.id == event.c.campaign_id)
        .outerjoin(registration, registration.c.submission_id == submission)
        .outerjoin(refused, refused.c.submission_id == submission)
        .where(code.c.token == sa.bindparam("token"), code.c.kind == CHECKIN))


def _insert(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _queue_upsert(dialect: str) -> sa.Insert:
    """Return the upsert that bumps and returns a desk's number for :day."""
    counter = QueueCounter.__table__
    stmt = _insert(dialect)(counter).values(
        desk_id=sa.bindparam("desk_id"), day=sa.bindparam("day"), last_number=1)
    # Concurrent callers serialise on the counter row: no two get the same number.
    return stmt.on_conflict_do_update(
        index_elements=["desk_id", "day"], set_={"last_number": counter.c.last_number + 1},
    ).returning(counter.c.last_number)


def next_queue_number(connection: sa.Connection, desk_id: int, day: date) -> int:
    """Take a desk's next queue number for a day, on the caller's connection and transaction."""
    return connection.execute(_queue_upsert(connection.dialect.name),
                              {"desk_id": desk_id, "day": day}).scalar_one()


def _refusal(dialect: str) -> sa.Insert:
    """Return the insert of a refusal, kept once per submission id."""
    return _insert(dialect)(RefusedSubmission.__table__).on_conflict_do_nothing(
        index_elements=["submission_id"])


_VALUES = ("submission_id", "campaign_id", "event_id", "desk_id", "hamlet_id", "source", "status",
           "queue_day", "full_name", "name_folded", "phone", "consent_at", "created_at")


def _postgresql_write() -> sa.Insert:
    """Return one statement that takes the queue number and inserts the record and services."""
    registration, links = Registration.__table__, RegService.__table__
    number = _queue_upsert("postgresql").cte("number")
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
    return (_queue_upsert("sqlite"),
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


class Writer:
    """The POST's own connection: read the facts, then register the citizen or the refusal."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.statements = _statements(connection.dialect)

    def facts(self, token: str, submission_id: str, hamlet_id: int | None, *, day: date,
              phone: str | None, name_folded: str) -> Facts | None:
        """Return the facts for this token, submission and person, or None for an unknown token."""
        values = {"token": token, "submission_id": submission_id, "hamlet_id": hamlet_id,
                  "day": day, "phone": phone, "name_folded": name_folded}
        with DriverCursor(self.connection) as cursor:
            row = cursor.first(self.statements.facts, values)
        return Facts(*row) if row else None

    def every_service(self) -> set[int]:
        """Return every service's id (for a desk and campaign that name none)."""
        return set(self.connection.execute(_ALL_SERVICES).scalars())

    def refuse(self, facts: Facts, submission_id: str, reason: str, payload: dict) -> None:
        """Store a refused submission with its reason, once per submission id."""
        # Rare, so plain SQLAlchemy; on this connection, so a refusal costs no second one.
        self.connection.execute(_refusal(self.connection.dialect.name), {
            "submission_id": submission_id, "reason": reason, "source": QR,
            "desk_id": facts.desk_id, "campaign_id": facts.campaign_id, "user_id": None,
            "refused_at": now_utc(),
            "payload": json.dumps(payload, ensure_ascii=False, default=str)})

    def register(self, values: dict, service_ids: list[int],
                 also: list[sa.Executable]) -> None:
        """Give the citizen the desk's next number and store the record and its services.

        `also` runs in the same transaction: what the features after check-in keep in step
        (checkin.signals).
        """
        raise NotImplementedError


class PostgreSQLWriter(Writer):
    """One statement in autocommit mode: it commits as it ends, holding the counter row least."""

    def register(self, values: dict, service_ids: list[int],
                 also: list[sa.Executable]) -> None:
        """Take the number and insert the record and services in one round trip."""
        write, = self.statements.writes
        parameters = {**values, "day": values["queue_day"], "service_ids": service_ids}
        if also:
            # Something else must change with the record: one transaction around them all
            # (a pre-registration counts nowhere today, so this is not the usual path).
            self.connection.exec_driver_sql("BEGIN")
        with DriverCursor(self.connection) as cursor:
            # A failed insert undoes the number with the rest.
            cursor.run(write, parameters)
        if also:
            for statement in also:
                self.connection.execute(statement)
            self.connection.exec_driver_sql("COMMIT")


class SQLiteWriter(Writer):
    """BEGIN IMMEDIATE, three statements, COMMIT: the database's one write lock, held least."""

    def register(self, values: dict, service_ids: list[int],
                 also: list[sa.Executable]) -> None:
        """Take the number, insert the record, then its services, under the write lock."""
        # IMMEDIATE waits (busy timeout) for the lock here, not halfway through the writes;
        # the read before it ran outside any transaction (the sqlite3 module's default).
        self.connection.exec_driver_sql("BEGIN IMMEDIATE")
        number, registration, services = self.statements.writes
        with DriverCursor(self.connection) as cursor:
            queue_number = cursor.first(number, {"desk_id": values["desk_id"],
                                                 "day": values["queue_day"]})[0]
            cursor.run(registration, {**values, "queue_number": queue_number})
            cursor.run(services, {"registration_id": cursor.cursor.lastrowid},
                       many=[{"service_id": sid} for sid in service_ids])
        for statement in also:
            self.connection.execute(statement)


@contextmanager
def open_writer() -> Iterator[Writer]:
    """Yield the POST's writer on its own connection; commit on leaving, undo on an error."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # The record is one statement: let it be its own transaction, committed as it ends.
            writer = PostgreSQLWriter(connection.execution_options(isolation_level="AUTOCOMMIT"))
        else:
            writer = SQLiteWriter(connection)
        try:
            yield writer
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
