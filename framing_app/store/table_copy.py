"""Every row of every project table, as the drivers store it, for copies between backends.

A server project is backed up into a project file, and a project file is
pushed into a server database, table by table and row by row with the ids
they have. The tables are those of the ORM metadata, each after the tables
it refers to, so a table that a later migration adds is copied without
anyone having to remember it. Rows travel in storage form (the drivers'
own values: times as ISO 8601 text, integers, text, booleans), never
through the ORM, whose per-value processing would only cost time; the one
difference between the backends, booleans (SQLite's 0/1, PostgreSQL's
``boolean``), is mended by :func:`storage_rows`.

Ids are copied as they are. What each backend keeps so that it never hands
out an id twice, a PostgreSQL sequence or SQLite's ``sqlite_sequence``
(``AUTOINCREMENT``), can be ahead of the highest id left (deleted rows): it
is carried across as a high-water mark, so an id that once named a deleted
annotation (in an exported CSV, a memo, an undo step) is not given to
another one after the copy either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, Table, exc, text

from framing_app.store.models import Base

__all__ = [
    "begin_snapshot",
    "copy_into_server",
    "count_rows",
    "file_high_waters",
    "lock_for_load",
    "project_tables",
    "read_rows",
    "select_all",
    "serial_tables",
    "server_high_water",
    "set_file_high_waters",
    "set_server_high_water",
    "storage_rows",
]


def project_tables() -> list[Table]:
    """Every table of the project schema (the version stamp aside), parents before children."""
    return list(Base.metadata.sorted_tables)


def serial_tables() -> list[Table]:
    """The tables whose integer id the database draws (a sequence, a rowid)."""
    return [table for table in project_tables() if table.autoincrement_column is not None]


def _quoted(name: str) -> str:
    # Every name of the schema is lower case ASCII: quoted the same on both backends.
    return f'"{name}"'


def select_all(table: Table) -> str:
    """SQL for every row of *table*, every column in the table's order, in key order."""
    columns = ", ".join(_quoted(column.name) for column in table.columns)
    key = ", ".join(_quoted(column.name) for column in table.primary_key.columns)
    return f"SELECT {columns} FROM {_quoted(table.name)} ORDER BY {key}"


def storage_rows(table: Table, rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """*rows* of *table* as either driver takes them: booleans as ``bool``.

    SQLite stores a boolean as 0/1, and psycopg sends a Python int as an
    integer, which PostgreSQL will not put in a ``boolean`` column.
    """
    flags = [isinstance(column.type, Boolean) for column in table.columns]
    if not any(flags):
        return [tuple(row) for row in rows]
    return [
        tuple(
            bool(value) if flag and value is not None else value
            for value, flag in zip(row, flags, strict=True)
        )
        for row in rows
    ]


def read_rows(conn: Connection, table: Table, chunk: int) -> Iterator[list[tuple[Any, ...]]]:
    """Every row of *table* on *conn*, in key order, *chunk* rows at a time, in storage form.

    A server reads through a server-side cursor, so a large table never has
    to fit in memory at once.
    """
    streamed = conn.execution_options(stream_results=True, max_row_buffer=chunk)
    result = streamed.exec_driver_sql(select_all(table))
    # The size is given here too: without it, a driver-SQL result fetches all at once.
    for part in result.partitions(chunk):
        yield storage_rows(table, part)


def copy_into_server(
    conn: Connection, table: Table, chunks: Iterable[Sequence[Sequence[Any]]]
) -> int:
    """Write every row of *chunks* (storage form, every column in the table's order) into
    *table* on the PostgreSQL connection *conn* with one ``COPY ... FROM STDIN``; the count.

    COPY rather than ``executemany``: each row of an executemany is a
    statement of its own, with the statement-level triggers of
    :mod:`framing_app.store.server_notify` run for each, and COPY took less
    than half the time (README, "Backups"). A driver error comes out as
    SQLAlchemy's (:class:`~sqlalchemy.exc.DBAPIError` and its kinds), as from
    any other statement.
    """
    columns = ", ".join(_quoted(column.name) for column in table.columns)
    sql = f"COPY {_quoted(table.name)} ({columns}) FROM STDIN"
    driver: Any = conn.connection.dbapi_connection
    base = conn.dialect.loaded_dbapi.Error
    copied = 0
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for chunk in chunks:
                for row in chunk:
                    copy.write_row(row)
                copied += len(chunk)
    except base as error:
        raise exc.DBAPIError.instance(sql, None, error, base) from None
    return copied


def count_rows(conn: Connection, table: Table) -> int:
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM {_quoted(table.name)}").scalar_one())


def begin_snapshot(conn: Connection) -> None:
    """Make *conn*'s transaction, not yet begun, one read-only snapshot of the whole server.

    ``SERIALIZABLE READ ONLY DEFERRABLE`` (PostgreSQL documentation, ``SET
    TRANSACTION``): every table is read as of one moment, and the
    transaction waits, if it must, for a snapshot that no concurrent
    transaction can later make inconsistent; it takes no locks that would
    hold up the coders meanwhile.
    """
    conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE")
    found = conn.exec_driver_sql("SHOW transaction_isolation").scalar_one()
    if found != "serializable":  # a statement ran before: the snapshot would be a lie
        raise RuntimeError(f"the snapshot began too late (isolation {found})")


def lock_for_load(conn: Connection) -> None:
    """Hold every project table against other writers (not readers) until the transaction ends.

    A load checks that the database is empty and then fills it: nobody may
    write in between.
    """
    names = ", ".join(_quoted(table.name) for table in project_tables())
    conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def server_high_water(conn: Connection, table: Table) -> int:
    """The highest id *table*'s sequence has handed out, or its highest id if that is higher.

    Sequences are outside transactions: read in a snapshot, this can only
    be higher than the snapshot's ids, never lower. 0 for a table with no id yet.
    """
    column = table.autoincrement_column
    assert column is not None, f"{table.name} has no serial id"
    sequence = conn.execute(
        text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
    ).scalar_one()
    drawn = 0
    if sequence is not None:
        # NULL until the sequence's first nextval.
        last = conn.execute(
            text("SELECT pg_sequence_last_value(CAST(:s AS regclass))"), {"s": sequence}
        ).scalar_one()
        drawn = int(last or 0)
    return max(drawn, _highest_id(conn, table))


def set_server_high_water(conn: Connection, table: Table, mark: int) -> None:
    """Make *table*'s sequence hand out ids above *mark* and above every id in the table."""
    column = table.autoincrement_column
    assert column is not None, f"{table.name} has no serial id"
    mark = max(mark, _highest_id(conn, table))
    # setval(.., 1, false): the next id is 1, for a table that never had a row.
    conn.execute(
        text("SELECT setval(pg_get_serial_sequence(:t, :c), :v, :called)"),
        {"t": table.name, "c": column.name, "v": max(mark, 1), "called": mark > 0},
    )


def _highest_id(conn: Connection, table: Table) -> int:
    column = table.autoincrement_column
    assert column is not None, f"{table.name} has no serial id"
    sql = f"SELECT max({_quoted(column.name)}) FROM {_quoted(table.name)}"
    return int(conn.exec_driver_sql(sql).scalar_one() or 0)


def file_high_waters(conn: sqlite3.Connection) -> dict[str, int]:
    """Per serial table of a project file, the higher of ``sqlite_sequence``'s mark and max(id)."""
    try:
        kept = conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
    except sqlite3.OperationalError:  # no AUTOINCREMENT table in the file
        kept = []
    marks = {str(name): int(seq or 0) for name, seq in kept}
    found: dict[str, int] = {}
    for table in serial_tables():
        column = table.autoincrement_column
        assert column is not None
        highest = conn.execute(
            f"SELECT max({_quoted(column.name)}) FROM {_quoted(table.name)}"
        ).fetchone()[0]
        found[table.name] = max(marks.get(table.name, 0), int(highest or 0))
    return found


def set_file_high_waters(conn: Connection, marks: Mapping[str, int]) -> None:
    """Write *marks* into a project file's ``sqlite_sequence``, for its ``AUTOINCREMENT`` tables.

    Only those tables keep a mark; the others' next id is always their
    highest plus one, whatever is written here.
    """
    conn.exec_driver_sql("DELETE FROM sqlite_sequence")
    rows = [
        (table.name, marks[table.name])
        for table in serial_tables()
        if table.dialect_options["sqlite"]["autoincrement"] and marks.get(table.name, 0) > 0
    ]
    if rows:
        conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", rows)
