"""The agreement report: every statistic of every variable, for scripts, files and the terminal.

A report has one row per variable: per label and over all labels
(:data:`~framing_app.services.reliability_units.OVERALL`) for a project, or
per item of a reliability matrix file. Each row holds what
:func:`framing_app.core.agreement.summarise` computes from that variable's
reliability data (pooled over every unit of every included article, never an
average of per-article values), the counts behind it, and, for every
statistic without a value, the reason the core gave.

Two sources:

* :func:`project_report` (or :func:`report_from_items`): the coders' work in
  a project, turned into variables by
  :func:`~framing_app.services.reliability_units.build_items`; labels are
  present/absent variables on the scale 0/1 (so Gwet's q = 2 even for a
  label nobody used).
* :func:`framing_app.services.agreement_matrix.matrix_report`: a
  reliability matrix made elsewhere, one row per item of the file (see
  that module for how its values are read).

The JSON form (:func:`to_json`) is the stable contract of issue 8; the CSV
form (:func:`write_report_csv`) flattens the same fields one row per item;
:func:`report_table` lays them out for a terminal with Krippendorff's
thresholds marked.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from framing_app.core.agreement import (
    AgreementSummary,
    Level,
    ReliabilityData,
    pool,
    reliability_data,
    summarise,
    tally,
)
from framing_app.core.agreement.bootstrap import DEFAULT_RESAMPLES
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.services.reliability_units import (
    ArticleSet,
    ExcludedArticle,
    OverlapRule,
    ReliabilityItem,
    ReliabilityItems,
    Unit,
    build_items,
)
from framing_app.services.span_counts import SpanCounts, span_counts_json

DEFAULT_SEED = 0
"""The bootstrap's seed when none is given: every run of the same data gives the same interval."""

ACCEPTABLE = 0.800
"""Krippendorff (2004, Content Analysis, 2nd ed., p. 241): rely on variables with alpha >= .800."""
TENTATIVE = 0.667
"""... and draw only tentative conclusions from those with .667 <= alpha < .800."""

QUESTION_ALPHA_U = (
    "Krippendorff's unitizing alpha (alpha_u) needs spans; a question is answered for the "
    "whole article"
)
"""Why a question's row has no alpha_u: its unit is always the article."""

MATRIX_KIND = "item"
"""The ``kind`` of a row computed from a matrix file, which does not say what its items are."""

STATISTICS = (
    "percent_agreement",
    "cohen_kappa",
    "cohen_kappa_se",
    "scotts_pi",
    "fleiss_kappa",
    "krippendorff_alpha",
    "alpha_ci",
    "gwet_ac1",
    "alpha_u",
    "pabak",
    "prevalence_index",
    "bias_index",
)
"""The statistics of a row: each is a number (or an interval) or null with its reason."""


@dataclass(frozen=True)
class BinaryCounts:
    """The 2x2 table of two coders on a present (1) / absent (0) variable.

    Over the units both coded: ``both`` marked it present, ``only_first``
    and ``only_second`` one of them, ``neither`` none. ``incomplete_units``
    lacked one coder's value and are in no cell.
    """

    coders: tuple[str, str]
    both: int
    only_first: int
    only_second: int
    neither: int
    incomplete_units: int


@dataclass(frozen=True)
class CoincidenceCounts:
    """Krippendorff's coincidence matrix o_ck over the scale's categories, in scale order."""

    categories: tuple[Hashable, ...]
    coincidences: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class AgreementRow:
    """One variable of the report: its statistics (in ``summary``) and counts."""

    item: str
    kind: str  # "label" | "question" | "overall" | MATRIX_KIND
    summary: AgreementSummary
    counts: BinaryCounts | CoincidenceCounts | SpanCounts  # SpanCounts: the span unit
    alpha_u_reason: str
    no_bootstrap_reason: str | None  # set when the bootstrap was not run

    @property
    def level(self) -> Level:
        return self.summary.level

    @property
    def alpha(self) -> float | None:
        return self.summary.alpha.value

    @property
    def alpha_ci(self) -> tuple[float, float] | None:
        boot = self.summary.bootstrap
        return None if boot is None else boot.ci

    def values(self) -> dict[str, float | tuple[float, float] | None]:
        """Every statistic of :data:`STATISTICS` by name, ``None`` where it has no value."""
        s = self.summary
        return {
            "percent_agreement": s.percent_agreement.value,
            "cohen_kappa": s.cohen_kappa.value,
            "cohen_kappa_se": s.cohen_kappa.se,
            "scotts_pi": s.scott_pi.value,
            "fleiss_kappa": s.fleiss_kappa.value,
            "krippendorff_alpha": s.alpha.value,
            "alpha_ci": self.alpha_ci,
            "gwet_ac1": s.gwet_ac1.value,
            "alpha_u": self.counts.alpha_u if isinstance(self.counts, SpanCounts) else None,
            "pabak": s.prevalence.value,
            "prevalence_index": s.prevalence.prevalence_index,
            "bias_index": s.prevalence.bias_index,
        }

    def undefined(self) -> dict[str, str]:
        """Statistic -> why it has no value, for exactly the statistics that have none."""
        s = self.summary
        known = s.undefined()
        pabak = known.get("pabak")
        reasons = {
            **known,
            "cohen_kappa_se": known.get("cohen_kappa")
            or "the standard error of Cohen's kappa is undefined for these data",
            "alpha_ci": known.get("alpha_ci") or self.no_bootstrap_reason or "",
            "alpha_u": self.alpha_u_reason,
            "prevalence_index": pabak or "",
            "bias_index": pabak or "",
        }
        return {name: reasons[name] for name, value in self.values().items() if value is None}

    @property
    def verdict(self) -> str | None:
        """Krippendorff's reading of alpha: acceptable, tentative or too low (None: no alpha)."""
        return alpha_verdict(self.alpha)


@dataclass(frozen=True)
class AgreementReport:
    """Every row of one report, with what it was computed from.

    ``unit`` is the unit of analysis (None for a matrix, whose units are
    whatever its rows are); ``articles``, ``excluded`` and ``overlap`` belong
    to a project report and are None for a matrix, which names its
    ``matrix`` file instead. ``bootstrap`` is the number of resamples
    (0: none) and ``seed`` their seed. ``article_set`` says which articles a
    project report compared (``"sample"``, ``"done"`` or ``"all"``, see
    :class:`~framing_app.services.reliability_units.ArticleSet`) and
    ``sample`` how many articles the coders' reliability sample holds (0:
    they have none; None with ``"all"``, where it was not looked at).
    """

    coders: tuple[str, ...]
    unit: str | None
    articles: int | None
    excluded: tuple[ExcludedArticle, ...] | None
    overlap: str | None
    matrix: Path | None
    rows: tuple[AgreementRow, ...]
    bootstrap: int
    seed: int
    article_set: str | None = None
    sample: int | None = None


def alpha_verdict(alpha: float | None) -> str | None:
    """Krippendorff's reading of *alpha*: acceptable, tentative, too low (None: no alpha).

    Krippendorff (2004), Content Analysis, 2nd ed., p. 241: rely on variables
    with alpha >= .800; from .667 up, draw only tentative conclusions.
    """
    if alpha is None:
        return None
    if alpha >= ACCEPTABLE:
        return "acceptable"
    return "tentative" if alpha >= TENTATIVE else "too low"


# --------------------------------------------------------------------------- project


def project_report(
    project: Project,
    coders: Sequence[str],
    unit: Unit | str,
    *,
    labels: Sequence[str] | None = None,
    all_articles: bool = False,
    articles: ArticleSet | str | None = None,
    overlap: OverlapRule | str = OverlapRule.ANY,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    questions: Sequence[str] | None = None,
) -> AgreementReport:
    """The report of *coders* at *unit* in *project* (read only; see ``build_items``).

    *questions* chooses the article-level questions as *labels* chooses the
    labels; with neither, every label and every question is reported. At
    the span unit the labels' rows come from
    :func:`framing_app.services.span_agreement.span_report`.
    """
    if Unit(unit) is Unit.SPAN:
        # Imported here: span_agreement builds its rows with this module.
        from framing_app.services.span_agreement import span_report

        return span_report(
            project,
            coders,
            labels=labels,
            all_articles=all_articles,
            articles=articles,
            overlap=overlap,
            bootstrap=bootstrap,
            seed=seed,
            progress=progress,
            should_cancel=should_cancel,
            questions=questions,
        )
    items = build_items(
        project,
        coders,
        Unit(unit),
        labels=labels,
        all_articles=all_articles,
        articles=articles,
        overlap=OverlapRule(overlap),
        questions=questions,
    )
    return report_from_items(
        items, bootstrap=bootstrap, seed=seed, progress=progress, should_cancel=should_cancel
    )


def report_from_items(
    items: ReliabilityItems,
    *,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> AgreementReport:
    """The report of reliability data built from a project, one row per item in order."""
    check_bootstrap(bootstrap, seed)
    unit = Unit(items.unit)
    alpha_u = (
        "Krippendorff's unitizing alpha (alpha_u) is computed at the span unit only, "
        f"not at the {unit.value} unit"
    )
    rows = []
    labels_data: list[ReliabilityData] = []
    for done, item in enumerate(items.items):
        check_cancel(should_cancel, "agreement report")
        report(progress, done, len(items.items), "computing")
        data = _item_data(item, labels_data)
        if item.kind == "label":
            labels_data.append(data)
        why_no_u = QUESTION_ALPHA_U if item.kind == "question" else alpha_u
        rows.append(
            agreement_row(
                item.name, item.kind, data, item.level, items.coders, why_no_u, bootstrap, seed
            )
        )
    report(progress, len(items.items), len(items.items), "computing")
    return AgreementReport(
        coders=tuple(items.coders),
        unit=unit.value,
        articles=items.articles,
        excluded=tuple(items.excluded),
        overlap=OverlapRule(items.overlap).value,
        matrix=None,
        rows=tuple(rows),
        bootstrap=bootstrap,
        seed=seed,
        article_set=ArticleSet(items.article_set).value,
        sample=items.sample,
    )


def _item_data(item: ReliabilityItem, labels_data: Sequence[ReliabilityData]) -> ReliabilityData:
    """An item's reliability data, tallied (identical units merged; same statistics).

    The pooled item over all labels is the labels' data pooled (their tallies
    added) rather than its matrix of units x labels rows read anew: the same
    numbers at a fraction of the cost (``core.agreement.pool``).
    """
    if item.kind == "overall" and labels_data:
        return pool(labels_data)
    return tally(reliability_data(item.values, categories=item.categories))


# --------------------------------------------------------------------------- rows


def check_bootstrap(bootstrap: int, seed: int) -> None:
    """Raise ``ValueError`` for a negative number of resamples or seed."""
    if bootstrap < 0:
        raise ValueError(f"the number of bootstrap resamples cannot be negative: {bootstrap}")
    if seed < 0:
        raise ValueError(f"the bootstrap seed cannot be negative: {seed}")


def agreement_row(
    item: str,
    kind: str,
    data: ReliabilityData,
    level: Level,
    coders: Sequence[str],
    alpha_u: str,
    bootstrap: int,
    seed: int,
) -> AgreementRow:
    """The row of one variable: every statistic of *data* at *level*, and its counts.

    *alpha_u* is the reason unitizing alpha is not in the row. With
    *bootstrap* > 0, alpha is bootstrapped from *seed*. Raises
    :class:`~framing_app.core.agreement.ReliabilityDataError` for data that
    cannot be measured at *level*.
    """
    binary = _is_binary(data)
    positive = data.categories[1] if binary else None
    # Every row starts from the same seed, so that a row's interval does not
    # depend on which other rows are in the report.
    summary = summarise(data, level, positive=positive, bootstrap=bootstrap, rng=seed)
    counts: BinaryCounts | CoincidenceCounts
    if binary and data.n_coders == 2:
        table = summary.prevalence
        both, first, second, neither = (
            table.both,
            table.only_first,
            table.only_second,
            table.neither,
        )
        counts = BinaryCounts(
            coders=(coders[0], coders[1]),
            both=both,
            only_first=first,
            only_second=second,
            neither=neither,
            incomplete_units=data.n_units - (both + first + second + neither),
        )
    else:
        matrix = data.coincidences.matrix
        counts = CoincidenceCounts(
            categories=data.categories,
            coincidences=tuple(tuple(float(v) for v in line) for line in matrix),
        )
    return AgreementRow(
        item=item,
        kind=kind,
        summary=summary,
        counts=counts,
        alpha_u_reason=alpha_u,
        no_bootstrap_reason=None
        if bootstrap
        else "the bootstrap was not run (0 resamples), so alpha has no interval",
    )


def _is_binary(data: ReliabilityData) -> bool:
    """A present/absent variable: the scale is exactly the numbers 0 and 1, in that order."""
    return (
        data.numeric is not None
        and data.n_categories == 2
        and data.numeric[0] == 0.0
        and data.numeric[1] == 1.0
    )


# --------------------------------------------------------------------------- JSON


def to_json(report: AgreementReport) -> dict[str, Any]:
    """The report as the JSON object of issue 8's contract (plain dicts, lists, numbers).

    Top level: ``coders``, ``unit``, ``articles``, ``rows``; a project report
    adds ``overlap``, ``article_set`` (``"sample"``: the coders' reliability
    sample, ``"done"``: every article, ``"all"``: every article done or not;
    the first two only where all the coders marked it done),
    ``sample_articles`` (the size of the coders' sample, 0 when they have
    none, null with ``"all"``) and
    ``excluded_articles`` (external id, title, reason),
    a matrix report ``matrix`` (the file; its ``unit`` and ``articles`` are
    null). Each row: ``item``, ``kind``, ``level``, ``units``, every name of
    :data:`STATISTICS` (``alpha_ci`` is [low, high]), ``counts``,
    ``undefined`` (statistic -> reason, for exactly the null ones),
    ``warning`` (the kappa paradox, or null) and, when bootstrapped,
    ``bootstrap``. No value is NaN or infinite.
    """
    result: dict[str, Any] = {
        "coders": list(report.coders),
        "unit": report.unit,
        "articles": report.articles,
    }
    if report.matrix is not None:
        result["matrix"] = str(report.matrix)
    else:
        result["overlap"] = report.overlap
        result["article_set"] = report.article_set
        result["sample_articles"] = report.sample
        result["excluded_articles"] = [
            {"external_id": a.external_id, "title": a.title, "reason": a.reason}
            for a in report.excluded or ()
        ]
    result["rows"] = [_row_json(row, report) for row in report.rows]
    return result


def _row_json(row: AgreementRow, report: AgreementReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "item": row.item,
        "kind": row.kind,
        "level": row.level.value,
        "units": row.summary.units,
    }
    for name, value in row.values().items():
        if isinstance(value, tuple):
            out[name] = [_finite(value[0]), _finite(value[1])]
        else:
            out[name] = _finite(value)
    out["counts"] = _counts_json(row.counts)
    out["undefined"] = row.undefined()
    out["warning"] = row.summary.warning
    boot = row.summary.bootstrap
    if report.bootstrap > 0 and boot is not None:
        out["bootstrap"] = {
            "resamples": boot.resamples,
            "kept": boot.kept,
            "seed": report.seed,
            "confidence": boot.confidence,
            "q": {repr(m): _finite(share) for m, share in boot.q} if boot.q else None,
        }
    return out


def _counts_json(counts: BinaryCounts | CoincidenceCounts | SpanCounts) -> dict[str, Any]:
    if isinstance(counts, SpanCounts):
        return span_counts_json(counts)
    if isinstance(counts, BinaryCounts):
        return {
            "coders": list(counts.coders),
            "both": counts.both,
            "only_first": counts.only_first,
            "only_second": counts.only_second,
            "neither": counts.neither,
            "incomplete_units": counts.incomplete_units,
        }
    return {
        "categories": [category_json(c) for c in counts.categories],
        "coincidences": [[_count(v) for v in line] for line in counts.coincidences],
    }


def category_json(category: Hashable) -> str | int | float:
    """A category as JSON has it: a whole number as an integer, text as text."""
    if isinstance(category, bool):
        return int(category)
    if isinstance(category, int | float | np.integer | np.floating):
        number = float(category)
        return int(number) if number.is_integer() else number
    return str(category)


def _count(value: float) -> int | float:
    """A coincidence: whole for two coders, a fraction 1/(m_u - 1) apart for more."""
    return int(value) if float(value).is_integer() else float(value)


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not np.isfinite(number):  # the core never returns one; JSON must never hold one
        raise ValueError(f"a statistic is not finite: {number}")
    return number
