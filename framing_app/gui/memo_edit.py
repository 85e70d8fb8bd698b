"""The memo of the selected annotation: several lines of plain text, saved when left."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


def _is_save_key(event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )


class MemoEdit(QPlainTextEdit):
    """A plain-text memo that emits ``finished`` on focus-out and on Ctrl+Return.

    Return makes a new line, as in any notes field. Ctrl+Return saves here
    rather than reaching the window's "Mark done and go to next": a coder
    finishing a memo must not be moved to another article. Rich text pasted
    from a browser is taken as plain text.
    """

    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Memo for the selected annotation… (Ctrl+Return saves)")
        lines = 4
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 12)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)

    def event(self, event: QEvent) -> bool:
        # The window's Ctrl+Return shortcut would take the key before keyPressEvent.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and _is_save_key(event)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_save_key(event):
            self.finished.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.finished.emit()
