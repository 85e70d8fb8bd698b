"""Helpers for running the real ``framing-app`` command in subprocesses on real projects.

Every test gets a private home (HOME, XDG_DATA_HOME, XDG_CONFIG_HOME inside its
``tmp_path``), so nothing touches the user's own projects or settings, and a
project of its own: a file ``tmp_path / "p.sqlite"``, or a database on the
test server (see :mod:`cli_projects`). The database is checked with the
drivers themselves (``sqlite3``, ``psycopg``; see :mod:`raw_db`),
independently of the application's own code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path
from typing import Any

from cli_projects import (
    FileProjects,
    Place,
    Projects,
    ServerProject,
    copy_file,
    driver_url,
    project_option,
)
from raw_db import raw_connection
from rich_project import dump_tables

from framing_app.core.names import name_key

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
    project: Place | None,
    binary: bool = False,
    command: Sequence[str] | None = None,
    login: str | None = None,
) -> subprocess.CompletedProcess[Any]:
    """Run ``python -m framing_app [--project FILE | --db URL] ARGS`` (or *command*) and wait."""
    argv = list(command) if command is not None else [sys.executable, "-m", "framing_app"]
    if project is not None:
        argv += project_option(project, login)
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


# The commands done as a coder: on a server, as the coder's own login (cli_identity).
ACTING = ("annotate", "answer", "status")


class Cli:
    """The ``framing-app`` command bound to one test's folders and project.

    The project is a SQLite file (``root / "p.sqlite"``, made by the first
    command that writes) or, with :class:`~cli_projects.ServerProjects`, a
    project database on the test server (see :mod:`cli_projects`).
    """

    def __init__(self, root: Path, projects: Projects | None = None) -> None:
        self.root = root
        self.projects: Projects = projects if projects is not None else FileProjects()
        self.backend = self.projects.backend
        self.env = {**cli_env(root), **self.projects.env()}
        self.data_home = Path(self.env["XDG_DATA_HOME"])
        self._project: Place | None = None
        self._made: list[Place] = []
        self._others: list[Cli] = []

    @property
    def project(self) -> Place:
        """This test's own project (on a server, a database made at first use)."""
        if self._project is None:
            self._project = self.new_project("p")
        return self._project

    def new_project(self, stem: str) -> Place:
        """Another project: a file not made yet (``root/STEM.sqlite``), or a new server project."""
        place = self.projects.new(self.root, stem)
        self._made.append(place)
        return place

    def copy_of(self, template: Place, stem: str) -> Place:
        """A new project holding a copy of *template* (``root/STEM.sqlite`` for a file)."""
        place = self.projects.copy(template, self.root, stem)
        self._made.append(place)
        return place

    def use(self, template: Place) -> Cli:
        """Make this test's project a copy of *template*; returns self."""
        assert self._project is None, "the project is in use already"
        self._project = self.copy_of(template, "p")
        return self

    def beside(self, name: str) -> Cli:
        """Another person's ``framing-app``: folders in ``root/NAME``, a project of their own.

        On the same backend; closed with this one.
        """
        (self.root / name).mkdir()
        other = Cli(self.root / name, self.projects)
        self._others.append(other)
        return other

    def keep(self) -> Place:
        """This project, left in place by :meth:`close` (a template)."""
        place = self.project
        self._made.remove(place)
        return place

    def close(self) -> None:
        """Drop the server databases and logins this test made (files go with the folder)."""
        for other in self._others:
            other.close()
        for place in self._made:
            self.projects.drop(place)
        self._made.clear()
        self.projects.drop_logins()

    def project_args(self, project: Place | None = None) -> list[object]:
        """``--project FILE`` or ``--db URL`` for *project* (this test's by default)."""
        return list(project_option(self.project if project is None else project))

    def __call__(
        self,
        *args: object,
        project: Any = _DEFAULT,
        binary: bool = False,
        env: dict[str, str] | None = None,
        command: Sequence[str] | None = None,
    ) -> subprocess.CompletedProcess[Any]:
        """Run the command; *project* None means no ``--project``/``--db`` (the default project)."""
        place = self.project if project is _DEFAULT else project
        login = self._login(place, args)
        extra = {} if login is None else {"PGPASSWORD": self.projects.login_password(login)}
        return run_framing_app(
            args,
            env={**self.env, **extra, **(env or {})},
            cwd=self.root,
            project=place,
            binary=binary,
            command=command,
            login=login,
        )

    def _login(self, place: Place | None, args: Sequence[object]) -> str | None:
        """On a server, the login a command done as a coder runs as; None: the lead's.

        That is the coder's own login, whatever case ``--coder`` is typed in
        (``--coder BOB`` is bob): the login of an existing coder of any case,
        else a login of the name as given.
        """
        if not isinstance(place, ServerProject) or not args or args[0] not in ACTING:
            return None
        words = [str(a) for a in args]
        if args[0] == "status" and "--set" not in words:
            return None  # showing statuses reads; the lead may read anyone's
        coder = next((value for option, value in pairwise(words) if option == "--coder"), None)
        if coder is None or not _is_text(coder):
            return None  # no coder, or none the command will accept: the lead's login
        known = [str(name) for (name,) in self.query("SELECT name FROM coder", project=place)]
        same = [name for name in known if name_key(name) == name_key(coder)]
        return same[0] if same else coder

    def many(
        self, *commands: Sequence[object], **kwargs: Any
    ) -> list[subprocess.CompletedProcess[Any]]:
        """Run independent commands (argument lists) at the same time; results in order.

        Each is still its own ``framing-app`` process; running them side by side
        only saves wall-clock time. Use it for commands that do not depend on
        each other's effects (reads, help, commands that must fail).
        """
        if kwargs.get("project", _DEFAULT) is _DEFAULT:
            _ = self.project  # made once, here, not by each thread
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
        self, sql: str, *params: object, project: Place | None = None
    ) -> list[tuple[Any, ...]]:
        """Rows of *sql* (``?`` placeholders) run on a project (this test's own by default)."""
        return query(self.project if project is None else project, sql, *params)

    def execute(self, sql: str, *params: object, project: Place | None = None) -> None:
        """Run and commit *sql* (``?`` placeholders) behind the program's back, as another tool."""
        with raw_connection(driver_url(self.project if project is None else project)) as conn:
            conn.execute(sql, params)

    def foreign_key_problems(self, project: Place | None = None) -> list[tuple[Any, ...]]:
        """SQLite's ``foreign_key_check``; a server enforces every key at once, so none there."""
        place = self.project if project is None else project
        if isinstance(place, ServerProject):
            return []
        return self.query("PRAGMA foreign_key_check", project=place)

    def count(self, table: str, project: Place | None = None) -> int:
        return int(self.query(f"SELECT count(*) FROM {table}", project=project)[0][0])

    def snapshot(self, project: Place | None = None) -> object:
        """What the project holds, to compare before and after a command that must change nothing.

        A file's bytes (None while there is no file): not one byte written. On
        a server, where there is no file to read, every row of every table.
        """
        place = self.project if project is None else project
        if isinstance(place, ServerProject):
            return dump_tables(place.driver_url)
        return place.read_bytes() if place.exists() else None

    def article_text(self, external_id: str, project: Place | None = None) -> str:
        rows = self.query(
            "SELECT text FROM article WHERE external_id = ?", external_id, project=project
        )
        assert len(rows) == 1, f"article {external_id!r}: {rows}"
        return str(rows[0][0])

    def span(self, external_id: str, passage: str, project: Place | None = None) -> tuple[int, int]:
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
        project: Place | None = None,
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


def _is_text(value: str) -> bool:
    """Whether *value* is valid text (not bytes smuggled in as lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ``cli_template(key, build)`` (tests/cli/conftest.py): the template made by *build*.
TemplateMaker = Callable[[str, Callable[[Cli], object]], Place]


def query(project: Place, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of *sql* on a project file or server database, read with the driver itself."""
    with raw_connection(driver_url(project)) as connection:
        return [tuple(row) for row in connection.execute(sql, params).fetchall()]


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite file with SQLite's backup API (consistent even with a WAL beside it)."""
    copy_file(source, target)
