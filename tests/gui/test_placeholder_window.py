"""The placeholder window opens on a real project, offscreen."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from framing_app.gui.app import PlaceholderWindow
from framing_app.services.project import Project


def test_window_names_project_and_counts_articles(qtbot: QtBot, sample_project: Project) -> None:
    window = PlaceholderWindow(sample_project)
    qtbot.addWidget(window)
    window.show()
    assert str(sample_project.location) in window.windowTitle()
    assert "2 article(s)" in window.centralWidget().text()
