"""Automatic backups while a window is open, File > Back up now and File > Restore from backup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from framing_app.gui.backup_restore import RestoreDialog, restore_backup
from framing_app.gui.main_window import MainWindow
from framing_app.services import backups, coders, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.project import Project

T = TypeVar("T", bound=QWidget)
TEXT = "Beijing rejects the criticism. Washington insists on universal rights.\n"


@pytest.fixture
def sqlite_file_project(tmp_path: Path) -> Iterator[Project]:
    """A SQLite project with article "a", tagged once by alice."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    with Project.open(path=tmp_path / "team" / "p.sqlite") as project:
        import_articles(project, [folder])
        tagging.annotate(project, coder="alice", article="a", label="sovereignty", start=0, end=7)
        yield project


@pytest.fixture
def window(qtbot: QtBot, sqlite_file_project: Project, tmp_path: Path) -> Iterator[MainWindow]:
    """The window on article "a", coding as alice, once its on-open backup is made."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(sqlite_file_project, "alice", settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.backup_timer.running(), timeout=10_000)
    window.article_list.select_article(get_article(sqlite_file_project, "a").id)
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 1)
    yield window
    window.close()


def _visible(kind: type[T]) -> list[T]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _file_action(window: MainWindow, text: str) -> QAction:
    """The File menu's action *text* (without its & mnemonic)."""
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def _answer_next_question(button: QMessageBox.StandardButton) -> None:
    """Press *button* in the question box that is about to open (it blocks until answered)."""

    def press() -> None:
        boxes = _visible(QMessageBox)
        if not boxes:
            QTimer.singleShot(20, press)
            return
        boxes[-1].button(button).click()

    QTimer.singleShot(0, press)


def _close_messages() -> list[str]:
    """Close the information boxes shown; their texts and details."""
    texts = []
    for box in _visible(QMessageBox):
        texts.append(f"{box.text()}\n{box.informativeText()}")
        box.close()
    return texts


def test_the_window_backs_up_on_open_and_after_work_only(
    window: MainWindow, sqlite_file_project: Project, qtbot: QtBot
) -> None:
    (opened,) = backups.list_backups(sqlite_file_project)
    assert "Backed up to" in window.statusBar().currentMessage()
    # Minutes pass with nothing done: no backup.
    window.backup_timer.tick()
    assert not window.backup_timer.running()
    assert len(backups.list_backups(sqlite_file_project)) == 1
    # Work, then the interval passes: a backup.
    window.reader.view.set_selection(8, 15)
    window.tag(1)
    with qtbot.waitSignal(window.backup_timer.backed_up, timeout=10_000) as made:
        window.backup_timer.tick()
    assert made.args is not None
    newest = Path(made.args[0])
    assert [b.path for b in backups.list_backups(sqlite_file_project)] == [newest, opened.path]
    qtbot.waitUntil(lambda: not window.backup_timer.running())
    window.backup_timer.tick()
    assert not window.backup_timer.running(), "nothing new since: no backup"


def test_the_restore_dialog_restores_and_the_window_shows_it(
    window: MainWindow, sqlite_file_project: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    project = sqlite_file_project
    (at_open,) = backups.list_backups(project)
    # More work after the backup: bob tags too, alice tags again.
    window.reader.view.set_selection(8, 15)
    window.tag(1)
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 2)
    coders.add_coder(project, "bob")
    article = get_article(project, "a").id

    _file_action(window, "Restore from backup…").trigger()
    qtbot.waitUntil(lambda: bool(_visible(RestoreDialog)))
    (dialog,) = _visible(RestoreDialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == at_open.path.name
    assert dialog.table.item(0, 1).text().endswith("KB")
    dialog.table.selectRow(0)
    _answer_next_question(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.ops.changed, timeout=20_000):
        dialog.restore_button.click()

    # The window shows the project as backed up: alice's first annotation only.
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 1)
    assert len(tagging.list_annotations(project, article)) == 1
    assert [c.name for c in coders.list_coders(project)] == ["alice"]
    assert window.undo_stack.count() == 0
    qtbot.waitUntil(lambda: bool(_visible(QMessageBox)))
    (message,) = _close_messages()
    before = backups.list_backups(project)[0].path
    assert f"The project as it was before is backed up in {before}" in message

    # Restoring that backup undoes the restore.
    with qtbot.waitSignal(window.ops.changed, timeout=20_000):
        restore_backup(window, window.ops, project, before)
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 2)
    assert [c.name for c in coders.list_coders(project)] == ["alice", "bob"]
    _close_messages()


def test_declining_or_a_bad_file_changes_nothing(
    window: MainWindow, sqlite_file_project: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    project = sqlite_file_project
    dialog = RestoreDialog(window, project)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.selectRow(0)
    _answer_next_question(QMessageBox.StandardButton.No)
    dialog.restore_button.click()
    assert dialog.chosen is None
    assert dialog.isVisible()

    table = tmp_path / "annotations.csv"
    table.write_text("a,b\n", encoding="utf-8")
    assert restore_backup(window, window.ops, project, table) is None
    qtbot.waitUntil(lambda: bool(_visible(QMessageBox)))
    (message,) = _close_messages()
    assert f"{table}: not a framing-app project" in message
    assert len(backups.list_backups(project)) == 1
    assert window.panel.annotation_list.count() == 1


def test_back_up_now(window: MainWindow, sqlite_file_project: Project, qtbot: QtBot) -> None:
    _file_action(window, "Back up now…").trigger()
    qtbot.waitUntil(lambda: bool(_visible(QMessageBox)))
    (message,) = _close_messages()
    newest = backups.list_backups(sqlite_file_project)[0].path
    assert f"The project is backed up in {newest.name}." in message
    assert len(backups.list_backups(sqlite_file_project)) == 2
