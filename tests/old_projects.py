"""Project files at an older schema revision, as an earlier framing-app left them.

The schema comes from the shipped migrations (up to :data:`OLD_REVISION`), the
rows from the standard library's ``sqlite3`` (``executemany`` builds a
project of many megabytes in well under a second), and the file is in WAL
mode like every project framing-app has written. Row counts and revisions are
read back with ``sqlite3`` too, independently of the application's code.
:func:`upgrade_database`, :func:`revisions_after` and
:func:`database_revision` work on a PostgreSQL database as well.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from raw_db import raw_connection

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.store.engine import create_project_engine, sqlite_url
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision, schema_change

# The first schema; the shipped migrations go further (0002 adds indexes), so
# opening one of these files is a real upgrade.
OLD_REVISION = "0001"
STAMP = "2025-01-01T00:00:00.000000Z"


def make_old_project(
    path: Path, *, articles: int = 3, text_chars: int = 2_000, journal_mode: str = "wal"
) -> dict[str, int]:
    """Create *path* at schema :data:`OLD_REVISION` and return its rows per table.

    It holds the default codebook, two coders, *articles* articles of
    *text_chars* characters each, one annotation and one coding status per
    article. The file is closed cleanly (no ``-wal``/``-shm`` beside it).
    *journal_mode* "delete" makes the rarer file that never got WAL mode.
    """
    assert head_revision() != OLD_REVISION, "the upgrade tests need an older revision"
    upgrade_old_project(path, OLD_REVISION)
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA journal_mode={journal_mode}")
        with conn:
            conn.executemany(
                "INSERT INTO label (name, definition, color, shortcut, position, archived,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (s.name, s.definition, s.color, s.shortcut, i, s.archived, STAMP)
                    for i, s in enumerate(DEFAULT_LABELS)
                ],
            )
            conn.executemany(
                "INSERT INTO coder (name, created_at) VALUES (?, ?)",
                [("alice", STAMP), ("bob", STAMP)],
            )
            body = ("Sovereignty and universal rights. " * (text_chars // 34 + 1))[:text_chars]
            conn.executemany(
                "INSERT INTO article (id, external_id, title, text, sha256, char_count, origin,"
                " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (n, f"a{n}", f"Article {n}", f"{n} {body}", f"{n:064x}", len(body) + 2,
                     "test", STAMP)
                    for n in range(1, articles + 1)
                ),
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO annotation (article_id, coder_id, label_id, start_offset,"
                " end_offset, memo, created_at, updated_at) VALUES (?, 1, 1, 0, 5, '', ?, ?)",
                ((n, STAMP, STAMP) for n in range(1, articles + 1)),
            )
            conn.executemany(
                "INSERT INTO coding_status (coder_id, article_id, status, updated_at)"
                " VALUES (1, ?, 'done', ?)",
                ((n, STAMP) for n in range(1, articles + 1)),
            )
    finally:
        conn.close()
    return table_counts(path)


def upgrade_old_project(path: Path, target: str) -> None:
    """Bring the project at *path* to schema revision *target* with the shipped
    migrations, as the framing-app of that revision would have (no backup)."""
    upgrade_database(sqlite_url(path), target, where=str(path))


def upgrade_database(
    url: str, target: str, script_location: Path = MIGRATIONS_DIR, *, where: str | None = None
) -> None:
    """Bring the database at *url* (a SQLite file or a server database) to revision *target*.

    The migrations in *script_location* run in one transaction on a
    connection of :func:`create_project_engine`, through
    :func:`schema_change` as :func:`framing_app.store.migrate.migrate` runs
    them, but with no backup and no check of what the database holds: the
    framing-app of that revision upgrading (or creating) it. *where* names
    the database in messages.
    """
    engine = create_project_engine(url)
    config = Config()
    config.set_main_option("script_location", str(script_location))
    try:
        with schema_change(engine, where or url) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
    finally:
        engine.dispose()


def revisions_after(revision: str, script_location: Path = MIGRATIONS_DIR) -> list[str]:
    """Every revision after *revision* up to the head, oldest first: one per upgrade step.

    Read from the script directory, so a revision added later is included.
    """
    config = Config()
    config.set_main_option("script_location", str(script_location))
    script = ScriptDirectory.from_config(config)
    steps: list[str] = []
    step: Script | None = script.get_revision(head_revision(script_location))
    while step is not None and step.revision != revision:
        steps.append(step.revision)
        down = step.down_revision
        assert down is None or isinstance(down, str), f"{step.revision} merges {down}"
        step = script.get_revision(down) if down is not None else None
    assert step is not None, f"revision {revision} is not below the head"
    return steps[::-1]


def database_revision(url: str) -> str | None:
    """The schema revision stamped in the database at *url* (either backend), read by its driver."""
    with raw_connection(url) as conn:
        found = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'alembic_version'"
            if not conn.sqlite
            else "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchone()[0]
        if not found:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table (SQLite's own tables and the schema's history left out) of *path*.

    Empty tables are left out too: a table that a newer schema adds (empty
    after the upgrade, like 0004's ``project_setting``) is no change to the
    data, while a table that lost its rows still shows, by going missing.
    """
    assert path.is_file(), f"no database file {path}"
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_change') ORDER BY name"
            )
        ]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        return {table: count for table, count in counts.items() if count}
    finally:
        conn.close()


Dump = dict[str, list[tuple[object, ...]]]


def dump_rows(path: Path) -> Dump:
    """Every row of every table, in key order.

    SQLite's own tables, the version stamp and ``schema_change`` (the log that
    every creation and upgrade adds to, migration 0008) are left out.
    """
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'"
                " AND name NOT IN ('alembic_version', 'schema_change') ORDER BY name"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2').fetchall() for t in tables}
    finally:
        conn.close()


def kept_rows(path: Path, before: Dump) -> Dump:
    """The rows of *path* restricted to the tables and leading columns *before* had.

    A later migration may add a column at the end of a table (0006 adds
    ``coder.consensus``); an upgrade keeps every earlier row when these
    restricted rows equal *before*.
    """
    after = dump_rows(path)
    kept: Dump = {}
    for table, rows in before.items():
        width = len(rows[0]) if rows else 0
        kept[table] = [row[:width] if width else row for row in after.get(table, [])]
    return kept


def revision(path: Path) -> str:
    """The framing-app schema revision stamped in the database file at *path*."""
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of the database file at *path*: ``"ok"`` when sound."""
    conn = sqlite3.connect(path)
    try:
        return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()
