"""Shared fixtures: real project databases in temporary folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt needs no display for the tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from pg_server import ServerUnavailable, TestServer, skip_reason, start_server
from server_databases import BACKENDS, ServerDatabases
from server_team import Team, make_team

from framing_app.services.project import Project
from framing_app.services.sample_corpus import sample_folder
from framing_app.store.engine import sqlite_url


@pytest.fixture(autouse=True)
def _private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user's data and settings folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    """A real PostgreSQL server for the whole run (see ``pg_server``); skipped only on request."""
    reason = skip_reason()
    if reason is not None:
        pytest.skip(reason)
    try:
        server = start_server()
    except ServerUnavailable as error:
        pytest.fail(f"PostgreSQL test server: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_databases(pg_server: TestServer) -> Iterator[ServerDatabases]:
    """Makes a new server project database per test, from a template set up once."""
    databases = ServerDatabases(pg_server)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend of a test: a SQLite file, or a database on a real PostgreSQL server."""
    return str(request.param)


@pytest.fixture
def project_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a new, empty project (default codebook) on the test's backend."""
    if backend == "sqlite":
        path = tmp_path / "project.sqlite"
        Project.open(path=path).close()
        yield sqlite_url(path)
        return
    databases: ServerDatabases = request.getfixturevalue("pg_databases")
    name = databases.create()
    try:
        yield databases.server.url(name)
    finally:
        databases.drop(name)


@pytest.fixture
def project(project_url: str) -> Iterator[Project]:
    """A new, empty project (default codebook) on each backend: a SQLite file, a server database."""
    with Project.open(url=project_url) as opened:
        yield opened


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Iterator[Project]:
    """A new, empty project in a real SQLite file, for what only files have (paths, backups)."""
    with Project.open(path=tmp_path / "project.sqlite") as opened:
        yield opened


@pytest.fixture
def sample_project(project: Project) -> Project:
    """A project holding the two bundled sample articles."""
    from framing_app.services.article_import import import_articles

    with sample_folder() as folder:
        import_articles(project, [folder])
    return project


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def team(pg_databases: ServerDatabases) -> Iterator[Team]:
    """A server project made by ``server init``, with a lead and two coders (real login roles)."""
    made = make_team(pg_databases)
    try:
        yield made
    finally:
        pg_databases.drop(made.database)
