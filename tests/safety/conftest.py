"""Fixtures of the data-safety suite, and the line of figures it prints at the end.

The tests in this folder inflict real faults on real project files: SIGKILLs
at random moments, several processes writing at once, a lock held by another
program, hostile and broken inputs, a full disk, a read-only folder. They
count what they survived in :class:`SafetyFigures`; the summary line printed
after the run is where the README's "Data safety" figures come from.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The CLI harness lives beside the CLI tests. pytest puts that folder on
# sys.path only when it collects tests there, and this folder also runs alone.
_CLI_TESTS = Path(__file__).resolve().parents[1] / "cli"
if str(_CLI_TESTS) not in sys.path:
    sys.path.insert(0, str(_CLI_TESTS))

from cli_harness import CODED, Cli, cli_env, copy_database, describe, run_framing_app  # noqa: E402
from safety_summary import SafetyFigures  # noqa: E402

_FIGURES = pytest.StashKey[SafetyFigures]()


@pytest.fixture(scope="session")
def safety_figures(request: pytest.FixtureRequest) -> SafetyFigures:
    """The run's figures; a test adds to them once its checks have passed."""
    return request.config.stash.setdefault(_FIGURES, SafetyFigures())


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    figures = config.stash.get(_FIGURES, None)
    line = figures.summary() if figures is not None else None
    if line is not None:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made by ``framing-app import --sample``; copy it, do not change it."""
    root = tmp_path_factory.mktemp("safety-sample")
    path = root / "sample.sqlite"
    result = run_framing_app(["import", "--sample"], env=cli_env(root), cwd=root, project=path)
    assert result.returncode == 0, describe(result)
    return path


@pytest.fixture(scope="session")
def coded_template(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Path:
    """The sample project with the harness's annotations ``CODED``; copy it, do not change it."""
    cli = Cli(tmp_path_factory.mktemp("safety-coded"))
    copy_database(sample_template, cli.project)
    for coder, article, label, passage, memo in CODED:
        cli.annotate(coder, article, label, passage, memo=memo)
    return cli.project
