"""The codebook editor opened from the coding window again and again, and the panel beside it.

Issue 7, defect 1: each edit in the editor rebuilt the coding panel's label
buttons and deleted the shared "Show definitions" button with them; the next
rebuild raised ``RuntimeError: Internal C++ object already deleted`` inside a
Qt slot, the panel kept one label and a new label's key tagged nothing.
pytest-qt fails a test on an exception raised in a Qt slot (its exception
capture is on unless ``qt_no_exception_capture`` is set; the first test checks
that it is not).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from framing_app.gui.codebook_editor import CodebookEditor
from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook, tagging
from framing_app.services.project import Project

ARTICLE = (
    "Officials rejected the criticism as interference in internal affairs. "
    "Critics pointed to double standards in how the rules were applied. "
    "Activists said universal rights belong to everyone. "
    "Commentators blamed the media for a one-sided picture.\n"
)
# One passage per label key, in key order.
PASSAGES = [
    "interference in internal affairs",
    "double standards",
    "universal rights belong to everyone",
    "blamed the media",
]


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> MainWindow:
    return open_window({"only": ARTICLE}, select="only")


def _edit_codebook_action(win: MainWindow) -> QAction:
    return next(a for a in win.findChildren(QAction) if a.text() == "&Edit codebook…")


def _in_codebook_editor(
    qtbot: QtBot, win: MainWindow, work: Callable[[CodebookEditor], None]
) -> None:
    """Choose Codebook ▸ Edit codebook…, do *work* in the (modal) editor, press Close."""
    ran: list[bool] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CodebookEditor)
        try:
            work(dialog)
            ran.append(True)
        finally:
            dialog.close_button.click()

    QTimer.singleShot(0, drive)
    _edit_codebook_action(win).trigger()  # returns when the editor is closed
    assert ran == [True], "the work inside the editor did not finish"
    # The offscreen platform has no window manager to hand activation back.
    with qtbot.waitActive(win):
        win.activateWindow()


def _type_name(qtbot: QtBot, dialog: CodebookEditor, text: str) -> None:
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, text)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)


def _label_ids_by_key(project: Project) -> dict[str, int]:
    return {
        label.shortcut: label.id
        for label in codebook.list_labels(project)
        if label.shortcut and not label.archived
    }


def test_exceptions_in_qt_slots_fail_these_tests(request: pytest.FixtureRequest) -> None:
    assert not request.config.getini("qt_no_exception_capture")
    assert request.node.get_closest_marker("qt_no_exception_capture") is None


def test_codebook_editor_three_times_then_every_key_tags_with_its_label(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    # 1: just open and close.
    _in_codebook_editor(qtbot, window, lambda dialog: None)

    # 2: rename a label.
    def rename(dialog: CodebookEditor) -> None:
        dialog.select_label("double standards")
        _type_name(qtbot, dialog, "hypocrisy")

    _in_codebook_editor(qtbot, window, rename)

    # 3: add a label and give it the next key.
    def add(dialog: CodebookEditor) -> None:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        _type_name(qtbot, dialog, "media blame")
        qtbot.keyClick(dialog.shortcut_edit, Qt.Key.Key_4)

    _in_codebook_editor(qtbot, window, add)
    qtbot.wait(10)  # let deferred deletions run, as the event loop would

    ids_by_key = _label_ids_by_key(project)
    assert sorted(ids_by_key) == ["1", "2", "3", "4"]
    names = {label.id: label.name for label in codebook.list_labels(project)}
    assert names[ids_by_key["2"]] == "hypocrisy"
    assert names[ids_by_key["4"]] == "media blame"

    # The panel shows every label once, and the definitions toggle still works.
    panel = window.panel
    assert [b.text().split(maxsplit=1)[1] for b in panel.label_buttons] == [
        names[ids_by_key[key]] for key in "1234"
    ]
    panel.definitions_toggle.setChecked(True)
    assert panel.definitions_toggle.text() == "Hide definitions"
    shown = [w for w in panel.codebook_box.findChildren(QLabel) if w.isVisibleTo(panel)]
    assert len(shown) == 4
    panel.definitions_toggle.setChecked(False)

    # Every key tags the selection with its own label.
    text = window.reader.view.text()
    stored: dict[str, int] = {}
    for key, passage in zip("1234", PASSAGES, strict=True):
        start = text.index(passage)
        window.reader.view.set_selection(start, start + len(passage))
        window.reader.view.setFocus()
        qtbot.keyClick(window.reader.view, getattr(Qt.Key, f"Key_{key}"))
        (found,) = [
            a
            for a in tagging.list_annotations(project, "only", "alice")
            if (a.start, a.end) == (start, start + len(passage))
        ]
        stored[key] = found.id
    for key, annotation_id in stored.items():
        assert tagging.annotation_state(project, annotation_id).label_id == ids_by_key[key]
    assert len(tagging.list_annotations(project, "only", "alice")) == 4
