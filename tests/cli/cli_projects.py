"""Where the command-line tests' projects live: SQLite files, or databases on the test server.

A *place* is what the command is pointed at: a :class:`~pathlib.Path` for
``--project FILE``, a :class:`ServerProject` for ``--db URL``. A
:class:`FileProjects` or :class:`ServerProjects` (one per backend and run)
makes new places, copies of templates, and the logins a server needs.

On the server the commands get what a lab's people type: the plain
``postgresql://user@host:port/database`` URL, the password in ``PGPASSWORD``.
The lead's commands run as the superuser that made the database (a lead);
a command done *as a coder* (``annotate``, ``answer``, ``status --set``) runs
as that coder's own login, as it must on a server, where the coder of an
action is the login (:mod:`framing_app.services.server_identity`). Those
logins are real roles in ``framing_coder``, so row-level security applies
to them; roles belong to the whole cluster, so each test drops the ones it
used (:meth:`ServerProjects.drop_logins`).
"""

from __future__ import annotations

import itertools
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
from pg_server import TestServer
from psycopg import sql
from server_databases import TEMPLATE, ServerDatabases

from framing_app.store.engine import sqlite_url

CODER_GROUP = "framing_coder"


@dataclass(frozen=True)
class ServerProject:
    """A project database on the test server."""

    server: TestServer
    name: str

    def url(self, login: str | None = None) -> str:
        """The URL a user types (``postgresql://``, no password): *login*'s, the superuser's."""
        who = login or self.server.superuser
        return f"postgresql://{who}@{self.server.host}:{self.server.port}/{self.name}"

    @property
    def driver_url(self) -> str:
        """The superuser's SQLAlchemy URL, password included, for reading behind the program."""
        return self.server.url(self.name)

    def __str__(self) -> str:
        return self.url()


Place = Path | ServerProject


def project_option(place: Place, login: str | None = None) -> list[str]:
    """``--project FILE`` or ``--db URL`` (as *login* on a server)."""
    if isinstance(place, ServerProject):
        return ["--db", place.url(login)]
    return ["--project", str(place)]


def driver_url(place: Place) -> str:
    """The URL :mod:`raw_db` opens *place* with."""
    if isinstance(place, ServerProject):
        return place.driver_url
    assert place.is_file(), f"no project file {place}"
    return sqlite_url(place)


def copy_file(source: Path, target: Path) -> None:
    """Copy a SQLite file with SQLite's backup API (consistent even with a WAL beside it)."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


class _Templates:
    """Projects made once per run and per backend, to be copied, never changed."""

    def __init__(self) -> None:
        self._templates: dict[str, Place] = {}

    def template(self, key: str, make: Callable[[], Place]) -> Place:
        """The template *key*, made by *make* the first time it is asked for."""
        if key not in self._templates:
            self._templates[key] = make()
        return self._templates[key]


class FileProjects(_Templates):
    """Projects in SQLite files inside each test's folder."""

    backend = "sqlite"

    def env(self) -> dict[str, str]:
        return {}

    def new(self, root: Path, stem: str) -> Path:
        """Where a new project goes: no file yet, the first command that writes makes it."""
        return root / f"{stem}.sqlite"

    def copy(self, source: Place, root: Path, stem: str) -> Path:
        assert isinstance(source, Path), source
        target = root / f"{stem}.sqlite"
        copy_file(source, target)
        return target

    def drop(self, place: Place) -> None:
        """Nothing to do: the file goes with the test's folder."""

    def login_password(self, name: str) -> str:
        raise AssertionError("a project file has no logins")

    def drop_logins(self) -> None:
        """A project file has no logins."""


class ServerProjects(_Templates):
    """Project databases on the test server, and the coders' logins."""

    backend = "postgresql"

    def __init__(self, databases: ServerDatabases) -> None:
        super().__init__()
        self.server = databases.server
        self._numbers = itertools.count(1)
        self._prefix = f"cli{os.getpid()}_"
        self._admin = psycopg.connect(self.server.conninfo("postgres"), autocommit=True)
        self._made: set[str] = set()
        self._password = secrets.token_hex(8)
        self._logins: set[str] = set()
        self._lock = threading.Lock()  # Cli.many runs commands from several threads

    def env(self) -> dict[str, str]:
        return {"PGPASSWORD": self.server.password}

    def new(self, root: Path, stem: str) -> ServerProject:
        """A new project database, as ``server init`` leaves it (the default codebook)."""
        return self._create(TEMPLATE)

    def copy(self, source: Place, root: Path, stem: str) -> ServerProject:
        assert isinstance(source, ServerProject), source
        return self._create(source.name)

    def _create(self, template: str) -> ServerProject:
        name = f"{self._prefix}{next(self._numbers)}"
        # PostgreSQL waits (up to 5 s) for the last command's session on the
        # template to end; a copy takes tens of milliseconds.
        self._admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        self._made.add(name)
        return ServerProject(self.server, name)

    def drop(self, place: Place) -> None:
        assert isinstance(place, ServerProject), place
        self._admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(place.name))
        )
        self._made.discard(place.name)

    def login_password(self, name: str) -> str:
        """The password of coder *name*'s login, made (or taken over) at first need."""
        with self._lock:
            if name not in self._logins:
                self._make_login(name)
        return self._password

    def _make_login(self, name: str) -> None:
        role = sql.Identifier(name)
        secret = sql.Literal(self._password)
        exists = self._admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        if exists.fetchone() is None:
            self._admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                    role, secret, sql.Identifier(CODER_GROUP)
                )
            )
        else:  # left by another test: roles outlive databases
            self._admin.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(role, secret))
            self._admin.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(CODER_GROUP), role))
        self._logins.add(name)

    def drop_logins(self) -> None:
        """Drop the coders' logins made since the last call (their rows stay, as on a server)."""
        with self._lock:
            for name in sorted(self._logins):
                self._admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
            self._logins.clear()

    def close(self) -> None:
        self.drop_logins()
        for name in sorted(self._made):
            self._admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        self._admin.close()


Projects = FileProjects | ServerProjects
