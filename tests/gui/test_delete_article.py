"""Article ▸ Delete…: confirm with the counts, delete through the service, move on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from framing_app.gui.main_window import NO_ARTICLES_TEXT, MainWindow
from framing_app.services import tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article, list_articles
from framing_app.services.project import Project

TEXTS = {
    "a-first": "First article\n\nAbout sovereignty and nothing else.\n",
    "b-second": "Second article\n\nAbout universal rights, coded twice.\n",
    "c-third": "Third article\n\nAbout double standards.\n",
}


@pytest.fixture
def window(qtbot: QtBot, project: Project, tmp_path: Path) -> Iterator[MainWindow]:
    """Alice's window on b-second, which bob has coded once already."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    import_articles(project, [folder])
    tagging.annotate(
        project, coder="bob", article="b-second", label="sovereignty", start=16, end=21
    )
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(project, "alice", settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.article_list.select_article(get_article(project, "b-second").id)
    yield win
    win.close()


class Answers:
    """Stands in for the user at QMessageBox.question: records the question, gives *answer*."""

    def __init__(self, answer: QMessageBox.StandardButton) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    def __call__(self, _parent: QWidget, title: str, text: str, *_args: object) -> object:
        self.asked.append((title, text))
        return self.answer


@pytest.fixture
def yes(monkeypatch: pytest.MonkeyPatch) -> Answers:
    answers = Answers(QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "question", answers)
    return answers


def _tag(win: MainWindow, passage: str, label: str) -> None:
    """Alice selects *passage* in the reader and tags it, as an undoable step."""
    start = win.reader.view.text().index(passage)
    win.reader.view.set_selection(start, start + len(passage))
    win.tag(label)


def _foreign_key_problems(project: Project) -> list[tuple[object, ...]]:
    assert project.path is not None
    connection = sqlite3.connect(project.path)
    try:
        return connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()


def test_delete_names_the_counts_then_moves_to_the_next_article(
    qtbot: QtBot, window: MainWindow, project: Project, yes: Answers
) -> None:
    second = get_article(project, "b-second")
    _tag(window, "universal rights", "universal rights")
    _tag(window, "coded twice", "sovereignty")
    assert window.undo_stack.count() == 2
    menu_titles = [action.text() for action in window.menuBar().actions()]
    assert "&Article" in menu_titles

    window.delete_article_action.trigger()

    assert yes.asked == [
        (
            "Delete article",
            "Delete the article “Second article” (b-second) with its 3 annotations "
            "(alice 2, bob 1)?\n\nThis cannot be undone.",
        )
    ]
    assert [a.external_id for a in list_articles(project)] == ["a-first", "c-third"]
    assert window.article_list.model.row_of(second.id) is None
    assert window.article_list.model.rowCount() == 2
    third = get_article(project, "c-third")
    assert window.article_id == third.id
    assert window.reader.title.text() == "Third article"
    assert window.article_list.current_article_id() == third.id
    # The history stays; its steps on the deleted article are refused one by
    # one with a message, resurrect nothing and leave the stack consistent.
    assert window.undo_stack.count() == 2
    window.undo_stack.undo()
    assert "Cannot undo “Tag “sovereignty””" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert window.undo_stack.count() == 0
    assert not window.undo_stack.canUndo()
    assert tagging.list_annotations(project, "a-first") == []
    assert [a.external_id for a in list_articles(project)] == ["a-first", "c-third"]
    assert _foreign_key_problems(project) == []


def test_answering_no_deletes_nothing(
    window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    no = Answers(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", no)
    _tag(window, "universal rights", "universal rights")
    window.delete_article_action.trigger()
    assert len(no.asked) == 1
    assert len(list_articles(project)) == 3
    assert window.article_id == get_article(project, "b-second").id
    assert window.undo_stack.count() == 1
    assert len(tagging.list_annotations(project, "b-second")) == 2


def test_the_last_article_in_the_list_moves_back_and_the_very_last_leaves_the_empty_state(
    window: MainWindow, project: Project, yes: Answers
) -> None:
    window.article_list.select_article(get_article(project, "c-third").id)
    window.delete_article_action.trigger()
    assert yes.asked[-1][1] == (
        "Delete the article “Third article” (c-third) (it has no annotations)?\n\n"
        "This cannot be undone."
    )
    assert window.article_id == get_article(project, "b-second").id

    window.delete_article_action.trigger()
    window.delete_article_action.trigger()
    assert list_articles(project) == []
    assert window.article_id is None
    assert window.reader.meta.text() == NO_ARTICLES_TEXT
    assert window.reader.view.text() == ""
    assert window.panel.annotation_list.count() == 0
    assert window.article_list.view.showing_placeholder()
    assert _foreign_key_problems(project) == []

    # With nothing shown, the action says so instead of asking.
    window.delete_article_action.trigger()
    assert len(yes.asked) == 3
