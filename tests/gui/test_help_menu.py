"""The Help menu: shortcuts read from the window itself, the guide, About."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui.help_dialogs import ShortcutsDialog, about_text, shortcut_rows
from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook
from framing_app.services.project import Project


@pytest.fixture
def window(qtbot: QtBot, sample_project: Project, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(sample_project, "alice", settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _native(sequence: str) -> str:
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


def test_shortcuts_come_from_the_actions_and_the_codebook(
    window: MainWindow, sample_project: Project
) -> None:
    codebook.add_label(sample_project, "economy", shortcut="4")
    keys = [("1", "sovereignty"), ("4", "economy")]
    rows = dict((what, key) for key, what in shortcut_rows(window.menuBar(), keys))
    assert rows["Codebook ▸ Edit codebook"] == _native("Ctrl+Shift+B")
    assert rows["File ▸ Export annotations (CSV)"] == _native("Ctrl+E")
    assert rows["Tag the selection as “economy”"] == "4"
    # A shortcut changed at run time shows up: the list is never a copy.
    action = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu().actions()[0]
    action.setShortcut(QKeySequence("Ctrl+Shift+F1"))
    rows = dict((what, key) for key, what in shortcut_rows(window.menuBar(), []))
    assert rows["Help ▸ Keyboard shortcuts"] == _native("Ctrl+Shift+F1")


def test_the_help_menu_opens_the_shortcuts_with_the_label_keys(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[ShortcutsDialog] = []

    def exec_(dialog: QDialog) -> int:
        assert isinstance(dialog, ShortcutsDialog)
        shown.append(dialog)
        return 0

    monkeypatch.setattr(QDialog, "exec", exec_)
    window.show_shortcuts()
    (dialog,) = shown
    texts = [
        (dialog.table.item(row, 0).text(), dialog.table.item(row, 1).text())
        for row in range(dialog.table.rowCount())
    ]
    assert ("1", "Tag the selection as “sovereignty”") in texts
    assert ("3", "Tag the selection as “universal rights”") in texts


def test_about_names_the_version_and_the_project(
    window: MainWindow, sample_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framing_app import __version__

    text = about_text(sample_project.location)
    assert f"framing-app {__version__}" in text
    assert f"Project: {sample_project.location}" in text
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)
    help_menu = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu()
    names = [a.text() for a in help_menu.actions()]
    assert names == ["&Keyboard shortcuts…", "&How to code…", "&About framing-app…"]
    help_menu.actions()[2].trigger()  # opens (and, patched, closes) without error
