"""The plain tables of the Agreement window: the per-article breakdown and the articles left out.

:class:`RowsModel` holds read-only rows of cells (text, raw value, tooltip);
:class:`SortProxy` sorts them by the raw value (:data:`VALUE_ROLE`), numbers
as numbers and "—" below every number, so that the articles with the lowest
alpha or the most disagreements can be put first.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from framing_app.gui.agreement_table_model import MISSING, VALUE_ROLE, Index, Value, fixed, percent
from framing_app.services.agreement_breakdown import ArticleAgreement, ArticleBreakdown
from framing_app.services.reliability_units import ExcludedArticle

Cell = tuple[str, Value, str | None]


class RowsModel(QAbstractTableModel):
    """Read-only rows of (text, raw value, tooltip) cells under a header: breakdown, excluded."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[list[Cell]] = []
        self.stale = False

    def set_rows(self, header: Sequence[str], rows: list[list[Cell]]) -> None:
        self.beginResetModel()
        self._header = list(header)
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._header)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._header)
        ):
            return self._header[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        text, value, tip = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self.stale:
            return QBrush(QColor("#8c8c8c"))
        return None


def sort_key(value: object) -> float | str:
    """How a cell sorts: numbers by value, "—" below every number, text as text."""
    if isinstance(value, bool) or value is None:
        return float("-inf")
    if isinstance(value, int | float):
        return float(value)
    return str(value).casefold()


def breakdown_rows(
    breakdown: ArticleBreakdown,
) -> tuple[list[str], list[list[Cell]]]:
    """The header and cells of the per-article view."""
    two = len(breakdown.coders) == 2
    header = ["article", "title", "units", "pairable", "agreement", "alpha"]
    if two:
        header.append(f"both / only {breakdown.coders[0]} / only {breakdown.coders[1]} / neither")
    return header, [_breakdown_cells(row, two) for row in breakdown.rows]


def _breakdown_cells(row: ArticleAgreement, two: bool) -> list[Cell]:
    def why(name: str) -> str | None:
        reason = row.undefined.get(name)
        return f"{MISSING} undefined: {reason}" if reason else None

    cells: list[Cell] = [
        (row.external_id, row.external_id, row.title or None),
        (row.title, row.title, row.title or None),
        (f"{row.units:,}", row.units, None),
        (f"{row.pairable_units:,}", row.pairable_units, "Units coded by two or more coders"),
        (percent(row.percent_agreement), row.percent_agreement, why("percent_agreement")),
        (fixed(row.alpha), row.alpha, why("krippendorff_alpha")),
    ]
    if two and row.counts is not None:
        c = row.counts
        cells.append(
            (
                f"{c.both:,} / {c.only_first:,} / {c.only_second:,} / {c.neither:,}",
                c.only_first + c.only_second,
                "Disagreements sort by the units where only one coder marked the label",
            )
        )
    elif two:
        cells.append((MISSING, None, None))
    return cells


def excluded_rows(
    excluded: Sequence[ExcludedArticle],
) -> tuple[list[str], list[list[Cell]]]:
    """The header and cells of the list of articles left out of the report."""
    return ["article", "why left out", "title"], [
        [
            (a.external_id, a.external_id, a.title or None),
            (a.reason, a.reason, None),
            (a.title, a.title, a.title or None),
        ]
        for a in excluded
    ]


class SortProxy(QSortFilterProxyModel):
    """Sorts by :func:`sort_key` of the raw values."""

    def lessThan(
        self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex
    ) -> bool:
        a = sort_key(self.sourceModel().data(left, VALUE_ROLE))
        b = sort_key(self.sourceModel().data(right, VALUE_ROLE))
        if isinstance(a, str) or isinstance(b, str):
            return str(a) < str(b)
        return a < b
