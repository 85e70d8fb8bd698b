"""A new SQLite database file that gets its name only when complete, and never over another file.

The file is written under :func:`~framing_app.store.sqlite_backup.part_path`
(``.NAME.part`` beside the target), checked, flushed to disk and then given
the target's name with a hard link, which fails if the name exists, where
a rename would replace whatever file has it. So the target either does not
exist or is the whole database, even if the process is killed at any
moment; a killed run leaves only its hidden ``.part`` file, which the next
run to the same target removes (:func:`start`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from framing_app.store.sqlite_backup import CopyError, part_path, remove_files, sqlite_files

__all__ = ["abandon", "check", "finish", "start"]


def start(target: Path) -> Path:
    """Create the empty temporary file for *target*; its path.

    What a killed run to the same *target* left behind is removed first. The
    file is created exclusively (never one that someone else made meanwhile:
    :class:`FileExistsError`), with the permissions the user's umask gives
    any file they save. Raises :class:`CopyError` for a failure of the file
    system.
    """
    part = part_path(target.absolute())
    remove_files(sqlite_files(part))
    try:
        os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        raise
    except OSError as error:
        raise CopyError.of(error) from None
    return part


def check(part: Path, counts: Mapping[str, int]) -> None:
    """Raise :class:`CopyError` unless *part* is sound and holds *counts* rows per table.

    ``PRAGMA integrity_check``, then ``count(*)`` of each table; and no
    write-ahead log or journal may be left beside it, since the name given
    to *part* would leave them behind: every connection must be closed.
    """
    try:
        connection = sqlite3.connect(part)  # a plain name: never parsed as a URI
        try:
            found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if found != ["ok"]:
                raise CopyError(f"the copy is damaged: {'; '.join(found)[:200]}")
            for table, wanted in counts.items():
                rows = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                if rows != wanted:
                    raise CopyError(f"the copy has {rows} rows of {table}, not {wanted}")
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise CopyError.of(error) from None
    # The last connection's close folds the log into the file and deletes it.
    left = [side.name for side in sqlite_files(part)[1:] if side.exists()]
    if left:
        raise CopyError(f"the copy is still open ({', '.join(left)} beside it)")


def finish(part: Path, target: Path) -> None:
    """Flush *part* to disk and give it the name *target*, durably.

    Raises :class:`FileExistsError` when *target* exists (it appeared while
    the file was written: it is never replaced), :class:`CopyError` for a
    failure of the file system. Either way *part* stays, for the caller to
    :func:`abandon`.
    """
    try:
        descriptor = os.open(part, os.O_RDWR)  # Windows flushes only a handle open for writing
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            os.link(part, target)
        except FileExistsError:
            raise
        except OSError:
            # No hard links on this file system (FAT, some network shares): look, then rename.
            if os.path.lexists(target):
                raise FileExistsError(target) from None
            os.replace(part, target)
        else:
            with contextlib.suppress(OSError):  # the target is whole; start() clears this later
                part.unlink()
    except FileExistsError:
        raise
    except OSError as error:
        raise CopyError.of(error) from None
    _fsync_folder(target.parent)


def abandon(part: Path) -> None:
    """Remove *part* and any side file SQLite made for it, as far as the file system allows."""
    for own in sqlite_files(part):
        with contextlib.suppress(OSError):  # a read-only folder refuses even that
            own.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """Make the new name survive a power cut (POSIX; Windows cannot open a folder)."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
