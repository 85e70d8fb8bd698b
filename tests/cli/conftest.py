"""Fixtures for the end-to-end tests of the ``framing-app`` command (see cli_harness).

Every fixture here follows the test's ``backend`` (tests/conftest.py): a
test runs once on a SQLite project file and once on a project database on
the test server, unless marked ``@sqlite_only`` (what only a file has).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_harness import CODED, Cli, TemplateMaker
from cli_projects import FileProjects, Place, Projects, ServerProjects
from server_databases import ServerDatabases


@pytest.fixture(scope="session")
def cli_file_projects() -> FileProjects:
    return FileProjects()


@pytest.fixture(scope="session")
def cli_server_projects(pg_databases: ServerDatabases) -> Iterator[ServerProjects]:
    projects = ServerProjects(pg_databases)
    try:
        yield projects
    finally:
        projects.close()


@pytest.fixture
def cli_projects(backend: str, request: pytest.FixtureRequest) -> Iterator[Projects]:
    """Where this test's projects live; the coders' logins it used are dropped after it."""
    name = "cli_file_projects" if backend == "sqlite" else "cli_server_projects"
    projects: Projects = request.getfixturevalue(name)
    try:
        yield projects
    finally:
        projects.drop_logins()


def _template_maker(projects: Projects, factory: pytest.TempPathFactory) -> TemplateMaker:
    def made(key: str, build: Callable[[Cli], object]) -> Place:
        def make() -> Place:
            cli = Cli(factory.mktemp(f"{key}-{projects.backend}"), projects)
            try:
                build(cli)
                return cli.keep()
            finally:
                cli.close()

        return projects.template(key, make)

    return made


@pytest.fixture
def cli_template(cli_projects: Projects, tmp_path_factory: pytest.TempPathFactory) -> TemplateMaker:
    """``cli_template(key, build)``: a project *build* made once per run and backend; copy it.

    *build* gets a :class:`Cli` whose project is new and does its work through
    the real command; the project is kept, never to be changed.
    """
    return _template_maker(cli_projects, tmp_path_factory)


@pytest.fixture
def run_cli(tmp_path: Path, cli_projects: Projects) -> Iterator[Cli]:
    """``framing-app`` in a subprocess, private user folders, a project of its own.

    On SQLite the project is ``tmp_path/p.sqlite`` (made by the first command
    that writes); on the server a new project database (``--db``).
    """
    cli = Cli(tmp_path, cli_projects)
    try:
        yield cli
    finally:
        cli.close()


@pytest.fixture
def bare_cli(tmp_path: Path) -> Cli:
    """``framing-app`` with private user folders, for commands that open no project.

    Help, ``agreement --matrix``, usage errors: the same on either backend, so
    run once (a project file's path is there should a command open one).
    """
    return Cli(tmp_path)


def _import_sample(cli: Cli) -> None:
    cli.ok("import", "--sample")


@pytest.fixture
def sample_template(cli_template: TemplateMaker) -> Place:
    """A project made once by ``framing-app import --sample``; copy it, do not change it."""
    return cli_template("sample", _import_sample)


@pytest.fixture
def sample_file_template(
    cli_file_projects: FileProjects, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The sample project as a file, whatever the test's backend: what a coder sends by e-mail.

    The OTHER side of a merge is always a file. Copy it, do not change it.
    """
    made = _template_maker(cli_file_projects, tmp_path_factory)("sample", _import_sample)
    assert isinstance(made, Path)
    return made


@pytest.fixture
def sample_cli(run_cli: Cli, sample_template: Place) -> Cli:
    """Like ``run_cli``, with the two sample articles already in the project."""
    return run_cli.use(sample_template)


@pytest.fixture
def coded_template(cli_template: TemplateMaker, sample_template: Place) -> Place:
    """The sample project with the annotations ``CODED``, made by ``framing-app annotate``.

    The third is made naming the article by its internal id. Copy it, do not change it.
    """

    def build(cli: Cli) -> None:
        cli.use(sample_template)
        for number, (coder, article, label, passage, memo) in enumerate(CODED, start=1):
            ref = None
            if number == 3:
                ref = cli.query("SELECT id FROM article WHERE external_id = ?", article)[0][0]
            cli.annotate(coder, article, label, passage, memo=memo, ref=ref)

    return cli_template("coded", build)


@pytest.fixture
def coded_cli(run_cli: Cli, coded_template: Place) -> Cli:
    """Like ``run_cli``, with the sample articles and the annotations ``CODED``."""
    return run_cli.use(coded_template)
