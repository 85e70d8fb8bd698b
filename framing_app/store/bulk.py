"""Bulk inserts that go straight to the database driver."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    skip_existing: bool = False,
) -> None:
    """INSERT *rows* (values for *columns*, in that order) into *table* with one executemany.

    The values must already be in storage form: SQLAlchemy's per-value type
    processing is skipped, which is most of the cost of inserting hundreds of
    thousands of rows (times must be :func:`framing_app.core.timestamps.iso_utc`
    text, not datetimes). The statement is compiled for the session's dialect,
    so the SQL and its parameter style stay portable. With *skip_existing*, a
    row whose key is taken is left out (``ON CONFLICT DO NOTHING``), also when
    another transaction took it since this one looked: on PostgreSQL writers
    do not queue as they do on SQLite.
    """
    if not rows:
        return
    connection = session.connection()
    statement: Insert = insert(table)
    if skip_existing and connection.dialect.name == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing()
    elif skip_existing:
        statement = sqlite.insert(table).on_conflict_do_nothing()
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(columns))
    params: Sequence[Any]
    if compiled.positiontup is not None:
        order = [columns.index(name) for name in compiled.positiontup]
        if order == list(range(len(columns))):
            params = rows
        else:
            params = [tuple(row[i] for i in order) for row in rows]
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)
