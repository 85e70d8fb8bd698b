"""The reader: an article's text, read-only, with its annotations painted on it.

Offsets: Qt counts UTF-16 units, the store counts code points. Everything that
leaves this widget is in code points (converted with
:class:`framing_app.core.offsets.Utf16Index`); everything Qt sees is UTF-16.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QRegion,
    QResizeEvent,
    QTextCursor,
    QTextLine,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPlainTextEdit,
    QStyle,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.colors import highlight_background, readable_mix
from framing_app.core.layers import Run, runs
from framing_app.core.offsets import Utf16Index
from framing_app.core.spans import snap_to_words

# A line of about 75 characters reads best (Bringhurst, "The Elements of
# Typographic Style", 2.1.2: 45-75 characters); wider windows get margins.
READABLE_COLUMNS = 75
# The reader never gets narrower than the short end of that range: in a
# small window the article list and the coding panel give way first.
LEAST_COLUMNS = 45
# ...unless a large font would make that wider than a small screen allows.
LEAST_COLUMN_PX = 480
# The white space each side of the text column, at the least.
SIDE_MARGIN = 12
# Secondary text (the metadata line) is paler than the text, but keeps a
# contrast of at least WCAG 2.2 AA for body text (4.5:1) with some room.
MUTED_TEXT_CONTRAST = 5.5
# Underlines drawn for overlapping annotations beyond the first layer; more
# than three stacked lines cannot be told apart (the tooltip lists them all).
MAX_UNDERLINES = 3


@dataclass(frozen=True, slots=True)
class _Line:
    """One laid-out line on screen: UTF-16 range, its block's start, geometry."""

    start: int
    end: int
    base: int
    line: QTextLine
    left: float
    top: float


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


class ReaderView(QPlainTextEdit):
    """Read-only article text; selection and annotations in code points.

    Overlaps stay distinguishable without relying on colour: a run covered by
    several annotations gets their blended colour (darker than either layer,
    :func:`framing_app.core.colors.highlight_background`), a hatch per extra
    layer (the second "/", the third "\\", so three layers are cross-hatched)
    *and* one extra underline per extra layer, each in its label's colour;
    the selected annotation is outlined; hovering lists label, coder and memo
    of everything under the mouse. Another coder's annotations, when shown,
    are dashed lines under the text, never fills, so the two layers cannot
    be confused.
    """

    annotation_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        # Selections grow to whole words as they are made (Edit ▸ Snap).
        self.snap_words = True
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
        self._run_ends: list[int] = []  # for finding the visible runs by bisection
        self._run_styles: list[_RunStyle] = []
        self._selected: int | None = None
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0) + 1)
        self.setFont(font)

    # -- content ------------------------------------------------------------
    def show_text(self, text: str) -> None:
        """Show *text* (the stored article text) with no highlights."""
        self._text = text
        self._index = Utf16Index(text)
        self._mine, self._others, self._runs, self._run_ends = [], [], [], []
        self._run_styles, self._selected = [], None
        self.setPlainText(text)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def text(self) -> str:
        return self._text

    def set_highlights(self, mine: Sequence[Highlight], others: Sequence[Highlight] = ()) -> None:
        """Paint the coder's annotations (*mine*) and, as a comparison layer, *others*.

        Only the lines under highlights that changed are repainted (after a
        tag: the new passage), so a tag costs the same on a bare article and
        on one with hundreds of annotations.
        """
        before = {*self._mine, *self._others}
        after = {*mine, *others}
        changed = before ^ after
        self._mine = list(mine)
        self._others = list(others)
        self._runs = runs([(h.start, h.end) for h in self._mine])
        self._run_ends = [run.end for run in self._runs]
        if self._selected is not None and not any(
            h.annotation_id == self._selected for h in self._mine
        ):
            self._selected = None
        # One background per run; runs of the same colours share one style.
        self._run_styles = [self._run_style(run) for run in self._runs]
        self._update_spans([(h.start, h.end) for h in changed])

    def add_highlight(self, highlight: Highlight) -> None:
        """Add one of the coder's annotations (a new tag) without recomputing the rest.

        Only runs inside the new span change: they are recomputed from the
        highlights that overlap it and spliced in; runs that cross its edges
        are split. Same result as :meth:`set_highlights` with the longer list.
        """
        self._mine.append(highlight)
        start, end = highlight.start, highlight.end
        before_runs, before_styles, after_runs, after_styles = [], [], [], []
        for run, style in zip(self._runs, self._run_styles, strict=True):
            if run.end <= start:
                before_runs.append(run)
                before_styles.append(style)
            elif run.start >= end:
                after_runs.append(run)
                after_styles.append(style)
            else:
                if run.start < start:
                    before_runs.append(Run(run.start, start, run.layers))
                    before_styles.append(style)
                if run.end > end:
                    after_runs.append(Run(end, run.end, run.layers))
                    after_styles.append(style)
        overlapping = [i for i, h in enumerate(self._mine) if h.start < end and h.end > start]
        inner = []
        for run in runs([(self._mine[i].start, self._mine[i].end) for i in overlapping]):
            left, right = max(run.start, start), min(run.end, end)
            if left < right:
                inner.append(Run(left, right, tuple(overlapping[i] for i in run.layers)))
        inner_styles = [self._run_style(run) for run in inner]
        self._runs = before_runs + inner + after_runs
        self._run_styles = before_styles + inner_styles + after_styles
        self._run_ends = [run.end for run in self._runs]
        self._update_spans([(start, end)])

    def _run_style(self, run: Run) -> _RunStyle:
        mine = self._mine
        return _layers_style(tuple([mine[i].color for i in run.layers]))

    @property
    def _run_colors(self) -> list[QColor]:
        """The background colour of each run (without its hatches)."""
        return [style.color for style in self._run_styles]

    def highlights(self) -> list[Highlight]:
        return list(self._mine)

    def select_annotation(self, annotation_id: int | None, *, scroll: bool = True) -> None:
        """Outline one of the coder's annotations (None: none) and scroll it into view."""
        old = self._find(self._selected)
        self._selected = annotation_id
        found = self._find(annotation_id)
        if found is not None and scroll:
            cursor = self.cursor_for(found.start, found.start)
            self.setTextCursor(cursor)
            self.centerCursor()
            self.viewport().update()
            return
        self._update_spans([(h.start, h.end) for h in (old, found) if h is not None])

    def _find(self, annotation_id: int | None) -> Highlight | None:
        return next((h for h in self._mine if h.annotation_id == annotation_id), None)

    def _update_spans(self, spans: Sequence[tuple[int, int]]) -> None:
        """Schedule a repaint of the lines that show *spans* (all of them for many)."""
        if len(spans) > 32:
            self.viewport().update()
            return
        lines = self._visible_lines()
        starts = [item.start for item in lines]
        region = QRegion()
        for start, end in spans:
            for rect in self._rects(lines, starts, *self._u16(start, end)):
                # Whole lines, with room for the outline and the underlines.
                region += QRect(
                    0, int(rect.top()) - 3, self.viewport().width(), int(rect.height()) + 8
                )
        if not region.isEmpty():
            self.viewport().update(region)

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

    def clear_selection(self) -> None:
        """Drop the selection, leaving the cursor at its end."""
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def set_selection(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` (code points)."""
        self.setTextCursor(self.cursor_for(start, end))

    def cursor_for(self, start: int, end: int) -> QTextCursor:
        """A cursor selecting ``text[start:end]`` (code points; Qt counts UTF-16 units)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._index.to_utf16(start))
        cursor.setPosition(self._index.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    # -- geometry -----------------------------------------------------------
    def least_width(self) -> int:
        """The narrowest the reader may be: :data:`LEAST_COLUMNS` average characters of
        text at its font, with the document's and the side margins and a scroll bar."""
        column = min(self.fontMetrics().averageCharWidth() * LEAST_COLUMNS, LEAST_COLUMN_PX)
        document = 2 * round(self.document().documentMargin())
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return column + document + 2 * SIDE_MARGIN + scroll_bar + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:
        # The splitter gives the reader no less than this: the side panes give way.
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self.least_width()), hint.height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # the least width follows the font

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Margins first: the base class wraps the text to the viewport's width.
        self.fit_column()
        super().resizeEvent(event)

    def fit_column(self) -> None:
        """Centre a column of readable width; only when it changes (margins cause a resize)."""
        column = self.fontMetrics().averageCharWidth() * READABLE_COLUMNS
        side = max(SIDE_MARGIN, (self.width() - column) // 2)
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 8, side, 8)

    def _visible_lines(self, clip: QRect | None = None) -> list[_Line]:
        """The laid-out lines on screen (within *clip*), in text order, once per paint."""
        lines: list[_Line] = []
        offset = self.contentOffset()
        top_limit = clip.top() if clip is not None else 0
        height = clip.bottom() + 1 if clip is not None else self.viewport().height()
        block = self.firstVisibleBlock()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > height:
                break
            if geometry.bottom() < top_limit:
                block = block.next()
                continue
            layout = block.layout()
            left = geometry.left() + layout.position().x()
            top = geometry.top() + layout.position().y()
            base = block.position()
            for n in range(layout.lineCount()):
                line = layout.lineAt(n)
                if clip is not None and not (
                    top + line.y() <= clip.bottom() and top + line.y() + line.height() >= clip.top()
                ):
                    continue
                start = base + line.textStart()
                lines.append(_Line(start, start + line.textLength(), base, line, left, top))
            block = block.next()
        return lines

    @staticmethod
    def _rects(
        lines: Sequence[_Line], starts: Sequence[int], start16: int, end16: int
    ) -> list[QRectF]:
        """Rectangles covering UTF-16 range [start16, end16) on the visible *lines*."""
        found = []
        for n in range(max(0, bisect_right(starts, start16) - 1), len(lines)):
            item = lines[n]
            if item.start >= end16:
                break
            left, right = max(start16, item.start), min(end16, item.end)
            if left >= right:
                continue
            x1 = _cursor_x(item.line, left - item.base)
            x2 = _cursor_x(item.line, right - item.base)
            found.append(
                QRectF(item.left + x1, item.top + item.line.y(), x2 - x1, item.line.height())
            )
        return found

    # -- painting -----------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Backgrounds of the visible runs, then the text, then lines and the outline.

        Painting the runs here, for the lines on screen only, rather than as
        ExtraSelections keeps a tag on an article with hundreds of
        annotations within a frame: the cost follows what is visible.
        """
        if not (self._runs or self._others or self._selected is not None):
            super().paintEvent(event)
            return
        lines = self._visible_lines(event.rect())
        if not lines:
            super().paintEvent(event)
            return
        starts = [item.start for item in lines]
        first = self._index.to_code_points(lines[0].start)
        # +1: a line's end stops before the paragraph break that follows it.
        last16 = min(lines[-1].end + 1, self._index.to_utf16(len(self._text)))
        last = self._index.to_code_points(last16)

        def rects(start: int, end: int) -> list[QRectF]:
            return self._rects(lines, starts, *self._u16(start, end))

        shown: list[tuple[int, list[QRectF]]] = []
        for i in range(bisect_right(self._run_ends, first), len(self._runs)):
            if self._runs[i].start >= last:
                break
            shown.append((i, rects(self._runs[i].start, self._runs[i].end)))
        painter = QPainter(self.viewport())
        for i, run_rects in shown:
            brush = self._run_styles[i].brush  # the blend, hatched where layers overlap
            for rect in run_rects:
                painter.fillRect(rect, brush)
        painter.end()
        super().paintEvent(event)  # the text (and the coder's selection) over the backgrounds

        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, run_rects in shown:
            layers = self._runs[i].layers
            # One underline per layer beyond the first, in its label's colour;
            # past MAX_UNDERLINES the tooltip lists the rest.
            for depth, layer in enumerate(layers[1 : 1 + MAX_UNDERLINES], start=1):
                painter.setPen(_pen(self._mine[layer].color, dashed=False))
                for rect in run_rects:
                    y = rect.bottom() - 1 - 3 * (depth - 1)
                    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        for other in self._others:
            if other.end <= first or other.start >= last:
                continue
            painter.setPen(_pen(other.color, dashed=True))
            for rect in rects(other.start, other.end):
                y = rect.bottom() + 1
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        selected = next((h for h in self._mine if h.annotation_id == self._selected), None)
        if selected is not None and selected.end > first and selected.start < last:
            path = QPainterPath()
            for rect in rects(selected.start, selected.end):
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

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A press inside the selection would start dragging the text (useless in
        # a read-only reader, and a surprise): it starts a new selection instead.
        if event.button() == Qt.MouseButton.LeftButton and self.textCursor().hasSelection():
            cursor = self.textCursor()
            at = self.cursorForPosition(event.position().toPoint()).position()
            if cursor.selectionStart() <= at < cursor.selectionEnd():
                cursor.clearSelection()
                cursor.setPosition(at)
                self.setTextCursor(cursor)
        super().mousePressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        super().keyReleaseEvent(event)
        if event.key() == Qt.Key.Key_Shift:
            self.snap_selection()

    def snap_selection(self) -> None:
        """Widen the selection to whole words now, when snapping is on: what the coder
        sees selected is exactly what a label key will store."""
        span = self.selection()
        if not self.snap_words or span is None:
            return
        snapped = snap_to_words(self.text(), *span)
        if snapped != span:
            self.set_selection(*snapped)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.snap_selection()
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        offset = self._code_point_at(event.position().toPoint())
        mine = [h for h in self._mine if offset is not None and h.start <= offset < h.end]
        if mine:
            # The innermost annotation is the one the coder is most likely aiming at.
            innermost = min(mine, key=lambda h: h.end - h.start)
            self.annotation_clicked.emit(innermost.annotation_id)


@lru_cache(maxsize=256)
def _pen(color: str, *, dashed: bool) -> QPen:
    if dashed:
        return QPen(QColor(color).darker(120), 2, Qt.PenStyle.DashLine)
    return QPen(QColor(color).darker(130), 2)


# Hatch lines every HATCH_STEP pixels (diagonally), thin and half transparent:
# visible on any highlight, faint enough to read the text over them.
HATCH_STEP = 8
HATCH_ALPHA = 0.45


@dataclass(frozen=True, slots=True)
class _RunStyle:
    """How a run of text with the same layers is painted under the text."""

    color: QColor  # the layers' blended colour
    brush: QBrush  # that colour, with a hatch per extra layer: one opaque tile, one fill


@lru_cache(maxsize=4096)
def _layers_style(colors: tuple[str, ...]) -> _RunStyle:
    """The style of a run whose layers (outermost first) have *colors*.

    The blend does not depend on the layers' order (runs of the same colours
    share one style); the hatches do: the second layer's "/", the third's "\\".
    """
    return _run_style(tuple(sorted(set(colors))), colors[1:3])


@lru_cache(maxsize=1024)
def _run_style(colors: tuple[str, ...], hatches: tuple[str, ...]) -> _RunStyle:
    """The blend of *colors*, hatched "/" in ``hatches[0]`` and "\\" in ``hatches[1]``."""
    color = QColor.fromRgbF(*highlight_background(colors))
    if not hatches:
        return _RunStyle(color, QBrush(color))
    # One opaque tile holding colour and hatches: one fill per rectangle, about
    # as fast as a plain colour (hatches painted over the colour blend twice).
    tile = QImage(HATCH_STEP, HATCH_STEP, QImage.Format.Format_RGB32)
    tile.fill(color)
    painter = QPainter(tile)
    for depth, hatch in enumerate(hatches):
        ink = QColor(hatch).darker(130)
        ink.setAlphaF(HATCH_ALPHA)
        painter.setPen(ink)
        for x in range(HATCH_STEP):
            painter.drawPoint(x, HATCH_STEP - 1 - x if depth == 0 else x)
    painter.end()
    return _RunStyle(color, QBrush(tile))


def _cursor_x(line: QTextLine, position: int) -> float:
    # PySide6 returns (x, adjusted position); its stubs say "object".
    result: Any = line.cursorToX(position)
    return float(result[0])


def _rgb(color: QColor) -> tuple[float, float, float]:
    return color.redF(), color.greenF(), color.blueF()


def tooltip_text(found: Sequence[Highlight]) -> str:
    """Rich text listing label, coder and memo of each highlight."""
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
        self._mute_meta()
        self.view = ReaderView(self)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        header = QVBoxLayout()
        header.setContentsMargins(18, 12, 18, 6)
        header.addWidget(self.title)
        header.addWidget(self.meta)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)

    def _mute_meta(self) -> None:
        """Colour the metadata line between text and background, legible (WCAG AA) still."""
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        background = palette.color(QPalette.ColorRole.Window)
        muted = QColor.fromRgbF(*readable_mix(_rgb(text), _rgb(background), MUTED_TEXT_CONTRAST))
        meta_palette = self.meta.palette()
        # Only the text colour is set here; the rest follows the window's palette.
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            meta_palette.setColor(group, QPalette.ColorRole.WindowText, muted)
        self.meta.setPalette(meta_palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._mute_meta()  # a new theme: mix again from its colours

    def add_below(self, widget: QWidget) -> None:
        """Put *widget* (the find bar) under the reader."""
        self._layout.addWidget(widget)

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
