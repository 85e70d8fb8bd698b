""" "My articles" in the coding window: the assigned articles first or only, the sample's mark.

The window codes as alice on a real project: eight articles, alice assigned
a1, a3, a5 and the sample a7 (with bob); the rest are bob's or nobody's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QIcon
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from framing_app.core.changes import Changes
from framing_app.core.records import CodingStatus
from framing_app.gui.article_list import ArticleListPane
from framing_app.gui.article_list_model import IN_SAMPLE_ROLE, TITLE
from framing_app.gui.main_window import MainWindow
from framing_app.services import assignments, project_settings
from framing_app.services.article_browser import Scope
from framing_app.services.article_import import import_articles
from framing_app.services.coders import add_coder
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project

REFS = [f"a{n}" for n in range(8)]


def import_eight(project: Project, folder: Path) -> None:
    folder.mkdir()
    for ref in REFS:
        (folder / f"{ref}.txt").write_text(f"Title {ref}\n\nText of {ref}.", encoding="utf-8")
    import_articles(project, [folder])


def assign_alice(project: Project) -> None:
    assignments.assign(project, ["alice"], 0, seed=1, articles=["a1", "a3", "a5"])
    assignments.assign(project, ["alice", "bob"], "1.0", seed=1, articles=["a7"])
    assignments.assign(project, ["bob"], 0, seed=1, articles=["a2"])


@pytest.fixture
def opened(qtbot: QtBot, project: Project, tmp_path: Path) -> Iterator[MainWindow]:
    import_eight(project, tmp_path / "in")
    for name in ("alice", "bob"):
        add_coder(project, name)
    assign_alice(project)
    set_status(project, "alice", CodingStatus.DONE, ["a3"])
    window = MainWindow(
        project, "alice", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def shown(pane: ArticleListPane) -> list[str]:
    model = pane.model
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    return [model.article(row).external_id for row in range(model.rowCount())]


def choose(pane: ArticleListPane, scope: Scope) -> None:
    pane.scope_box.setCurrentIndex(pane.scope_box.findData(scope))


def test_my_articles_is_the_default_when_the_coder_has_assignments(opened: MainWindow) -> None:
    pane = opened.article_list
    assert pane.scope_box.isVisible()
    assert pane.scope_box.currentData() == Scope.MINE
    assert pane.scope_box.currentText() == "My articles"
    assert shown(pane) == ["a1", "a3", "a5", "a7"]
    # The window opened on the first unfinished of them.
    assert opened.article_id == pane.model.article_id(0)
    assert pane.progress_text() == "1 of 4 assigned done · 1 of 8 done"

    choose(pane, Scope.MINE_FIRST)
    assert shown(pane) == ["a1", "a3", "a5", "a7", "a0", "a2", "a4", "a6"]
    model = pane.model
    # The articles after the coder's own are set apart (greyed) and say why.
    assert model.index(3, TITLE).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(4, TITLE).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "Not assigned to you" in model.index(4, TITLE).data(Qt.ItemDataRole.ToolTipRole)
    ModelTester(None).check(model)  # type: ignore[arg-type]

    choose(pane, Scope.ALL)
    assert shown(pane) == REFS
    assert pane.model.index(4, TITLE).data(Qt.ItemDataRole.ForegroundRole) is None


def test_next_article_walks_my_articles_first(opened: MainWindow) -> None:
    pane = opened.article_list
    choose(pane, Scope.MINE_FIRST)
    assert pane.select_article(pane.model.article_id(3))  # a7, the last of mine
    following = pane.neighbour(forward=True, unfinished_only=False)
    assert following is not None
    assert pane.select_article(following)
    assert pane.model.article(pane.model.row_of(following) or 0).external_id == "a0"


def test_no_assignments_no_box(qtbot: QtBot, project: Project, tmp_path: Path) -> None:
    import_eight(project, tmp_path / "in")
    window = MainWindow(
        project, "carol", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    pane = window.article_list
    assert not pane.scope_box.isVisible()
    assert pane.model.query().scope is Scope.ALL
    assert shown(pane) == REFS
    assert pane.progress_text() == "0 of 8 done"
    # The lead assigns from the command line: the window follows, "My articles" first.
    assert project.path is not None
    with Project.open(path=project.path) as other:
        assignments.assign(other, ["carol", "dave"], 0, seed=2, create_coders=True)
    window.check_outside_changes()
    assert pane.scope_box.isVisible()
    assert pane.model.query().scope is Scope.MINE
    assert len(shown(pane)) == 4
    window.close()


def test_switching_coder_applies_their_default(opened: MainWindow) -> None:
    pane = opened.article_list
    choose(pane, Scope.ALL)  # alice's own choice
    opened.switch_coder("bob")
    assert pane.model.query().scope is Scope.MINE
    assert shown(pane) == ["a2", "a7"]
    opened.switch_coder("erin")  # new, nothing assigned
    assert not pane.scope_box.isVisible()
    assert pane.model.query().scope is Scope.ALL


def test_an_assignment_change_keeps_the_coders_own_choice(
    opened: MainWindow, project: Project
) -> None:
    pane = opened.article_list
    choose(pane, Scope.MINE_FIRST)
    report = opened.ops.run("Assign", lambda: assignments.assign(project, ["alice"], 0, seed=3))
    assert report is not None
    assert pane.model.query().scope is Scope.MINE_FIRST
    assert shown(pane)[:5] == ["a0", "a1", "a3", "a4", "a5"]  # a0, a4, a6 are hers now


def marks(pane: ArticleListPane) -> dict[str, bool]:
    model = pane.model
    found = {}
    for row in range(model.rowCount()):
        index = model.index(row, TITLE)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        found[model.article(row).external_id] = isinstance(icon, QIcon) and not icon.isNull()
        assert bool(index.data(IN_SAMPLE_ROLE)) == found[model.article(row).external_id]
    return found


def test_the_sample_is_marked_only_when_the_lead_shows_it_and_never_blind(
    opened: MainWindow, project: Project
) -> None:
    pane = opened.article_list
    assert not any(marks(pane).values())  # hidden by default
    tip = pane.model.index(3, TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Reliability sample" not in tip

    opened.ops.run("Show sample", lambda: project_settings.set_show_sample(project, True))
    assert marks(pane) == {"a1": False, "a3": False, "a5": False, "a7": True}
    tip = pane.model.index(3, TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Reliability sample: every coder in the sample codes this article" in tip

    opened.blind_action.trigger()  # blind coding on: hidden whatever the lead chose
    assert project_settings.blind_coding(project)
    assert not any(marks(pane).values())
    opened.blind_action.trigger()
    assert marks(pane)["a7"]

    # Another program turns it off: the window follows. (Looking once first: a
    # change from outside seen together with the window's own is not told apart.)
    opened.check_outside_changes()
    assert project.path is not None
    with Project.open(path=project.path) as other:
        project_settings.set_show_sample(other, False)
    opened.check_outside_changes()
    assert not any(marks(pane).values())


def test_the_scope_box_is_in_the_tab_order(qtbot: QtBot, opened: MainWindow) -> None:
    pane = opened.article_list
    pane.focus_filter()
    qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Tab)
    assert pane.scope_box.hasFocus()
    qtbot.keyClick(pane.scope_box, Qt.Key.Key_Down)  # My articles -> Mine first
    assert pane.model.query().scope is Scope.MINE_FIRST


def test_changes_flag_for_assignments_reaches_the_list(opened: MainWindow) -> None:
    pane = opened.article_list
    before = shown(pane)
    opened.ops.announce(Changes(assignments=True))
    assert shown(pane) == before


def test_the_lead_shows_the_sample_from_the_codebook_menu(
    opened: MainWindow, project: Project
) -> None:
    pane = opened.article_list
    assert not opened.show_sample_action.isChecked()
    opened.show_sample_action.trigger()
    assert project_settings.show_sample(project)
    assert marks(pane)["a7"]
    opened.show_sample_action.trigger()
    assert not project_settings.show_sample(project)
    assert not any(marks(pane).values())
    # Set elsewhere: the menu follows.
    opened.check_outside_changes()
    assert project.path is not None
    with Project.open(path=project.path) as other:
        project_settings.set_show_sample(other, True)
    opened.check_outside_changes()
    assert opened.show_sample_action.isChecked()
    assert marks(pane)["a7"]
