"""One new server project database per test, copied from a template made once.

Setting a project up (schema, row-level security, default codebook) takes a
second on PostgreSQL; ``CREATE DATABASE ... TEMPLATE`` copies a finished one
in a few tens of milliseconds, so every test still starts from a project
that ``server init`` really made.
"""

from __future__ import annotations

import itertools
import os

import psycopg
import pytest
from pg_server import TestServer

from framing_app.services.server_admin import init_server

BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "framing_template"


class ServerDatabases:
    def __init__(self, server: TestServer) -> None:
        self.server = server
        self._numbers = itertools.count(1)
        self._prefix = f"t{os.getpid()}_"
        self._admin = psycopg.connect(server.conninfo("postgres"), autocommit=True)
        self._admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        self._admin.execute(f"CREATE DATABASE {TEMPLATE}")
        init_server(server.url(TEMPLATE))

    def create(self) -> str:
        """The name of a new project database, a copy of the template."""
        name = f"{self._prefix}{next(self._numbers)}"
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return name

    def create_empty(self) -> str:
        """The name of a new database with nothing in it (what a lab's IT hands over)."""
        name = f"{self._prefix}{next(self._numbers)}"
        self._admin.execute(f"CREATE DATABASE {name}")
        return name

    def drop(self, name: str) -> None:
        self._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        self.drop(TEMPLATE)
        self._admin.close()


# For what only a project file has (its path, its -wal and -shm, symlinks to it):
# the test runs on SQLite alone, by name, instead of being skipped on a server.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])
