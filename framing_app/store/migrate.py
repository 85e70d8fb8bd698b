"""Bring a project database to the schema this version knows, safely.

On open: a new, empty database gets the whole schema (and its first rows) in
one transaction; an older one is copied to a timestamped, checked backup and
then upgraded in one transaction, under one write lock; if the backup cannot
be made, nothing is upgraded. A database written by a newer framing-app, or
one that is not a framing-app project at all, is refused before anything is
written to it.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, insert, inspect, text

from framing_app import __version__
from framing_app.core.errors import SchemaError, StorageError
from framing_app.store.engine import public_url, sqlite_path, write_options
from framing_app.store.models import SchemaChange
from framing_app.store.server_security import lock_for_schema_change
from framing_app.store.sqlite_backup import PART_SUFFIX, CopyError, copy_database, remove_files

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
# A backup is STEM.backup-STAMP[-N]SUFFIX; while being written it is the hidden
# .STEM.backup-STAMP[-N]SUFFIX.part, which no glob for backups matches.
BACKUP_MARK = ".backup-"


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
    """Copy the SQLite database at *path* beside it, named ``STEM.backup-STAMP[-N]SUFFIX``.

    Promises: the returned file is new (never an older backup overwritten), a
    complete copy made with SQLite's online backup API (consistent even with
    a write-ahead log beside the file), checked (``PRAGMA quick_check``, same
    page count and schema as the original), and on disk (file and folder
    fsynced). The copy is written under a hidden temporary name
    (``.NAME.part``) and renamed only then, so no file named like a backup is
    ever anything less, even if the process is killed. Temporary copies left
    by an interrupted backup of the same project are removed first. The
    original is opened so that SQLite can never create it. (The copying is
    :func:`framing_app.store.sqlite_backup.copy_database`'s.)

    Raises :class:`StorageError` (one line: why, and what to do) when the copy
    cannot be written, leaving no file of its own behind.

    The caller holds the project's write lock (as :func:`migrate` does): the
    original cannot change during the copy, and no other process can be
    writing the temporary copy that this one would remove.
    """
    path = path.absolute()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}{BACKUP_MARK}{stamp}{path.suffix}")
    counter = 2
    while target.exists():
        target = path.with_name(f"{path.stem}{BACKUP_MARK}{stamp}-{counter}{path.suffix}")
        counter += 1
    try:
        # A killed backup's leftovers can be large: clear them before needing the room.
        remove_files(_leftover_parts(path))
        copy_database(path, target)
    except CopyError as error:
        raise _backup_failure(path, error) from None
    return target


def _leftover_parts(path: Path) -> list[Path]:
    """Temporary copies (and their SQLite side files) of interrupted backups of *path*."""
    pattern = re.compile(
        rf"\.{re.escape(path.stem)}{re.escape(BACKUP_MARK)}\d{{8}}T\d{{6}}Z(-\d+)?"
        rf"{re.escape(path.suffix)}{re.escape(PART_SUFFIX)}(-journal|-wal|-shm)?"
    )
    return [entry for entry in path.parent.iterdir() if pattern.fullmatch(entry.name)]


def _backup_failure(path: Path, error: CopyError) -> StorageError:
    """One line: the backup failed, why, and what the user can do about it."""
    number = error.number
    if number in (errno.ENOSPC, errno.EDQUOT):
        advice = "free some space on the disk, then open it again"
    elif number in (errno.EROFS, errno.EACCES, errno.EPERM):
        advice = "copy the project to a writable folder and open it there"
    else:
        advice = "free some space or copy the project somewhere writable, then open it again"
    return StorageError(
        f"{path}: cannot back up the project before upgrading it ({error.reason}); "
        f"nothing was changed; {advice}"
    )


def migrate(
    engine: Engine,
    script_location: Path = MIGRATIONS_DIR,
    *,
    on_create: Callable[[Connection], None] | None = None,
    after: Callable[[Connection], None] | None = None,
    create: bool = True,
) -> MigrationResult:
    """Create or upgrade the schema of *engine*'s database to the newest revision.

    Raises :class:`SchemaError` (and changes nothing) for a database stamped
    with a revision this version does not know (written by a newer
    framing-app) or holding tables but no framing-app version stamp.

    An older SQLite database is first copied by :func:`backup_sqlite`; if the
    copy fails, :class:`StorageError` is raised and nothing is upgraded. The
    backup and the upgrade happen under one write lock, so the backup is
    exactly the database that was upgraded. *on_create* runs on the upgrade's
    connection when the schema was created from nothing, inside the same
    transaction: a new database gets its schema and initial rows together, or
    nothing at all. *after* runs last in that transaction whenever the schema
    changed (a server's grants and policies for the tables now there). With
    ``create=False`` an empty database raises :class:`SchemaError` instead.
    Every creation or upgrade is recorded in ``schema_change``: revisions,
    who (the server login, or the operating system's user), which program.

    On PostgreSQL the change holds the database's schema-change advisory lock,
    so two leads migrating at once run one after the other.
    """
    script = ScriptDirectory.from_config(_config(script_location))
    head = head_revision(script_location)
    where = _describe(engine)
    with engine.connect() as conn:
        current = _checked_revision(conn, script, head, where)
    if current == head:
        return MigrationResult(created=False, upgraded_from=None, backup=None)

    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    config = _config(script_location)
    with schema_change(engine, where) as conn:
        # Another process may have created or upgraded the database while this
        # one waited for the lock: look again, under the lock.
        current = _checked_revision(conn, script, head, where)
        if current == head:
            return MigrationResult(created=False, upgraded_from=None, backup=None)
        if current is None and not create:
            raise SchemaError(f"{where} holds no framing-app project")
        backup = None
        if current is not None and path is not None:
            backup = backup_sqlite(path)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        if current is None and on_create is not None:
            on_create(conn)
        _record_change(conn, current, head)
        if after is not None:
            after(conn)
    return MigrationResult(created=current is None, upgraded_from=current, backup=backup)


@contextlib.contextmanager
def schema_change(engine: Engine, where: str) -> Iterator[Connection]:
    """A connection in a write transaction for migrations; every foreign key checked at the end.

    Commits when the block ends normally, after :func:`_check_foreign_keys`;
    rolls back on an exception.
    """
    with (
        engine.connect().execution_options(**write_options()) as conn,
        _foreign_keys_off(conn),
        conn.begin(),
    ):
        if conn.dialect.name == "postgresql":
            lock_for_schema_change(conn)
        yield conn
        _check_foreign_keys(conn, where)


def _record_change(conn: Connection, before: str | None, head: str) -> None:
    """One ``schema_change`` row: *before* -> *head*, by whom, with which program."""
    if conn.dialect.name == "postgresql":
        who = str(conn.execute(text("SELECT session_user")).scalar_one())
    else:
        try:
            who = getpass.getuser()
        except (OSError, KeyError):  # no user name in the environment or passwd
            who = "unknown"
    conn.execute(
        insert(SchemaChange).values(
            from_revision=before,
            to_revision=head,
            changed_by=who,
            program=f"framing-app {__version__}",
            changed_at=datetime.now(UTC),
        )
    )


@contextlib.contextmanager
def _foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while the upgrade rebuilds tables, on again after.

    SQLite's procedure for a table rebuild (lang_altertable.html, "Making
    Other Kinds Of Table Schema Changes"): a table that others refer to
    cannot be dropped and replaced with enforcement on. The pragma only
    works outside a transaction, so it is set on the driver's connection
    before ``BEGIN``; the upgrade checks every key before it commits
    (:func:`_check_foreign_keys`). The connection goes back to the pool with
    enforcement on, or is thrown away.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        try:
            raw.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error:
            conn.invalidate()
            raise


def _check_foreign_keys(conn: Connection, where: str) -> None:
    """Refuse to commit an upgrade that left a row pointing at nothing."""
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _key = broken[0]
        raise SchemaError(
            f"{where}: the upgrade would leave {len(broken)} row(s) pointing at nothing "
            f"({table} row {rowid} -> {parent}); nothing was changed"
        )


def checked_revision(
    engine: Engine, script_location: Path = MIGRATIONS_DIR, *, where: str | None = None
) -> str | None:
    """The database's schema revision (None: empty), without changing anything.

    Raises :class:`SchemaError` for a database of a newer framing-app or one
    that is not a framing-app project, as :func:`migrate` does; its message
    names the database *where* (the path or URL as the user gave it).
    """
    script = ScriptDirectory.from_config(_config(script_location))
    where = where or _describe(engine)
    with engine.connect() as conn:
        return _checked_revision(conn, script, head_revision(script_location), where)


def _checked_revision(
    conn: Connection, script: ScriptDirectory, head: str, where: str
) -> str | None:
    """The database's revision, after refusing a foreign or newer database."""
    current = MigrationContext.configure(conn).get_current_revision()
    tables = set(inspect(conn).get_table_names())
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
    return current


def _describe(engine: Engine) -> str:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is not None:
        return str(path)
    # No password, not even as ***, and not the application_name the engine added.
    return public_url(engine.url.difference_update_query(["application_name"]))
