"""The command as a whole: version, help, the default project, usage errors, bad project files."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from cli_harness import (
    GLOBALPOST,
    NPR,
    SAMPLE_TITLES,
    Cli,
    check_error,
    check_ok,
    check_usage_error,
    describe,
)
from server_databases import sqlite_only

import framing_app

COMMANDS = [
    "import",
    "articles",
    "coders",
    "labels",
    "codebook",
    "annotate",
    "status",
    "export",
    "import-annotations",
]


def test_version_and_help_and_nothing_is_created(run_cli: Cli) -> None:
    version, top, *helps = run_cli.many(
        ["--version"], ["--help"], *[[command, "--help"] for command in COMMANDS], project=None
    )
    check_ok(version)
    assert re.fullmatch(r"framing-app \d+\.\d+\.\d+\S*\n", version.stdout), describe(version)
    assert version.stdout == f"framing-app {framing_app.__version__}\n"

    check_ok(top)
    assert top.stdout.startswith("usage: framing-app")
    for command in COMMANDS:
        assert re.search(rf"^\s+{re.escape(command)}\s", top.stdout, re.M), command
    # The README sends the user to --help to find the default project's path.
    default = run_cli.data_home / "framing-app" / "projects" / "default.sqlite"
    # (argparse may wrap a long path; compare without the white space it adds.)
    assert "".join(str(default).split()) in "".join(top.stdout.split()), describe(top)

    for command, result in zip(COMMANDS, helps, strict=True):
        check_ok(result)
        assert result.stdout.startswith(f"usage: framing-app {command}"), describe(result)
        assert "-h, --help" in result.stdout, describe(result)

    assert not run_cli.data_home.exists(), "--version or --help created the default project"


def test_installed_console_script(run_cli: Cli) -> None:
    script = shutil.which("framing-app", path=run_cli.env["PATH"])
    assert script is not None, "the framing-app console script is not on PATH"
    imported = run_cli.ok("import", "--sample", command=[script])
    assert imported.stdout == "Imported 2 article(s) from 2 file(s).\n"
    assert run_cli.count("article") == 2


@sqlite_only
def test_default_project_in_the_user_data_folder(run_cli: Cli) -> None:
    default = run_cli.data_home / "framing-app" / "projects" / "default.sqlite"
    imported = run_cli.ok("import", "--sample", project=None)
    assert imported.stdout == "Imported 2 article(s) from 2 file(s).\n"
    assert default.is_file()
    assert not run_cli.project.exists()
    rows = run_cli.query(
        "SELECT external_id, title, published FROM article ORDER BY id", project=default
    )
    assert [(e, t) for e, t, _ in rows] == list(SAMPLE_TITLES.items())
    assert rows[0][2] == "2011-04-26"  # the date at the start of the file name

    tsv, table = (
        check_ok(r) for r in run_cli.many(["articles", "--tsv"], ["articles"], project=None)
    )
    listed = tsv.stdout.splitlines()
    assert listed[0].split("\t") == ["id", "external id", "title", "characters", "annotations"]
    assert len(listed) == 3
    lengths = dict(run_cli.query("SELECT external_id, char_count FROM article", project=default))
    for line, (external_id, title) in zip(listed[1:], SAMPLE_TITLES.items(), strict=True):
        cells = line.split("\t")
        assert cells[1:] == [external_id, title, str(lengths[external_id]), "-"]
        assert int(cells[0]) > 0
    assert lengths[NPR] == len(run_cli.article_text(NPR, project=default))

    lines = table.stdout.splitlines()
    assert lines[0].split() == ["id", "external", "id", "title", "characters", "annotations"]
    for line, (external_id, title) in zip(lines[1:], SAMPLE_TITLES.items(), strict=True):
        assert external_id in line
        assert title in line
        assert line.split()[-2:] == [str(lengths[external_id]), "-"]
    assert GLOBALPOST in lines[2]


ANNOTATE = ["annotate", "--coder", "a", "--article", "1", "--label", "sovereignty"]
USAGE_ERRORS: list[tuple[list[str], list[str]]] = [
    ([*ANNOTATE, "--start", "one", "--end", "5"], ["--start", "'one'"]),
    (["status", "--coder", "alice"], ["--article", "--all"]),
    (["export", "articles"], ["invalid choice", "'articles'"]),
]  # fmt: skip
# A project file has no logins to code as: there, not on a server, --coder is required.
FILE_USAGE_ERRORS: list[tuple[list[str], list[str]]] = [
    (["annotate", "--article", NPR, "--label", "sovereignty", "--start", "0", "--end", "5"],
     ["--coder"]),
]  # fmt: skip


def test_usage_errors_exit_2_and_touch_nothing(run_cli: Cli) -> None:
    cases = USAGE_ERRORS + (FILE_USAGE_ERRORS if run_cli.backend == "sqlite" else [])
    # --project and --db exclude each other (run_cli gives the one of its backend).
    other = ["--db", "sqlite://"] if run_cli.backend == "sqlite" else ["--project", "x.sqlite"]
    cases.append(([*other, "articles"], ["not allowed with"]))
    before = run_cli.snapshot()  # on SQLite: no file
    results = run_cli.many(*[args for args, _ in cases])
    for (_, expect), result in zip(cases, results, strict=True):
        check_usage_error(result, expect)
    assert run_cli.snapshot() == before


@sqlite_only
def test_unusable_project_files(run_cli: Cli) -> None:
    folder = run_cli.root / "folder.sqlite"
    folder.mkdir()
    foreign = run_cli.root / "recipes.sqlite"
    connection = sqlite3.connect(foreign)
    with connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.close()
    notes = run_cli.root / "notes.sqlite"
    notes.write_text("These are my notes, not a database.\n" * 50, encoding="utf-8")
    notes_before = notes.read_bytes()

    results = run_cli.many(
        ["--project", folder, "articles"],
        ["--project", foreign, "labels"],
        ["--project", notes, "articles"],
        project=None,
    )
    check_error(results[0], [str(folder), "folder"])
    check_error(results[1], [str(foreign), "not a framing-app project", "recipes"])
    check_error(results[2], [str(notes)])

    assert list(folder.iterdir()) == []
    assert run_cli.query("SELECT name FROM sqlite_master", project=foreign) == [("recipes",)]
    assert notes.read_bytes() == notes_before


def test_project_written_by_a_newer_version_is_refused_untouched(run_cli: Cli) -> None:
    run_cli.ok("import", "--sample")
    run_cli.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = run_cli.snapshot()

    message = run_cli.fails("articles", expect=[str(run_cli.project), "newer version"])
    assert "9999_future" in message

    assert run_cli.snapshot() == before
    assert run_cli.query("SELECT version_num FROM alembic_version") == [("9999_future",)]
    assert list(run_cli.root.glob("*.backup-*")) == [], "a refused file must not be migrated"


def test_no_display_is_a_clear_error_not_an_abort(tmp_path: Path) -> None:
    # Where Qt is not installed (CI's headless run) the window cannot start for
    # that reason first: the next test covers it.
    pytest.importorskip("PySide6", reason="the coding window needs PySide6 for this check")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    env["HOME"] = str(tmp_path)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    result = subprocess.run(
        [sys.executable, "-m", "framing_app", "--project", str(tmp_path / "p.sqlite")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("framing-app: error: no display")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(
    find_spec("PySide6") is not None, reason="runs where Qt is not installed (CI's headless run)"
)
def test_without_qt_the_window_says_so_and_commands_work(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    project = str(tmp_path / "p.sqlite")
    result = subprocess.run(
        [sys.executable, "-m", "framing_app", "--project", project],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("framing-app: error: the coding window needs Qt for Python")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "framing_app", "--project", project, "import", "--sample"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
