"""The database handle, the declarative base and shared column types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from operator import itemgetter
from typing import Annotated, Any, NamedTuple

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, mapped_column

from fieldops.clock import now_utc

# Stable constraint names, so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; SQLite forgets the zone, so we restore it."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Convert to UTC before storing; naive datetimes are refused."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

#: the largest id an integer column holds on PostgreSQL; a larger one in a path or a form names
#: nothing, and must be answered as such before it reaches a query
MAX_ID = 2**31 - 1

int_pk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[datetime, mapped_column(UTCDateTime, default=now_utc)]


class DriverStatement(NamedTuple):
    """A Core statement compiled once for one dialect, run through a DriverCursor.

    For the few statements where SQLAlchemy's per-call work (~40 us) is most of the cost:
    SQLAlchemy still compiles them and converts values both ways (dates, UTC times), and its
    exception types come out (IntegrityError, ...).
    """

    sql: str
    #: parameter order for positional drivers (sqlite3); None for named ones (psycopg)
    names: tuple[str, ...] | None
    defaults: dict[str, Any]
    processors: dict[str, Callable]
    results: tuple[Callable | None, ...]

    @classmethod
    def compile(cls, statement: sa.Executable, dialect: sa.Dialect,
                column_keys: list[str] | None = None) -> DriverStatement:
        """Compile the statement (an INSERT or UPDATE of the column_keys, if given); keep its
        parameter order, defaults and type converters."""
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
        # dialect_impl: the dialect's own type (SQLite keeps dates and times as text).
        processors = {name: processor for name, bind in compiled.binds.items()
                      if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))}
        results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                        for column in getattr(statement, "selected_columns", ()))
        names = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        return cls(compiled.string, names,
                   {name: bind.value for name, bind in compiled.binds.items()}, processors,
                   results)

    def _converted(self, values: dict) -> dict:
        plain = {**self.defaults, **values}
        for name, convert in self.processors.items():
            plain[name] = convert(plain[name])
        return plain

    def parameters(self, values: dict) -> tuple | dict:
        """Return the driver's parameters, converted as SQLAlchemy would."""
        plain = self._converted(values)
        return plain if self.names is None else tuple(plain[name] for name in self.names)

    def many(self, shared: dict, rows: list[dict]) -> list[tuple | dict]:
        """Return the driver's parameters for many rows of the same keys; what they all share
        (a timestamp, an id) is converted once, not once a row."""
        keys = rows[0].keys() if rows else ()
        varying = [(name, convert) for name, convert in self.processors.items() if name in keys]
        common = {**self.defaults, **shared}
        for name, convert in self.processors.items():
            if name not in keys:
                common[name] = convert(common[name])
        # itemgetter builds each positional row in C: this loop runs once per row of a batch.
        pick = itemgetter(*self.names) if self.names and len(self.names) > 1 else None
        result = []
        for row in rows:
            plain = {**common, **row}
            for name, convert in varying:
                plain[name] = convert(plain[name])
            result.append(plain if self.names is None else pick(plain) if pick
                          else tuple(plain[n] for n in self.names))
        return result

    def row(self, raw: tuple | None) -> tuple | None:
        """Convert a row the driver returned, as SQLAlchemy would."""
        if raw is None or not self.results:
            return raw
        return tuple(convert(value) if convert else value
                     for convert, value in zip(self.results, raw, strict=True))


class DriverCursor:
    """The driver's own cursor on a SQLAlchemy connection, for DriverStatements."""

    def __init__(self, connection: sa.Connection) -> None:
        self.cursor = connection.connection.dbapi_connection.cursor()
        self.error = connection.dialect.loaded_dbapi.Error

    def __enter__(self) -> DriverCursor:
        return self

    def __exit__(self, *exc_info) -> None:
        self.cursor.close()

    def run(self, statement: DriverStatement, values: dict, many: list[dict] | None = None):
        """Execute the statement (for each of `many`, if given); return the driver's cursor."""
        parameters = (statement.many(values, many) if many is not None
                      else statement.parameters(values))
        try:
            if many is not None:
                self.cursor.executemany(statement.sql, parameters)
            else:
                self.cursor.execute(statement.sql, parameters)
        except self.error as error:
            raise sa.exc.DBAPIError.instance(statement.sql, parameters, error,
                                             self.error) from error
        return self.cursor

    def first(self, statement: DriverStatement, values: dict) -> tuple | None:
        """Execute the statement and return its first row, converted."""
        return statement.row(self.run(statement, values).fetchone())
