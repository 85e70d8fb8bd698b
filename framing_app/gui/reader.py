"""The reader: an article's text, read-only, with its annotations painted on it.

Offsets: Qt counts UTF-16 units, the store counts code points. Everything that
leaves this widget is in code points (converted with
:class:`framing_app.core.offsets.Utf16Index`); everything Qt sees is UTF-16.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextLine,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.layers import Run, runs
from framing_app.core.offsets import Utf16Index

# A line of about 75 characters reads best (Bringhurst, "The Elements of
# Typographic Style", 2.1.2: 45-75 characters); wider windows get margins.
READABLE_COLUMNS = 75


@dataclass(frozen=True)
class Highlight:
    """One annotation as the reader paints it (offsets in code points)."""

    annotation_id: int
    start: int
    end: int
    color: str
    label: str
    coder: str
    memo: str = ""


def tint(colors: Sequence[QColor], strength: float) -> QColor:
    """The average of *colors* laid over white at *strength* (0..1): a readable background."""
    red = sum(c.redF() for c in colors) / len(colors)
    green = sum(c.greenF() for c in colors) / len(colors)
    blue = sum(c.blueF() for c in colors) / len(colors)
    return QColor.fromRgbF(
        1 - strength * (1 - red), 1 - strength * (1 - green), 1 - strength * (1 - blue)
    )


class ReaderView(QPlainTextEdit):
    """Read-only article text; selection and annotations in code points.

    Overlaps stay distinguishable without relying on colour: a run covered by
    several annotations gets their blended colour *and* one extra underline
    per extra layer, each in its label's colour; the selected annotation is
    outlined; hovering lists label, coder and memo of everything under the
    mouse. Another coder's annotations, when shown, are dashed lines under
    the text, never fills, so the two layers cannot be confused.
    """

    annotation_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The margins around the text column are paper too, not window grey.
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self._text = ""
        self._index = Utf16Index("")
        self._mine: list[Highlight] = []
        self._others: list[Highlight] = []
        self._runs: list[Run] = []
        self._selected: int | None = None
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0) + 1)
        self.setFont(font)

    # -- content ------------------------------------------------------------
    def show_text(self, text: str) -> None:
        """Show *text* (the stored article text) with no highlights."""
        self._text = text
        self._index = Utf16Index(text)
        self._mine, self._others, self._runs, self._selected = [], [], [], None
        self.setPlainText(text)
        self.setExtraSelections([])
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def text(self) -> str:
        return self._text

    def set_highlights(self, mine: Sequence[Highlight], others: Sequence[Highlight] = ()) -> None:
        """Paint the coder's annotations (*mine*) and, as a comparison layer, *others*."""
        self._mine = list(mine)
        self._others = list(others)
        self._runs = runs([(h.start, h.end) for h in self._mine])
        if self._selected is not None and not any(
            h.annotation_id == self._selected for h in self._mine
        ):
            self._selected = None
        selections = []
        for run in self._runs:
            colors = [QColor(self._mine[i].color) for i in run.layers]
            extra = QTextEdit.ExtraSelection()
            extra.cursor = self._cursor(run.start, run.end)
            char_format = QTextCharFormat()
            char_format.setBackground(tint(colors, 0.32 if len(colors) == 1 else 0.42))
            extra.format = char_format
            selections.append(extra)
        self.setExtraSelections(selections)
        self.viewport().update()

    def highlights(self) -> list[Highlight]:
        return list(self._mine)

    def select_annotation(self, annotation_id: int | None, *, scroll: bool = True) -> None:
        """Outline one of the coder's annotations (None: none) and scroll it into view."""
        self._selected = annotation_id
        found = next((h for h in self._mine if h.annotation_id == annotation_id), None)
        if found is not None and scroll:
            cursor = self._cursor(found.start, found.start)
            self.setTextCursor(cursor)
            self.centerCursor()
        self.viewport().update()

    def selected_annotation(self) -> int | None:
        return self._selected

    # -- selection in code points -------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        """The selected span in code points, or None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._index.to_code_points(cursor.selectionStart())
        end = self._index.to_code_points(cursor.selectionEnd())
        return (start, end) if start < end else None

    def set_selection(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` (code points)."""
        self.setTextCursor(self._cursor(start, end))

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._index.to_utf16(start))
        cursor.setPosition(self._index.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    # -- geometry -----------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        # Margins first: the base class wraps the text to the viewport's width.
        self.fit_column()
        super().resizeEvent(event)

    def fit_column(self) -> None:
        """Centre a column of readable width; only when it changes (margins cause a resize)."""
        column = self.fontMetrics().averageCharWidth() * READABLE_COLUMNS
        side = max(12, (self.width() - column) // 2)
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 8, side, 8)

    def _line_rects(self, start16: int, end16: int) -> Iterator[QRectF]:
        """Viewport rectangles covering UTF-16 range [start16, end16), one per line."""
        document = self.document()
        block = document.findBlock(start16)
        offset = self.contentOffset()
        while block.isValid() and block.position() < end16:
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > self.viewport().height():
                break
            layout = block.layout()
            base = block.position()
            for n in range(layout.lineCount()):
                line = layout.lineAt(n)
                line_start = base + line.textStart()
                line_end = line_start + line.textLength()
                left, right = max(start16, line_start), min(end16, line_end)
                if left >= right:
                    continue
                x1 = _cursor_x(line, left - base)
                x2 = _cursor_x(line, right - base)
                yield QRectF(
                    geometry.left() + layout.position().x() + x1,
                    geometry.top() + layout.position().y() + line.y(),
                    x2 - x1,
                    line.height(),
                )
            block = block.next()

    def _visible_range(self) -> tuple[int, int]:
        """UTF-16 positions of the first and past the last visible character."""
        first = self.firstVisibleBlock()
        block = first
        offset = self.contentOffset()
        height = self.viewport().height()
        last = first
        while block.isValid():
            if self.blockBoundingGeometry(block).translated(offset).top() > height:
                break
            last = block
            block = block.next()
        return first.position(), last.position() + last.length()

    # -- painting -----------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not (self._runs or self._others or self._selected is not None):
            return
        first16, last16 = self._visible_range()
        first, last = (
            self._index.to_code_points(first16),
            self._index.to_code_points(min(last16, self._index.to_utf16(len(self._text)))),
        )
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for run in self._runs:
            if run.end <= first or run.start >= last or len(run.layers) < 2:
                continue
            # One underline per layer beyond the first, each in its label's colour.
            rects = list(self._line_rects(*self._u16(run.start, run.end)))
            for depth, layer in enumerate(run.layers[1:], start=1):
                pen = QPen(QColor(self._mine[layer].color).darker(130), 2)
                painter.setPen(pen)
                for rect in rects:
                    y = rect.bottom() - 1 - 3 * (depth - 1)
                    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        for other in self._others:
            if other.end <= first or other.start >= last:
                continue
            pen = QPen(QColor(other.color).darker(120), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            for rect in self._line_rects(*self._u16(other.start, other.end)):
                y = rect.bottom() + 1
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        selected = next((h for h in self._mine if h.annotation_id == self._selected), None)
        if selected is not None and selected.end > first and selected.start < last:
            path = QPainterPath()
            for rect in self._line_rects(*self._u16(selected.start, selected.end)):
                path.addRoundedRect(rect.adjusted(-2, -1, 2, 1), 3, 3)
            painter.setPen(QPen(self.palette().text().color(), 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path.simplified())
        painter.end()

    def _u16(self, start: int, end: int) -> tuple[int, int]:
        return self._index.to_utf16(start), self._index.to_utf16(end)

    # -- hover and click ----------------------------------------------------
    def _code_point_at(self, point: QPoint) -> int | None:
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        if point.x() < self.cursorRect(cursor).x():
            position -= 1
        if not 0 <= position < self._index.to_utf16(len(self._text)):
            return None
        return self._index.to_code_points(position)

    def highlights_at(self, offset: int) -> list[Highlight]:
        """Every highlight (the coder's first, then the comparison layer) covering *offset*."""
        return [h for h in (*self._mine, *self._others) if h.start <= offset < h.end]

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            offset = self._code_point_at(self.viewport().mapFromGlobal(event.globalPos()))
            found = self.highlights_at(offset) if offset is not None else []
            if found:
                QToolTip.showText(event.globalPos(), tooltip_text(found), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        offset = self._code_point_at(event.position().toPoint())
        mine = [h for h in self._mine if offset is not None and h.start <= offset < h.end]
        if mine:
            # The innermost annotation is the one the coder is most likely aiming at.
            innermost = min(mine, key=lambda h: h.end - h.start)
            self.annotation_clicked.emit(innermost.annotation_id)


def _cursor_x(line: QTextLine, position: int) -> float:
    # PySide6 returns (x, adjusted position); its stubs say "object".
    result: Any = line.cursorToX(position)
    return float(result[0])


def tooltip_text(found: Sequence[Highlight]) -> str:
    """Rich text listing label, coder and memo of each highlight."""
    from html import escape

    parts = []
    for h in found:
        memo = f"<br><i>{escape(h.memo)}</i>" if h.memo else ""
        parts.append(
            f"<span style='color:{h.color}'>&#9632;</span> <b>{escape(h.label)}</b>"
            f" — {escape(h.coder)}{memo}"
        )
    return "<br>".join(parts)


class ReaderPane(QWidget):
    """Title and metadata above the reader."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.45)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setStyleSheet("color: palette(mid);")
        self.view = ReaderView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QVBoxLayout()
        header.setContentsMargins(18, 12, 18, 6)
        header.addWidget(self.title)
        header.addWidget(self.meta)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)

    def show_article(self, title: str, meta: str, text: str) -> None:
        self.title.setText(title)
        self.meta.setText(meta)
        self.view.show_text(text)

    def clear(self, message: str) -> None:
        self.title.setText("")
        self.meta.setText(message)
        self.view.show_text("")

    def set_font_size(self, points: float) -> None:
        font = QFont(self.view.font())
        font.setPointSizeF(points)
        self.view.setFont(font)
        # The column width depends on the character width: lay out again.
        QApplication.sendEvent(self.view, QResizeEvent(self.view.size(), self.view.size()))
