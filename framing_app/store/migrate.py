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
import os
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
from sqlalchemy import Connection, Engine, inspect

from framing_app.core.errors import SchemaError, StorageError
from framing_app.store.engine import sqlite_path, write_options

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
# A backup is STEM.backup-STAMP[-N]SUFFIX; while being written it is the hidden
# .STEM.backup-STAMP[-N]SUFFIX.part, which no glob for backups matches.
BACKUP_MARK = ".backup-"
PART_SUFFIX = ".part"
# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_SQLITE_READONLY = 8
_SQLITE_FULL = 13


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
    original is opened so that SQLite can never create it.

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
    part = target.with_name(f".{target.name}{PART_SUFFIX}")
    renamed = False
    try:
        # A killed backup's leftovers can be large: clear them before needing the room.
        for leftover in _leftover_parts(path):
            leftover.unlink(missing_ok=True)
        _copy_checked(path, part)
        _fsync(part)
        os.replace(part, target)
        renamed = True
        _fsync_folder(path.parent)
    except (sqlite3.Error, OSError, _BadCopy) as error:
        for own in (*_sqlite_files(part), *([target] if renamed else [])):
            with contextlib.suppress(OSError):  # a read-only folder refuses even that
                own.unlink(missing_ok=True)
        raise _backup_failure(path, error) from None
    return target


class _BadCopy(Exception):
    """The finished copy does not match the original."""


def _sqlite_uri(path: Path, mode: str) -> str:
    """A ``file:`` URI for *path* that SQLite reads back as exactly that path.

    ``as_uri`` percent-encodes per RFC 3986 (``#``, ``?``, ``%``, spaces,
    non-ASCII as UTF-8), which is what SQLite decodes in a URI filename.
    """
    return f"{path.as_uri()}?mode={mode}"


def _copy_checked(path: Path, part: Path) -> None:
    # O_EXCL: never write into a file someone else made; 0o666 lets the umask decide
    # permissions, as for any file the user saves.
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    # mode=rw: an existing file only (SQLite can never create the original), and,
    # unlike mode=ro, a connection that cleans up the -wal/-shm it may open.
    source = sqlite3.connect(_sqlite_uri(path, "rw"), uri=True)
    try:
        copy = sqlite3.connect(part)  # a plain file name: never parsed as a URI
        try:
            # A failed copy is deleted, never rolled back: a journal would only cost room.
            copy.execute("PRAGMA journal_mode=OFF")
            source.backup(copy)
        finally:
            copy.close()
        pages = source.execute("PRAGMA page_count").fetchone()[0]
        schema = source.execute(_SCHEMA_QUERY).fetchall()
    finally:
        source.close()
    copy = sqlite3.connect(part)
    try:
        check = [row[0] for row in copy.execute("PRAGMA quick_check")]
        if check != ["ok"]:
            raise _BadCopy(f"the copy is damaged: {'; '.join(check)[:200]}")
        if copy.execute("PRAGMA page_count").fetchone()[0] != pages:
            raise _BadCopy("the copy has a different size")
        if copy.execute(_SCHEMA_QUERY).fetchall() != schema:
            raise _BadCopy("the copy has a different schema")
    finally:
        copy.close()


_SCHEMA_QUERY = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows flushes only a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in *folder* survive a power cut (POSIX; Windows cannot open a folder)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sqlite_files(database: Path) -> list[Path]:
    """*database* and the journal, WAL and shared-memory files SQLite may put beside it."""
    return [
        database,
        *(database.with_name(database.name + s) for s in ("-journal", "-wal", "-shm")),
    ]


def _leftover_parts(path: Path) -> list[Path]:
    """Temporary copies (and their SQLite side files) of interrupted backups of *path*."""
    pattern = re.compile(
        rf"\.{re.escape(path.stem)}{re.escape(BACKUP_MARK)}\d{{8}}T\d{{6}}Z(-\d+)?"
        rf"{re.escape(path.suffix)}{re.escape(PART_SUFFIX)}(-journal|-wal|-shm)?"
    )
    return [entry for entry in path.parent.iterdir() if pattern.fullmatch(entry.name)]


def _backup_failure(path: Path, error: Exception) -> StorageError:
    """One line: the backup failed, why, and what the user can do about it."""
    code = getattr(error, "sqlite_errorcode", None)
    number = error.errno if isinstance(error, OSError) else None
    if code is not None and code & 0xFF == _SQLITE_FULL:
        number = errno.ENOSPC
    elif code is not None and code & 0xFF == _SQLITE_READONLY:
        number = errno.EROFS
    if number is not None:
        reason = os.strerror(number)
    else:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if number in (errno.ENOSPC, errno.EDQUOT):
        advice = "free some space on the disk, then open it again"
    elif number in (errno.EROFS, errno.EACCES, errno.EPERM):
        advice = "copy the project to a writable folder and open it there"
    else:
        advice = "free some space or copy the project somewhere writable, then open it again"
    return StorageError(
        f"{path}: cannot back up the project before upgrading it ({reason}); "
        f"nothing was changed; {advice}"
    )


def migrate(
    engine: Engine,
    script_location: Path = MIGRATIONS_DIR,
    *,
    on_create: Callable[[Connection], None] | None = None,
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
    nothing at all.
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
        backup = None
        if current is not None and path is not None:
            backup = backup_sqlite(path)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        if current is None and on_create is not None:
            on_create(conn)
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
        yield conn
        _check_foreign_keys(conn, where)


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
    return str(path) if path is not None else engine.url.render_as_string(hide_password=True)
