"""Opening a project: one database, created or upgraded on open."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from sqlalchemy import exc, func, select

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.core.errors import FramingError, SchemaError
from framing_app.store.database import Database
from framing_app.store.engine import create_project_engine, sqlite_path, sqlite_url
from framing_app.store.migrate import MigrationResult, migrate
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


class Project:
    """An open project database. Services take it as their first argument."""

    def __init__(self, db: Database, location: str, migration: MigrationResult) -> None:
        self.db = db
        self.location = location  # for titles and messages: a path, or a URL without password
        self.migration = migration

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return sqlite_path(self.db.engine.url.render_as_string(hide_password=False))

    @classmethod
    def open(cls, path: Path | None = None, url: str | None = None) -> Project:
        """Open (creating if needed) the project at *path* or *url*, or the default one.

        A new project gets the default codebook. Raises :class:`FramingError`
        with a one-line message when the database cannot be used.
        """
        if path is not None and url is not None:
            raise ValueError("give a path or a URL, not both")
        if url is None:
            path = Path(path) if path is not None else default_project_path()
            if path.is_dir():
                raise FramingError(f"{path}: is a folder, not a project file")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise FramingError(
                    f"{path.parent}: cannot create folder ({error.strerror})"
                ) from None
            url = sqlite_url(path)
        try:
            engine = create_project_engine(url)
        except (exc.ArgumentError, exc.NoSuchModuleError) as error:
            raise FramingError(f"{url}: not a usable database URL ({error})") from None
        location = (
            str(path) if path is not None else engine.url.render_as_string(hide_password=True)
        )
        try:
            migration = migrate(engine)
            if sqlite_path(url) is not None:
                # Readers never block the writer, and a crash mid-write cannot
                # corrupt the file. Persistent: set once, kept in the file.
                # (Outside any transaction, hence the raw driver connection.)
                raw = engine.raw_connection()
                try:
                    raw.cursor().execute("PRAGMA journal_mode=WAL")
                finally:
                    raw.close()
            project = cls(Database(engine), location, migration)
            if migration.created:
                project._seed_codebook()
        except SchemaError:
            engine.dispose()
            raise
        except exc.SQLAlchemyError as error:
            engine.dispose()
            raise FramingError(
                f"{location}: cannot open project ({database_reason(error)})"
            ) from None
        return project

    def _seed_codebook(self) -> None:
        with self.db.write() as session:
            if session.scalar(select(func.count()).select_from(Label)):
                return
            for position, spec in enumerate(DEFAULT_LABELS):
                session.add(
                    Label(
                        name=spec.name,
                        definition=spec.definition,
                        color=spec.color,
                        shortcut=spec.shortcut,
                        position=position,
                        archived=spec.archived,
                    )
                )

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def database_reason(error: exc.SQLAlchemyError) -> str:
    """The driver's own one-line reason, without SQLAlchemy's SQL echo and links."""
    original = getattr(error, "orig", None)
    text = str(original) if original is not None else str(error)
    return text.splitlines()[0] if text else type(error).__name__
