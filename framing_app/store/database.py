"""Short transactions over one project database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session, sessionmaker

from framing_app.core.errors import StorageError
from framing_app.store.engine import write_options


class Database:
    """Hands out one session per use case; nothing keeps a session open."""

    def __init__(self, engine: Engine, location: str = "the project") -> None:
        self.engine = engine
        # How messages name the database: its path, or its URL without password.
        self.location = location
        # Objects stay readable after commit: services return plain values
        # built from them, never the objects themselves.
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits when the block ends and rolls back on any error."""
        with _storage_errors(self.location), self._sessions() as session, session.begin():
            session.connection(execution_options=write_options())
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot; whatever happens in the block is rolled back."""
        with _storage_errors(self.location), self._sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _storage_errors(location: str) -> Iterator[None]:
    """Turn the database's operational failures into one-line :class:`StorageError`.

    A locked database, a read-only file, a full disk or a lost server are
    the user's to fix; constraint violations are not caught here, because
    the services check their rules first and a violation is a bug.
    """
    try:
        yield
    except exc.OperationalError as error:
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
