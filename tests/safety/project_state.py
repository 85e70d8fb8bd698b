"""What a project file and the files around it hold, read independently of framing-app.

The safety tests compare these before and after a fault: every row of every
table (read with the standard library's ``sqlite3``), SQLite's own integrity
and foreign-key checks, and the bytes of every other file in a folder.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Collection
from pathlib import Path
from typing import Any

# Columns the program fills with the clock at the time of a command: two
# complete runs of the same import differ there and nowhere else.
CLOCK_COLUMNS = frozenset({"imported_at", "created_at", "updated_at"})

Rows = dict[str, list[tuple[Any, ...]]]


def _connect(path: Path) -> sqlite3.Connection:
    """A connection that never creates a missing file (mode=rw) and copes with '#' or '?'."""
    if not path.is_file():
        raise AssertionError(f"{path}: the project file is gone")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)


def table_rows(path: Path, *, without: Collection[str] = ()) -> Rows:
    """Every row of every table of the SQLite file *path*, sorted, and its schema.

    Columns named in *without* are left out (see :data:`CLOCK_COLUMNS`). A file
    that is no longer a database fails the test with SQLite's reason.
    """
    connection = _connect(path)
    try:
        schema = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        rows: Rows = {"(schema)": schema}
        for (table,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall():
            columns = [
                name
                for _, name, *_ in connection.execute(f'PRAGMA table_info("{table}")').fetchall()
                if name not in without
            ]
            quoted = ", ".join(f'"{name}"' for name in columns)
            order = ", ".join(str(i) for i in range(1, len(columns) + 1))
            rows[table] = connection.execute(
                f'SELECT {quoted} FROM "{table}" ORDER BY {order}'
            ).fetchall()
        return rows
    except sqlite3.DatabaseError as error:
        raise AssertionError(f"{path}: cannot be read as a SQLite database ({error})") from None
    finally:
        connection.close()


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` report; [] when sound."""
    connection = _connect(path)
    try:
        problems = [
            f"integrity: {message}"
            for (message,) in connection.execute("PRAGMA integrity_check").fetchall()
            if message != "ok"
        ]
        problems += [
            f"foreign key: {table} row {rowid} -> {parent} (constraint {number})"
            for table, rowid, parent, number in connection.execute(
                "PRAGMA foreign_key_check"
            ).fetchall()
        ]
        return problems
    except sqlite3.DatabaseError as error:
        return [f"cannot be read as a SQLite database ({error})"]
    finally:
        connection.close()


def with_sidecars(project: Path) -> set[Path]:
    """The project file and the write-ahead log and shared-memory files SQLite keeps beside it."""
    return {project, Path(f"{project}-wal"), Path(f"{project}-shm"), Path(f"{project}-journal")}


def folder_digests(root: Path, *, skip: Collection[Path] = ()) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under *root* (links by their target, not followed).

    Files in *skip* are left out. A file that appears, disappears or changes
    between two calls shows in the comparison of their results.
    """
    skipped = {Path(p) for p in skip}
    digests: dict[str, str] = {}
    for folder, folders, files in os.walk(root):
        for name in sorted(folders + files):
            path = Path(folder) / name
            if path in skipped:
                continue
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                digests[relative] = f"link -> {os.readlink(path)}"
            elif path.is_file():
                digest = hashlib.sha256()
                with path.open("rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
                digests[relative] = digest.hexdigest()
    return digests


def rows_difference(before: Rows, after: Rows) -> str:
    """The tables that differ between two :func:`table_rows` results: row counts and a first row."""
    lines = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old != new:
            added = [row for row in new if row not in old][:1]
            gone = [row for row in old if row not in new][:1]
            lines.append(
                f"  {table}: {len(old)} -> {len(new)} rows; "
                f"first added {_short(added)}, first gone {_short(gone)}"
            )
    return "\n".join(lines)


def _short(rows: list[tuple[Any, ...]]) -> str:
    text = repr(rows[0]) if rows else "none"
    return text if len(text) <= 200 else text[:199] + "…"
