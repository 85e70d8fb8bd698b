"""A chart of Krippendorff's alpha per variable with its bootstrap interval, drawn with QPainter.

One row per label (and question), then the pooled ``(all labels)`` row: a
marker at alpha and a horizontal error bar over its 95% bootstrap interval,
on an axis from the lowest value shown (at most 0) to 1, with reference
lines at .667 and .800 (Krippendorff 2004, p. 241) and faint bands between
them. The marker's shape says the verdict as well as its colour does
(circle acceptable, diamond tentative, triangle too low), so the chart reads
in greyscale and to colour-blind readers. A variable without alpha says so,
with the reason.

QPainter rather than QtCharts: QtCharts is in PySide6-Addons, which the app
does not depend on (only PySide6-Essentials), and the chart is a dozen
lines and markers. The same :meth:`AlphaChart.paint` draws the widget, the
image exported as PNG (:meth:`AlphaChart.image`) and the SVG (QtSvg's
``QSvgGenerator``, in Essentials: :meth:`AlphaChart.svg_bytes`), so the
exported figure is what the window shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from framing_app.gui.agreement_table_model import VERDICTS, count, fixed, interval
from framing_app.services.agreement_report import (
    ACCEPTABLE,
    TENTATIVE,
    AgreementReport,
    alpha_verdict,
)

_INK = QColor("#1f2328")
_MUTED = QColor("#6e7781")
_GRID = QColor("#d0d7de")
_BANDS = (("too low", "#fdf3f2"), ("tentative", "#fdf8e7"), ("acceptable", "#eff8f0"))
_MARKER = 5.5

_Scale = Callable[[float], float]
SPAN = "span"
TITLE = "Krippendorff's alpha per label, with its 95% interval"
SPAN_TITLE = "Krippendorff's unitizing alpha (u-alpha, per label) at the span unit"


@dataclass(frozen=True)
class ChartRow:
    """One variable as the chart shows it."""

    name: str
    alpha: float | None
    ci: tuple[float, float] | None
    reason: str  # why alpha is undefined, or ""
    pooled: bool


def chart_rows(report: AgreementReport) -> list[ChartRow]:
    """The rows of *report* in its order (the pooled row last, as the report has it).

    At the span unit the value is unitizing alpha (u_alpha_c), which has no
    bootstrap interval.
    """
    if report.unit == SPAN:
        rows = []
        for row in report.rows:
            value = row.values()["alpha_u"]
            alpha_u = value if isinstance(value, float) else None
            reason = row.undefined().get("alpha_u", "")
            rows.append(ChartRow(row.item, alpha_u, None, reason, row.kind == "overall"))
        return rows
    return [
        ChartRow(
            row.item,
            row.alpha,
            row.alpha_ci,
            row.undefined().get("krippendorff_alpha", ""),
            row.kind == "overall",
        )
        for row in report.rows
    ]


class AlphaChart(QWidget):
    """The chart (see the module docstring); :meth:`set_report` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ChartRow] = []
        self.caption = ""
        self.title = TITLE
        self.note = ""  # e.g. "out of date", drawn in red under the caption
        self._row_boxes: list[tuple[QRectF, ChartRow]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(360, 220)
        self.setAccessibleName("Chart of Krippendorff's alpha per label with its interval")

    def set_report(self, report: AgreementReport | None) -> None:
        if report is None:
            self.rows, self.caption, self.title = [], "", TITLE
        else:
            self.rows = chart_rows(report)
            self.title = SPAN_TITLE if report.unit == SPAN else TITLE
            boot = (
                f"95% interval: bootstrap, {report.bootstrap:,} resamples, seed {report.seed}"
                if report.bootstrap and report.unit != SPAN
                else "no interval"
            )
            articles = "" if report.articles is None else f" · {count(report.articles, 'article')}"
            self.caption = f"{', '.join(report.coders)} · {report.unit} unit{articles} · {boot}"
        self.note = ""
        self.update()

    def set_note(self, note: str) -> None:
        self.note = note
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(720, self.height_for_rows())

    def height_for_rows(self) -> int:
        """The height the chart needs: title lines, its rows at full height, axis and legend."""
        line = QFontMetrics(self.font()).height()
        header = 12 + 3 * line + 6 + (line + 2 if self.note else 0) + line + 10
        return round(header + 2.8 * line * max(len(self.rows), 1) + 2.6 * line + 14 + 12)

    # -- export -----------------------------------------------------------------

    def export_size(self) -> QSize:
        """The size of an exported figure: the widget's width (within reason), the rows' height."""
        width = self.width() if self.isVisible() else self.sizeHint().width()
        return QSize(min(max(width, 640), 1100), self.height_for_rows())

    def image(self, scale: float = 2.0) -> QImage:
        """The chart as an image at *scale* times the export size (white background)."""
        size = self.export_size()
        image = QImage(
            round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_ARGB32
        )
        image.setDevicePixelRatio(scale)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self.paint(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        return image

    def svg_bytes(self) -> bytes:
        """The chart as an SVG document (vector; text stays text)."""
        size = self.export_size()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        # The screen's resolution: text in points then has the size it has on screen
        # and in the PNG (QSvgGenerator assumes 72 dpi).
        generator.setResolution(self.logicalDpiX())
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setTitle(self.title)
        generator.setDescription(self.caption)
        painter = QPainter(generator)
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor("white"))
        self.paint(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        buffer.close()
        return bytes(buffer.data().data())

    # -- drawing -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        self.paint(painter, QRectF(self.rect()))
        painter.end()

    def paint(self, painter: QPainter, area: QRectF) -> None:
        """Draw the whole chart into *area* (widget, image or SVG alike)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        painter.setFont(font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        pad = 12.0
        painter.setPen(_INK)
        title = QFont(font)
        title.setBold(True)
        painter.setFont(title)
        painter.drawText(
            QPointF(area.left() + pad, area.top() + pad + line),
            self.title,
        )
        painter.setFont(font)
        painter.setPen(_MUTED)
        top = area.top() + pad + 2 * line + 4
        painter.drawText(QPointF(area.left() + pad, top), self.caption)
        if self.note:
            painter.setPen(QColor(VERDICTS["too low"].color))
            top += line + 2
            painter.drawText(QPointF(area.left() + pad, top), self.note)
        self._row_boxes = []
        if not self.rows:
            painter.setPen(_MUTED)
            painter.drawText(
                QRectF(area.left(), top, area.width(), area.bottom() - top),
                Qt.AlignmentFlag.AlignCenter,
                "Choose coders and press Compute.",
            )
            return
        bold = QFont(font)
        bold.setBold(True)
        names = max(QFontMetrics(bold).horizontalAdvance(row.name) for row in self.rows)
        label_width = min(names + 14.0, area.width() * 0.28)
        value_width = QFontMetrics(bold).horizontalAdvance("-0.000 [-0.000, 0.000]") + 14.0
        plot = QRectF(
            area.left() + pad + label_width,
            top + line + 10,
            area.width() - 2 * pad - label_width - value_width,
            area.bottom() - (top + line + 10) - 2.6 * line - 14,
        )
        if plot.width() < 40 or plot.height() < 10:
            return
        # Rows no taller than needed: a few labels do not spread over the whole page.
        row_height = min(plot.height() / len(self.rows), 2.8 * line)
        plot.setHeight(row_height * len(self.rows))
        low = _axis_low(self.rows)

        def x(value: float) -> float:
            return plot.left() + (value - low) / (1.0 - low) * plot.width()

        # Bands and reference lines (behind everything).
        edges = (low, TENTATIVE, ACCEPTABLE, 1.0)
        for (_, colour), start, end in zip(_BANDS, edges, edges[1:], strict=False):
            if end > low:
                left = x(max(start, low))
                painter.fillRect(
                    QRectF(left, plot.top(), x(end) - left, plot.height()), QColor(colour)
                )
        self._draw_axis(painter, plot, low, x, metrics)
        for n, row in enumerate(self.rows):
            middle = plot.top() + (n + 0.5) * row_height
            self._draw_row(painter, row, middle, area.left() + pad, label_width, plot, x, metrics)
            self._row_boxes.append(
                (QRectF(area.left(), middle - row_height / 2, area.width(), row_height), row)
            )
        self._draw_legend(painter, area.left() + pad, plot.bottom() + 1.9 * line + 8, metrics)

    def _draw_axis(
        self, painter: QPainter, plot: QRectF, low: float, x: _Scale, metrics: QFontMetrics
    ) -> None:
        painter.setPen(QPen(_GRID, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        for step in range(math.ceil(low * 5 - 1e-9), 6):
            tick = step / 5
            at = x(tick)
            painter.setPen(QPen(_GRID, 1))
            painter.drawLine(QPointF(at, plot.bottom()), QPointF(at, plot.bottom() + 4))
            text = f"{tick:.1f}"
            painter.setPen(_MUTED)
            width = metrics.horizontalAdvance(text)
            painter.drawText(QPointF(at - width / 2, plot.bottom() + 4 + metrics.ascent()), text)
        if low < 0.0:
            painter.setPen(QPen(_GRID, 1))
            painter.drawLine(QPointF(x(0.0), plot.top()), QPointF(x(0.0), plot.bottom()))
        for value, word in ((TENTATIVE, "tentative"), (ACCEPTABLE, "acceptable")):
            colour = QColor(VERDICTS[word].color)
            pen = QPen(colour, 1.2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x(value), plot.top() - 4), QPointF(x(value), plot.bottom()))
            text = f"{value:.3f}".lstrip("0")
            width = metrics.horizontalAdvance(text)
            # .667 to the left of its line and .800 to the right: they never overlap.
            left = x(value) - width - 3 if value == TENTATIVE else x(value) + 3
            painter.drawText(QPointF(left, plot.top() - 6), text)

    def _draw_row(
        self,
        painter: QPainter,
        row: ChartRow,
        middle: float,
        left: float,
        label_width: float,
        plot: QRectF,
        x: _Scale,
        metrics: QFontMetrics,
    ) -> None:
        font = QFont(painter.font())
        font.setBold(row.pooled)
        painter.setFont(font)
        bold = QFontMetrics(font)
        painter.setPen(_INK)
        name = bold.elidedText(row.name, Qt.TextElideMode.ElideRight, math.ceil(label_width - 12))
        baseline = middle + bold.ascent() / 2 - 1
        painter.drawText(QPointF(left, baseline), name)
        if row.pooled:
            painter.setPen(QPen(_GRID, 1))
            top = middle - (plot.height() / max(len(self.rows), 1)) / 2
            painter.drawLine(QPointF(left, top), QPointF(plot.right(), top))
        if row.alpha is None:
            painter.setPen(_MUTED)
            text = f"undefined: {row.reason}" if row.reason else "undefined"
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(plot.width()))
            painter.drawText(QPointF(plot.left() + 4, baseline), text)
            painter.setFont(QFont(self.font()))
            return
        verdict = VERDICTS[alpha_verdict(row.alpha) or "too low"]
        colour = QColor(verdict.color)
        if row.ci is not None:
            pen = QPen(colour, 1.6)
            painter.setPen(pen)
            low, high = x(max(row.ci[0], -1.0)), x(row.ci[1])
            painter.drawLine(QPointF(low, middle), QPointF(high, middle))
            painter.drawLine(QPointF(high, middle - 4), QPointF(high, middle + 4))
            if row.ci[0] < -1.0:
                # Alpha can fall below -1 in a small sample; the axis stops there: an arrow.
                painter.drawLine(QPointF(low, middle), QPointF(low + 6, middle - 4))
                painter.drawLine(QPointF(low, middle), QPointF(low + 6, middle + 4))
            else:
                painter.drawLine(QPointF(low, middle - 4), QPointF(low, middle + 4))
        at = min(max(x(row.alpha), plot.left()), plot.right())
        draw_marker(painter, verdict.shape, QPointF(at, middle), colour)
        painter.setPen(_INK)
        text = fixed(row.alpha) + (f" {interval(row.ci)}" if row.ci is not None else "")
        painter.drawText(QPointF(plot.right() + 10, baseline), text)
        painter.setFont(QFont(self.font()))

    def _draw_legend(
        self, painter: QPainter, left: float, baseline: float, metrics: QFontMetrics
    ) -> None:
        at = left
        entries = [
            ("acceptable", "acceptable ≥ .800"),
            ("tentative", "tentative ≥ .667"),
            ("too low", "too low (Krippendorff 2004)"),
        ]
        for word, text in entries:
            verdict = VERDICTS[word]
            draw_marker(
                painter,
                verdict.shape,
                QPointF(at + _MARKER, baseline - metrics.ascent() / 3),
                QColor(verdict.color),
            )
            painter.setPen(_INK)
            painter.drawText(QPointF(at + 2 * _MARKER + 5, baseline), text)
            at += 2 * _MARKER + 5 + metrics.horizontalAdvance(text) + 18
        if not any(row.ci is not None for row in self.rows):
            return
        painter.setPen(QPen(_MUTED, 1.6))
        middle = baseline - metrics.ascent() / 3
        painter.drawLine(QPointF(at, middle), QPointF(at + 22, middle))
        for end in (at, at + 22):
            painter.drawLine(QPointF(end, middle - 4), QPointF(end, middle + 4))
        painter.setPen(_INK)
        painter.drawText(QPointF(at + 28, baseline), "95% interval")

    def row_at(self, y: float) -> ChartRow | None:
        """The row drawn at height *y* of the widget (for tooltips and tests)."""
        return next((row for box, row in self._row_boxes if box.top() <= y < box.bottom()), None)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            row = self.row_at(event.pos().y())
            if row is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), _row_tip(row), self)
            return True
        return super().event(event)


def _row_tip(row: ChartRow) -> str:
    if row.alpha is None:
        return f"{row.name}: undefined ({row.reason})"
    verdict = alpha_verdict(row.alpha)
    ci = f", 95% interval {interval(row.ci)}" if row.ci is not None else ", no interval"
    return f"{row.name}: {fixed(row.alpha)}{ci} — {verdict}"


def _axis_low(rows: list[ChartRow]) -> float:
    """The left end of the axis: 0, or lower in steps of .2 to show every value (not below -1)."""
    values = [row.alpha for row in rows if row.alpha is not None]
    values += [row.ci[0] for row in rows if row.ci is not None]
    lowest = min([0.0, *values])
    return max(-1.0, math.floor(lowest * 5 - 1e-9) / 5) if lowest < 0 else 0.0


def draw_marker(painter: QPainter, shape: str, centre: QPointF, colour: QColor) -> None:
    """A filled marker of *shape* (circle, diamond, triangle pointing down) with a white rim."""
    painter.setPen(QPen(QColor("white"), 1.2))
    painter.setBrush(colour)
    r = _MARKER
    if shape == "circle":
        painter.drawEllipse(centre, r, r)
    elif shape == "diamond":
        r *= 1.25
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(centre.x(), centre.y() - r),
                    QPointF(centre.x() + r, centre.y()),
                    QPointF(centre.x(), centre.y() + r),
                    QPointF(centre.x() - r, centre.y()),
                ]
            )
        )
    else:
        r *= 1.2
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(centre.x() - r, centre.y() - r * 0.75),
                    QPointF(centre.x() + r, centre.y() - r * 0.75),
                    QPointF(centre.x(), centre.y() + r * 0.95),
                ]
            )
        )
    painter.setBrush(Qt.BrushStyle.NoBrush)
