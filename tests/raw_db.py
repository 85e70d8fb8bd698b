"""The project's database read and written behind the application's back, on either backend.

Tests check what was stored with the drivers themselves (the standard
library's ``sqlite3``, ``psycopg``), not through the code under test. SQL is
written with ``?`` placeholders, as for ``sqlite3``; on PostgreSQL they become
``%s``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from framing_app.services.project import Project


def project_url(project: Project) -> str:
    """The URL the project was opened with, password included (to open it a second time)."""
    return project.db.engine.url.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq (psycopg.connect) takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class RawConnection:
    def __init__(self, url: str, *, autocommit: bool = False) -> None:
        self.sqlite = project_is_sqlite = make_url(url).get_backend_name() == "sqlite"
        if project_is_sqlite:
            database = make_url(url).database
            assert database is not None
            self._conn: Any = sqlite3.connect(database, isolation_level=None if autocommit else "")
        else:
            self._conn = psycopg.connect(libpq_url(url), autocommit=autocommit)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if not self.sqlite:
            sql = sql.replace("?", "%s")
        return self._conn.execute(sql, tuple(params))

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def close(self) -> None:
        self._conn.close()


@contextmanager
def raw_connection(project: Project | str) -> Iterator[RawConnection]:
    """A driver connection to *project* (or a URL): commits if the block ends well; closes."""
    conn = RawConnection(project if isinstance(project, str) else project_url(project))
    try:
        yield conn
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


def foreign_key_problems(project: Project) -> list[tuple[object, ...]]:
    """SQLite's ``foreign_key_check``; PostgreSQL enforces every key at once, so none there."""
    with raw_connection(project) as conn:
        if not conn.sqlite:
            return []
        return list(conn.execute("PRAGMA foreign_key_check").fetchall())
