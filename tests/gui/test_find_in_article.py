"""Ctrl+F finds in the article; Ctrl+L filters the list; a duplicate tag selects the one there."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui.main_window import MainWindow
from framing_app.services import tagging
from framing_app.services.articles import get_article
from framing_app.services.project import Project

TEXT = "Beijing 😀 said: sovereignty first.\n\nWashington said sovereignty\nis not a shield.\n"


@pytest.fixture
def window(qtbot: QtBot, open_window: Callable[..., MainWindow]) -> MainWindow:
    window = open_window({"a": TEXT, "b": "Another article about trade.\n"}, select="a")
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def _key(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    widget = window.focusWidget() or window
    qtbot.keyClick(widget, key, modifier)


def test_ctrl_f_finds_in_the_article_and_f3_steps_through_hits(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    """Issue 7, defect 8: Ctrl+F filtered the article list instead."""
    window.reader.view.setFocus()
    _key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.find_bar
    assert bar.isVisible()
    assert bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "SOVEREIGNTY")
    start = TEXT.index("sovereignty")
    second = TEXT.index("sovereignty", start + 1)
    assert bar.hits == [(start, start + 11), (second, second + 11)]
    assert bar.count.text() == "1 of 2"
    assert window.reader.view.selection() == (start, start + 11)  # code points, past the emoji
    assert len(window.reader.view.extraSelections()) == 2
    _key(qtbot, window, Qt.Key.Key_F3, Qt.KeyboardModifier.NoModifier)
    assert bar.count.text() == "2 of 2"
    _key(qtbot, window, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == "1 of 2"
    # Escape closes the bar; the hit stays selected, so a label key tags it.
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert window.reader.view.extraSelections() == []
    window.tag(1)
    (info,) = tagging.list_annotations(project, get_article(project, "a").id)
    assert (info.start, info.end, info.text) == (start, start + 11, "sovereignty")
    bar.open_bar()
    bar.edit.setText("not in the text")
    assert bar.count.text() == "not found"


def test_ctrl_l_filters_the_list_and_escape_clears_it(qtbot: QtBot, window: MainWindow) -> None:
    window.reader.view.setFocus()
    _key(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    edit = window.article_list.filter_edit
    assert edit.hasFocus()
    qtbot.keyClicks(edit, "trade")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == ""


def test_a_duplicate_tag_selects_the_annotation_without_a_dialog(
    qtbot: QtBot, window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: boxes.append(box.text()))
    start = TEXT.index("sovereignty")
    window.reader.view.set_selection(start, start + 11)
    window.tag(1)
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 1)
    window.reader.view.set_selection(start, start + 11)
    window.tag(1)
    assert boxes == []
    assert "already tagged “sovereignty”" in window.statusBar().currentMessage()
    assert len(tagging.list_annotations(project, get_article(project, "a").id)) == 1
    assert window.reader.view.selected_annotation() is not None
