"""Shared fixtures: real project databases in temporary folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt needs no display for the tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from framing_app.services.project import Project
from framing_app.services.sample_corpus import sample_folder


@pytest.fixture(autouse=True)
def _private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user's data and settings folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new, empty project (default codebook) in a real SQLite file."""
    with Project.open(path=tmp_path / "project.sqlite") as opened:
        yield opened


@pytest.fixture
def sample_project(project: Project) -> Project:
    """A project holding the two bundled sample articles."""
    from framing_app.services.article_import import import_articles

    with sample_folder() as folder:
        import_articles(project, [folder])
    return project


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
