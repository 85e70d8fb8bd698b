"""Find in the article: a bar under the reader, hits highlighted, F3 to step through them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QWidget,
)

from framing_app.core.text import find_all
from framing_app.gui.reader import ReaderView

HIT_COLOR = QColor("#FFE066")


class FindBar(QWidget):
    """Finds a text in the reader's article; the current hit is selected, so a label key tags it.

    Offsets are code points of the stored text (core.text.find_all); the
    reader converts them to Qt's UTF-16 positions. Escape closes the bar and
    gives the keyboard back to the reader.
    """

    closed = Signal()

    def __init__(self, view: ReaderView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.hits: list[tuple[int, int]] = []
        self.current = -1
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in the article…")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self.search)
        self.edit.returnPressed.connect(self.find_next)
        self.count = QLabel(self)
        previous = QToolButton(self)
        previous.setText("↑")
        previous.setToolTip("Previous (Shift+F3)")
        previous.clicked.connect(self.find_previous)
        following = QToolButton(self)
        following.setText("↓")
        following.setToolTip("Next (F3, Return)")
        following.clicked.connect(self.find_next)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close (Escape)")
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 2, 18, 2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        self.search(self.edit.text())

    def close_bar(self) -> None:
        self.hide()
        self.view.setExtraSelections([])
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def search(self, needle: str) -> None:
        """Highlight every hit of *needle*; select the first one after the cursor."""
        self.hits = find_all(self.view.text(), needle)
        self._paint()
        self.current = -1
        if self.hits:
            self._go(self._first_after_cursor())
        self._show_count()

    def article_changed(self) -> None:
        """The reader shows another article: search it for the same text."""
        if self.isVisible():
            self.search(self.edit.text())

    def find_next(self) -> None:
        if self.hits:
            self._go((self.current + 1) % len(self.hits))

    def find_previous(self) -> None:
        if self.hits:
            self._go((self.current - 1) % len(self.hits))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def _first_after_cursor(self) -> int:
        selection = self.view.selection()
        here = selection[0] if selection is not None else 0
        return next((i for i, (start, _end) in enumerate(self.hits) if start >= here), 0)

    def _go(self, index: int) -> None:
        self.current = index
        start, end = self.hits[index]
        self.view.set_selection(start, end)
        self.view.ensureCursorVisible()
        self._show_count()

    def _paint(self) -> None:
        selections = []
        hit_format = QTextCharFormat()
        hit_format.setBackground(HIT_COLOR)
        for start, end in self.hits:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self.view.cursor_for(start, end)
            selection.format = hit_format
            selections.append(selection)
        self.view.setExtraSelections(selections)

    def _show_count(self) -> None:
        if not self.edit.text().strip():
            self.count.setText("")
        elif not self.hits:
            self.count.setText("not found")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.hits)}")
