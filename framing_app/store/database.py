"""Short transactions over one project database."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm import exc as orm_exc

from framing_app.core.errors import ConflictError, PermissionRefused, StorageError
from framing_app.core.permissions import refusal_for_stale_row, refusal_for_table
from framing_app.store.engine import sqlite_path, write_options


class Database:
    """Hands out one session per use case; nothing keeps a session open."""

    def __init__(self, engine: Engine, location: str = "the project") -> None:
        self.engine = engine
        # How messages name the database: its path, or its URL without password.
        self.location = location
        # Objects stay readable after commit: services return plain values
        # built from them, never the objects themselves.
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Transactions this process committed, to tell its own changes from
        # another program's (see data_version).
        self.commits = 0
        self._watcher: sqlite3.Connection | None = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits when the block ends and rolls back on any error."""
        with _storage_errors(self.location), self._sessions() as session, session.begin():
            session.connection(execution_options=write_options())
            yield session
        self.commits += 1

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot; whatever happens in the block is rolled back."""
        with _storage_errors(self.location), self._sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    def data_version(self) -> int | None:
        """SQLite's ``PRAGMA data_version`` on a connection of its own, or None elsewhere.

        The number changes whenever any *other* connection commits (SQLite
        documentation, "PRAGMA data_version"): this process's own commits
        count too, since they go through the engine's connections; compare
        with :attr:`commits` to tell them apart. A server database gives None.
        """
        path = sqlite_path(self.engine.url.render_as_string(hide_password=False))
        if path is None:
            return None
        try:
            if self._watcher is None:
                self._watcher = sqlite3.connect(
                    f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False
                )
            row = self._watcher.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0])

    def dispose(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        self.engine.dispose()


# SQLSTATE 42501: a privilege or a row-level security policy said no.
_INSUFFICIENT_PRIVILEGE = "42501"


@contextmanager
def _storage_errors(location: str) -> Iterator[None]:
    """Turn the database's operational failures into one-line :class:`StorageError`.

    A locked database, a read-only file, a full disk or a lost server are
    the user's to fix; constraint violations are not caught here, because
    the services check their rules first and a violation is a bug.
    """
    try:
        yield
    except orm_exc.StaleDataError as error:
        # An UPDATE or DELETE of one row matched none: the row is gone, or on a
        # server the row-level security policy hides it from this writer.
        found = re.search(r"on table '(\w+)'", str(error))
        table = found.group(1) if found else ""
        raise ConflictError(f"{location}: {refusal_for_stale_row(table)}") from None
    except exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
            reason = str(error.orig).splitlines()[0]
            raise PermissionRefused(f"{location}: {refusal_for_table(reason)}") from None
        if not isinstance(error, exc.OperationalError):
            raise
        reason = str(error.orig).splitlines()[0] if error.orig is not None else str(error)
        if "locked" in reason or "busy" in reason:
            advice = "another program is writing to this project; try again"
        elif "full" in reason:
            advice = "free some space on its disk, then try again"
        elif "readonly" in reason:
            advice = "the file or its folder is read-only"
        else:
            advice = "nothing was changed"
        raise StorageError(
            f"{location}: the project database failed: {reason} ({advice})"
        ) from None
