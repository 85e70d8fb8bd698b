"""A checked, complete copy of a SQLite database at a path of the caller's choosing, atomically.

The one routine that copies a project file, for the backup taken before a
schema upgrade (:mod:`framing_app.store.migrate`) and for the rolling and
on-demand backups (:mod:`framing_app.services.backups`). The copy is made
with SQLite's online backup API (consistent even with a write-ahead log
beside the original), written under a hidden temporary name, checked,
flushed to disk and only then renamed: no file ever has the target's name
unless it is a whole, sound copy, even if the process is killed midway.
Naming, leftovers of killed copies and messages are the callers' business.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

PART_SUFFIX = ".part"
# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_SQLITE_READONLY = 8
_SQLITE_FULL = 13
_SCHEMA_QUERY = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


class CopyError(Exception):
    """A copy could not be made, and nothing of it was left behind.

    *reason* is one line; *number* the ``errno`` the failure comes down to
    when it is the file system's (``ENOSPC``, ``EROFS``, ``EACCES``...), so
    that callers can say what to do about it.
    """

    def __init__(self, reason: str, number: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.number = number

    @classmethod
    def of(cls, error: Exception) -> CopyError:
        """The :class:`CopyError` for a failure of SQLite or of the file system."""
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
        return cls(reason, number)


def part_path(target: Path) -> Path:
    """The hidden name a copy to *target* is written under until it is complete."""
    return target.with_name(f".{target.name}{PART_SUFFIX}")


def sqlite_files(database: Path) -> list[Path]:
    """*database* and the journal, WAL and shared-memory files SQLite may put beside it."""
    return [
        database,
        *(database.with_name(database.name + s) for s in ("-journal", "-wal", "-shm")),
    ]


def remove_files(paths: Iterable[Path]) -> None:
    """Remove *paths* (those missing already are fine); :class:`CopyError` if one stays."""
    try:
        for path in paths:
            path.unlink(missing_ok=True)
    except OSError as error:
        raise CopyError.of(error) from None


def copy_database(source: Path, target: Path) -> None:
    """Make *target* a complete, checked copy of the SQLite database *source*, or nothing.

    Promises: when this returns, *target* is a copy made with SQLite's online
    backup API, checked (``PRAGMA quick_check``, the same page count and
    schema as *source*) and on disk (file and folder fsynced). It was written
    as :func:`part_path` (created exclusively: never a file someone else
    made) and renamed only then, so *target* never names anything less, even
    if the process is killed. *source* is opened so that SQLite can never
    create it.

    Raises :class:`CopyError` when the copy cannot be made or does not check
    out; the temporary file (with any side file SQLite made for it) is then
    removed, and *target* does not exist.

    The caller picks a *target* that does not exist (``os.replace`` would
    replace one) and holds *source*'s write lock, so that the original cannot
    change between the copy and its check and no other process writes the
    same temporary file.
    """
    source, target = source.absolute(), target.absolute()
    part = part_path(target)
    renamed = False
    try:
        _copy_checked(source, part)
        _fsync(part)
        os.replace(part, target)
        renamed = True
        _fsync_folder(target.parent)
    except (sqlite3.Error, OSError, CopyError) as error:
        for own in (*sqlite_files(part), *([target] if renamed else [])):
            with contextlib.suppress(OSError):  # a read-only folder refuses even that
                own.unlink(missing_ok=True)
        raise (error if isinstance(error, CopyError) else CopyError.of(error)) from None


def sqlite_uri(path: Path, mode: str) -> str:
    """A ``file:`` URI for *path* that SQLite reads back as exactly that path.

    ``as_uri`` percent-encodes per RFC 3986 (``#``, ``?``, ``%``, spaces,
    non-ASCII as UTF-8), which is what SQLite decodes in a URI filename.
    """
    return f"{path.absolute().as_uri()}?mode={mode}"


def _copy_checked(path: Path, part: Path) -> None:
    # O_EXCL: never write into a file someone else made; 0o666 lets the umask decide
    # permissions, as for any file the user saves.
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    # mode=rw: an existing file only (SQLite can never create the original), and,
    # unlike mode=ro, a connection that cleans up the -wal/-shm it may open.
    source = sqlite3.connect(sqlite_uri(path, "rw"), uri=True)
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
            problems = " ".join("; ".join(check).split())[:200]  # SQLite's lines, as one
            raise CopyError(f"the copy is damaged: {problems}")
        if copy.execute("PRAGMA page_count").fetchone()[0] != pages:
            raise CopyError("the copy has a different size")
        if copy.execute(_SCHEMA_QUERY).fetchall() != schema:
            raise CopyError("the copy has a different schema")
    finally:
        copy.close()


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
