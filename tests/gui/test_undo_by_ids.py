"""Undo and redo hold ids, not names (issue 7, defect 2).

Tag, rename the label, undo, redo: the redo used to look the label up by its
old name, fail, and the annotation was gone for good. Every step must return
the project to the same rows (same id, article, coder, label id, span, memo),
whatever happened to the label's name meanwhile; a step that can no longer be
applied (another process deleted the annotation or its label) is refused with
a message, and the stack stays consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook, tagging
from framing_app.services.project import Project

ARTICLE = (
    "Officials rejected the criticism as interference in internal affairs. "
    "Critics pointed to double standards in how the rules were applied.\n"
)

Row = tuple[int, int, str, int, int, int, str]


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> Iterator[MainWindow]:
    yield open_window({"only": ARTICLE}, select="only")
    for box in _message_boxes():
        box.close()


@pytest.fixture
def other_process(project: Project) -> Iterator[Project]:
    """The same project file opened a second time, as another window or the CLI would."""
    assert project.path is not None
    with Project.open(path=project.path) as second:
        yield second


def _label_id(project: Project, name: str) -> int:
    return next(label.id for label in codebook.list_labels(project) if label.name == name)


def _rows(project: Project) -> list[Row]:
    """Alice's annotations as stored: id, article, coder, label id, span, memo."""
    ids = {label.name: label.id for label in codebook.list_labels(project)}
    return [
        (a.id, a.article_id, a.coder, ids[a.label], a.start, a.end, a.memo)
        for a in tagging.list_annotations(project, "only", "alice")
    ]


def _tag(win: MainWindow, passage: str, label: str) -> None:
    start = win.reader.view.text().index(passage)
    win.reader.view.set_selection(start, start + len(passage))
    win.tag(label)


def _message_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_tag_rename_undo_redo_gives_back_the_same_row(
    window: MainWindow, project: Project, other_process: Project
) -> None:
    _tag(window, "double standards", "double standards")
    tagged = _rows(project)
    assert len(tagged) == 1
    # Another window renames the label: the annotation keeps its label id.
    codebook.update_label(other_process, "double standards", new_name="hypocrisy")
    stack = window.undo_stack
    stack.undo()
    assert _rows(project) == []
    stack.redo()
    assert _rows(project) == tagged
    assert (stack.count(), stack.index()) == (1, 1)
    assert tagging.list_annotations(project, "only", "alice")[0].label == "hypocrisy"


def test_every_kind_of_step_survives_renames_here_and_elsewhere(
    qtbot: QtBot, window: MainWindow, project: Project, other_process: Project
) -> None:
    passage = "interference in internal affairs"
    _tag(window, passage, "sovereignty")
    (annotation_id, *_rest) = _rows(project)[0]
    window.panel.select_annotation(annotation_id)
    window.relabel(annotation_id, _label_id(project, "double standards"))
    window.set_memo(annotation_id, "the official line")
    start = ARTICLE.index("internal affairs")
    window.reader.view.set_selection(start, start + len("internal affairs"))
    window.span_to_selection(annotation_id)
    history = [_rows(project)]
    window.delete_annotation(annotation_id)
    assert _rows(project) == []
    assert window.undo_stack.count() == 5

    # Both labels renamed, one by another process, one through this window's codebook.
    codebook.update_label(other_process, "sovereignty", new_name="non-interference")
    codebook.update_label(project, "double standards", new_name="hypocrisy")
    window.reload_codebook()

    stack = window.undo_stack
    stack.undo()  # the delete: the same row comes back, same id
    assert _rows(project) == history[0]
    states = []
    for _ in range(4):  # span, memo, relabel, tag
        states.append(_rows(project))
        stack.undo()
    assert _rows(project) == []
    for expected in reversed(states):
        stack.redo()
        assert _rows(project) == expected
    stack.redo()  # the delete again
    assert _rows(project) == []
    assert (stack.count(), stack.index()) == (5, 5)
    assert "Cannot" not in window.statusBar().currentMessage()
    assert not _message_boxes()


def test_undo_after_another_process_deleted_the_label_is_refused_cleanly(
    window: MainWindow, project: Project, other_process: Project
) -> None:
    _tag(window, "interference in internal affairs", "sovereignty")
    _tag(window, "double standards", "double standards")
    assert window.undo_stack.count() == 2
    deleted = codebook.delete_label(other_process, "double standards", with_annotations=True)
    assert deleted == 1

    stack = window.undo_stack
    stack.undo()  # the tag whose annotation went with its label
    message = window.statusBar().currentMessage()
    assert message.startswith("Cannot undo")
    assert "no annotation" in message
    assert "\n" not in message
    assert [box.text() for box in _message_boxes()] == [message]
    # The refused step is dropped; the one below it is still there and works.
    assert (stack.count(), stack.index()) == (1, 1)
    stack.undo()
    assert _rows(project) == []
    assert (stack.count(), stack.index()) == (1, 0)


def test_redo_after_another_process_deleted_the_label_is_refused_cleanly(
    window: MainWindow, project: Project, other_process: Project
) -> None:
    _tag(window, "double standards", "double standards")
    stack = window.undo_stack
    stack.undo()
    assert _rows(project) == []
    codebook.delete_label(other_process, "double standards", with_annotations=True)

    stack.redo()
    message = window.statusBar().currentMessage()
    assert message.startswith("Cannot redo")
    assert "deleted" in message
    assert _rows(project) == []
    # The stack did not advance past the refused step, and holds nothing to redo.
    assert (stack.count(), stack.index()) == (0, 0)
    assert not stack.canRedo()
    assert window.panel.annotation_list.count() == 0


def test_undo_of_an_edit_after_the_annotation_was_deleted_elsewhere(
    window: MainWindow, project: Project, other_process: Project
) -> None:
    _tag(window, "double standards", "double standards")
    (annotation_id, *_rest) = _rows(project)[0]
    window.set_memo(annotation_id, "a memo")
    tagging.delete_annotation(other_process, annotation_id)

    stack = window.undo_stack
    stack.undo()  # the memo: its annotation is gone
    assert window.statusBar().currentMessage().startswith("Cannot undo “Edit memo”")
    assert (stack.count(), stack.index()) == (1, 1)
    stack.undo()  # the tag: nothing left to delete either
    assert (stack.count(), stack.index()) == (0, 0)
    assert _rows(project) == []
