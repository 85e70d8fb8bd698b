"""Codebook edits are undoable, by label id (issue 7).

Rename, recolour, definition, shortcut, archive, reorder, add, and delete with
its annotations: each is one step on the window's undo stack, undone from
the editor's Undo button or the window's Edit ▸ Undo, and undo then redo
returns the project to exactly the same label and annotation rows. A step
that another process has made impossible is refused with a message and
dropped; the project stays as it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui.codebook_editor import CodebookEditor
from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook, tagging
from framing_app.services.project import Project

ARTICLE = (
    "Officials rejected the criticism as interference in internal affairs. "
    "Critics pointed to double standards in how the rules were applied.\n"
)

Snapshot = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> Iterator[MainWindow]:
    yield open_window({"only": ARTICLE}, select="only")
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


@pytest.fixture
def editor(qtbot: QtBot, window: MainWindow) -> Iterator[CodebookEditor]:
    """The codebook editor as Codebook ▸ Edit opens it: on the window's operations and stack."""
    dialog = CodebookEditor(window.project, window, ops=window.ops, undo_stack=window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.close()


def _snapshot(project: Project) -> Snapshot:
    """Every label and annotation row, all columns, as SQLite holds them."""
    assert project.path is not None
    connection = sqlite3.connect(project.path)
    try:
        labels = connection.execute("SELECT * FROM label ORDER BY id").fetchall()
        annotations = connection.execute("SELECT * FROM annotation ORDER BY id").fetchall()
    finally:
        connection.close()
    return labels, annotations


def _tag(win: MainWindow, passage: str, label: str) -> None:
    start = win.reader.view.text().index(passage)
    win.reader.view.set_selection(start, start + len(passage))
    win.tag(label)


def _undo_redo_round_trip(qtbot: QtBot, dialog: CodebookEditor, before: Snapshot) -> None:
    """Undo (the editor's button) gives *before* back; redo gives what the edit made."""
    after = _snapshot(dialog._project)
    assert after != before
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert _snapshot(dialog._project) == before
    qtbot.mouseClick(dialog.redo_button, Qt.MouseButton.LeftButton)
    assert _snapshot(dialog._project) == after


def test_rename_is_undone_and_redone_with_every_annotation_kept(
    qtbot: QtBot, window: MainWindow, editor: CodebookEditor
) -> None:
    _tag(window, "interference in internal affairs", "sovereignty")
    before = _snapshot(window.project)
    editor.select_label("sovereignty")
    editor.name_edit.setFocus()
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, "national sovereignty")
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    assert editor.undo_button.defaultAction().text() == (
        "&Undo Rename “sovereignty” to “national sovereignty”"
    )
    _undo_redo_round_trip(qtbot, editor, before)
    # The window follows: the coding panel and the highlight use the new name.
    assert [a.label for a in window._annotations] == ["national sovereignty"]


def test_recolour_definition_shortcut_and_archive_each_undo(
    qtbot: QtBot, window: MainWindow, editor: CodebookEditor
) -> None:
    editor.select_label("double standards")
    original = _snapshot(window.project)
    steps: list[Callable[[], None]] = [
        lambda: editor.apply_color(QColor("#123456")),
        lambda: _type_definition(qtbot, editor, "Criticism of selective application."),
        lambda: _set_shortcut(qtbot, editor, "9"),
        lambda: editor.archived_check.click(),
    ]
    for step in steps:
        before = _snapshot(window.project)
        step()
        _undo_redo_round_trip(qtbot, editor, before)
    label = next(lab for lab in codebook.list_labels(window.project) if lab.id == _id(editor))
    assert (label.color, label.definition, label.shortcut, label.archived) == (
        "#123456",
        "Criticism of selective application.",
        "9",
        True,
    )
    # Four steps, all on the window's stack: Edit ▸ Undo undoes them too.
    assert window.undo_stack.count() == 4
    for _ in range(4):
        window.undo_stack.undo()
    assert _snapshot(window.project) == original


def _id(dialog: CodebookEditor) -> int:
    label = dialog.current_label()
    assert label is not None
    return label.id


def _type_definition(qtbot: QtBot, dialog: CodebookEditor, text: str) -> None:
    dialog.definition_edit.setFocus()
    dialog.definition_edit.selectAll()
    qtbot.keyClicks(dialog.definition_edit, text)
    dialog._commit_definition()


def _set_shortcut(qtbot: QtBot, dialog: CodebookEditor, key: str) -> None:
    from PySide6.QtGui import QKeySequence

    dialog.shortcut_edit.setKeySequence(QKeySequence(key))
    dialog._commit_shortcut()


def test_reorder_and_add_are_undone(
    qtbot: QtBot, window: MainWindow, editor: CodebookEditor
) -> None:
    before = _snapshot(window.project)
    editor.select_label("universal rights")
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    _undo_redo_round_trip(qtbot, editor, before)

    before = _snapshot(window.project)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    added = _snapshot(window.project)
    assert len(added[0]) == len(before[0]) + 1
    _undo_redo_round_trip(qtbot, editor, before)
    # Redo put back the same label: same id, name, colour and place.
    assert _snapshot(window.project) == added


def test_delete_with_annotations_is_undone_with_the_same_rows(
    qtbot: QtBot,
    window: MainWindow,
    editor: CodebookEditor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _tag(window, "interference in internal affairs", "sovereignty")
    _tag(window, "double standards", "sovereignty")
    tagging.annotate(
        window.project, coder="bob", article="only", label="sovereignty", start=0, end=9
    )
    before = _snapshot(window.project)
    monkeypatch.setattr(editor, "_confirm", lambda _text: True)
    editor.select_label("sovereignty")
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert "sovereignty" not in [lab.name for lab in codebook.list_labels(window.project)]
    assert window._annotations == []
    _undo_redo_round_trip(qtbot, editor, before)
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    # Back in the window too: both of alice's highlights, with the label's key.
    assert [a.label for a in window._annotations if a.coder == "alice"] == [
        "sovereignty",
        "sovereignty",
    ]


def test_tag_rename_in_editor_then_undo_redo_all_from_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The issue's walk: tag, rename in the editor, close, undo both, redo both: same rows."""
    _tag(window, "interference in internal affairs", "sovereignty")
    tagged = _snapshot(window.project)
    dialog = CodebookEditor(window.project, window, ops=window.ops, undo_stack=window.undo_stack)
    qtbot.addWidget(dialog)
    dialog.select_label("sovereignty")
    dialog.name_edit.setText("Sovereignty claims")
    dialog.name_edit.setModified(True)
    dialog._commit_name()
    dialog.accept()
    renamed = _snapshot(window.project)
    window.undo_stack.undo()
    assert _snapshot(window.project) == tagged
    window.undo_stack.undo()
    assert _snapshot(window.project)[1] == []
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert _snapshot(window.project) == renamed


def test_undo_of_add_is_refused_once_another_process_used_the_label(
    qtbot: QtBot, window: MainWindow, editor: CodebookEditor
) -> None:
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert project_label_names(window.project)[-1] == "new label"
    assert window.project.path is not None
    with Project.open(path=window.project.path) as other:
        tagging.annotate(other, coder="bob", article="only", label="new label", start=0, end=9)
    before = _snapshot(window.project)
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert _snapshot(window.project) == before  # nothing taken from bob
    assert "used by 1 annotation" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0  # the refused step is dropped, not stepped past


def test_redo_of_delete_is_refused_when_the_label_gained_annotations(
    qtbot: QtBot,
    window: MainWindow,
    editor: CodebookEditor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(editor, "_confirm", lambda _text: True)
    _tag(window, "double standards", "double standards")
    editor.select_label("double standards")
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert window.project.path is not None
    with Project.open(path=window.project.path) as other:
        tagging.annotate(
            other, coder="bob", article="only", label="double standards", start=0, end=9
        )
    before = _snapshot(window.project)
    qtbot.mouseClick(editor.redo_button, Qt.MouseButton.LeftButton)
    # The user agreed to lose alice's one annotation, not bob's new one.
    assert _snapshot(window.project) == before
    assert "has 2 annotation(s) now, not 1" in window.statusBar().currentMessage()


def project_label_names(project: Project) -> list[str]:
    return [lab.name for lab in codebook.list_labels(project)]
