"""Selections snap to whole words as they are made; a drag inside a selection starts a new one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from framing_app.gui.main_window import MainWindow
from framing_app.services import tagging
from framing_app.services.articles import get_article
from framing_app.services.project import Project

TEXT = "Officials said sovereignty comes first 😀 and interference is unwelcome.\n"


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> MainWindow:
    return open_window({"a": TEXT}, select="a")


def _point(window: MainWindow, offset: int) -> QPoint:
    view = window.reader.view
    # Code points to Qt's UTF-16 positions (the emoji counts two there).
    return view.cursorRect(view.cursor_for(offset, offset)).center()


def test_snapping_is_on_for_a_new_user(window: MainWindow) -> None:
    assert window.snap_action.isChecked()
    assert window.reader.view.snap_words


def test_a_mouse_selection_is_shown_snapped_and_stored_as_shown(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    """Issue 7, defect 5: "vereign" was stored as it was dragged, snapped only at commit."""
    view = window.reader.view
    start, end = TEXT.index("vereign"), TEXT.index("vereign") + len("vereign")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(window, start))
    qtbot.mouseMove(view.viewport(), _point(window, end))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(window, end))
    word = TEXT.index("sovereignty")
    assert view.selection() == (word, word + len("sovereignty"))  # what the coder sees
    window.tag(1)
    (info,) = tagging.list_annotations(project, get_article(project, "a").id)
    assert info.text == "sovereignty"


def test_a_keyboard_selection_snaps_when_shift_is_released(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.reader.view
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(TEXT.index("ficials"))
    view.setTextCursor(cursor)
    for _ in range(4):
        qtbot.keyPress(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyRelease(view, Qt.Key.Key_Shift)
    assert view.selection() == (0, len("Officials"))


def test_a_drag_inside_the_selection_starts_a_new_selection(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.reader.view
    first = TEXT.index("sovereignty")
    view.set_selection(first, first + len("sovereignty comes first"))
    inside = TEXT.index("comes") + 1
    later = TEXT.index("interference") + 3
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(window, inside))
    qtbot.mouseMove(view.viewport(), _point(window, later))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(window, later))
    start, end = view.selection() or (0, 0)
    assert TEXT[start:end] == "comes first 😀 and interference"
