"""Bulk inserts that go straight to the database driver."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT *rows* (values for *columns*, in that order) into *table* with one executemany.

    The values must already be in storage form: SQLAlchemy's per-value type
    processing is skipped, which is most of the cost of inserting hundreds of
    thousands of rows (times must be :func:`framing_app.core.timestamps.iso_utc`
    text, not datetimes). The statement is compiled for the session's dialect,
    so the SQL and its parameter style stay portable.
    """
    if not rows:
        return
    connection = session.connection()
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
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
