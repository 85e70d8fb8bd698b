"""An agreement report laid out: a table for the terminal (or a window) and a CSV file.

Both show the rows of :mod:`framing_app.services.agreement_report`. The CSV
(:func:`write_report_csv`) has one row per item and every field of the JSON
row, flattened: ``alpha_ci`` becomes ``alpha_ci_low`` and ``alpha_ci_high``,
the 2x2 counts of a present/absent variable their own columns, the
bootstrap's resamples, seed and q their own columns, and ``undefined`` one
cell, ``statistic: reason`` joined by ``"; "``. An empty cell is a
statistic without a value. The coincidence matrix of other variables is left
to the JSON form. At the span unit a row is one record per ordered pair of
coders (see :mod:`~framing_app.services.span_table`). RFC 4180, CRLF record
ends, like the other CSV files.

The table (:func:`report_table`) shows, per item, units, percent agreement,
Cohen's kappa and Scott's pi (two coders) or Fleiss' kappa (more), alpha
with its interval, Gwet's AC1 and Krippendorff's verdict on alpha; lines
above it say what was compared and lines below why a statistic is missing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TextIO

from framing_app.formats.reliability_matrix import LINE_END
from framing_app.services.agreement_report import (
    ACCEPTABLE,
    STATISTICS,
    TENTATIVE,
    AgreementReport,
    AgreementRow,
    BinaryCounts,
)
from framing_app.services.reliability_units import ArticleSet, OverlapRule, Unit
from framing_app.services.span_counts import SpanCounts
from framing_app.services.span_table import SPAN_PAIR_COLUMNS, span_csv_rows, span_table

CSV_COLUMNS = (
    "unit",
    "item",
    "kind",
    "level",
    "units",
    "percent_agreement",
    "cohen_kappa",
    "cohen_kappa_se",
    "scotts_pi",
    "fleiss_kappa",
    "krippendorff_alpha",
    "alpha_ci_low",
    "alpha_ci_high",
    "gwet_ac1",
    "alpha_u",
    "pabak",
    "prevalence_index",
    "bias_index",
    "first_coder",
    "second_coder",
    "both",
    "only_first",
    "only_second",
    "neither",
    "incomplete_units",
    *SPAN_PAIR_COLUMNS,  # span unit: first_coder is the reference, second_coder the candidate
    "bootstrap_resamples",
    "bootstrap_seed",
    "q_0.667",
    "q_0.8",
    "warning",
    "undefined",
)
"""The header of :func:`write_report_csv`."""

_EXCLUDED_SHOWN = 20
_MISSING = "-"


# --------------------------------------------------------------------------- CSV


def write_report_csv(report: AgreementReport, out: TextIO) -> int:
    """Write *report* as CSV (header :data:`CSV_COLUMNS`) to *out*; returns the records.

    Numbers are written in full precision (Python's shortest round-trip
    form), proportions as fractions. *out* must be opened with ``newline=""``.
    """
    writer = csv.writer(out, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    written = 0
    for row in report.rows:
        cells = _csv_cells(report, row)
        records = (
            span_csv_rows(cells, CSV_COLUMNS, row.counts)
            if isinstance(row.counts, SpanCounts)
            else [cells]
        )
        writer.writerows(records)
        written += len(records)
    return written


def _csv_cells(report: AgreementReport, row: AgreementRow) -> list[str]:
    values = row.values()
    ci = row.alpha_ci
    cells: dict[str, str] = {
        # A question is about the whole article, whatever the labels' unit.
        "unit": Unit.ARTICLE.value if row.kind == "question" else report.unit or "",
        "item": row.item,
        "kind": row.kind,
        "level": row.level.value,
        "units": str(row.summary.units),
        "alpha_ci_low": _number(None if ci is None else ci[0]),
        "alpha_ci_high": _number(None if ci is None else ci[1]),
    }
    for name in STATISTICS:
        if name != "alpha_ci":
            value = values[name]
            assert not isinstance(value, tuple)
            cells[name] = _number(value)
    counts = row.counts
    if isinstance(counts, BinaryCounts):
        cells.update(
            first_coder=counts.coders[0],
            second_coder=counts.coders[1],
            both=str(counts.both),
            only_first=str(counts.only_first),
            only_second=str(counts.only_second),
            neither=str(counts.neither),
            incomplete_units=str(counts.incomplete_units),
        )
    boot = row.summary.bootstrap
    if boot is not None:
        cells["bootstrap_resamples"] = str(boot.resamples)
        cells["bootstrap_seed"] = str(report.seed)
        for alpha_min, share in boot.q:
            cells[f"q_{alpha_min!r}"] = _number(share)
    cells["warning"] = row.summary.warning or ""
    cells["undefined"] = "; ".join(f"{k}: {v}" for k, v in row.undefined().items())
    return [cells.get(column, "") for column in CSV_COLUMNS]


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


# --------------------------------------------------------------------------- table


@dataclass(frozen=True)
class ReportTable:
    """A report as text: lines above the table, its header and rows, lines below.

    ``right`` are the columns to right-align (numbers). The CLI pads the
    columns with ``cli_table.format_table``; a window can show the cells as
    they are.
    """

    above: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int]
    below: tuple[str, ...]


def report_table(report: AgreementReport) -> ReportTable:
    """The cells and notes of *report* for reading (see the module docstring)."""
    if report.unit == Unit.SPAN:
        return span_table(report)
    two = len(report.coders) == 2
    kappas = (
        "kappa: Cohen's, with Scott's pi beside it"
        if two
        else "Fleiss' kappa in place of Cohen's kappa and Scott's pi, which compare two coders"
    )
    header = ["item", "level", "units", "agreement", "kappa" if two else "Fleiss' kappa"]
    if two:
        header.append("Scott's pi")
    header += ["alpha", "95% CI", "AC1", "alpha verdict"]
    rows = []
    for row in report.rows:
        s = row.summary
        kappa = s.cohen_kappa.value if two else s.fleiss_kappa.value
        cells = [row.item, row.level.value, f"{s.units:,}", _percent(s.percent_agreement.value)]
        cells.append(_fixed(kappa))
        if two:
            cells.append(_fixed(s.scott_pi.value))
        ci = row.alpha_ci
        cells += [
            _fixed(row.alpha),
            _MISSING if ci is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]",
            _fixed(s.gwet_ac1.value),
            row.verdict or _MISSING,
        ]
        rows.append(tuple(cells))
    shown = ["percent_agreement", "krippendorff_alpha", "alpha_ci", "gwet_ac1"]
    shown += ["cohen_kappa", "scotts_pi"] if two else ["fleiss_kappa"]
    below = [
        f"alpha verdict (Krippendorff 2004, p. 241): acceptable >= {ACCEPTABLE:.3f}, "
        f"tentative >= {TENTATIVE:.3f}, else too low.",
        "agreement: the share of agreeing pairs of values within units "
        f"(Krippendorff's 1 - D_o, nominal); {kappas}.",
        *_why_missing(report, shown),
        *(
            f"warning, {row.item}: {row.summary.warning}"
            for row in report.rows
            if row.summary.warning
        ),
        *_excluded_lines(report),
    ]
    return ReportTable(
        above=tuple(_above(report)),
        header=tuple(header),
        rows=tuple(rows),
        right=frozenset(range(2, len(header) - 1)),
        below=tuple(below),
    )


def _above(report: AgreementReport) -> list[str]:
    lines = [f"coders: {', '.join(report.coders)}"]
    if report.matrix is not None:
        lines.append(f"matrix: {report.matrix} (one unit per row)")
    else:
        unit = report.unit or ""
        if unit in (Unit.PARAGRAPH, Unit.SENTENCE):
            rule = (
                "any of its characters"
                if report.overlap == OverlapRule.ANY
                else "more than half of its characters"
            )
            unit = f"{unit} (a label is present in a {unit} when {rule} are tagged with it)"
        lines.append(f"unit: {unit}")
        if report.unit != Unit.ARTICLE and any(r.kind == "question" for r in report.rows):
            lines.append("questions: the unit is the article (a question is about all of it)")
        lines.append(articles_line(report))
    if report.bootstrap:
        lines.append(
            f"alpha's 95% CI: bootstrap of {report.bootstrap:,} resamples "
            f"(Hayes & Krippendorff 2007), seed {report.seed}"
        )
    else:
        lines.append("alpha's 95% CI: not computed (no bootstrap)")
    return lines


def articles_line(report: AgreementReport) -> str:
    """Which articles were compared, and how many of them were used."""
    excluded = len(report.excluded or ())
    left_out = f", {excluded:,} excluded (listed below)" if excluded else ""
    used = report.articles or 0
    if report.article_set == ArticleSet.SAMPLE:
        return (
            f"articles: reliability sample, {used:,} of {report.sample or 0:,} done by all "
            f"coders{left_out}"
        )
    if report.article_set == ArticleSet.ALL:
        return f"articles: {used:,} used: every article, done or not (--all-articles){left_out}"
    if report.article_set == ArticleSet.DONE:
        sample = (
            f"not only their reliability sample of {report.sample:,} (--articles done)"
            if report.sample
            else "these coders have no reliability sample"
        )
        return f"articles: {used:,} used: every article done by all coders ({sample}){left_out}"
    return f"articles: {used:,} used{left_out}"


def _why_missing(report: AgreementReport, shown: list[str]) -> list[str]:
    """One line per distinct reason among the shown statistics, naming its items."""
    items_by_reason: dict[str, list[str]] = {}
    for row in report.rows:
        for name, reason in row.undefined().items():
            if name in shown:
                items = items_by_reason.setdefault(reason, [])
                if row.item not in items:
                    items.append(row.item)
    lines = []
    for reason, items in items_by_reason.items():
        where = "every item" if len(items) == len(report.rows) else ", ".join(items)
        lines.append(f"{_MISSING} ({where}): {reason}")
    return lines


def _excluded_lines(report: AgreementReport) -> list[str]:
    excluded = report.excluded or ()
    lines = [
        f"excluded: {a.external_id} ({a.title}): {a.reason}" for a in excluded[:_EXCLUDED_SHOWN]
    ]
    if len(excluded) > _EXCLUDED_SHOWN:
        lines.append(f"excluded: and {len(excluded) - _EXCLUDED_SHOWN:,} more")
    return lines


def _fixed(value: float | None) -> str:
    return _MISSING if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return _MISSING if value is None else f"{100 * value:.1f}%"
