"""Answering article-level questions in the coding panel: keyboard, undo, redo, refusal, blind."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from framing_app.gui.help_dialogs import shortcut_rows
from framing_app.gui.main_window import MainWindow
from framing_app.gui.question_panel import NO_ANSWER
from framing_app.services import answers, questions
from framing_app.services.articles import get_article
from framing_app.services.project import Project

ARTICLES = {
    "first": "Officials rejected the criticism as interference.\n",
    "second": "Critics pointed to double standards.\n",
}


@pytest.fixture
def window(
    qtbot: QtBot, project: Project, open_window: Callable[..., MainWindow]
) -> Iterator[MainWindow]:
    questions.add_question(project, "relevant", level="nominal", options=["yes", "no"])
    questions.add_question(
        project,
        "primary frame",
        level="nominal",
        options=["sovereignty", "double standards", "universal rights", "other"],
    )
    questions.add_question(project, "sources", level="ratio", definition="voices quoted")
    questions.add_question(project, "dropped", level="nominal", options=["x"])
    questions.update_question(project, "dropped", archived=True)
    win = open_window(ARTICLES, select="first")
    with qtbot.waitActive(win):
        win.activateWindow()
    yield win
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


def ids(project: Project) -> dict[str, int]:
    return {q.name: q.id for q in questions.list_questions(project)}


def stored(project: Project) -> list[tuple[object, ...]]:
    """Every answer row, all columns, as SQLite holds them."""
    assert project.path is not None
    with sqlite3.connect(project.path) as db:
        return db.execute("SELECT * FROM answer ORDER BY id").fetchall()


def focused(window: MainWindow) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_one_row_per_question_archived_left_out(window: MainWindow) -> None:
    box = window.panel.questions_box
    assert box.isVisible()
    assert list(box.editors) == [
        ids(window.project)[n] for n in ("relevant", "primary frame", "sources")
    ]


def test_answer_every_question_with_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    project = window.project
    qid = ids(project)
    window.reader.view.setFocus()
    qtbot.keyClick(
        window.reader.view,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    first = focused(window)
    assert first.text() == "yes"  # type: ignore[attr-defined]
    qtbot.keyClick(first, Qt.Key.Key_Space)  # relevant: yes
    qtbot.keyClick(first, Qt.Key.Key_Tab)  # to "no"
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)  # to the primary frame's box
    frame_box = focused(window)
    assert frame_box is window.panel.questions_box.editors[qid["primary frame"]].focus_widget()
    qtbot.keyClick(frame_box, Qt.Key.Key_Down)  # "—" -> sovereignty
    qtbot.keyClick(frame_box, Qt.Key.Key_Down)  # -> double standards
    qtbot.keyClick(frame_box, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(window), "3.0")
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)
    article = get_article(project, "first").id
    assert answers.article_answers(project, article, "alice") == {
        qid["relevant"]: "yes",
        qid["primary frame"]: "double standards",
        qid["sources"]: "3",
    }
    # Each answer the coder chose is one step (arrowing through the box chose two).
    assert [window.undo_stack.text(i) for i in range(window.undo_stack.count())] == [
        "Answer “relevant”: yes",
        "Answer “primary frame”: sovereignty",
        "Answer “primary frame”: double standards",
        "Answer “sources”: 3",
    ]
    assert window.panel.questions_box.answers()[qid["sources"]] == "3"  # as stored


def test_undo_redo_restore_the_same_rows_and_clear_by_clicking_again(
    qtbot: QtBot, window: MainWindow
) -> None:
    project = window.project
    buttons = window.panel.questions_box.editors[ids(project)["relevant"]]
    yes, no = buttons.buttons  # type: ignore[attr-defined]
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    after_yes = stored(project)
    qtbot.mouseClick(no, Qt.MouseButton.LeftButton)
    after_no = stored(project)
    assert (yes.isChecked(), no.isChecked()) == (False, True)
    qtbot.mouseClick(no, Qt.MouseButton.LeftButton)  # the checked one again: no answer
    assert stored(project) == []
    assert not no.isChecked()
    window.undo_stack.undo()
    assert stored(project) == after_no
    assert no.isChecked()
    window.undo_stack.undo()
    assert stored(project) == after_yes
    window.undo_stack.undo()
    assert stored(project) == []
    assert not yes.isChecked()
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert stored(project) == after_no  # same id, value and times
    assert no.isChecked()


def test_undo_is_refused_when_another_program_changed_the_answer(
    qtbot: QtBot, window: MainWindow
) -> None:
    project = window.project
    frame = window.panel.questions_box.editors[ids(project)["primary frame"]]
    combo = frame.focus_widget()
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert window.undo_stack.count() == 1
    window.check_outside_changes()  # the baseline after this window's own commit
    assert project.path is not None
    with Project.open(path=project.path) as other:
        answers.set_answer(
            other, coder="alice", article="first", question="primary frame", value="other"
        )
    before = stored(project)
    window.undo_stack.undo()
    assert stored(project) == before  # the other program's answer stays
    assert "changed meanwhile (it is 'other' now, not 'sovereignty')" in (
        window.statusBar().currentMessage()
    )
    assert window.undo_stack.count() == 0  # the refused step is dropped
    window.check_outside_changes()  # the other program's answer appears
    shown = window.panel.questions_box.editors[ids(project)["primary frame"]].focus_widget()
    assert shown.currentText() == "other"  # type: ignore[attr-defined]


def test_an_undo_brings_its_article_back_into_view(qtbot: QtBot, window: MainWindow) -> None:
    project = window.project
    sources = window.panel.questions_box.editors[ids(project)["sources"]]
    line = sources.focus_widget()
    line.setFocus()
    qtbot.keyClicks(line, "7")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    second = get_article(project, "second").id
    window.article_list.select_article(second)
    assert window.article_id == second
    assert line.text() == ""  # type: ignore[attr-defined]
    window.undo_stack.undo()
    assert window.article_id == get_article(project, "first").id
    assert stored(project) == []


def test_blind_coding_never_shows_another_coders_answer(qtbot: QtBot, window: MainWindow) -> None:
    project = window.project
    answers.set_answer(project, coder="bob", article="first", question="relevant", value="no")
    answers.set_answer(
        project, coder="bob", article="first", question="primary frame", value="other"
    )
    window.check_outside_changes()
    box = window.panel.questions_box
    assert box.answers() == {}
    combo = box.editors[ids(project)["primary frame"]].focus_widget()
    assert combo.currentText() == NO_ANSWER  # type: ignore[attr-defined]
    window.switch_coder("bob")
    assert box.answers()[ids(project)["primary frame"]] == "other"


def test_a_refused_answer_shows_the_stored_one_again(qtbot: QtBot, window: MainWindow) -> None:
    project = window.project
    line = window.panel.questions_box.editors[ids(project)["sources"]].focus_widget()
    line.setFocus()
    qtbot.keyClicks(line, "-2")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert stored(project) == []
    assert line.text() == ""  # type: ignore[attr-defined]
    assert window.undo_stack.count() == 0


def test_the_shortcut_is_in_the_help(window: MainWindow) -> None:
    rows = shortcut_rows(window.menuBar(), [])
    assert ("Ctrl+Shift+A", "Coding ▸ Answer questions") in rows
