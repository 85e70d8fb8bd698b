"""Another program's change to the project shows in an open window; its own do not reload it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook, tagging
from framing_app.services.articles import get_article
from framing_app.services.project import Project

TEXT = "Beijing said sovereignty comes first.\n"


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> MainWindow:
    return open_window({"a": TEXT}, select="a")


def test_a_change_by_another_program_appears(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    """Issue 7: a teammate's CLI import or a second window went unseen until restart."""
    assert project.path is not None
    with Project.open(path=project.path) as other:  # another process's connection
        tagging.annotate(other, coder="alice", article="a", label="sovereignty", start=0, end=7)
        codebook.add_label(other, "economy", shortcut="4")
    window.check_outside_changes()
    assert window.panel.annotation_list.count() == 1
    assert [b.text().split()[-1] for b in window.panel.label_buttons][-1] == "economy"
    assert "Another program changed this project" in window.statusBar().currentMessage()


def test_the_windows_own_changes_do_not_reload_it(
    qtbot: QtBot, window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloads: list[bool] = []
    monkeypatch.setattr(window, "reload_codebook", lambda: reloads.append(True))
    window.reader.view.set_selection(0, 7)
    window.tag(1)
    window.check_outside_changes()
    assert reloads == []


def test_a_change_while_a_memo_is_typed_waits(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    window.reader.view.set_selection(0, 7)
    window.tag(1)
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 1)
    window.check_outside_changes()  # take in the window's own change
    (mine,) = tagging.list_annotations(project, get_article(project, "a").id)
    window.panel.select_annotation(mine.id)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.panel.memo_edit.setFocus()
    qtbot.waitUntil(window.panel.memo_edit.hasFocus)
    qtbot.keyClicks(window.panel.memo_edit, "half a tho")
    assert project.path is not None
    with Project.open(path=project.path) as other:
        tagging.annotate(other, coder="alice", article="a", label="sovereignty", start=8, end=12)
    window.check_outside_changes()
    assert window.panel.memo_edit.toPlainText() == "half a tho"  # not reset
    assert window.panel.annotation_list.count() == 1
    window.reader.view.setFocus()  # the memo is saved; the waiting change comes in
    window.check_outside_changes()
    assert window.panel.annotation_list.count() == 2
