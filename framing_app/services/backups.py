"""Backups of a SQLite project: rolling ones beside it, one on demand, and restoring one.

Rolling backups live in a ``backups`` folder beside the project file, named
``STEM-YYYYMMDDTHHMMSSZ.sqlite`` (UTC; ``-2``, ``-3``... when two fall in the
same second: never one written over another). Each is a checked, complete
copy made by :func:`framing_app.store.sqlite_backup.copy_database` (SQLite's
online backup API into a hidden ``.NAME.part`` file, renamed when complete),
under the project's write lock, so that two processes never write the same
file. The newest :func:`~framing_app.services.project_settings.backups_kept`
are kept; pruning deletes only files named like this project's backups that
are SQLite databases, never anything else in the folder. Leftovers of a
killed backup are hidden ``.part`` files, which the next backup removes.

When they are made is the front ends' business: the coding window on open
and every :func:`~framing_app.services.project_settings.backup_interval`
minutes of work (:func:`make_backup`), the command line after a command that
changed the project when the newest backup is older than that
(:func:`backup_if_due`), and ``framing-app backup`` (:func:`backup_now`).

:func:`restore` first backs up the project as it is (restoring that backup
undoes the restore), then copies the chosen backup into the live project
file in one transaction, so other programs that have the project open see
either the old database or the restored one.

A server database has no file to copy: these functions refuse it (the
PostgreSQL backup is :func:`_server_backup`'s, still to come).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import exc

from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError, StorageError
from framing_app.services import project_settings
from framing_app.services.other_project import connect_read_only, same_file, upgraded_copy
from framing_app.services.project import Project
from framing_app.services.project_file_source import check_project_file
from framing_app.services.server_transfer import backup_server_to_file
from framing_app.store.engine import write_options
from framing_app.store.migrate import head_revision
from framing_app.store.sqlite_backup import (
    PART_SUFFIX,
    CopyError,
    copy_database,
    part_path,
    remove_files,
    sqlite_files,
)

__all__ = [
    "BACKUPS_FOLDER",
    "BackupInfo",
    "RestoreResult",
    "backup_folder",
    "backup_if_due",
    "backup_now",
    "list_backups",
    "make_backup",
    "restore",
]

BACKUPS_FOLDER = "backups"
BACKUP_SUFFIX = ".sqlite"
_STAMP = "%Y%m%dT%H%M%SZ"
_SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every framing-app project has had since the first schema.
_CORE_TABLES = frozenset({"article", "coder", "label", "annotation", "coding_status"})
# Pages copied per step of a restore: few enough steps to be quick, and the
# first step never the last (see _copy_into).
_RESTORE_STEP_PAGES = 1024
SERVER_HINT = "on a server, use `framing-app --db URL backup --out FILE`"


@dataclass(frozen=True)
class BackupInfo:
    """One rolling backup: its file, when it was made (UTC, from its name), its size in bytes."""

    path: Path
    made: datetime
    size: int


@dataclass(frozen=True)
class RestoreResult:
    """What :func:`restore` did.

    *before* is the backup of the project as it was just before: restoring it
    undoes the restore. *upgraded_from* is the restored backup's own schema
    revision when it was older than this version's (it was upgraded on the
    way in; the backup file itself is unchanged).
    """

    restored: Path
    before: Path
    upgraded_from: str | None = None
    changes: Changes = field(default_factory=Changes.all)


def backup_folder(project: Project) -> Path:
    """Where *project*'s rolling backups are: ``backups`` beside the project file.

    Raises :class:`FramingError` for a server database.
    """
    return _project_file(project).parent / BACKUPS_FOLDER


def list_backups(project: Project) -> list[BackupInfo]:
    """*project*'s rolling backups, newest first (an empty list when there are none).

    Only files named like this project's backups that are SQLite databases
    are listed; other files in the folder, and the hidden leftovers of a
    killed backup, are not. Raises :class:`FramingError` for a server database.
    """
    path = _project_file(project)
    return _own_backups(path.parent / BACKUPS_FOLDER, path.stem)


def make_backup(project: Project, now: datetime | None = None) -> Path:
    """Make a rolling backup of *project* now; the new file's path.

    Promises: a new file (never one written over), a complete, checked copy
    of the project as last committed, on disk; then the oldest backups beyond
    :func:`~framing_app.services.project_settings.backups_kept` are deleted.
    Writers to the project wait for the copy (it holds the write lock).
    Raises :class:`StorageError` (one line: why, what to do) when the copy
    cannot be made, leaving no file of its own; :class:`FramingError` for a
    server database.
    """
    path = _project_file(project)
    keep = project_settings.backups_kept(project)
    with _write_lock(project):
        made = _rolling_copy(path, now or datetime.now(UTC))
        _prune(path, keep)
    return made


def backup_if_due(project: Project, now: datetime | None = None) -> Path | None:
    """A rolling backup when the newest is older than the backup interval (or there is none).

    The new backup's path, or None when none was due, or *project* is on a
    server (nothing to do there yet). Looked at again under the write lock,
    so that processes finishing at the same moment make one backup, not one
    each. Raises what :func:`make_backup` raises.
    """
    path = project.path
    if path is None:
        return None
    now = now or datetime.now(UTC)
    interval = timedelta(minutes=project_settings.backup_interval(project))
    keep = project_settings.backups_kept(project)
    folder = path.parent / BACKUPS_FOLDER
    if not _due(folder, path.stem, now, interval):
        return None
    with _write_lock(project):
        if not _due(folder, path.stem, now, interval):
            return None
        made = _rolling_copy(path, now)
        _prune(path, keep)
    return made


def backup_now(project: Project, out: Path | None = None, now: datetime | None = None) -> Path:
    """Back up *project* now: a rolling backup, or a copy at *out*; the path written.

    With *out*: refused (one line naming *out*, nothing written) when it
    exists (a backup never writes over a file), is a folder, or is the project
    itself or one of its SQLite side files. The copy is complete and checked
    or not there at all (written as a hidden ``.part`` file beside *out*,
    renamed when complete). Raises :class:`FramingError` for a server
    database (for now; see :func:`_server_backup`).
    """
    if out is None:
        return make_backup(project, now)
    out = Path(out)
    if project.path is None:
        return _server_backup(project, out)
    path = _project_file(project)
    _check_out(out, path)
    with _write_lock(project):
        try:
            # A backup to the same file killed before: its temporary copy is ours to clear.
            remove_files(sqlite_files(part_path(out.absolute())))
            copy_database(path, out)
        except CopyError as error:
            raise FramingError(
                f"{out}: cannot write the backup ({error.reason}); the project is unchanged"
                f"{_advice(error)}"
            ) from None
    return out


def restore(project: Project, backup: Path, now: datetime | None = None) -> RestoreResult:
    """Make *project* hold what *backup* holds, after backing up what it holds now.

    Refused before anything is written (one line naming *backup*; the
    project unchanged): no such file, a folder, the project itself, a file
    that is not a framing-app project, one written by a newer framing-app, a
    damaged one. A backup at an older schema is upgraded in a temporary copy
    first (the normal migrations), so the project is never at an old schema,
    even for a moment; the backup file itself is never written.

    Then, in one transaction under the project's write lock: a rolling
    backup of the project as it is (:attr:`RestoreResult.before`; if it
    cannot be made, nothing is restored), and SQLite's backup API copying
    the backup into the project file. Other connections to the project see
    the old database or the restored one, never a mixture. The oldest
    rolling backups beyond the number kept are deleted, except *backup*
    itself. The result's :attr:`~RestoreResult.changes` say that everything
    changed.
    """
    path = _project_file(project)
    backup = Path(backup)
    revision = _check_restorable(backup, path)
    keep = project_settings.backups_kept(project)
    upgraded_from = None
    with contextlib.ExitStack() as stack:
        source_file = backup
        if revision != head_revision():
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="framing-app-")))
            old = connect_read_only(backup)
            try:
                upgraded_copy(old, backup, folder / "restore.sqlite").dispose()
            finally:
                old.close()
            source_file, upgraded_from = folder / "restore.sqlite", revision
        source = connect_read_only(source_file)
        stack.callback(source.close)
        before = _copy_into(project, path, source, backup, keep, now or datetime.now(UTC))
    # Counted as this process's own commit, so the window that restored does
    # not also report it as another program's change.
    project.db.commits += 1
    return RestoreResult(restored=backup, before=before, upgraded_from=upgraded_from)


def _project_file(project: Project) -> Path:
    path = project.path
    if path is None:
        raise FramingError(
            f"{project.location}: rolling backups, listing them and restoring one are for "
            f"SQLite project files; {SERVER_HINT}"
        )
    return path.absolute()


def _server_backup(project: Project, out: Path) -> Path:
    """A server project as a portable project file at *out* (a lead's; see server_transfer)."""
    return backup_server_to_file(project, out).path


@contextlib.contextmanager
def _write_lock(project: Project) -> Iterator[None]:
    """The project's write lock for the block, on a connection of its own; nothing is written.

    A writer elsewhere is waited for up to the busy timeout, then refused in
    one line (try again).
    """
    try:
        with (
            project.db.engine.connect().execution_options(**write_options()) as connection,
            connection.begin(),
        ):
            yield
    except exc.OperationalError as error:
        reason = str(error.orig).splitlines()[0] if error.orig is not None else str(error)
        raise StorageError(
            f"{project.location}: cannot back up the project: {reason} "
            "(another program is writing to it; try again)"
        ) from None


def _name(stem: str, stamp: str, counter: int) -> str:
    return f"{stem}-{stamp}{'' if counter < 2 else f'-{counter}'}{BACKUP_SUFFIX}"


def _pattern(stem: str) -> re.Pattern[str]:
    """Names of *stem*'s backups; group 1 the stamp, group 2 the counter.

    Unambiguous between projects sharing a folder: the stamp follows the
    stem directly, so project ``p``'s pattern never matches ``p-2``'s backups.
    """
    return re.compile(rf"{re.escape(stem)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?{re.escape(BACKUP_SUFFIX)}")


def _own_backups(folder: Path, stem: str) -> list[BackupInfo]:
    """The backups of project *stem* in *folder*, newest first."""
    pattern = _pattern(stem)
    found: list[tuple[datetime, int, BackupInfo]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            made = datetime.strptime(match[1], _STAMP).replace(tzinfo=UTC)
            with open(entry.path, "rb") as handle:
                if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                    continue  # named like a backup, but someone else's file
            size = entry.stat(follow_symlinks=False).st_size
        except (ValueError, OSError):
            continue
        info = BackupInfo(Path(entry.path), made, size)
        found.append((made, int(match[2] or 1), info))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _made, _counter, info in found]


def _due(folder: Path, stem: str, now: datetime, interval: timedelta) -> bool:
    """Whether the newest backup is older than *interval* (or there is none).

    A backup stamped in the future (the clock was put back) does not count:
    otherwise no backup would be made until the clock caught up with it.
    """
    for info in _own_backups(folder, stem):
        if info.made <= now:
            return now - info.made >= interval
    return True


def _rolling_copy(path: Path, now: datetime) -> Path:
    """A new rolling backup of the project file *path*; the caller holds its write lock."""
    folder = path.parent / BACKUPS_FOLDER
    stamp = now.astimezone(UTC).strftime(_STAMP)
    counter = 1
    target = folder / _name(path.stem, stamp, counter)
    try:
        folder.mkdir(exist_ok=True)
        while os.path.lexists(target):
            counter += 1
            target = folder / _name(path.stem, stamp, counter)
    except OSError as error:
        raise _failure(path, folder, CopyError.of(error)) from None
    try:
        # A killed backup's leftovers can be large: clear them before needing the room.
        remove_files(_leftovers(folder, path.stem))
        copy_database(path, target)
    except CopyError as error:
        raise _failure(path, folder, error) from None
    return target


def _leftovers(folder: Path, stem: str) -> list[Path]:
    """Temporary copies (and their SQLite side files) of killed backups of project *stem*."""
    pattern = re.compile(
        rf"\.{_pattern(stem).pattern}{re.escape(PART_SUFFIX)}(?:-journal|-wal|-shm)?"
    )
    return [entry for entry in folder.iterdir() if pattern.fullmatch(entry.name)]


def _prune(path: Path, keep: int, spare: Collection[Path] = ()) -> None:
    """Delete the backups of *path* beyond the newest *keep*, except those in *spare*.

    Best effort: a backup that cannot be deleted stays, and the next backup tries again.
    """
    spared = {p.absolute() for p in spare}
    for info in _own_backups(path.parent / BACKUPS_FOLDER, path.stem)[keep:]:
        if info.path.absolute() in spared:
            continue
        with contextlib.suppress(OSError):
            info.path.unlink()


def _failure(path: Path, folder: Path, error: CopyError) -> StorageError:
    return StorageError(
        f"{path}: cannot back up the project into {folder} ({error.reason}); "
        f"the project is unchanged{_advice(error)}"
    )


def _advice(error: CopyError) -> str:
    if error.number in (errno.ENOSPC, errno.EDQUOT):
        return "; free some space on the disk, then try again"
    if error.number in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "; the folder is read-only: make it writable, or move the project to one that is"
    return ""


def _check_out(out: Path, project_file: Path) -> None:
    """Refuse an ``--out`` that is not a new file (see :func:`backup_now`)."""
    if str(out) == "-":
        raise FramingError("--out -: a backup is a database file, not text; name a file")
    if out.is_dir():
        raise FramingError(f"{out}: is a folder; name a new file for the backup")
    real = Path(os.path.realpath(out))
    own = Path(os.path.realpath(project_file))
    if same_file(out, project_file) or real == own:
        raise FramingError(f"{out}: is the project itself; name a new file for the backup")
    if real.parent == own.parent and real.name in {p.name for p in sqlite_files(own)[1:]}:
        raise FramingError(
            f"{out}: belongs to the project's database; name a new file for the backup"
        )
    if os.path.lexists(out):
        raise FramingError(
            f"{out}: already exists; a backup never writes over a file, name a new one"
        )
    if not real.parent.is_dir():
        raise FramingError(f"{out}: no such folder {out.parent}")


def _check_restorable(backup: Path, project_file: Path) -> str:
    """The schema revision of *backup*, after refusing what cannot be restored (one line each)."""
    if not backup.is_dir() and same_file(backup, project_file):
        raise FramingError(f"{backup}: is the project itself; choose one of its backups")
    return check_project_file(backup, use="restore it", tail="; the project is unchanged")


def _copy_into(
    project: Project,
    path: Path,
    source: sqlite3.Connection,
    backup: Path,
    keep: int,
    now: datetime,
) -> Path:
    """Copy *source* into the project file *path* in one transaction; the pre-restore backup.

    SQLite's backup API takes the project's write lock at its first step and
    keeps it until the last, which commits. The backup of the project as it
    is is made right after that first step: under the same lock, so it is
    exactly what the restore replaces, and, if it fails, the copy is
    abandoned (SQLite rolls the project back). Other connections go on
    reading the last committed state until the commit. The rolling backups
    beyond *keep* are pruned then too, except *backup*, the one restored.
    """
    pages = source.execute("PRAGMA page_count").fetchone()[0]
    # Never the whole copy in the first step: that step would also commit it.
    step = max(1, min(_RESTORE_STEP_PAGES, pages - 1))
    made: list[Path] = []

    def after_step(status: int, _remaining: int, _total: int) -> None:
        if made:
            return
        if status != sqlite3.SQLITE_OK:  # busy or locked for the whole busy timeout
            raise StorageError(
                f"{project.location}: another program is writing to the project; nothing was "
                "restored, try again"
            )
        made.append(_rolling_copy(path, now))
        _prune(path, keep, spare={backup})

    raw = project.db.engine.raw_connection()
    try:
        target = raw.driver_connection
        assert isinstance(target, sqlite3.Connection)
        source.backup(target, pages=step, progress=after_step)
    except sqlite3.Error as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StorageError(
            f"{project.location}: cannot restore {backup} ({reason}); the project is unchanged"
        ) from None
    finally:
        raw.close()
    if not made:  # a one-page database: no framing-app project passes _check_restorable
        raise AssertionError("restored without a backup of the project as it was")
    return made[0]
