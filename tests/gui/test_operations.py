"""One path for every change: the operations layer and its ``changed`` signal (issue 7).

Every action of the coding window goes through ``window.ops``, which
announces what changed exactly once; the article list, the reader and the
coding panel follow that signal and nobody refreshes a neighbour by hand.
A refused action is shown one way and announces nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.core.changes import Changes
from framing_app.core.records import CodingStatus
from framing_app.gui import coding_window as coding_window_module
from framing_app.gui import main_window as main_window_module
from framing_app.gui.article_list_model import ANNOTATIONS
from framing_app.gui.main_window import MainWindow
from framing_app.gui.operations import OUTSIDE
from framing_app.services import coding_status, tagging
from framing_app.services.articles import get_article
from framing_app.services.project import Project

ARTICLE = "Officials rejected the criticism as interference in internal affairs.\n"
OTHER = "Critics pointed to double standards in how the rules were applied.\n"

Heard = list[tuple[Changes, object]]


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> Iterator[MainWindow]:
    yield open_window({"a-one": ARTICLE, "b-two": OTHER}, select="a-one")
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


@pytest.fixture
def heard(window: MainWindow) -> Heard:
    received: Heard = []
    window.ops.changed.connect(lambda changes, initiator: received.append((changes, initiator)))
    return received


def _select(win: MainWindow, passage: str) -> None:
    start = win.reader.view.text().index(passage)
    win.reader.view.set_selection(start, start + len(passage))


def _list_count(win: MainWindow, article_id: int) -> str:
    model = win.article_list.model
    row = model.row_of(article_id)
    assert row is not None
    return str(model.index(row, ANNOTATIONS).data())


def _tag_shown(win: MainWindow) -> int:
    """Tag a passage of the shown article; its id."""
    article = win.article_id
    assert article is not None
    _select(win, "interference")
    win.tag("sovereignty")
    return article


def test_every_coding_action_is_announced_once_with_what_it_touched(
    qtbot: QtBot, window: MainWindow, heard: Heard
) -> None:
    article = _tag_shown(window)
    assert len(heard) == 1
    changes, initiator = heard[0]
    (annotation,) = changes.annotations
    assert changes.coded == {article}
    assert initiator is window.reader

    actions: list[tuple[str, Callable[[], None]]] = [
        ("relabel", lambda: window.relabel(annotation, "double standards")),
        ("memo", lambda: window.set_memo(annotation, "first\nsecond line")),
        ("undo", window.undo_stack.undo),
        ("redo", window.undo_stack.redo),
        ("delete", lambda: window.delete_annotation(annotation)),
        ("status", lambda: window.set_status(CodingStatus.DONE)),
    ]
    for name, action in actions:
        heard.clear()
        action()
        assert len(heard) == 1, name
        changes, _initiator = heard[0]
        assert changes.articles == {article}, name
        if name != "status":
            assert changes.annotations == {annotation}, name


def test_the_list_follows_the_signal_not_a_call(
    qtbot: QtBot, window: MainWindow, heard: Heard
) -> None:
    article = _tag_shown(window)
    # The list catches up on the next turn of the event loop, from the signal.
    qtbot.waitUntil(lambda: _list_count(window, article) == "1")
    for module in (main_window_module, coding_window_module):
        assert "article_list.refresh(" not in inspect.getsource(module)


def test_a_refused_action_is_shown_once_and_announces_nothing(
    qtbot: QtBot, window: MainWindow, heard: Heard, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(window.ops, "show_error", lambda title, text: shown.append((title, text)))
    _select(window, "interference")
    window.tag("sovereignty")
    annotation = next(iter(heard[0][0].annotations))
    heard.clear()
    # The span runs past the end of the article: the service refuses it.
    window.reader.view.set_selection(0, len(ARTICLE) - 1)
    state = tagging.annotation_state(window.project, annotation)
    window._edit("Change span", annotation, span=(state.start, len(ARTICLE) + 5))
    assert heard == []
    assert len(shown) == 1
    assert "runs past the end of the article" in shown[0][1]


def test_another_programs_change_comes_down_the_same_signal(
    qtbot: QtBot, window: MainWindow, heard: Heard, project: Project
) -> None:
    second = get_article(project, "b-two").id
    assert project.path is not None
    with Project.open(path=project.path) as other:
        tagging.annotate(other, coder="alice", article="b-two", label="sovereignty", start=0, end=7)
        coding_status.set_status(other, "alice", CodingStatus.DONE, ["b-two"])
    window.check_outside_changes()
    assert [(c.everything, i) for c, i in heard] == [(True, OUTSIDE)]
    assert _list_count(window, second) == "1"
    assert "1 of 2 done" in window.progress_label.text()
