"""The side-by-side panes of the disagreement review: one coder's passages on the article each.

Each pane is the reader (:class:`~framing_app.gui.reader.ReaderView`:
read-only, passages painted in the label's colour, offsets converted
between code points and Qt's UTF-16 there) with the unit under review
marked by a bar in the left margin, a header naming the coder and what
they coded in the unit, and scroll bars kept in step with the other panes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from framing_app.gui.reader import Highlight, ReaderView

# A pane may be narrower than the coding window's reader: two or three
# stand side by side. Still a readable measure (Bringhurst's short end is 45).
PANE_COLUMNS = 30
UNIT_BAR_WIDTH = 4
# The unit's band: a tint light enough that black text keeps its contrast on it.
UNIT_TINT_ALPHA = 0.10


class UnitView(ReaderView):
    """The reader with one span (the unit under review) marked by a bar beside its lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._unit: tuple[int, int] | None = None
        self.setAccessibleDescription("Read-only: one coder's passages with the label")

    def set_unit(self, unit: tuple[int, int] | None) -> None:
        """Mark ``text[start:end]``; None marks nothing (a question is about the whole text)."""
        self._unit = unit
        self.viewport().update()

    def show_unit(self) -> None:
        """Scroll so that the unit's first line is in the middle of the pane."""
        if self._unit is None:
            return
        self.setTextCursor(self.cursor_for(self._unit[0], self._unit[0]))
        self.centerCursor()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        narrow = self.fontMetrics().averageCharWidth() * PANE_COLUMNS + 2 * UNIT_BAR_WIDTH
        return QSize(narrow, hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        """A faint band behind the unit's lines and a bar beside them, then the reader."""
        band = self._unit_band()
        if band is not None:
            painter = QPainter(self.viewport())
            color = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            tint = QColor(color)
            tint.setAlphaF(UNIT_TINT_ALPHA)
            painter.fillRect(band, tint)
            painter.fillRect(QRect(band.left(), band.top(), UNIT_BAR_WIDTH, band.height()), color)
            painter.end()
        super().paintEvent(event)

    def _unit_band(self) -> QRect | None:
        """The unit's lines across the pane (viewport coordinates), or None off screen."""
        if self._unit is None or not self.text():
            return None
        start, end = self._unit
        top = self.cursorRect(self.cursor_for(start, start)).top() - 2
        last = max(start, end - 1)
        bottom = self.cursorRect(self.cursor_for(last, last)).bottom() + 2
        if bottom < 0 or top > self.viewport().height():
            return None
        return QRect(0, top, self.viewport().width(), bottom - top + 1)


class CoderPane(QWidget):
    """A header (who, and what they coded in the unit) above a :class:`UnitView`."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.view = UnitView(self)
        self.view.setFrameShape(UnitView.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

    def set_content(
        self,
        text: str,
        highlights: Sequence[Highlight],
        unit: tuple[int, int] | None,
        summary: str,
    ) -> None:
        """Show *text* (the article) with *highlights*, the *unit* marked, *summary* above."""
        if self.view.text() != text:
            self.view.show_text(text)
        self.view.set_highlights(list(highlights))
        self.view.set_unit(unit)
        self.summary.setText(summary)

    def clear(self, message: str = "") -> None:
        self.view.show_text("")
        self.summary.setText(message)


def sync_scrolling(panes: Sequence[CoderPane]) -> None:
    """Keep the panes' vertical scroll bars in step (they show one text at one width)."""
    bars = [pane.view.verticalScrollBar() for pane in panes]
    busy = [False]

    def follow(value: int) -> None:
        if busy[0]:
            return
        busy[0] = True
        try:
            for bar in bars:
                if bar.value() != value:
                    bar.setValue(value)
        finally:
            busy[0] = False

    for bar in bars:
        bar.valueChanged.connect(follow)


def passage_summary(spans: Sequence[tuple[int, int]], text: str, *, missing: bool) -> str:
    """What a coder has in the unit, in a few words: "absent", or the passages' text."""
    if missing:
        return "has not started this article"
    if not spans:
        return "absent: no passage with this label here"
    return "; ".join(f"“{_clip(text[start:end])}” ({start}–{end})" for start, end in spans)


def _clip(passage: str, limit: int = 60) -> str:
    flat = " ".join(passage.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
