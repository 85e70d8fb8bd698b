"""A project file read whole, to be pushed into a server: checked first, never written.

The file is opened as :mod:`framing_app.services.other_project` opens a
coder's project for a merge: through SQLite's read-only URI (without locking
when no log lies beside it, so no ``-wal`` or ``-shm`` is left behind), at
this version's schema as it is, at an older one through a temporary copy
upgraded with the shipped migrations, and at a newer one not at all.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from framing_app.core.errors import FramingError, SchemaError
from framing_app.services.other_project import connect_read_only, upgraded_copy
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision

__all__ = ["SourceFile", "check_project_file", "check_source", "open_source"]

_SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every framing-app project has had since the first schema.
_CORE_TABLES = frozenset({"article", "coder", "label", "annotation", "coding_status"})


@dataclass
class SourceFile:
    """The open file: *connection* reads this version's schema (the file's, or its
    upgraded copy's); *upgraded_from* is the file's own older revision, if it was older."""

    path: Path
    connection: sqlite3.Connection
    upgraded_from: str | None
    # (mtime, size) of a file read without locking, whose changes SQLite would not notice.
    _seen: tuple[int, int] | None = None

    def check_unchanged(self) -> None:
        """Refuse to go on if the file changed while it was read without locking."""
        if self._seen is not None and _stamp(self.path) != self._seen:
            raise FramingError(
                f"{self.path}: the file changed while it was being read (is it open in "
                "framing-app elsewhere?); nothing was pushed: close it there, then push again"
            )


def check_source(path: Path) -> str:
    """The schema revision of the project file *path*, after refusing what cannot be pushed.

    One line naming *path* for each refusal (see :func:`check_project_file`).
    Nothing is written, not even a side file.
    """
    return check_project_file(path, use="push it")


def check_project_file(path: Path, *, use: str, tail: str = "") -> str:
    """The schema revision of the framing-app project file *path*, read without writing.

    One line naming *path*, ending with *tail*, for each refusal: a folder, no
    such file, unreadable, not a SQLite database, not a framing-app project,
    written by a newer framing-app ("upgrade framing-app to *use*"), damaged
    (``PRAGMA quick_check``). Push and restore share it.
    """
    if path.is_dir():
        raise FramingError(f"{path}: is a folder, not a project file{tail}")
    if not path.exists():
        raise FramingError(f"{path}: no such file{tail}")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise FramingError(f"{path}: cannot read it ({error.strerror}){tail}") from None
    if header != _SQLITE_HEADER:
        what = "an empty file" if not header else "not a SQLite database"
        raise FramingError(f"{path}: not a framing-app project ({what}){tail}")
    connection = connect_read_only(path)
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        stamped = (
            connection.execute("SELECT version_num FROM alembic_version").fetchall()
            if "alembic_version" in tables
            else []
        )
        if len(stamped) != 1 or not tables >= _CORE_TABLES:
            what = "an empty database" if not tables else "a SQLite database of another program"
            raise FramingError(f"{path}: not a framing-app project ({what}){tail}")
        revision = str(stamped[0][0])
        if revision != head_revision() and not _known(revision):
            raise SchemaError(
                f"{path}: was written by a newer version of framing-app (schema {revision}; "
                f"this version knows up to {head_revision()}); upgrade framing-app to {use}"
                f"{tail}"
            )
        check = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        reason = reason_of(error)
        what = "is damaged" if "malformed" in reason else "cannot read it"
        raise FramingError(f"{path}: {what} ({reason}){tail}") from None
    finally:
        connection.close()
    if check != ["ok"]:
        problems = " ".join("; ".join(check).split())[:200]  # SQLite's lines, as one
        raise FramingError(f"{path}: is damaged ({problems}){tail}")
    return revision


@contextlib.contextmanager
def open_source(path: Path, revision: str) -> Iterator[SourceFile]:
    """The file *path*, checked by :func:`check_source` to be at *revision*, open read-only.

    An older *revision* is read through a copy in a temporary folder,
    upgraded there and deleted when the block ends; the file itself is never
    written. Raises a one-line :class:`FramingError` naming *path* when the
    copy cannot be made or upgraded.
    """
    with contextlib.ExitStack() as stack:
        seen = _stamp(path) if _unlocked(path) else None
        original = connect_read_only(path)
        stack.callback(original.close)
        if revision == head_revision():
            yield SourceFile(path, original, None, seen)
            return
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="framing-app-")))
        copy = folder / "push.sqlite"
        upgraded_copy(original, path, copy).dispose()
        original.close()
        upgraded = connect_read_only(copy)
        stack.callback(upgraded.close)
        yield SourceFile(path, upgraded, revision)


def reason_of(error: BaseException) -> str:
    """The first line of *error*'s message (its class name if it has none)."""
    message = str(error)
    return message.splitlines()[0] if message else type(error).__name__


def _known(revision: str) -> bool:
    """Whether *revision* is one of the shipped migrations (older, not newer, than the head)."""
    try:
        ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(revision)
    except CommandError:
        return False
    return True


def _unlocked(path: Path) -> bool:
    """Whether :func:`connect_read_only` reads *path* without locking: no log beside it."""
    real = path.resolve()  # SQLite keeps the side files beside the file a symlink names
    return not any(real.with_name(real.name + side).exists() for side in ("-wal", "-journal"))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size
