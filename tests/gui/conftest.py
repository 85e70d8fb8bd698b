"""The coding window over a small project, as the GUI tests open it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from framing_app.gui.main_window import MainWindow
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.project import Project

OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def backend() -> str:
    """The coding window's tests run on a project file; the server has tests of its own."""
    return "sqlite"


@pytest.fixture
def open_window(qtbot: QtBot, project: Project, tmp_path: Path) -> Iterator[OpenWindow]:
    """``open_window({"a": TEXT, ...}, select="a")``: import the articles, open the window on one.

    Each article is a .txt file named by its key (the external id). The
    window codes as alice with a settings file of its own that has never
    been written, so the defaults apply; it is shown, exposed and closed
    after the test.
    """
    opened: list[MainWindow] = []

    def open_(articles: dict[str, str], *, select: str) -> MainWindow:
        folder = tmp_path / "articles"
        folder.mkdir()
        for name, text in articles.items():
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        import_articles(project, [folder])
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(project, "alice", settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.article_list.select_article(get_article(project, select).id)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        window.close()
