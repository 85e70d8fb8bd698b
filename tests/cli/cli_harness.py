"""Helpers for running the real ``framing-app`` command in subprocesses on real project files.

Every test gets a private home (HOME, XDG_DATA_HOME, XDG_CONFIG_HOME inside its
``tmp_path``), so nothing touches the user's own projects or settings, and a
default project file ``tmp_path / "p.sqlite"``. The database is checked with the
standard library's ``sqlite3``, independently of the application's own code.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ERROR_PREFIX = "framing-app: error: "
# Wide enough that terminal tables never cut a title or wrap a path in --help.
COLUMNS = "250"
# The sample articles' external ids (file stems) and titles (first lines).
NPR = "2011-04-26_npr_china-us-human-rights-talks"
GLOBALPOST = "2012-07_globalpost_us-slams-beijing-human-rights"
SAMPLE_TITLES = {
    NPR: "China, United States To Begin Human Rights Talks",
    GLOBALPOST: 'US slams Beijing over "deteriorating" human rights conditions in China',
}
# Passages of the sample articles.
OPPOSE = (
    "We oppose any country using human rights issues as an excuse to interfere in "
    "China's domestic affairs."
)
LAWYERS = (
    "Lawyers, bloggers, NGO activists, journalists, religious leaders and others are "
    "asserting universal rights and calling for peaceful reform in China"
)
# Across a paragraph break: one quoted CSV record over several lines.
STRESSED = (
    'But he also stressed "that political reforms in China have not kept pace with '
    'economic advances," AFP reported.\n\nDuring talks with the Chinese'
)
MEMO = 'quoted "inside", a comma,\nnew line'
# The annotations of the coded sample project (see the coded_template fixture),
# in the order they are made: (coder, article, label, passage, memo).
CODED = [
    ("alice", NPR, "sovereignty", OPPOSE, MEMO),
    ("bob", NPR, "sovereignty", OPPOSE, ""),
    ("bob", GLOBALPOST, "universal rights", LAWYERS, "ABC 🌏"),
    ("alice", GLOBALPOST, "universal rights", STRESSED, ""),
]
# The annotation CSV header, as the README documents it.
ANNOTATION_HEADER = [
    "annotation_id",
    "article_id",
    "article_external_id",
    "article_title",
    "article_sha256",
    "coder",
    "label",
    "start",
    "end",
    "text",
    "memo",
    "created_at",
    "updated_at",
]
_DEFAULT = object()


def cli_env(root: Path) -> dict[str, str]:
    """The environment of a CLI subprocess: user folders under *root*, Qt offscreen."""
    home = root / "home"
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        QT_QPA_PLATFORM="offscreen",
        COLUMNS=COLUMNS,
    )
    for leak in ("PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS"):
        env.pop(leak, None)
    return env


def run_framing_app(
    args: Sequence[object],
    *,
    env: dict[str, str],
    cwd: Path,
    project: Path | None,
    binary: bool = False,
    command: Sequence[str] | None = None,
) -> subprocess.CompletedProcess[Any]:
    """Run ``python -m framing_app [--project PROJECT] ARGS`` (or *command*) and wait."""
    argv = list(command) if command is not None else [sys.executable, "-m", "framing_app"]
    if project is not None:
        argv += ["--project", str(project)]
    argv += [str(a) for a in args]
    if binary:
        return subprocess.run(argv, capture_output=True, env=env, cwd=cwd, timeout=120)
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=120,
    )


def describe(result: subprocess.CompletedProcess[Any]) -> str:
    return (
        f"command: {result.args}\nexit status: {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def check_ok(result: subprocess.CompletedProcess[Any]) -> subprocess.CompletedProcess[Any]:
    """*result* of a command that succeeded quietly: exit status 0, nothing on stderr."""
    assert result.returncode == 0, describe(result)
    assert not result.stderr, describe(result)
    return result


def check_error(result: subprocess.CompletedProcess[Any], expect: Sequence[str] = ()) -> str:
    """The error line of a command that failed as documented; returns that line.

    Exit status 1, nothing on stdout, and on stderr exactly one line
    ``framing-app: error: ...`` holding every string in *expect*, no traceback.
    """
    assert result.returncode == 1, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, describe(result)
    assert lines[0].startswith(ERROR_PREFIX), describe(result)
    for fragment in expect:
        assert fragment in lines[0], describe(result)
    assert result.stdout == "", describe(result)
    return lines[0]


def check_usage_error(result: subprocess.CompletedProcess[Any], expect: Sequence[str]) -> str:
    """The stderr of a command line argparse rejected: exit status 2, usage, no traceback."""
    assert result.returncode == 2, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    assert result.stderr.startswith("usage: framing-app"), describe(result)
    for fragment in expect:
        assert fragment in result.stderr, describe(result)
    return result.stderr


class Cli:
    """The ``framing-app`` command bound to one test's folders and project file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = cli_env(root)
        self.project = root / "p.sqlite"
        self.data_home = Path(self.env["XDG_DATA_HOME"])

    def __call__(
        self,
        *args: object,
        project: Any = _DEFAULT,
        binary: bool = False,
        env: dict[str, str] | None = None,
        command: Sequence[str] | None = None,
    ) -> subprocess.CompletedProcess[Any]:
        """Run the command; *project* None means no ``--project`` (the default project)."""
        return run_framing_app(
            args,
            env={**self.env, **(env or {})},
            cwd=self.root,
            project=self.project if project is _DEFAULT else project,
            binary=binary,
            command=command,
        )

    def many(
        self, *commands: Sequence[object], **kwargs: Any
    ) -> list[subprocess.CompletedProcess[Any]]:
        """Run independent commands (argument lists) at the same time; results in order.

        Each is still its own ``framing-app`` process; running them side by side
        only saves wall-clock time. Use it for commands that do not depend on
        each other's effects (reads, help, commands that must fail).
        """
        # More processes than CPUs only makes them queue for the CPUs and the disk.
        workers = max(1, min(len(commands), os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda args: self(*args, **kwargs), commands))

    def ok(self, *args: object, **kwargs: Any) -> subprocess.CompletedProcess[Any]:
        """Run the command and check that it succeeded quietly (nothing on stderr)."""
        return check_ok(self(*args, **kwargs))

    def fails(self, *args: object, expect: Sequence[str] = (), **kwargs: Any) -> str:
        """Run the command, check the documented failure (see :func:`check_error`)."""
        return check_error(self(*args, **kwargs), expect)

    def query(
        self, sql: str, *params: object, project: Path | None = None
    ) -> list[tuple[Any, ...]]:
        """Rows of *sql* run on the project file (this test's own one by default)."""
        return query(project or self.project, sql, *params)

    def count(self, table: str, project: Path | None = None) -> int:
        return int(self.query(f"SELECT count(*) FROM {table}", project=project)[0][0])

    def article_text(self, external_id: str, project: Path | None = None) -> str:
        rows = self.query(
            "SELECT text FROM article WHERE external_id = ?", external_id, project=project
        )
        assert len(rows) == 1, f"article {external_id!r}: {rows}"
        return str(rows[0][0])

    def span(self, external_id: str, passage: str, project: Path | None = None) -> tuple[int, int]:
        """Code-point offsets of the only occurrence of *passage* in the stored text."""
        text = self.article_text(external_id, project)
        assert text.count(passage) == 1, f"{passage!r} is not once in {external_id}"
        start = text.index(passage)
        return start, start + len(passage)

    def annotate(
        self,
        coder: str,
        article: str,
        label: str,
        passage: str,
        memo: str | None = None,
        project: Path | None = None,
        ref: object = None,
    ) -> subprocess.CompletedProcess[Any]:
        """Tag the only occurrence of *passage* (offsets computed from the stored text).

        *ref* is what ``--article`` gets (default: the external id *article*).
        """
        start, end = self.span(article, passage, project)
        args: list[object] = ["annotate", "--coder", coder, "--article", ref or article]
        args += ["--label", label, "--start", start, "--end", end]
        if memo is not None:
            args += ["--memo", memo]
        return self.ok(*args, project=project or self.project)


def query(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    assert path.is_file(), f"no project file {path}"
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def copy_database(source: Path, target: Path) -> None:
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
