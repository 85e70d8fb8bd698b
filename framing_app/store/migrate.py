"""Bring a project database to the schema this version knows, safely.

On open: a new, empty database gets the whole schema; an older one is copied
to a timestamped backup and upgraded in one transaction; a database written
by a newer framing-app, or one that is not a framing-app project at all, is
refused before anything is written to it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, inspect

from framing_app.core.errors import SchemaError
from framing_app.store.engine import sqlite_path, write_options

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class MigrationResult:
    created: bool  # the schema was created from nothing
    upgraded_from: str | None  # revision before an upgrade
    backup: Path | None  # copy taken before the upgrade


def _config(script_location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


def head_revision(script_location: Path = MIGRATIONS_DIR) -> str:
    heads = ScriptDirectory.from_config(_config(script_location)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(path: Path, now: datetime | None = None) -> Path:
    """Copy the SQLite file at *path* beside it, named with the UTC time.

    Uses SQLite's online backup API rather than a file copy, so the copy is
    consistent even with a write-ahead log beside the file.
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    counter = 2
    while target.exists():
        target = path.with_name(f"{path.stem}.backup-{stamp}-{counter}{path.suffix}")
        counter += 1
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target


def migrate(engine: Engine, script_location: Path = MIGRATIONS_DIR) -> MigrationResult:
    """Create or upgrade the schema of *engine*'s database to the newest revision.

    Raises :class:`SchemaError` (and changes nothing) for a database stamped
    with a revision this version does not know (written by a newer
    framing-app) or holding tables but no framing-app version stamp.
    """
    script = ScriptDirectory.from_config(_config(script_location))
    head = head_revision(script_location)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    where = _describe(engine)
    if current is None and tables - {VERSION_TABLE}:
        raise SchemaError(
            f"{where} is not a framing-app project (it has tables "
            f"{', '.join(sorted(tables)[:5])} but no framing-app schema version)"
        )
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:
            raise SchemaError(
                f"{where} was written by a newer version of framing-app "
                f"(schema {current}; this version knows up to {head}); "
                "upgrade framing-app to open it"
            ) from None
    if current == head:
        return MigrationResult(created=False, upgraded_from=None, backup=None)

    backup = None
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if current is not None and path is not None:
        backup = backup_sqlite(path)
    config = _config(script_location)
    with engine.connect().execution_options(**write_options()) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return MigrationResult(created=current is None, upgraded_from=current, backup=backup)


def _describe(engine: Engine) -> str:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    return str(path) if path is not None else engine.url.render_as_string(hide_password=True)
