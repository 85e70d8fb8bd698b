"""The Agreement window's pages beside the table: per article, articles used; and its texts.

:class:`BreakdownPage` shows agreement per article on one variable (an
extra view, labelled as such, beside the pooled estimate);
:class:`ArticlesPage` says how many articles were used and lists those
left out with the reason. :func:`summary_text` and :func:`notes_html` are
the lines above and below the table.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from framing_app.gui.agreement_rows_model import (
    RowsModel,
    SortProxy,
    breakdown_rows,
    excluded_rows,
)
from framing_app.gui.agreement_table_model import VERDICTS, WARNING_SIGN, count
from framing_app.services.agreement_breakdown import ArticleBreakdown
from framing_app.services.agreement_report import AgreementReport
from framing_app.services.reliability_units import ArticleSet, OverlapRule, Unit

BREAKDOWN_NOTE = (
    "An extra view, for finding where the coders disagree. The estimate to report is the "
    "pooled figure over all articles ({pooled}), not an average of these: an article with "
    "few units, or where the label never occurs, has a wide or undefined alpha. "
    "Click a header to sort."
)


_WIDEST_COLUMN = 380


def fit_columns(table: QTableView) -> None:
    """Size the columns to their contents, none wider than a long title needs to be glanced at."""
    table.resizeColumnsToContents()
    for column in range(table.model().columnCount()):
        if table.columnWidth(column) > _WIDEST_COLUMN:
            table.setColumnWidth(column, _WIDEST_COLUMN)


def sortable_table(model: RowsModel, name: str, parent: QWidget) -> QTableView:
    """A read-only table over *model*, sorted by raw values when a header is clicked."""
    # Qt parents for the models and the view: Python must never collect one
    # while a view still draws from it.
    table = QTableView(parent)
    proxy = SortProxy(table)
    proxy.setSourceModel(model)
    table.setModel(proxy)
    table.setAccessibleName(name)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # import order until asked
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


class BreakdownPage(QWidget):
    """Agreement per article on the variable chosen in :attr:`item_box`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_box = QComboBox()
        self.item_box.setMinimumContentsLength(18)
        self.item_box.setAccessibleName("Variable shown per article")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.model = RowsModel(self)
        self.table = sortable_table(self.model, "Agreement per article", self)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Agreement per article on:"))
        pick.addWidget(self.item_box)
        pick.addStretch(1)
        page = QVBoxLayout(self)
        page.addLayout(pick)
        page.addWidget(self.note)
        page.addWidget(self.table, 1)

    def chosen(self) -> str | None:
        item = self.item_box.currentData()
        return None if item is None else str(item)

    def set_report(self, report: AgreementReport | None) -> None:
        """Offer the report's labels and its pooled row; clear the rows shown."""
        self.item_box.blockSignals(True)
        self.item_box.clear()
        for row in report.rows if report is not None else ():
            if row.kind in ("label", "overall"):
                self.item_box.addItem(row.item, row.item)
        self.item_box.blockSignals(False)
        self.model.set_rows([], [])
        self.note.setText("")

    def show_breakdown(self, breakdown: ArticleBreakdown, stale: bool) -> None:
        self.model.set_rows(*breakdown_rows(breakdown))
        self.model.stale = stale
        alpha = "undefined" if breakdown.pooled_alpha is None else f"{breakdown.pooled_alpha:.3f}"
        self.note.setText(BREAKDOWN_NOTE.format(pooled=f"alpha {alpha} on {breakdown.item}"))
        fit_columns(self.table)


class ArticlesPage(QWidget):
    """How many articles the report used, and the ones it left out with the reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.model = RowsModel(self)
        self.table = sortable_table(self.model, "Articles left out", self)
        page = QVBoxLayout(self)
        page.addWidget(self.label)
        page.addWidget(self.table, 1)

    def set_report(self, report: AgreementReport | None) -> None:
        excluded = (report.excluded or ()) if report is not None else ()
        if report is None:
            self.label.setText("")
        else:
            left_out = f"; {len(excluded):,} left out:" if excluded else "; none left out."
            self.label.setText(f"{count(report.articles or 0, 'article')} used{left_out}")
        self.model.set_rows(*excluded_rows(excluded))
        fit_columns(self.table)


def summary_text(report: AgreementReport) -> str:
    """One line over the table: coders, unit and rule, articles, units, bootstrap."""
    unit = report.unit or ""
    if unit in (Unit.PARAGRAPH, Unit.SENTENCE):
        rule = "any character" if report.overlap == OverlapRule.ANY else "more than half"
        unit = f"{unit} unit (a label is present when {rule} of it is tagged)"
    else:
        unit = f"{unit} unit"
    excluded = len(report.excluded or ())
    which = {
        ArticleSet.SAMPLE: " (the reliability sample, done by every coder)",
        ArticleSet.DONE: " (done by every coder)",
        ArticleSet.ALL: " (every article)",
    }.get(ArticleSet(report.article_set) if report.article_set else ArticleSet.ALL, "")
    articles = f"{count(report.articles or 0, 'article')} used{which}" + (
        f", {excluded:,} left out (see Articles used)" if excluded else ""
    )
    units = report.rows[0].summary.units if report.rows else 0
    per_label = f"{count(units, 'unit')} per label"
    if report.unit == Unit.SPAN:
        boot = "unitizing alpha (no bootstrap interval)"
    elif report.bootstrap:
        boot = f"alpha's 95% interval from {report.bootstrap:,} bootstrap resamples"
        boot += f", seed {report.seed}"
    else:
        boot = "no interval (bootstrap not run)"
    return f"{', '.join(report.coders)} · {unit} · {articles} · {per_label} · {boot}"


def notes_html(report: AgreementReport) -> str:
    """The lines under the table: the verdict's marks, the definitions, every warning."""
    two = len(report.coders) == 2
    marks = " · ".join(
        f'<span style="color:{v.color}">{v.glyph}</span> {v.word}' for v in VERDICTS.values()
    )
    kappa = (
        "kappa: Cohen's, with Scott's pi beside it (units both coded)"
        if two
        else "Fleiss' kappa (units every coder coded) in place of Cohen's kappa and Scott's pi"
    )
    lines = [
        f"<b>alpha verdict</b> (Krippendorff 2004, p. 241): {marks}; acceptable ≥ .800, "
        "tentative ≥ .667.",
        "agreement: the share of agreeing pairs of values within units (Krippendorff's "
        f"1 - D<sub>o</sub>, nominal); {kappa}.",
        "— : undefined for these data; the reason is in the cell's tooltip.",
    ]
    if report.unit == Unit.SPAN:
        lines[1] = (
            "alpha_u: Krippendorff's unitizing alpha per label (u-alpha<sub>c</sub>, "
            "Krippendorff 1995; 2004, section 11.6) over the characters of each article, "
            "pooled; the verdict is on it. F1: matching passages, exact and overlapping."
        )
    for row in report.rows:
        if row.summary.warning:
            lines.append(
                f'<span style="color:#7d4e00"><b>{WARNING_SIGN} {html.escape(row.item)}:</b> '
                f"{html.escape(row.summary.warning)}</span>"
            )
    return "<br>".join(lines)
