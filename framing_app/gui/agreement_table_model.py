"""Item models of the Agreement window: the report, the per-article breakdown, the excluded.

:class:`ReportModel` shows the rows of an
:class:`~framing_app.services.agreement_report.AgreementReport` with the
columns of the CLI's ``agreement`` table (per label and ``(all labels)``):
units, percent agreement, Cohen's kappa and Scott's pi for two coders or
Fleiss' kappa for more, Krippendorff's alpha with its interval and verdict,
Gwet's AC1 and the counts. A statistic without a value is shown as "—" with
its reason as the tooltip; the verdict has a colour *and* a shape and a word
(the same shapes as the chart), so it reads without colour too; a kappa
under the kappa paradox carries a warning sign and the warning.

Every model answers :data:`VALUE_ROLE` with the raw number behind a cell
(None for "—"), which the tests compare with the services' numbers and the
proxy models sort by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from framing_app.services.agreement_report import (
    AgreementReport,
    AgreementRow,
    BinaryCounts,
    alpha_verdict,
    category_json,
)
from framing_app.services.span_counts import SpanCounts

MISSING = "—"
SPAN = "span"
WARNING_SIGN = "⚠"
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
"""The raw value of a cell: a float, an int, a (low, high) pair, a string or None."""

Index = QModelIndex | QPersistentModelIndex
Value = float | int | str | tuple[float, float] | None


@dataclass(frozen=True)
class Verdict:
    """How a verdict looks: its word, the chart's marker shape, its colours."""

    word: str
    shape: str  # "circle" | "diamond" | "triangle"
    glyph: str  # the shape as a character, for the table
    color: str  # marker and text
    fill: str  # cell background


VERDICTS = {
    "acceptable": Verdict("acceptable", "circle", "●", "#1a7f37", "#dcf1df"),
    "tentative": Verdict("tentative", "diamond", "◆", "#9a6700", "#fbefc5"),
    "too low": Verdict("too low", "triangle", "▼", "#b42318", "#fbe0dc"),
}
"""Krippendorff's (2004, p. 241) readings of alpha (services.agreement_report.alpha_verdict)."""


def fixed(value: float | None) -> str:
    """Three decimals; "—" for no value."""
    return MISSING if value is None else f"{value:.3f}"


def count(n: int, noun: str) -> str:
    """ "1 article", "2 articles", with thousands separators."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def percent(value: float | None) -> str:
    return MISSING if value is None else f"{100 * value:.1f}%"


def interval(ci: tuple[float, float] | None) -> str:
    return MISSING if ci is None else f"[{fixed(ci[0])}, {fixed(ci[1])}]"


def verdict_text(alpha: float | None) -> str:
    verdict = alpha_verdict(alpha)
    return MISSING if verdict is None else f"{VERDICTS[verdict].glyph} {verdict}"


@dataclass(frozen=True)
class _Column:
    header: str
    tip: str
    value: Callable[[AgreementRow], Value]
    text: Callable[[AgreementRow], str]
    statistic: str | None = None  # the name in AgreementRow.undefined()


class ReportModel(QAbstractTableModel):
    """The report's rows, one per label and one over all labels (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: AgreementReport | None = None
        self._columns: list[_Column] = []
        self.stale = False

    def set_report(self, report: AgreementReport | None) -> None:
        self.beginResetModel()
        self.report = report
        self._columns = _columns(report) if report is not None else []
        self.stale = False
        self.endResetModel()

    def set_stale(self, stale: bool) -> None:
        """Grey every cell while the figures no longer describe the project."""
        if stale != self.stale:
            self.stale = stale
            if self.rowCount():
                last = self.index(self.rowCount() - 1, self.columnCount() - 1)
                self.dataChanged.emit(self.index(0, 0), last)

    def row(self, row: int) -> AgreementRow:
        assert self.report is not None
        return self.report.rows[row]

    def column_of(self, header: str) -> int:
        """The column whose header starts with *header* (tests and the window); -1 if none."""
        return next(
            (n for n, column in enumerate(self._columns) if column.header.startswith(header)), -1
        )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.report is None else len(self.report.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.report is None:
            return None
        row = self.report.rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == VALUE_ROLE:
            return column.value(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() == 0:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.kind == "overall":
            font = QFont()
            font.setBold(True)
            return font
        verdict = alpha_verdict(judged(self.report, row))
        coloured = column.header in ("alpha", "alpha_u", "verdict") and verdict is not None
        if role == Qt.ItemDataRole.BackgroundRole and coloured and not self.stale:
            return QBrush(QColor(VERDICTS[str(verdict)].fill))
        if role == Qt.ItemDataRole.ForegroundRole:
            if self.stale:
                return QBrush(QColor("#8c8c8c"))
            if coloured:
                return QBrush(QColor(VERDICTS[str(verdict)].color))
        return None


def _tooltip(row: AgreementRow, column: _Column) -> str | None:
    if column.statistic is not None:
        reason = row.undefined().get(column.statistic)
        if reason:
            return f"{MISSING} undefined: {reason}"
    if column.statistic in ("cohen_kappa", "fleiss_kappa") and row.summary.warning:
        return f"{WARNING_SIGN} {row.summary.warning}"
    if column.header.startswith("verdict"):
        return "Krippendorff (2004, p. 241): acceptable >= .800, tentative >= .667"
    return column.tip


def _with_warning(row: AgreementRow, value: float | None) -> str:
    text = fixed(value)
    return f"{WARNING_SIGN} {text}" if row.summary.warning else text


def _counts_text(row: AgreementRow) -> str:
    counts = row.counts
    if isinstance(counts, SpanCounts):
        passages = " / ".join(f"{n:,}" for n in counts.passages)
        if not counts.pairs:
            return f"passages {passages}"
        first = counts.pairs[0]
        return (
            f"passages {passages}; F1 exact {fixed(first.exact.f1.value)}, "
            f"overlap {fixed(first.overlap.f1.value)}"
        )
    if isinstance(counts, BinaryCounts):
        text = (
            f"{counts.both:,} / {counts.only_first:,} / {counts.only_second:,} / {counts.neither:,}"
        )
        return text + (
            f" (+{counts.incomplete_units:,} incomplete)" if counts.incomplete_units else ""
        )
    cells = []
    names = [category_json(category) for category in counts.categories]
    for r, name in enumerate(names):
        for c in range(r, len(names)):
            cells.append(f"{name}–{names[c]}: {counts.coincidences[r][c]:g}")
    return ", ".join(cells)


def judged(report: AgreementReport, row: AgreementRow) -> float | None:
    """The alpha Krippendorff's thresholds are applied to: unitizing alpha at the span unit."""
    return _float(row.values()["alpha_u"]) if report.unit == SPAN else row.alpha


def _columns(report: AgreementReport) -> list[_Column]:
    two = len(report.coders) == 2
    if report.unit == SPAN:
        return _span_columns()
    columns = [
        _Column(
            "item",
            "The label or question; (all labels) pools every label",
            lambda r: r.item,
            lambda r: r.item,
        ),
        _Column(
            "level",
            "The scale alpha is computed on: a label is nominal (present / absent)",
            lambda r: r.level.value,
            lambda r: r.level.value,
        ),
        _Column(
            "units",
            "Units per label (for (all labels): units x labels)",
            lambda r: r.summary.units,
            lambda r: f"{r.summary.units:,}",
        ),
        _Column(
            "agreement",
            "Percent agreement: agreeing pairs of values within units "
            "(Krippendorff's 1 - D_o, nominal)",
            lambda r: r.summary.percent_agreement.value,
            lambda r: percent(r.summary.percent_agreement.value),
            "percent_agreement",
        ),
    ]
    if two:
        columns += [
            _Column(
                "Cohen's kappa",
                "Cohen's kappa (units both coded)",
                lambda r: r.summary.cohen_kappa.value,
                lambda r: _with_warning(r, r.summary.cohen_kappa.value),
                "cohen_kappa",
            ),
            _Column(
                "Scott's pi",
                "Scott's pi (units both coded)",
                lambda r: r.summary.scott_pi.value,
                lambda r: fixed(r.summary.scott_pi.value),
                "scotts_pi",
            ),
        ]
    else:
        columns.append(
            _Column(
                "Fleiss' kappa",
                "Fleiss' kappa (units every coder coded)",
                lambda r: r.summary.fleiss_kappa.value,
                lambda r: _with_warning(r, r.summary.fleiss_kappa.value),
                "fleiss_kappa",
            )
        )
    boot = (
        f"{report.bootstrap:,} bootstrap resamples, seed {report.seed}"
        if report.bootstrap
        else "no bootstrap"
    )
    columns += [
        _Column(
            "alpha",
            "Krippendorff's alpha at the variable's level, missing values allowed",
            lambda r: r.alpha,
            lambda r: fixed(r.alpha),
            "krippendorff_alpha",
        ),
        _Column(
            "95% CI",
            f"Alpha's 95% interval (Hayes & Krippendorff 2007; {boot})",
            lambda r: r.alpha_ci,
            lambda r: interval(r.alpha_ci),
            "alpha_ci",
        ),
        _Column(
            "verdict",
            "Krippendorff (2004): acceptable >= .800, tentative >= .667",
            lambda r: r.verdict,
            lambda r: verdict_text(r.alpha),
        ),
        _Column(
            "AC1",
            "Gwet's AC1 (q = 2 for a present/absent label)",
            lambda r: r.summary.gwet_ac1.value,
            lambda r: fixed(r.summary.gwet_ac1.value),
            "gwet_ac1",
        ),
    ]
    if two:
        first, second = report.coders
        header = f"both / only {first} / only {second} / neither"
        tip = "Units both coders marked present / only one of them / neither (units both coded)"
    else:
        header, tip = "coincidences", "Krippendorff's coincidence matrix o_ck (each pair once)"
    columns.append(_Column(header, tip, lambda r: _counts_text(r), _counts_text))
    return columns


def _span_columns() -> list[_Column]:
    """At the span unit: the passages' unitizing alpha and matches (no units x coders matrix)."""

    def alpha_u(row: AgreementRow) -> float | None:
        return _float(row.values()["alpha_u"])

    return [
        _Column(
            "item", "The label; (all labels) pools every label", lambda r: r.item, lambda r: r.item
        ),
        _Column(
            "units",
            "Units u-alpha counts (overlapping passages merged)",
            lambda r: r.summary.units,
            lambda r: f"{r.summary.units:,}",
        ),
        _Column(
            "alpha_u",
            "Krippendorff's unitizing alpha u-alpha_c over the articles' characters",
            alpha_u,
            lambda r: fixed(alpha_u(r)),
            "alpha_u",
        ),
        _Column(
            "verdict",
            "Krippendorff (2004): acceptable >= .800, tentative >= .667 (on u-alpha)",
            lambda r: alpha_verdict(alpha_u(r)),
            lambda r: verdict_text(alpha_u(r)),
        ),
        _Column(
            "passages; F1 exact, overlap",
            "Each coder's passages, and the F1 of the first pair of coders with exact and "
            "with overlapping boundaries (every pair in the CSV and JSON)",
            _counts_text,
            _counts_text,
        ),
    ]


def _float(value: float | tuple[float, float] | None) -> float | None:
    return value if isinstance(value, float) else None
