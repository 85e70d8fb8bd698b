"""File > Merge project…: a preview before anything is written, conflicts shown, then the merge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui.main_window import MainWindow
from framing_app.gui.project_merge_dialog import MergePreviewDialog, start_merge
from framing_app.services import tagging
from framing_app.services.article_import import import_articles
from framing_app.services.codebook import update_label
from framing_app.services.project import Project

OpenWindow = Callable[..., MainWindow]
TEXT = "Beijing rejects the criticism. Washington insists on universal rights.\n"
EXTRA = "An article only Bob imported, about sovereignty.\n"


def _message_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def _bobs_project(root: Path, *, definition: str | None = None) -> Path:
    """Bob's project: article a and one more, a tag on each; optionally another definition."""
    folder = root / "bob-articles"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "extra.txt").write_text(EXTRA, encoding="utf-8")
    path = root / "bob.sqlite"
    with Project.open(path=path) as other:
        import_articles(other, [folder])
        tagging.annotate(other, coder="bob", article="a", label="sovereignty", start=0, end=7)
        start = EXTRA.index("sovereignty")
        tagging.annotate(
            other, coder="bob", article="extra", label="sovereignty", start=start, end=start + 11
        )
        if definition is not None:
            update_label(other, "sovereignty", definition=definition)
    return path


def _table(dialog: MergePreviewDialog) -> dict[str, list[str]]:
    table = dialog.table
    return {
        table.verticalHeaderItem(row).text(): [
            table.item(row, column).text() for column in range(table.columnCount())
        ]
        for row in range(table.rowCount())
    }


def test_the_preview_is_shown_then_merge_brings_the_work_in(
    qtbot: QtBot, open_window: OpenWindow, project: Project, tmp_path: Path
) -> None:
    window: MainWindow = open_window({"a": TEXT}, select="a")
    other = _bobs_project(tmp_path / "usb")
    dialog = start_merge(window, window.ops, project, other)
    assert isinstance(dialog, MergePreviewDialog)
    qtbot.waitUntil(dialog.isVisible)
    # Nothing is written while the dialog is open.
    assert tagging.list_annotations(project, "a", "bob") == []
    table = _table(dialog)
    assert table["annotations"] == ["2", "0", "0", "0", "0"]
    assert table["articles"] == ["1", "1", "0", "0", "0"]
    assert "New coders: bob" in dialog.details.toPlainText()
    assert not dialog.conflicts.isVisibleTo(dialog)
    assert dialog.merge_button.isEnabled()
    qtbot.mouseClick(dialog.replace_box, Qt.MouseButton.LeftButton)
    assert dialog.replace
    qtbot.mouseClick(dialog.replace_box, Qt.MouseButton.LeftButton)

    with qtbot.waitSignal(window.ops.changed):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_message_boxes()) == 1)
    box = _message_boxes()[0]
    assert box.text() == "Merged bob.sqlite: 6 rows added, 0 replaced, 0 removed."
    box.close()
    assert [(a.start, a.end) for a in tagging.list_annotations(project, "a", "bob")] == [(0, 7)]
    # The window follows the announced change: the new coder and the new article are listed.
    assert [window.coder_box.itemText(i) for i in range(window.coder_box.count())][:2] == [
        "alice",
        "bob",
    ]
    qtbot.waitUntil(lambda: window.article_list.model.rowCount() == 2)


def test_conflicts_are_shown_and_merge_is_not_offered(
    qtbot: QtBot, open_window: OpenWindow, project: Project, tmp_path: Path
) -> None:
    window = open_window({"a": TEXT}, select="a")
    other = _bobs_project(tmp_path / "usb", definition="A different meaning altogether.")
    dialog = start_merge(window, window.ops, project, other)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.conflicts.isVisibleTo(dialog)
    assert dialog.conflicts.toPlainText().startswith(
        "label 'sovereignty': another definition there ('A different meaning altogether.'"
    )
    assert dialog.conflict_label.text().startswith("1 conflict: the merge is refused")
    assert not dialog.merge_button.isEnabled()
    dialog.reject()
    assert tagging.list_annotations(project, "a", "bob") == []


def test_a_file_that_is_no_project_is_an_error_message(
    qtbot: QtBot, open_window: OpenWindow, project: Project, tmp_path: Path
) -> None:
    window = open_window({"a": TEXT}, select="a")
    notes = tmp_path / "notes.csv"
    notes.write_text("id,text\n1,hello\n", encoding="utf-8")
    assert start_merge(window, window.ops, project, notes) is None
    qtbot.waitUntil(lambda: len(_message_boxes()) == 1)
    box = _message_boxes()[0]
    assert box.text().startswith(f"{notes}: not a framing-app project")
    assert "unchanged" in box.informativeText()
    box.close()
    assert project.path is not None
    assert start_merge(window, window.ops, project, project.path) is None
    qtbot.waitUntil(lambda: len(_message_boxes()) == 1)
    assert "is this project itself" in _message_boxes()[0].text()
    _message_boxes()[0].close()


def test_the_file_menu_offers_it(open_window: OpenWindow) -> None:
    window = open_window({"a": TEXT}, select="a")
    file_menu = window.menuBar().actions()[0].menu()
    assert file_menu is not None
    texts = [action.text() for action in file_menu.actions()]
    assert "&Merge project…" in texts


@pytest.fixture(autouse=True)
def _no_boxes_left() -> None:
    for box in _message_boxes():
        box.close()
