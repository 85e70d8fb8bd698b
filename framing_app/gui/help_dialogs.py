"""The Help menu: keyboard shortcuts, a short guide to coding, About.

The shortcut list is read from the window's own actions and the codebook's
label keys each time it opens, so it cannot go stale when an action or a key
changes.
"""

from __future__ import annotations

import platform
from collections.abc import Iterable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from framing_app import __version__
from framing_app.gui.review_keys import review_shortcut_rows

GUIDE = """\
<h3>Coding an article</h3>
<ol>
<li>Pick an article in the list on the left (or press <b>Ctrl+Return</b> when you
are done with one: it is marked done and the next unfinished one opens).</li>
<li>Select a passage in the article with the mouse or with <b>Shift+arrow keys</b>.</li>
<li>Press the label's key (<b>1</b>, <b>2</b>, <b>3</b>…) or click the label on the right.
The passage is stored at once: there is no Save.</li>
<li>Select an annotation in the list on the right to change its label, its span or
its memo, or to delete it. <b>Ctrl+Z</b> undoes any step.</li>
<li>Answer the article's questions under Questions on the right: <b>Ctrl+Shift+A</b>
goes to the first, <b>Tab</b> to the next; a click, <b>Space</b> or the arrow keys
choose, and each answer is stored at once (and undone with <b>Ctrl+Z</b>).</li>
</ol>
<p>Each coder codes on their own; File ▸ Export annotations writes a CSV for R,
SPSS or pandas, and File ▸ Import another coder's annotations merges a colleague's.
The codebook (Codebook ▸ Edit codebook) holds the labels, their keys and definitions.</p>
<p>Coding ▸ Agreement (<b>Ctrl+Shift+G</b>) compares two or more coders on the articles
they all marked done (their reliability sample, if they have one): percent agreement,
kappa, Krippendorff's alpha with its interval and Gwet's AC1 per label, at the unit you
choose, with a chart and a per-article view; the table exports as CSV, the chart as PNG
or SVG.</p>
"""


def _plain(text: str) -> str:
    """A menu text as a person reads it: no "&" mnemonics, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _actions(menu: QMenu | QMenuBar, path: str = "") -> Iterable[tuple[str, QAction]]:
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _actions(sub, f"{path}{_plain(action.text())} ▸ ")
        elif not action.isSeparator():
            yield f"{path}{_plain(action.text())}", action


def shortcut_rows(
    menu_bar: QMenuBar, label_keys: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(keys, what they do) for every menu action with a shortcut, each label's key, then
    the keys of the disagreement review window (from its own key table).

    *label_keys* are (key, label name) pairs from the codebook.
    """
    rows = [
        (" or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys), where)
        for where, action in _actions(menu_bar)
        if (keys := action.shortcuts())
    ]
    rows += [(key, f"Tag the selection as “{name}”") for key, name in label_keys]
    rows += review_shortcut_rows()
    return rows


class ShortcutsDialog(QDialog):
    """A table of every keyboard shortcut the window has now."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        for row, (keys, what) in enumerate(rows):
            for column, text in enumerate((keys, what)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)


class GuideDialog(QDialog):
    """How to code, in a few lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How to code")
        text = QLabel(GUIDE, self)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(560, 420)


def about_text(project_location: str) -> str:
    return (
        f"framing-app {__version__}\n\n"
        "Code news articles with framing labels, export the annotations as CSV, "
        "compare coders.\n\n"
        f"Project: {project_location}\n"
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}"
    )


def show_about(parent: QWidget, project_location: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, "About framing-app", "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(about_text(project_location))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()
