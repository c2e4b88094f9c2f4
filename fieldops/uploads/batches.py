"""Batched reads and writes for imports: thousands of rows in a few statements."""

from __future__ import annotations

import sqlalchemy as sa

from fieldops.db import DriverCursor, DriverStatement, db


def write_many(statement: sa.Insert | sa.Update, rows: list[dict],
               shared: dict | None = None) -> None:
    """Run an INSERT or UPDATE once for each row (all of the same keys) in one executemany.

    SQLAlchemy converts each row's values itself (about 10 us a row, more than the write);
    here the statement is compiled once for the batch, what every row shares (`shared`: a
    timestamp, a user) is converted once, and the driver gets plain tuples. It runs in the
    session's transaction, so the request's one commit covers it.
    """
    if not rows:
        return
    shared = shared or {}
    connection = db.session.connection()
    columns = [key for key in (*rows[0], *shared) if key in statement.table.c]
    compiled = DriverStatement.compile(statement, connection.dialect, column_keys=columns)
    with DriverCursor(connection) as cursor:
        cursor.run(compiled, shared, many=rows)


#: values bound in one IN (...), well under SQLite's 32,766 and PostgreSQL's 65,535 parameters
IN_CHUNK = 5000


def select_in(statement: sa.Select, column: sa.ColumnElement, values) -> list[sa.Row]:
    """Return the rows of a SELECT whose column is one of the values, read in a few chunks."""
    values = list(dict.fromkeys(values))
    rows: list[sa.Row] = []
    for start in range(0, len(values), IN_CHUNK):
        rows += db.session.execute(
            statement.where(column.in_(values[start:start + IN_CHUNK]))).all()
    return rows


def insert_rows(table: sa.Table, columns: tuple[str, ...], rows: list[tuple],
                shared: dict | None = None) -> None:
    """INSERT rows given as tuples of driver-ready values (text, numbers, None, ISO dates) in
    the order of `columns`, in one executemany; `shared` (a timestamp, an id) is converted by
    its column's type once and added to every row.

    For hundreds of thousands of rows: write_many builds and converts a dict per row, which
    costs as much as the write itself. PostgreSQL gets the rows by COPY.
    """
    if not rows:
        return
    shared = shared or {}
    connection = db.session.connection()
    dialect = connection.dialect
    common = []
    for name, value in shared.items():
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        common.append(convert(value) if convert else value)
    names = (*columns, *shared)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer
    sql = (f"INSERT INTO {quote.format_table(table)} ({', '.join(map(quote.quote, names))}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    tail = tuple(common)
    parameters = [(*row, *tail) for row in rows] if tail else rows
    with DriverCursor(connection) as cursor:
        try:
            if dialect.name == "postgresql":
                # COPY streams the rows in one statement: several times an executemany's speed.
                sql = (f"COPY {quote.format_table(table)} ({', '.join(map(quote.quote, names))}) "
                       "FROM STDIN")
                with cursor.cursor.copy(sql) as copy:
                    for row in parameters:
                        copy.write_row(row)
            else:
                cursor.cursor.executemany(sql, parameters)
        except cursor.error as error:
            raise sa.exc.DBAPIError.instance(sql, parameters[:1], error, cursor.error) from error


def reserve_ids(table: sa.Table, count: int) -> list[int]:
    """Return `count` new primary keys of a table, for rows inserted by insert_rows with their
    ids, so that other rows can point at them without reading them back.

    PostgreSQL hands them out of the table's sequence; SQLite gives a new row max(id) + 1, and
    the caller already holds the write lock (it has written in this transaction), so no one
    else can take these ids before the rows are written.
    """
    if count <= 0:
        return []
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return list(db.session.scalars(sa.text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count}))
    first = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) + 1
    return list(range(first, first + count))


def driver_rows(statement: sa.Select) -> list[tuple]:
    """Return the rows of a SELECT as the driver gives them: plain tuples, no type conversion.

    For reads of hundreds of thousands of rows whose values need none (ids, text; SQLite's
    dates stay ISO text, PostgreSQL's come as dates): a SQLAlchemy Row and its converters
    cost more than the read itself.
    """
    connection = db.session.connection()
    compiled = DriverStatement.compile(statement, connection.dialect)
    with DriverCursor(connection) as cursor:
        raw = cursor.cursor
        raw.execute(compiled.sql, compiled.parameters({}))
        return raw.fetchall()
