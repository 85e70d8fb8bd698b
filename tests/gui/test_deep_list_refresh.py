"""The list's catch-up after an action deep in a long list reads the changed rows, not the list.

Query shape, not time: with the selection at row 1,000 of 1,100, a refresh
after a status change or a tag issues a few short statements, and none of them
reads a window of more than the rows in sight.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from test_article_list import add_generated

from framing_app.core.records import CodingStatus
from framing_app.gui.article_list import ArticleListPane
from framing_app.gui.article_list_model import STATUS, WINDOW
from framing_app.services.article_browser import StatusFilter
from framing_app.services.article_import import import_articles
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project
from framing_app.services.tagging import annotate

COUNT = 1_100
DEEP = 1_000


@contextmanager
def statements(project: Project) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, params))

    event.listen(project.db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(project.db.engine, "before_cursor_execute", note)


def _largest_window(seen: list[tuple[str, Any]]) -> int:
    """The largest LIMIT asked for (SQLite binds LIMIT and OFFSET as the last parameters)."""
    largest = 0
    for sql, params in seen:
        if re.search(r"\bLIMIT \?", sql) and params:
            values = list(params.values()) if isinstance(params, dict) else list(params)
            at = -2 if "OFFSET" in sql else -1
            largest = max(largest, int(values[at]))
    return largest


@pytest.fixture
def deep(qtbot: QtBot, project: Project, tmp_path: Path) -> tuple[ArticleListPane, dict[str, int]]:
    ids = add_generated(project, tmp_path, COUNT)
    pane = ArticleListPane(project)
    qtbot.addWidget(pane)
    pane.resize(600, 400)
    pane.show()
    pane.set_coder("alice")
    assert pane.select_article(ids[f"g{DEEP:04d}"])
    return pane, ids


def test_status_change_deep_reads_only_the_changed_rows(
    deep: tuple[ArticleListPane, dict[str, int]], project: Project
) -> None:
    pane, ids = deep
    current = ids[f"g{DEEP:04d}"]
    set_status(project, "alice", CodingStatus.DONE, [current])
    with statements(project) as seen:
        pane.refresh()
    assert len(seen) <= 12, seen
    assert _largest_window(seen) <= 1
    assert pane.model.loaded_row(current) == DEEP
    assert pane.view.currentIndex().row() == DEEP
    assert pane.model.index(DEEP, STATUS).data() == "Done"
    assert pane.progress_text() == f"1 of {COUNT:,} done"


def test_tag_deep_updates_the_count_in_place(
    deep: tuple[ArticleListPane, dict[str, int]], project: Project
) -> None:
    pane, ids = deep
    current = ids[f"g{DEEP:04d}"]
    annotate(project, coder="alice", article=current, label="sovereignty", start=0, end=4)
    with statements(project) as seen:
        pane.refresh()
    assert _largest_window(seen) <= 1
    row = pane.model.article(DEEP)
    assert (row.id, row.annotations, row.status) == (current, 1, CodingStatus.IN_PROGRESS)


def test_done_deep_under_unfinished_leaves_the_list_in_place(
    qtbot: QtBot, deep: tuple[ArticleListPane, dict[str, int]], project: Project
) -> None:
    pane, ids = deep
    pane.status_box.setCurrentIndex(pane.status_box.findData(StatusFilter.UNFINISHED))
    current = ids[f"g{DEEP:04d}"]
    assert pane.select_article(current)
    loaded = pane.model.rowCount()
    set_status(project, "alice", CodingStatus.DONE, [current])
    with statements(project) as seen, qtbot.assertNotEmitted(pane.article_selected):
        pane.refresh()
    assert _largest_window(seen) <= 1
    assert pane.model.loaded_row(current) is None
    assert pane.model.rowCount() == loaded - 1
    assert pane.model.article_id(DEEP) == ids[f"g{DEEP + 1:04d}"]
    assert pane.current_article_id() == current
    # Undone elsewhere: it comes back at its place.
    set_status(project, "alice", CodingStatus.IN_PROGRESS, [current])
    pane.refresh([current])
    assert pane.model.loaded_row(current) == DEEP
    assert pane.model.rowCount() == loaded


def test_articles_joining_the_list_are_caught_by_the_count(
    deep: tuple[ArticleListPane, dict[str, int]], project: Project, tmp_path: Path
) -> None:
    """An import (here straight through the service) changes the count: every row is re-read."""
    pane, ids = deep
    while pane.model.canFetchMore(pane.model.index(-1, -1)):
        pane.model.fetchMore(pane.model.index(-1, -1))
    assert pane.model.rowCount() == COUNT
    more = tmp_path / "more"
    more.mkdir()
    (more / "late.txt").write_text("A late article about sovereignty.\n", encoding="utf-8")
    import_articles(project, [more])
    with statements(project) as seen:
        pane.refresh()
    assert _largest_window(seen) >= COUNT  # the fallback: every loaded row again
    while pane.model.canFetchMore(pane.model.index(-1, -1)):
        pane.model.fetchMore(pane.model.index(-1, -1))
    assert pane.model.rowCount() == COUNT + 1
    assert pane.model.loaded_row(ids[f"g{DEEP:04d}"]) == DEEP
    assert pane.view.currentIndex().row() == DEEP
    assert WINDOW < DEEP
