"""Fixtures for the end-to-end tests of the ``framing-app`` command (see cli_harness)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Cli, cli_env, copy_database, describe, run_framing_app


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
