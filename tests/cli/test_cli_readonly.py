"""Where a command finds its project: reading commands never create one; options on both sides.

Also ``status`` for an unknown coder and ``export --out -``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cli_harness import ANNOTATION_HEADER, CODED, NPR, Cli, check_error, check_usage_error
from server_databases import sqlite_only

READING = [
    ["articles"],
    ["articles", "--tsv"],
    ["coders"],
    ["labels"],
    ["labels", "--tsv", "--definitions"],
    ["status", "--coder", "alice", "--all"],
    ["export", "annotations"],
    ["export", "annotations", "--out", "out.csv"],
    ["show", NPR],
    ["show", NPR, "--annotations"],
    ["codebook", "export", "codebook.json"],
    ["delete-annotation", "1"],
    ["delete-articles", NPR, "--yes"],
]


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@sqlite_only
def test_reading_commands_on_no_project_create_nothing(run_cli: Cli) -> None:
    folder = run_cli.root / "new folder"
    path = folder / "typo.sqlite"
    before = _all_files(run_cli.root)
    results = run_cli.many(*READING, project=path)
    for args, result in zip(READING, results, strict=True):
        line = check_error(result, [str(path), "no project there"])
        assert line.endswith("`framing-app --project PATH import ...` creates one"), args
    assert _all_files(run_cli.root) == before, "no file, folder, -wal or -shm may appear"

    # The default project (no --project) and a SQLite URL likewise.
    default_line = run_cli.fails("articles", project=None, expect=["no project there"])
    assert default_line.endswith("`framing-app import ...` creates the default project")
    url_line = run_cli.fails("--db", f"sqlite:///{path}", "labels", project=None)
    assert "no project there" in url_line
    assert "--db URL" in url_line
    assert _all_files(run_cli.root) == before

    # An empty file (a creation killed before its first commit) is no project either.
    run_cli.project.touch()
    run_cli.fails("labels", expect=["no project there"])
    assert run_cli.project.read_bytes() == b""
    assert sorted(p.name for p in run_cli.root.iterdir() if p.is_file()) == ["p.sqlite"]


@sqlite_only
def test_writing_commands_still_create_the_project(run_cli: Cli) -> None:
    for args in (
        ["labels", "rename", "sovereignty", "Sovereignty"],
        ["status", "--coder", "alice", "--all", "--set", "done"],
        ["import", "--sample"],
    ):
        path = run_cli.root / f"{args[0]}.sqlite"
        run_cli.ok(*args, project=path)
        assert path.is_file(), args
        run_cli.ok("labels", project=path)


def test_global_options_after_the_command(sample_cli: Cli) -> None:
    option, where = sample_cli.project_args()  # --project FILE, or --db URL on a server
    before, after, between, nested = sample_cli.many(
        [option, where, "articles", "--tsv"],
        ["articles", "--tsv", option, where],
        ["labels", option, where, "--tsv"],
        ["labels", "rename", option, where, "nope", "other"],
        project=None,
    )
    assert before.returncode == 0
    assert after.stdout == before.stdout
    assert between.stdout.startswith("label\tshortcut")
    check_error(nested, ["no label named 'nope'"])
    # The project file as a SQLite URL is the same project.
    path = where if option == "--project" else sample_cli.root / "p.sqlite"
    url = f"sqlite:///{where}" if option == "--project" else where
    assert sample_cli.ok("articles", "--tsv", "--db", url, project=None).stdout == before.stdout

    for args in (
        ["--project", path, "articles", "--db", url],
        ["--db", url, "articles", "--project", path],
    ):
        check_usage_error(
            sample_cli(*args, project=None), ["--db", "not allowed with", "--project"]
        )
    check_usage_error(
        sample_cli(option, where, "articles", option, where, project=None),
        [str(option), "given twice"],
    )
    top = sample_cli.ok("--help", project=None).stdout
    assert "before or after the command" in " ".join(top.split())
    assert "--project PATH" in sample_cli.ok("articles", "--help", project=None).stdout


def test_status_of_an_unknown_coder_is_an_error(coded_cli: Cli) -> None:
    stranger, near, other_case = coded_cli.many(
        ["status", "--coder", "zed", "--all"],
        ["status", "--coder", "alicia", "--all"],
        ["status", "--coder", "BOB", "--all"],
    )
    assert check_error(stranger) == "framing-app: error: no coder named 'zed'"
    check_error(near, ["no coder named 'alicia'", "did you mean 'alice'?"])
    # Names compare case-insensitively: bob's statuses, not a stranger's not-started rows.
    assert other_case.returncode == 0
    assert [line.split()[-1] for line in other_case.stdout.splitlines()[1:]] == [
        "in-progress",
        "in-progress",
    ]
    assert coded_cli.query("SELECT name FROM coder ORDER BY name") == [("alice",), ("bob",)]


def test_export_out_dash_writes_to_stdout(coded_cli: Cli) -> None:
    dash, plain = coded_cli.many(
        ["export", "annotations", "--out", "-"], ["export", "annotations"], binary=True
    )
    assert dash.returncode == 0
    assert dash.stdout == plain.stdout
    records = list(csv.reader(io.StringIO(dash.stdout.decode("utf-8"), newline="")))
    assert records[0] == ANNOTATION_HEADER
    assert len(records) == 1 + len(CODED)
    assert not (coded_cli.root / "-").exists()
