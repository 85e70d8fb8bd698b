"""Errors a user can cause and fix.

Every front end (CLI, GUI) shows ``str(error)`` as a one-line message; anything
that is not a :class:`FramingError` is a bug and may show a traceback.
"""

from __future__ import annotations

from pathlib import Path


class FramingError(Exception):
    """Base class: ``str()`` is one line a researcher can act on."""


class InputFileError(FramingError):
    """A file (or one row of it) cannot be read or is not acceptable.

    The message names the file, the row when there is one, and the reason.
    """

    def __init__(self, path: Path | str, reason: str, row: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.row = row
        where = f"{self.path}" if row is None else f"{self.path}, row {row}"
        super().__init__(f"{where}: {reason}")


class SpanError(FramingError):
    """An annotation span that is empty or outside its article's text."""


class NotFoundError(FramingError):
    """An article, coder, label or annotation named by the user does not exist."""


class ConflictError(FramingError):
    """The action would break a rule of the project (a name already taken, ...)."""


class SchemaError(FramingError):
    """The database cannot be opened by this version (newer schema, foreign file)."""


class AuthenticationNeeded(FramingError):
    """The server wants a password (or another one) for this login."""


class PermissionRefused(FramingError):
    """The server's roles do not allow this login the action (see :mod:`.permissions`)."""


class StorageError(FramingError):
    """The database failed for a reason outside the program (locked, read-only, full)."""


class Cancelled(FramingError):
    """The user cancelled a long operation; nothing was changed."""

    def __init__(self, what: str = "operation") -> None:
        super().__init__(f"{what} cancelled; nothing was changed")
