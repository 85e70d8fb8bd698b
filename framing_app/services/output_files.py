"""Writing a file the user named as output: never over a database, always whole.

Every file framing-app writes goes through :func:`output_file`:

* it refuses, before anything is written, a target that is the open project,
  its write-ahead log, shared-memory index or rollback journal, one of its
  pre-upgrade backups, or any other SQLite database or log (recognised by the
  file header defined in https://www.sqlite.org/fileformat2.html, §1.3 and
  §4.1), so a slip in a file dialog or a command line cannot destroy months of
  coding;
* it writes to a hidden temporary file in the target's folder, flushes it to
  disk and renames it over the target only when complete (``os.replace`` is
  atomic on POSIX and Windows within one file system), so a full disk, a crash
  or a cancel leaves any earlier file of that name as it was;
* the new file gets the permissions a file created by the user normally has
  (0666 less the umask), or the permissions of the file it replaces, not the
  0600 of a temporary file.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from framing_app.core.errors import InputFileError
from framing_app.formats.decoding import os_reason
from framing_app.services.project import Project

SQLITE_HEADER = b"SQLite format 3\x00"
# A write-ahead log starts with one of two big-endian magic numbers (fileformat2 §4.1).
WAL_HEADERS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def _swap_umask() -> int:
    # Setting the umask is the only portable way to read it; done once, at
    # import, before any worker thread could create a file in between.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK_AT_START = _swap_umask()


def current_umask() -> int:
    """The process umask, read without changing it where the system allows (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _UMASK_AT_START


def check_output_path(path: Path, project: Project | None) -> None:
    """Raise :class:`InputFileError` if writing *path* could destroy a database.

    Refused: a folder; *project*'s own file, its ``-wal``/``-shm``/``-journal``
    companions and its pre-upgrade backups (even if missing yet); any existing
    file that starts with the SQLite or write-ahead-log header; the companion
    files of any SQLite database.
    """
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise InputFileError(path, "is a folder; name a file to write")
    if project is not None and project.path is not None:
        own = Path(os.path.realpath(project.path))
        if target == own:
            raise InputFileError(path, "is the open project's database; choose another file name")
        if target.parent == own.parent and (
            target.name in {own.name + suffix for suffix in _COMPANION_SUFFIXES}
            or re.fullmatch(
                re.escape(own.stem) + r"\.backup-.*" + re.escape(own.suffix), target.name
            )
        ):
            raise InputFileError(
                path, "belongs to the open project's database; choose another file name"
            )
    for suffix in _COMPANION_SUFFIXES:
        if target.name.endswith(suffix):
            database = target.with_name(target.name[: -len(suffix)])
            if _header(database) == SQLITE_HEADER:
                raise InputFileError(
                    path, "belongs to a SQLite database beside it; choose another file name"
                )
    header = _header(target)
    if header == SQLITE_HEADER or header[:4] in WAL_HEADERS:
        raise InputFileError(
            path, "is a SQLite database; framing-app never writes over one, choose another name"
        )


def _header(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError:
        return b""


@contextmanager
def output_file(
    path: Path, project: Project | None, *, newline: str | None = None
) -> Iterator[TextIO]:
    """A UTF-8 text stream whose content replaces *path* when the block ends without error.

    Checks *path* with :func:`check_output_path` first. On any error in the
    block (or a cancel) the temporary file is removed and *path* is untouched.
    Failures of the file system raise :class:`InputFileError` naming *path*.
    """
    path = Path(path)
    check_output_path(path, project)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~current_umask()
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise InputFileError(path, f"cannot write ({os_reason(error)})") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise InputFileError(path, f"cannot write ({os_reason(error)})") from None
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX needs the folder synced; Windows cannot)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
