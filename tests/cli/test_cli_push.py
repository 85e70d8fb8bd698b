"""``framing-app --project FILE push --db URL`` through the real command, on a real server.

A server project with rows of every kind (:mod:`rich_project`) is backed up
into a file by its lead, the file pushed into a new, empty database with
the command, and ``framing-app export annotations`` / ``export answers``
compared between the original server, the file and the new server. The
password comes from PGPASSWORD, as a lead's script would give it.

Every test here moves a project between a file and a server, so each runs
once, whatever the backend the other CLI tests follow.
"""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cli_harness import NPR, OPPOSE, check_error, check_ok, check_usage_error, cli_env, describe
from pg_server import TestServer as Server  # as TestServer, pytest would try to collect it
from rich_project import build_rich_project, dump_tables
from server_databases import ServerDatabases
from server_team import Team, make_team

from framing_app.services.project import Project
from framing_app.services.server_transfer import backup_server_to_file
from framing_app.store.engine import sqlite_url

_numbers = itertools.count(1)


def plain_url(server: Server, database: str, login: str | None = None) -> str:
    """The URL a PostgreSQL user types: no driver, no password (that is in PGPASSWORD)."""
    who = login or server.superuser
    return f"postgresql://{who}@{server.host}:{server.port}/{database}"


@dataclass
class Command:
    """``python -m framing_app`` with private user folders under *root*."""

    root: Path

    def __call__(self, *args: object, password: str | None = None, stdin: str | None = None) -> Any:
        env = cli_env(self.root)
        if password is not None:
            env["PGPASSWORD"] = password
        return subprocess.run(
            [sys.executable, "-m", "framing_app", *map(str, args)],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=self.root,
            timeout=120,
        )


@pytest.fixture
def command(tmp_path: Path) -> Command:
    return Command(tmp_path)


@pytest.fixture(scope="module")
def rich(pg_databases: ServerDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    team = make_team(pg_databases)
    try:
        build_rich_project(team, tmp_path_factory.mktemp("cli-rich-articles"))
        yield team
    finally:
        pg_databases.drop(team.database)


@pytest.fixture(scope="module")
def backup(rich: Team, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-rich-backup") / "team.sqlite"
    with Project.open(url=rich.url(rich.lead)) as project:
        backup_server_to_file(project, out)
    return out


@pytest.fixture
def empty(pg_databases: ServerDatabases) -> Iterator[str]:
    name = pg_databases.create_empty()
    try:
        yield name
    finally:
        pg_databases.drop(name)


def test_push_gives_the_same_exports_as_the_server_backed_up(
    command: Command, rich: Team, backup: Path, empty: str
) -> None:
    server = rich.server
    target = plain_url(server, empty)
    out = check_ok(command("--project", backup, "push", "--db", target, password=server.password))
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"Pushed {backup} into {target}: ")
    assert "  (the database was empty: it was set up first, as by `server init`)" in lines
    annotations = len(dump_tables(rich.url())["annotation"])
    assert any(line.split() == ["annotation", str(annotations)] for line in lines)
    assert not any("add-coder" in line for line in lines)  # the team's logins exist

    lead = plain_url(server, rich.database, rich.lead)
    for what in ("annotations", "answers"):
        first = check_ok(command("--db", lead, "export", what, password=rich.passwords[rich.lead]))
        file = check_ok(command("--project", backup, "export", what))
        second = check_ok(command("--db", target, "export", what, password=server.password))
        assert first.stdout == file.stdout == second.stdout, what
        assert first.stdout.count("\n") > 3, what
    assert (
        dump_tables(server.url(empty)) == dump_tables(sqlite_url(backup)) == dump_tables(rich.url())
    )


def test_coders_of_a_pushed_file_get_their_logins_with_the_printed_commands(
    command: Command, pg_server: Server, empty: str, tmp_path: Path
) -> None:
    """A project coded in a file moves to a server; its coders log in there and find their work."""
    n = next(_numbers)
    alice, bob = f"push_alice_{n}", f"push_bob_{n}"  # roles are the whole server's: unique
    file = tmp_path / "coded.sqlite"
    check_ok(command("--project", file, "import", "--sample"))
    for coder in (alice, bob):
        tag = ("--coder", coder, "--article", NPR, "--label", "sovereignty", "--find", OPPOSE)
        check_ok(command("--project", file, "annotate", *tag))
    target = plain_url(pg_server, empty)
    try:
        # The options after the command, in either order, are the same command.
        result = check_ok(
            command("push", "--db", target, "--project", file, password=pg_server.password)
        )
        lines = result.stdout.splitlines()
        commands = [line.strip() for line in lines if "server add-coder" in line]
        assert commands == [
            f"framing-app --db {target} server add-coder {name}" for name in (alice, bob)
        ], describe(result)
        assert "2 coder(s) have no login on the server yet; for each, run:" in lines
        # The printed command works: the coder row came with the file, only the login is new.
        check_ok(
            command(
                *commands[0].split()[1:],
                "--password-stdin",
                password=pg_server.password,
                stdin="her password\n",
            )
        )
        mine = check_ok(
            command(
                "--db",
                plain_url(pg_server, empty, alice),
                *("show", NPR, "--annotations"),
                password="her password",
            )
        )
        assert alice in mine.stdout
    finally:
        with psycopg.connect(pg_server.conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f"DROP ROLE IF EXISTS {alice}")


def test_push_into_a_database_holding_a_project_is_refused_in_one_line(
    command: Command, rich: Team, backup: Path
) -> None:
    server = rich.server
    before = dump_tables(rich.url())
    target = plain_url(server, rich.database)
    check_error(
        command("--project", backup, "push", "--db", target, password=server.password),
        [
            f"{target} already holds a project with 4 articles",
            "push only into an empty database",
        ],
    )
    assert dump_tables(rich.url()) == before


def test_push_refuses_a_file_that_is_not_a_project_or_is_newer(
    command: Command, pg_server: Server, backup: Path, empty: str, tmp_path: Path
) -> None:
    target = plain_url(pg_server, empty)
    table = tmp_path / "articles.csv"
    table.write_text("id,title\n1,x\n", encoding="utf-8")
    check_error(
        command("--project", table, "push", "--db", target, password=pg_server.password),
        [f"{table}: not a framing-app project (not a SQLite database)"],
    )
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(backup.read_bytes())
    connection = sqlite3.connect(newer)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    check_error(
        command("--project", newer, "push", "--db", target, password=pg_server.password),
        [
            f"{newer}: was written by a newer version of framing-app",
            "upgrade framing-app to push it",
        ],
    )


def test_push_usage(command: Command, tmp_path: Path) -> None:
    file = tmp_path / "p.sqlite"
    url = "postgresql://lead@dbhost/framing"
    check_usage_error(command("push", "--db", url), ["--project (the project file to push)"])
    check_usage_error(command("--project", file, "push"), ["--db (the server database to fill)"])
    check_usage_error(
        command("--db", url, "push", "--db", url, "--project", file),
        ["argument --db: given twice (before and after the command)"],
    )
    check_usage_error(
        command("--project", file, "push", "--project", file, "--db", url),
        ["argument --project: given twice"],
    )
    check_error(
        command("--project", file, "push", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"),
        ["push loads a project into a PostgreSQL database"],
    )
    assert "the project file to push" in check_ok(command("push", "--help")).stdout
    assert "push" in check_ok(command("--help")).stdout
