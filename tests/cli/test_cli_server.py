"""A lab's team server through the real command, from an empty database to coders at work.

The lead runs ``server init`` and ``server add-coder``; coders code as their
login (``--coder`` left out, or naming themselves); a coder who tries a
lead's command, or to code as someone else, gets one line and exit status 1,
and the database holds what the commands said, read back with psycopg.
"""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cli_harness import NPR, OPPOSE, Cli, check_error, check_ok, check_usage_error, describe
from pg_server import TestServer
from server_databases import ServerDatabases, sqlite_only

_numbers = itertools.count(1)


class Lab:
    """One server project and the logins of its people, driven through ``framing-app``."""

    def __init__(self, cli: Cli, server: TestServer, database: str) -> None:
        self.cli, self.server, self.database = cli, server, database
        self.passwords: dict[str, str] = {server.superuser: server.password}
        n = next(_numbers)
        self.ann, self.bob, self.lea = f"cli_ann_{n}", f"cli_bob_{n}", f"cli_lea_{n}"

    def url(self, login: str | None = None) -> str:
        # The plain postgresql:// a PostgreSQL user types; the password from PGPASSWORD.
        who = login or self.server.superuser
        return f"postgresql://{who}@{self.server.host}:{self.server.port}/{self.database}"

    def run(self, login: str | None, *args: object, stdin: str | None = None) -> Any:
        who = login or self.server.superuser
        env = {**self.cli.env, "PGPASSWORD": self.passwords[who]}
        argv = ["--db", self.url(login), *[str(a) for a in args]]
        if stdin is None:
            return self.cli(*argv, project=None, env=env)
        return subprocess.run(
            [*_python_m(), *argv],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=self.cli.root,
            timeout=120,
        )

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.server.conninfo(self.database)) as conn:
            return [tuple(r) for r in conn.execute(query)]


def _python_m() -> list[str]:
    import sys

    return [sys.executable, "-m", "framing_app"]


@pytest.fixture
def lab(bare_cli: Cli, pg_databases: ServerDatabases, tmp_path: Path) -> Lab:
    made = Lab(bare_cli, pg_databases.server, pg_databases.create_empty())
    return made


def test_a_lab_sets_up_a_server_and_codes_on_it(lab: Lab, tmp_path: Path) -> None:
    # Before init: a coder's command says what the lead must do.
    check_error(lab.run(None, "articles"), ["holds no framing-app project yet", "server init"])
    out = check_ok(lab.run(None, "server", "init")).stdout
    assert "Set up a framing-app project" in out
    assert "server add-coder NAME" in out
    # Twice is harmless: the roles and policies are applied again.
    assert "was a project already" in check_ok(lab.run(None, "server", "init")).stdout

    # Coders: a password from standard input (scripts), one generated and shown once.
    lab.passwords[lab.ann] = "ann's secret"
    result = lab.run(
        None, "server", "add-coder", lab.ann, "--password-stdin", stdin="ann's secret\n"
    )
    assert result.returncode == 0, describe(result)
    shown = check_ok(lab.run(None, "server", "add-coder", lab.bob, "--generate-password")).stdout
    lab.passwords[lab.bob] = shown.split("shown once; give it to them privately): ")[1].strip()
    lab.passwords[lab.lea] = "lead pw"
    result = lab.run(None, "server", "add-lead", lab.lea, "--password-stdin", stdin="lead pw\n")
    assert result.returncode == 0, describe(result)
    check_error(
        lab.run(None, "server", "add-coder", lab.ann, "--generate-password"), ["exists already"]
    )
    logins = check_ok(lab.run(None, "server", "logins")).stdout
    assert lab.ann in logins
    assert lab.lea in logins

    # The lead imports; a coder may not.
    check_error(
        lab.run(lab.ann, "import", "--sample"),
        ["only a project lead can import or delete articles"],
    )
    check_ok(lab.run(lab.lea, "import", "--sample"))
    check_error(
        lab.run(lab.ann, "labels", "rename", "sovereignty", "sov"),
        ["only a project lead can change the codebook"],
    )

    # Coding as one's login: --coder left out, or naming oneself; never someone else.
    out = check_ok(
        lab.run(lab.ann, "annotate", "--article", NPR, "--label", "sovereignty", "--find", OPPOSE)
    ).stdout
    assert f"{lab.ann} tagged" in out
    check_ok(
        lab.run(
            lab.bob,
            "annotate",
            "--coder",
            lab.bob,
            "--article",
            NPR,
            "--label",
            "sovereignty",
            "--find",
            OPPOSE,
        )
    )
    check_error(
        lab.run(
            lab.ann,
            "annotate",
            "--coder",
            lab.bob,
            "--article",
            NPR,
            "--label",
            "universal rights",
            "--find",
            OPPOSE,
        ),
        [f"you code as your login '{lab.ann}', not as '{lab.bob}'"],
    )
    check_ok(lab.run(lab.ann, "status", "--article", NPR, "--set", "done"))
    assert lab.sql(
        "SELECT c.name, a.start_offset < a.end_offset FROM annotation a "
        "JOIN coder c ON c.id = a.coder_id ORDER BY a.id"
    ) == [(lab.ann, True), (lab.bob, True)]
    statuses = lab.sql(
        "SELECT c.name, s.status FROM coding_status s JOIN coder c ON c.id = s.coder_id"
    )
    assert sorted(statuses) == [(lab.ann, "done"), (lab.bob, "in-progress")]
    # Another coder's annotation: refused by the database, whatever the client.
    bob_id = lab.sql(
        "SELECT a.id FROM annotation a JOIN coder c ON c.id = a.coder_id "
        f"WHERE c.name = '{lab.bob}'"
    )[0][0]
    check_error(lab.run(lab.ann, "delete-annotation", bob_id), ["another coder's"])
    assert len(lab.sql("SELECT id FROM annotation")) == 2

    # Export works for everyone; the lead sees all of it.
    export = check_ok(lab.run(lab.lea, "export", "annotations")).stdout
    assert lab.ann in export
    assert lab.bob in export

    # Removing a coder keeps their work.
    check_ok(lab.run(None, "server", "remove-coder", lab.bob))
    assert len(lab.sql("SELECT id FROM annotation")) == 2
    check_error(lab.run(lab.bob, "articles"), ["cannot log in"])


@sqlite_only
def test_a_project_file_still_needs_coder(run_cli: Cli) -> None:
    check_usage_error(
        run_cli("annotate", "--article", "x", "--label", "y", "--start", "0", "--end", "1"),
        ["the following arguments are required: --coder"],
    )


def test_server_commands_need_a_server_url(bare_cli: Cli) -> None:
    check_error(bare_cli("server", "init", project=None), ["server commands need the server"])
    check_error(
        bare_cli("--db", f"sqlite:///{bare_cli.root / 'x.sqlite'}", "server", "init", project=None),
        ["need a PostgreSQL URL"],
    )
