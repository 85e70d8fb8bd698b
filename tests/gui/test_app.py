"""Starting the coding window: the coder asked once, settings kept without a clean exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from framing_app.gui import app as gui_app
from framing_app.gui.app import Launcher
from framing_app.services.project import Project


def _settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _never(*_args: object) -> str:
    raise AssertionError("the coder was asked again")


def test_first_run_asks_the_coder_once_and_remembers_it(
    qtbot: QtBot, sample_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sample_project.path is not None
    path = sample_project.path
    monkeypatch.setattr(gui_app, "ask_coder", lambda _parent, _project: "carol")
    first = Launcher(_settings(tmp_path))
    assert first.open(path)
    assert first.window is not None
    qtbot.addWidget(first.window)
    assert first.window.coder == "carol"
    first.window.zoom(2)
    points = first.window.font_points
    # The session ends without closing the window (killed, power cut): a new
    # start reads what was stored as it changed.
    monkeypatch.setattr(gui_app, "ask_coder", _never)
    second = Launcher(_settings(tmp_path))
    assert second.open(path)
    assert second.window is not None
    qtbot.addWidget(second.window)
    assert second.window.coder == "carol"
    assert second.window.font_points == points
    assert second.window.article_id == first.window.article_id
    assert _settings(tmp_path).value("projects/last") == str(path)


def test_cancelling_the_coder_question_opens_nothing(
    qtbot: QtBot, sample_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sample_project.path is not None
    monkeypatch.setattr(gui_app, "ask_coder", lambda _parent, _project: None)
    launcher = Launcher(_settings(tmp_path))
    assert not launcher.open(sample_project.path)
    assert launcher.window is None


def test_switching_coder_is_remembered(
    qtbot: QtBot, sample_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sample_project.path is not None
    monkeypatch.setattr(gui_app, "ask_coder", lambda _parent, _project: "carol")
    launcher = Launcher(_settings(tmp_path))
    assert launcher.open(sample_project.path)
    assert launcher.window is not None
    qtbot.addWidget(launcher.window)
    launcher.window.switch_coder("dave")
    assert _settings(tmp_path).value(f"coder/{sample_project.location}") == "dave"


def test_new_project_from_the_window_replaces_it_and_offers_articles(
    qtbot: QtBot, sample_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sample_project.path is not None
    monkeypatch.setattr(gui_app, "ask_coder", lambda _parent, _project: "carol")
    offered: list[str] = []
    monkeypatch.setattr(
        gui_app, "offer_first_articles", lambda window: offered.append(window.project.location)
    )
    launcher = Launcher(_settings(tmp_path))
    assert launcher.open(sample_project.path)
    first = launcher.window
    assert first is not None
    qtbot.addWidget(first)
    new_path = tmp_path / "second.sqlite"
    first._switch_project(new_path)  # what File > New project does after its file dialog
    second = launcher.window
    assert second is not None
    assert second is not first
    qtbot.addWidget(second)
    assert second.project.location == str(new_path)
    assert not first.isVisible()
    assert offered[-1] == str(new_path)
    assert _settings(tmp_path).value("projects/recent")[:2] == [
        str(new_path),
        str(sample_project.path),
    ]
