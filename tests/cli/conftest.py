"""Fixtures for the end-to-end tests of the ``framing-app`` command (see cli_harness)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import CODED, Cli, cli_env, copy_database, describe, run_framing_app


@pytest.fixture
def run_cli(tmp_path: Path) -> Cli:
    """``framing-app`` in a subprocess, private user folders, project ``tmp_path/p.sqlite``."""
    return Cli(tmp_path)


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project file made once by ``framing-app import --sample``; copy it, do not change it."""
    root = tmp_path_factory.mktemp("sample-template")
    path = root / "sample.sqlite"
    result = run_framing_app(["import", "--sample"], env=cli_env(root), cwd=root, project=path)
    assert result.returncode == 0, describe(result)
    return path


@pytest.fixture
def sample_cli(run_cli: Cli, sample_template: Path) -> Cli:
    """Like ``run_cli``, with the two sample articles already in the project file."""
    copy_database(sample_template, run_cli.project)
    return run_cli


@pytest.fixture(scope="session")
def coded_template(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Path:
    """The sample project with the annotations ``CODED``, made by ``framing-app annotate``.

    The third is made naming the article by its internal id. Copy it, do not change it.
    """
    cli = Cli(tmp_path_factory.mktemp("coded-template"))
    copy_database(sample_template, cli.project)
    for number, (coder, article, label, passage, memo) in enumerate(CODED, start=1):
        ref = None
        if number == 3:
            ref = cli.query("SELECT id FROM article WHERE external_id = ?", article)[0][0]
        cli.annotate(coder, article, label, passage, memo=memo, ref=ref)
    return cli.project


@pytest.fixture
def coded_cli(run_cli: Cli, coded_template: Path) -> Cli:
    """Like ``run_cli``, with the sample articles and the annotations ``CODED``."""
    copy_database(coded_template, run_cli.project)
    return run_cli
