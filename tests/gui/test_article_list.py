"""The article list pane, driven like a coder would: typing, choosing, arrow keys."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from framing_app.core.records import CodingStatus
from framing_app.gui.article_list import ArticleListPane
from framing_app.gui.article_list_model import (
    ANNOTATIONS,
    ARTICLE_ID_ROLE,
    SOURCE_DATE,
    STATUS,
    TITLE,
    WINDOW,
    ArticleListModel,
)
from framing_app.services.article_browser import ArticleQuery, ArticleSort
from framing_app.services.article_import import import_articles
from framing_app.services.articles import list_articles
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project
from framing_app.services.sample_corpus import sample_folder
from framing_app.services.tagging import annotate

SOURCES = ("Xinhua", "Reuters", "The New York Times", "")


def add_generated(project: Project, folder: Path, count: int) -> dict[str, int]:
    """Import *count* articles from a generated CSV; returns external id -> id.

    Titles "Generated article 0007"; every third is undated; texts unique.
    """
    path = folder / f"generated-{count}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "title", "date", "source", "text"])
        for n in range(count):
            date = "" if n % 3 == 0 else f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}"
            writer.writerow(
                [
                    f"g{n:04d}",
                    f"Generated article {n:04d}",
                    date,
                    SOURCES[n % len(SOURCES)],
                    f"Body of generated article number {n}. Nothing about the filter word.",
                ]
            )
    return {a.external_id: a.id for a in import_articles(project, [path]).added}


@pytest.fixture
def small(project: Project, tmp_path: Path) -> dict[str, int]:
    """The two sample articles, then 30 generated ones."""
    with sample_folder() as folder:
        import_articles(project, [folder])
    ids = add_generated(project, tmp_path, 30)
    ids.update({a.external_id: a.id for a in list_articles(project)[:2]})
    return ids


@pytest.fixture
def pane(qtbot: QtBot, project: Project) -> Iterator[ArticleListPane]:
    widget = ArticleListPane(project)
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.set_coder("alice")
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()


def _titles(pane: ArticleListPane) -> list[str]:
    model = pane.model
    return [str(model.index(row, TITLE).data()) for row in range(model.rowCount())]


def _choose(qtbot: QtBot, pane: ArticleListPane, box_name: str, text: str) -> None:
    box = getattr(pane, box_name)
    index = box.findText(text)
    assert index >= 0, text
    box.setCurrentIndex(index)


def test_lists_every_article_with_its_columns(
    pane: ArticleListPane, small: dict[str, int], project: Project
) -> None:
    pane.refresh()  # the articles came after the pane was built
    model = pane.model
    assert model.rowCount() == 32
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Title", "Source · Date", "Status", "Tags"]
    row = model.row_of(small["g0001"])
    assert row is not None
    assert model.index(row, TITLE).data() == "Generated article 0001"
    assert model.index(row, SOURCE_DATE).data() == "Reuters · 2011-02-11"
    assert model.index(row, STATUS).data() == "Not started"
    assert model.index(row, ANNOTATIONS).data() == 0
    assert model.index(row, TITLE).data(ARTICLE_ID_ROLE) == small["g0001"]
    tip = model.index(row, TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Generated article 0001" in tip
    assert "g0001" in tip
    assert isinstance(model.index(row, STATUS).data(Qt.ItemDataRole.DecorationRole), QIcon)
    undated = model.row_of(small["g0006"])
    assert undated is not None
    assert model.index(undated, SOURCE_DATE).data() == "The New York Times"


def test_model_passes_qt_model_checks(
    qtmodeltester: ModelTester, project: Project, small: dict[str, int]
) -> None:
    model = ArticleListModel(project)
    model.set_query(ArticleQuery("alice"))
    qtmodeltester.check(model)


def test_typing_in_the_filter_narrows_the_list(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int]
) -> None:
    pane.refresh()
    pane.focus_filter()
    qtbot.keyClicks(pane.filter_edit, "ARTICLE 001")
    assert pane.model.rowCount() == 32  # not yet: the filter waits for a pause in typing
    qtbot.waitUntil(lambda: pane.model.rowCount() == 10, timeout=3000)
    assert _titles(pane)[0] == "Generated article 0010"
    pane.filter_edit.clear()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 32, timeout=3000)


def test_filter_matches_the_full_text_and_says_when_nothing_matches(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int]
) -> None:
    pane.refresh()
    qtbot.keyClicks(pane.filter_edit, "number 17.")
    qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Return)  # Enter applies at once
    assert _titles(pane) == ["Generated article 0017"]
    assert not pane.view.showing_placeholder()
    pane.filter_edit.setText("no such words anywhere")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=3000)
    assert pane.view.showing_placeholder()
    assert pane.view.placeholder() == "No articles match."


def test_status_filter(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int], project: Project
) -> None:
    set_status(project, "alice", CodingStatus.DONE, ["g0002", "g0005"])
    set_status(project, "bob", CodingStatus.DONE, ["g0007"])
    pane.refresh()
    _choose(qtbot, pane, "status_box", "Done")
    assert _titles(pane) == ["Generated article 0002", "Generated article 0005"]
    assert {pane.model.index(r, STATUS).data() for r in range(2)} == {"Done"}
    _choose(qtbot, pane, "status_box", "Unfinished")
    assert pane.model.rowCount() == 30
    _choose(qtbot, pane, "status_box", "In progress")
    assert pane.model.rowCount() == 0
    pane.set_coder("bob")
    _choose(qtbot, pane, "status_box", "Done")
    assert _titles(pane) == ["Generated article 0007"]


def test_sort_choices(qtbot: QtBot, pane: ArticleListPane, small: dict[str, int]) -> None:
    pane.refresh()
    imported = _titles(pane)
    _choose(qtbot, pane, "sort_box", "Title")
    assert pane.model.query().sort is ArticleSort.TITLE
    titles = _titles(pane)
    assert titles == sorted(titles, key=str.lower)
    _choose(qtbot, pane, "sort_box", "Date")
    dates = [pane.model.article(r).published for r in range(pane.model.rowCount())]
    dated = [d for d in dates if d is not None]
    assert dates == dated + [None] * (len(dates) - len(dated))
    assert dated == sorted(dated)
    _choose(qtbot, pane, "sort_box", "Import order")
    assert _titles(pane) == imported


def test_arrow_keys_move_the_selection_and_announce_the_article(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int]
) -> None:
    pane.refresh()
    first, second, third = (pane.model.article_id(r) for r in range(3))
    with qtbot.waitSignal(pane.article_selected) as selected:
        assert pane.select_article(first)
    assert selected.args == [first]
    pane.view.setFocus()
    with qtbot.waitSignal(pane.article_selected) as moved:
        qtbot.keyClick(pane.view, Qt.Key.Key_Down)
    assert moved.args == [second]
    assert pane.current_article_id() == second
    with qtbot.waitSignal(pane.article_selected) as moved_again:
        qtbot.keyClick(pane.view, Qt.Key.Key_Down)
    assert moved_again.args == [third]
    with qtbot.assertNotEmitted(pane.article_selected):
        assert pane.select_article(third)  # already there: no second announcement


def test_select_article_far_down_reads_the_windows_to_it(
    qtbot: QtBot, pane: ArticleListPane, project: Project, tmp_path: Path
) -> None:
    ids = add_generated(project, tmp_path, 2000)
    pane.refresh()
    assert pane.model.rowCount() == WINDOW  # only the first window is read
    target = ids["g1500"]
    with qtbot.waitSignal(pane.article_selected) as selected:
        assert pane.select_article(target)
    assert selected.args == [target]
    assert pane.model.rowCount() == 1600  # whole windows, down to the article's
    assert pane.model.canFetchMore(pane.view.rootIndex())
    assert pane.model.article_id(pane.view.currentIndex().row()) == target
    assert pane.neighbour(forward=True, unfinished_only=False) == ids["g1501"]
    assert pane.neighbour(forward=False, unfinished_only=False) == ids["g1499"]


def test_scrolling_fetches_more_rows(
    qtbot: QtBot, pane: ArticleListPane, project: Project, tmp_path: Path
) -> None:
    add_generated(project, tmp_path, 450)
    pane.refresh()
    assert pane.model.rowCount() == WINDOW
    for _ in range(3):
        pane.view.scrollToBottom()
        qtbot.wait(10)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 450, timeout=3000)
    assert not pane.model.canFetchMore(pane.view.rootIndex())


def test_refresh_shows_new_status_count_and_progress(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int], project: Project
) -> None:
    pane.refresh()
    assert pane.progress_text() == "0 of 32 done"
    target = small["g0004"]
    assert pane.select_article(target)
    row = pane.view.currentIndex().row()
    annotate(project, coder="alice", article=target, label="sovereignty", start=0, end=4)
    with qtbot.waitSignal(pane.progress_changed) as changed:
        pane.refresh()
    assert changed.args == ["0 of 32 done"]
    assert pane.model.index(row, STATUS).data() == "In progress"
    assert pane.model.index(row, ANNOTATIONS).data() == 1
    assert pane.view.currentIndex().row() == row  # the selection stays

    set_status(project, "alice", CodingStatus.DONE, [target])
    with qtbot.waitSignal(pane.progress_changed) as changed:
        pane.refresh()
    assert changed.args == ["1 of 32 done"]
    assert pane.model.index(row, STATUS).data() == "Done"


def test_mark_done_under_unfinished_then_next(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int], project: Project
) -> None:
    """The done article leaves the list, and "next unfinished" goes on from its place."""
    pane.refresh()
    _choose(qtbot, pane, "status_box", "Unfinished")
    current = small["g0004"]
    assert pane.select_article(current)
    set_status(project, "alice", CodingStatus.DONE, [current])
    with qtbot.assertNotEmitted(pane.article_selected):
        pane.refresh()
    assert pane.model.loaded_row(current) is None
    assert pane.current_article_id() == current
    following = pane.neighbour(forward=True, unfinished_only=True)
    assert following == small["g0005"]
    with qtbot.waitSignal(pane.article_selected) as selected:
        assert pane.select_article(following)
    assert selected.args == [following]


def test_coder_switch_changes_statuses_and_progress(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int], project: Project
) -> None:
    set_status(project, "bob", CodingStatus.DONE, ["g0000"])
    pane.refresh()
    with qtbot.waitSignal(pane.progress_changed) as changed:
        pane.set_coder("bob")
    assert changed.args == ["1 of 32 done"]
    row = pane.model.row_of(small["g0000"])
    assert row is not None
    assert pane.model.index(row, STATUS).data() == "Done"
    pane.set_coder(None)
    assert pane.progress_text() == "32 articles"
    assert pane.model.index(row, STATUS).data() == "Not started"


def test_tabbing_into_the_list_does_not_change_the_article(
    qtbot: QtBot, pane: ArticleListPane, small: dict[str, int]
) -> None:
    pane.refresh()
    pane.activateWindow()
    pane.sort_box.setFocus()
    with qtbot.assertNotEmitted(pane.article_selected):
        qtbot.keyClick(pane.sort_box, Qt.Key.Key_Tab)
    qtbot.waitUntil(pane.view.hasFocus, timeout=3000)
    with qtbot.waitSignal(pane.article_selected):
        qtbot.keyClick(pane.view, Qt.Key.Key_Down)


def test_empty_project_says_so(pane: ArticleListPane) -> None:
    assert pane.model.rowCount() == 0
    assert pane.view.showing_placeholder()
    assert "No articles yet" in pane.view.placeholder()
    assert pane.select_article(1) is False
    assert pane.neighbour(forward=True, unfinished_only=True) is None
    assert pane.progress_text() == "0 of 0 done"
