"""The command line never writes over the project (or any database) it is told to write to.

Files only: a server project is no file that an output could land on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Cli
from server_databases import sqlite_only


def _dump(cli: Cli) -> list[tuple[object, ...]]:
    return [
        row
        for table in ("article", "annotation", "coder", "label")
        for row in cli.query(f"SELECT * FROM {table} ORDER BY id")
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "annotations", "--out", "p.sqlite"],
        ["export", "annotations", "--excel", "--out", "p.sqlite"],
        ["codebook", "export", "p.sqlite"],
    ],
    ids=["export", "export-excel", "codebook-export"],
)
@sqlite_only
def test_exporting_onto_the_project_is_refused(coded_cli: Cli, command: list[str]) -> None:
    before = coded_cli.project.read_bytes()
    rows = _dump(coded_cli)

    line = coded_cli.fails(*command, expect=["p.sqlite", "open project's database"])

    assert coded_cli.project.read_bytes() == before
    assert _dump(coded_cli) == rows
    assert "choose another" in line


@sqlite_only
def test_exporting_onto_another_project_is_refused(coded_cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    coded_cli.ok("labels", "rename", "sovereignty", "sovereignty", project=other)  # creates it
    before = other.read_bytes()
    coded_cli.fails(
        "export", "annotations", "--out", str(other), expect=[str(other), "SQLite database"]
    )
    coded_cli.fails("codebook", "export", str(other), expect=[str(other), "SQLite database"])
    assert other.read_bytes() == before
