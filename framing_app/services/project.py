"""Opening a project: one database, created or upgraded on open."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import platformdirs
from sqlalchemy import Connection, Engine, exc, insert

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.core.errors import (
    AuthenticationNeeded,
    FramingError,
    NotFoundError,
    SchemaError,
)
from framing_app.store.database import Database
from framing_app.store.engine import create_project_engine, public_url, sqlite_path, sqlite_url
from framing_app.store.migrate import MigrationResult, checked_revision, head_revision, migrate
from framing_app.store.models import Label

APP_NAME = "framing-app"
PROJECT_SUFFIX = ".sqlite"


def default_project_path() -> Path:
    """The project opened when none is named: in the user's data directory."""
    return (
        platformdirs.user_data_path(APP_NAME, appauthor=False)
        / "projects"
        / ("default" + PROJECT_SUFFIX)
    )


class NoProjectError(NotFoundError):
    """``Project.open(..., create=False)`` found no project file at the path."""

    def __init__(self, location: str) -> None:
        self.location = location
        super().__init__(f"{location}: no project there")


class Project:
    """An open project database. Services take it as their first argument."""

    def __init__(self, db: Database, location: str, migration: MigrationResult) -> None:
        self.db = db
        self._last_seen: tuple[int | None, int] | None = None
        self.location = location  # for titles and messages: a path, or a URL without password
        self.migration = migration

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return sqlite_path(self.db.engine.url.render_as_string(hide_password=False))

    @classmethod
    def open(
        cls, path: Path | None = None, url: str | None = None, *, create: bool = True
    ) -> Project:
        """Open (creating if needed) the project at *path* or *url*, or the default one.

        With ``create=False`` a SQLite project must already exist: a missing
        (or empty, never set up) file raises :class:`NoProjectError` and
        nothing is written, neither folder nor file nor SQLite's ``-wal`` and
        ``-shm``. (A server database is opened as before: it exists once its
        administrator has made it.)

        A new project gets its schema and the default codebook together or
        not at all; an older one is backed up beside itself and upgraded (see
        :func:`framing_app.store.migrate.migrate`). Raises
        :class:`FramingError` with a one-line message saying why and what to
        do when the database cannot be used, or cannot be backed up before an
        upgrade; the project is then left as it was.
        """
        if path is not None and url is not None:
            raise ValueError("give a path or a URL, not both")
        if url is None:
            path = Path(path) if path is not None else default_project_path()
            if path.is_dir():
                raise FramingError(f"{path}: is a folder, not a project file")
            if not create:
                _check_exists(path, str(path))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise FramingError(
                    f"{path.parent}: cannot create folder ({error.strerror})"
                ) from None
            url = sqlite_url(path)
        elif not create and (file := sqlite_path(url)) is not None:
            _check_exists(file, url)
        try:
            engine = create_project_engine(url)
        except (exc.ArgumentError, exc.NoSuchModuleError) as error:
            raise FramingError(f"{url}: not a usable database URL ({error})") from None
        # A file is named by its path however it was given; a server by its URL.
        file = path if path is not None else sqlite_path(url)
        location = str(file) if file is not None else public_url(url)
        try:
            # The default codebook is written in the transaction that creates
            # the schema: a process killed in between leaves no codebook-less
            # project, only an empty file that the next open sets up again.
            if sqlite_path(url) is None:
                # A shared server's schema changes only when its lead says so.
                migration = _check_server_schema(engine, location)
            else:
                migration = migrate(engine, on_create=cls._seed_codebook)
            if sqlite_path(url) is not None:
                # Readers never block the writer, and a crash mid-write cannot
                # corrupt the file. Persistent: set once, kept in the file.
                # (Outside any transaction, hence the raw driver connection.)
                raw = engine.raw_connection()
                try:
                    raw.cursor().execute("PRAGMA journal_mode=WAL")
                finally:
                    raw.close()
            project = cls(Database(engine, location), location, migration)
        except FramingError:
            engine.dispose()
            raise
        except exc.SQLAlchemyError as error:
            engine.dispose()
            reason = database_reason(error)
            if any(sign in reason for sign in _PASSWORD_WANTED):
                raise AuthenticationNeeded(f"{location}: cannot log in ({reason})") from None
            raise FramingError(open_failure(location, path, reason)) from None
        return project

    @staticmethod
    def seed_codebook(connection: Connection) -> None:
        """The default codebook, written on *connection* (see :meth:`_seed_codebook`)."""
        Project._seed_codebook(connection)

    @staticmethod
    def _seed_codebook(connection: Connection) -> None:
        """Write the default codebook on *connection*, inside its open transaction.

        Only a project created from nothing is seeded. An empty codebook found
        later is left alone: since schema and codebook are made together, it
        can only mean that the user deleted every label, and the project keeps
        no record that would tell "never had labels" apart from that.
        """
        connection.execute(
            insert(Label),
            [
                {
                    "name": spec.name,
                    "definition": spec.definition,
                    "color": spec.color,
                    "shortcut": spec.shortcut,
                    "position": position,
                    "archived": spec.archived,
                }
                for position, spec in enumerate(DEFAULT_LABELS)
            ],
        )

    def changed_elsewhere(self) -> bool:
        """Whether another program committed to the project since the last call.

        The first call only takes the baseline. A change seen together with
        one of this process's own commits since the last call is not reported:
        the two cannot be told apart, and reporting this process's own work
        would make every window reload after every action; the next change
        from outside is reported as usual. Always False for server databases.
        """
        version, commits = self.db.data_version(), self.db.commits
        last = self._last_seen
        self._last_seen = (version, commits)
        if version is None or last is None:
            return False
        return version != last[0] and commits == last[1]

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def is_server_url(url: str | None) -> bool:
    """Whether *url* names a server database rather than a SQLite file."""
    return url is not None and sqlite_path(url) is None and not url.startswith("sqlite")


def server_command(location: str, command: str) -> str:
    """The command line a lead types for *command* on the server at *location*."""
    return f"`framing-app --db {location} server {command}`"


def _check_server_schema(engine: Engine, location: str) -> MigrationResult:
    """Refuse a server database that is empty or of another schema, changing nothing.

    Never upgrades: every coder's client would race to do it, and an older
    client still open would then write into a schema it does not know. The
    lead runs ``server init`` or ``server migrate`` (see
    :mod:`framing_app.services.server_admin`).
    """
    current = checked_revision(engine, where=location)
    if current is None:
        raise SchemaError(
            f"{location} holds no framing-app project yet: the project lead must run "
            f"{server_command(location, 'init')}"
        )
    head = head_revision()
    if current != head:
        raise SchemaError(
            f"{location} has project schema {current} and this framing-app needs {head}: "
            f"the project lead must run {server_command(location, 'migrate')}"
        )
    return MigrationResult(created=False, upgraded_from=None, backup=None)


def _check_exists(path: Path, location: str) -> None:
    """Raise :class:`NoProjectError` unless *path* is a project file that was set up.

    An empty file counts as none: SQLite reads it as an empty database, and it
    is what a creation killed before its first commit leaves behind.
    """
    try:
        empty = path.stat().st_size == 0
    except (FileNotFoundError, NotADirectoryError):
        raise NoProjectError(location) from None
    except OSError:
        return  # unreadable: let the open say why, as for any other project
    if empty:
        raise NoProjectError(location)


# libpq's words for a login the server did not accept, or a password it did not get.
_PASSWORD_WANTED = ("password authentication failed", "no password supplied")
# Below this much free space SQLite cannot even create the shared-memory file
# (32 KiB) that reading a WAL-mode project needs.
_NEARLY_FULL_BYTES = 64 * 1024
# The driver's reasons that mean "could not create or write a file here".
_FILE_TROUBLE = ("unable to open database file", "disk I/O error", "readonly", "disk is full")


def open_failure(location: str, path: Path | None, reason: str) -> str:
    """The one-line message for a project that cannot be opened: why, and what to do.

    SQLite's own reason says little when the cause is the folder (read-only:
    no room for the lock files a WAL-mode project needs beside it) or a full
    disk; those causes are named, with the remedy.
    """
    message = f"{location}: cannot open project ({reason})"
    if path is None or not any(trouble in reason for trouble in _FILE_TROUBLE):
        return message
    folder = path.parent
    if not os.access(folder, os.W_OK):
        return (
            f"{message}; its folder is read-only and SQLite must write beside the project: "
            "copy the project to a writable folder and open it there"
        )
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return message
    if free < _NEARLY_FULL_BYTES:
        return f"{message}; the disk is full: free some space, then open it again"
    return message


def database_reason(error: exc.SQLAlchemyError) -> str:
    """The driver's own one-line reason, without SQLAlchemy's SQL echo and links."""
    original = getattr(error, "orig", None)
    text = str(original) if original is not None else str(error)
    return text.splitlines()[0] if text else type(error).__name__
