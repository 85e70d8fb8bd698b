"""A span-unit agreement report laid out: its table, and its CSV rows per pair of coders.

The span unit's rows hold unitizing alpha and span matches
(:class:`~framing_app.services.span_counts.SpanCounts`) rather than the
statistics of a units x coders matrix, so they get a table of their own
(:func:`span_table`, which :func:`~framing_app.services.agreement_table.report_table`
hands them to): per label, the units, alpha_u and Krippendorff's verdict on
it, then one line per pair of coders (the first-named as reference) with
exact and overlap precision, recall and F1. Article-level questions, which
keep their usual statistics, follow with their alpha.

In the CSV (:func:`span_csv_rows`) a span row becomes one record per
ordered pair of coders: ``first_coder`` is the reference, ``second_coder``
the candidate, and :data:`SPAN_PAIR_COLUMNS` hold the pair's counts and
rates; the row's other cells (alpha_u, units, the reasons) repeat on each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from framing_app.core.agreement.span_match import PairMatch, Rate
from framing_app.core.agreement.unitizing import DEFINITION
from framing_app.services.agreement_report import (
    ACCEPTABLE,
    TENTATIVE,
    AgreementReport,
    AgreementRow,
    alpha_verdict,
)
from framing_app.services.span_counts import MATCH_MEASURES, MATCH_RULES, SpanCounts, pair_match

if TYPE_CHECKING:
    from framing_app.services.agreement_table import ReportTable

SPAN_PAIR_COLUMNS = (
    "reference_spans",
    "candidate_spans",
    "exact_matches",
    "exact_precision",
    "exact_recall",
    "exact_f1",
    "overlap_matched_references",
    "overlap_matched_candidates",
    "overlap_precision",
    "overlap_recall",
    "overlap_f1",
)
"""The CSV columns of a span row's pair of coders (with ``first_coder``, ``second_coder``)."""

_MISSING = "-"
_EXCLUDED_SHOWN = 20


# --------------------------------------------------------------------------- CSV


def span_csv_rows(
    cells: Sequence[str], columns: Sequence[str], counts: SpanCounts
) -> list[list[str]]:
    """The CSV records of a span row: *cells* (in *columns* order) once per ordered pair."""
    where = {name: index for index, name in enumerate(columns)}
    out = []
    for pair in counts.pairs:
        record = list(cells)
        exact, overlap = pair.exact, pair.overlap
        values: dict[str, str] = {
            "first_coder": counts.coders[pair.reference],
            "second_coder": counts.coders[pair.candidate],
            "reference_spans": str(exact.reference_spans),
            "candidate_spans": str(exact.candidate_spans),
            "exact_matches": str(exact.matched_candidates),
            "overlap_matched_references": str(overlap.matched_references),
            "overlap_matched_candidates": str(overlap.matched_candidates),
        }
        for rule in MATCH_RULES:
            match = pair_match(pair, rule)
            for name, rate in zip(
                MATCH_MEASURES, (match.precision, match.recall, match.f1), strict=True
            ):
                values[f"{rule}_{name}"] = "" if rate.value is None else repr(float(rate.value))
        for name, text in values.items():
            if name in where:
                record[where[name]] = text
        out.append(record)
    return out


# --------------------------------------------------------------------------- table


def span_table(report: AgreementReport) -> ReportTable:
    """The cells and notes of a span-unit report (see the module docstring)."""
    from framing_app.services.agreement_table import ReportTable, articles_line

    questions = [row for row in report.rows if not isinstance(row.counts, SpanCounts)]
    header = ["item", "units", "alpha_u", "verdict", "reference", "candidate"]
    header += [f"{rule} {m}" for rule in MATCH_RULES for m in ("P", "R", "F1")]
    rows: list[tuple[str, ...]] = []
    for row in report.rows:
        counts = row.counts
        if not isinstance(counts, SpanCounts):
            continue
        lead = [row.item, f"{row.summary.units:,}", _fixed(counts.alpha_u)]
        lead.append(alpha_verdict(counts.alpha_u) or _MISSING)
        for number, pair in enumerate(_unordered(counts.pairs)):
            first = lead if number == 0 else [""] * len(lead)
            rows.append(
                (
                    *first,
                    counts.coders[pair.reference],
                    counts.coders[pair.candidate],
                    *(_fixed(rate.value) for rule in MATCH_RULES for rate in _rates(pair, rule)),
                )
            )
    above = [
        f"coders: {', '.join(report.coders)}",
        "unit: span (each coder's passages with a label; each article its own continuum)",
        articles_line(report),
    ]
    below = [
        f"alpha_u: {DEFINITION}; (all labels): 1 - sum of D_o / sum of D_e over the labels.",
        f"verdict on alpha_u (Krippendorff 2004, p. 241): acceptable >= {ACCEPTABLE:.3f}, "
        f"tentative >= {TENTATIVE:.3f}, else too low.",
        "exact: the same start and end; overlap: at least one character in common (a passage "
        "is matched if it overlaps any of the other coder's passages with the label in the "
        "article). P: share of the candidate's passages matched; R: share of the reference's; "
        "F1: 2PR/(P+R); counts summed over the articles. The reverse pair swaps P and R (F1 is "
        "the same); the CSV and JSON forms list every ordered pair.",
        *_why_missing(report),
        *_question_lines(report, questions),
        *_excluded_lines(report),
    ]
    return ReportTable(
        above=tuple(above),
        header=tuple(header),
        rows=tuple(rows),
        right=frozenset({1, 2, *range(6, len(header))}),
        below=tuple(below),
    )


def _unordered(pairs: Sequence[PairMatch]) -> list[PairMatch]:
    """Each pair of coders once, the first-named as reference."""
    return [pair for pair in pairs if pair.reference < pair.candidate]


def _rates(pair: PairMatch, rule: str) -> tuple[Rate, Rate, Rate]:
    match = pair_match(pair, rule)
    return (match.precision, match.recall, match.f1)


def _why_missing(report: AgreementReport) -> list[str]:
    """One line per distinct reason for a '-' in the table, naming where it occurs."""
    where_by_reason: dict[str, list[str]] = {}
    for row in report.rows:
        counts = row.counts
        if not isinstance(counts, SpanCounts):
            continue
        if counts.unitizing.reason is not None:
            where_by_reason.setdefault(counts.unitizing.reason, []).append(f"{row.item} alpha_u")
        for pair in _unordered(counts.pairs):
            for rule in MATCH_RULES:
                match = pair_match(pair, rule)
                for name, rate in zip(
                    MATCH_MEASURES, (match.precision, match.recall, match.f1), strict=True
                ):
                    if rate.reason is not None:
                        places = where_by_reason.setdefault(rate.reason, [])
                        place = (
                            f"{row.item}, {counts.coders[pair.reference]} / "
                            f"{counts.coders[pair.candidate]} {rule} {name}"
                        )
                        places.append(place)
    lines = []
    for reason, places in where_by_reason.items():
        shown = "; ".join(places[:3]) + (f"; and {len(places) - 3} more" if len(places) > 3 else "")
        lines.append(f"{_MISSING} ({shown}): {reason}")
    return lines


def _question_lines(report: AgreementReport, questions: list[AgreementRow]) -> list[str]:
    """The article-level questions, which keep their statistics at the article unit."""
    if not questions:
        return []
    lines = ["questions (at the article unit; alpha at the question's level):"]
    for row in questions:
        ci = row.alpha_ci
        interval = "" if ci is None else f" [{ci[0]:.3f}, {ci[1]:.3f}]"
        why = "" if row.alpha is not None else f" ({row.summary.alpha.reason})"
        lines.append(
            f"  {row.item} ({row.level.value}, {row.summary.units:,} units): alpha "
            f"{_fixed(row.alpha)}{interval}, {row.verdict or _MISSING}{why}"
        )
    if report.bootstrap:
        lines.append(
            f"  alpha's 95% CI: bootstrap of {report.bootstrap:,} resamples "
            f"(Hayes & Krippendorff 2007), seed {report.seed}"
        )
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
