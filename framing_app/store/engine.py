"""Engine set-up for SQLite project files and server databases."""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

# How long a writer waits for another process's transaction before giving up
# with "database is locked": long enough for a big import elsewhere to finish
# a commit, short enough that the user hears about a stuck lock.
BUSY_TIMEOUT_MS = 10_000
BUSY_TIMEOUT_ENV = "FRAMING_APP_BUSY_TIMEOUT_MS"


def busy_timeout_ms() -> int:
    """The busy timeout in ms: ``FRAMING_APP_BUSY_TIMEOUT_MS`` if set, else :data:`BUSY_TIMEOUT_MS`.

    The variable lets a lab on a slow network share wait longer, and the
    tests of a held lock wait less; a value that is not a non-negative
    integer is ignored.
    """
    value = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of the SQLite file at *path*."""
    return URL.create("sqlite+pysqlite", database=str(Path(path).resolve())).render_as_string()


def sqlite_path(url: str) -> Path | None:
    """File behind a SQLite URL, or None for other backends and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def server_url(url: str) -> URL:
    """*url* parsed, with PostgreSQL's plain ``postgresql://`` meaning the psycopg 3 driver.

    SQLAlchemy would otherwise pick psycopg2, which framing-app does not
    install; ``postgresql://user@host/db`` is what PostgreSQL users type.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def libpq_url(url: str | URL) -> str:
    """A server URL as libpq (``psycopg.connect``) takes it: no SQLAlchemy driver name."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def url_has_password(url: str) -> bool:
    return make_url(url).password is not None


def with_password(url: str, password: str) -> str:
    """*url* with *password* (to open it; never shown or stored as such)."""
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def public_url(url: str | URL) -> str:
    """*url* as messages show it: no password at all, not even as ``***``."""
    parsed = make_url(url) if isinstance(url, str) else url
    # Built anew: ``URL.set(password=None)`` means "leave the password as it is".
    bare = URL.create(
        parsed.drivername,
        parsed.username,
        None,
        parsed.host,
        parsed.port,
        parsed.database,
        parsed.query,
    )
    return bare.render_as_string(hide_password=False)


def create_project_engine(url: str) -> Engine:
    """An engine for *url* with the connection settings framing-app relies on.

    SQLite (every connection): foreign keys enforced, a busy timeout, and
    ``synchronous=FULL`` so that a committed action survives a power cut,
    not only a crash (one fsync per user action is cheap). The pysqlite
    driver's own transaction handling is switched off and SQLAlchemy emits
    ``BEGIN`` itself, so that DDL in migrations is transactional too (the
    recipe in SQLAlchemy's SQLite dialect documentation, "Serializable
    isolation / Savepoints / Transactional DDL"). Write transactions use
    ``BEGIN IMMEDIATE`` (see :func:`write_options`) so two writers queue on
    the busy timeout instead of failing on a lock upgrade.
    """
    if sqlite_path(url) is None:
        # psycopg logs, through Python's last-resort handler on stderr, the
        # aborted pipeline it cleans up after a refused statement; the refusal
        # itself reaches the user as one line.
        logging.getLogger("psycopg").addHandler(logging.NullHandler())
        parsed = server_url(url)
        if "application_name" not in parsed.query:
            # One name per open project: the server's change notifications
            # carry it, so this program can skip the echo of its own commits;
            # the DBA sees it in pg_stat_activity.
            name = f"framing-app {uuid.uuid4().hex[:12]}"
            parsed = parsed.update_query_dict({"application_name": name})
        return create_engine(parsed, pool_pre_ping=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def write_options() -> dict[str, Any]:
    """Execution options for a connection that will write."""
    return {"sqlite_begin": "IMMEDIATE"}
