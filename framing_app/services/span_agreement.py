"""Agreement at the span unit: unitizing alpha and span matching per label, over the project.

What :func:`span_report` promises, in the terms a methods section uses:

* **Coders, labels and articles** are chosen exactly as at the other units
  (:func:`framing_app.services.reliability_units.build_items`, whose
  reading this module shares): by default the articles of the coders'
  reliability sample, else every article, each time only those every
  compared coder marked done; every article with ``all_articles``. One rule
  more: at the span unit every coder's reading of an article is needed (a
  coder who has not started it has no passages, which is not the same as
  having found none), so with ``all_articles`` an article some coder has
  not started (no status, no annotation) is left out and listed with the
  reason.
* **Spans**: a coder's passages with the label in an article, as stored
  (code points, end exclusive). Each article is its own continuum.
* **alpha_u** (``"alpha_u"`` of the JSON contract): Krippendorff's
  per-label unitizing alpha u_alpha_c of 1995 / 2004, section 11.6 (not the
  2016 family), pooled over the articles; a coder's overlapping passages
  with a label are first merged into one unit, touching ones stay two
  (:mod:`framing_app.core.agreement.unitizing`). The ``"(all labels)"`` row
  gives 1 - sum_c D_o,c / sum_c D_e,c over the labels.
* **Span matches**, per ordered pair of coders (reference, candidate):
  exact-match and overlap-match precision, recall and F1, summed over the
  articles (:mod:`framing_app.core.agreement.span_match`); over all labels,
  summed over the labels too. They go in each row's ``counts``
  (:class:`~framing_app.services.span_counts.SpanCounts`).
* **The other statistics** (percent agreement, the kappas, alpha, AC1,
  PABAK) need units that every coder coded, which spans are not: they are
  null with that reason. A row's ``units`` is the number of units (merged
  passages) of all coders.
* **Questions** (article-level) keep their usual rows, at the article unit,
  over the same articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.agreement import (
    AgreementSummary,
    Alpha,
    CohenKappa,
    FleissKappa,
    GwetAC1,
    Level,
    PercentAgreement,
    PrevalenceBias,
    ScottPi,
    reliability_data,
)
from framing_app.core.agreement.bootstrap import DEFAULT_RESAMPLES
from framing_app.core.agreement.coded_spans import CodedSpans, coded_spans
from framing_app.core.agreement.reliability_data import BoolArray, IntArray
from framing_app.core.agreement.span_match import SpanMatches, span_matches
from framing_app.core.agreement.unitizing import UnitizingAlphas, unitizing_alphas
from framing_app.core.errors import FramingError
from framing_app.services.agreement_report import (
    DEFAULT_SEED,
    QUESTION_ALPHA_U,
    AgreementReport,
    AgreementRow,
    agreement_row,
    check_bootstrap,
)
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.services.question_items import QuestionVariable, question_variables

# The reading of coders, labels, articles and passages is the other units'
# own, not a copy of it, so that the two can never choose different articles.
from framing_app.services.reliability_units import (
    OVERALL,
    PRESENT_ABSENT,
    ArticleSet,
    ExcludedArticle,
    OverlapRule,
    Unit,
    choose_articles,
    read_coders,
    read_corpus,
    read_labels,
)
from framing_app.services.span_counts import SpanCounts
from framing_app.store.models import Article

NOT_FOR_SPANS = (
    "{name} is not computed at the span unit: it needs units that every coder coded, and the "
    "coders' passages are not such units (see alpha_u, and the exact and overlap matches in the "
    "counts)"
)
"""Why every statistic but alpha_u is null in a span row ({name}: the statistic)."""

NO_ALPHA_CI = (
    "Krippendorff's alpha and its bootstrap interval are not computed at the span unit; alpha_u "
    "has no interval here"
)


@dataclass(frozen=True)
class SpanData:
    """What a span report is computed from, read in one transaction."""

    coders: tuple[str, ...]
    labels: tuple[str, ...]
    spans: CodedSpans  # categories are the labels, continua the articles used
    articles: int
    excluded: tuple[ExcludedArticle, ...]
    article_set: ArticleSet
    sample: int | None
    questions: tuple[QuestionVariable, ...]
    with_labels: bool


def read_span_data(
    project: Project,
    coders: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    all_articles: bool = False,
    articles: ArticleSet | str | None = None,
    questions: Sequence[str] | None = None,
) -> SpanData:
    """The coders' passages per label on the articles used (module docstring); reads only.

    *labels* and *questions* choose as for ``build_items``: with neither,
    every label and every question; with only one of them, only those.
    Raises :class:`FramingError` for fewer than two coders and for unknown
    names (with a suggestion), as the other units do.
    """
    if len(coders) < 2:
        raise FramingError(
            f"agreement needs at least two coders; {len(coders)} given "
            f"({', '.join(repr(c) for c in coders) or 'none'})"
        )
    with_labels = labels is not None or questions is None
    with project.db.read() as session:
        coder_ids, coder_names = read_coders(session, coders)
        label_ids, label_names = read_labels(session, labels) if with_labels else ([], [])
        chosen, within, sample = choose_articles(session, coder_ids, articles, all_articles)
        corpus = read_corpus(
            session,
            coder_ids,
            coder_names,
            label_ids,
            Unit.ARTICLE,
            chosen is ArticleSet.ALL,
            within,
        )
        complete: BoolArray = ~np.any(corpus.missing, axis=1)
        unstarted = _unstarted(session, corpus.article_ids, corpus.missing, coder_names)
        kept_ids = corpus.article_ids[complete]
        asked = (
            question_variables(session, coder_ids, questions, kept_ids.tolist())
            if labels is None or questions is not None
            else []
        )
    # At the article unit the units are the articles, laid end to end.
    offsets, lengths = corpus.unit_starts, corpus.unit_ends - corpus.unit_starts
    ok = corpus.span_starts < corpus.span_ends
    starts, ends = corpus.span_starts[ok], corpus.span_ends[ok]
    # The article of a span: the last one beginning at or before it (an empty
    # article begins where the next does, and holds no span).
    article = np.searchsorted(offsets, starts, side="right") - 1
    renumber = np.cumsum(complete) - 1
    keep = complete[article]
    article = article[keep]
    spans = coded_spans(
        lengths[complete],
        len(coder_names),
        len(label_names),
        renumber[article],
        corpus.span_coder[ok][keep],
        corpus.span_label[ok][keep],
        starts[keep] - offsets[article],
        ends[keep] - offsets[article],
    )
    return SpanData(
        coders=coder_names,
        labels=tuple(label_names),
        spans=spans,
        articles=int(complete.sum()),
        excluded=corpus.excluded + unstarted,
        article_set=chosen,
        sample=sample,
        questions=tuple(asked),
        with_labels=with_labels,
    )


def _unstarted(
    session: Session, article_ids: IntArray, missing: BoolArray, coder_names: tuple[str, ...]
) -> tuple[ExcludedArticle, ...]:
    """The articles some coder has not started, each with who (only with every article)."""
    rows = np.flatnonzero(missing.any(axis=1))
    if rows.size == 0:
        return ()
    wanted = article_ids[rows].tolist()
    found = {
        ident: (external, title)
        for ident, external, title in session.execute(
            select(Article.id, Article.external_id, Article.title).where(Article.id.in_(wanted))
        )
    }
    out = []
    for row, ident in zip(rows.tolist(), wanted, strict=True):
        names = [name for name, gone in zip(coder_names, missing[row], strict=True) if gone]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
        verb = "has" if len(names) == 1 else "have"
        external, title = found[ident]
        out.append(
            ExcludedArticle(
                external,
                title,
                f"{who} {verb} not started it (spans need every coder's reading of an article)",
            )
        )
    return tuple(out)


def span_report(
    project: Project,
    coders: Sequence[str],
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
    """The agreement report of *coders* at the span unit (module docstring); reads only.

    *bootstrap* and *seed* apply to the questions' alpha only. The overlap
    rule of paragraphs and sentences does not apply: ``majority`` is
    refused.
    """
    check_bootstrap(bootstrap, seed)
    if OverlapRule(overlap) is OverlapRule.MAJORITY:
        raise FramingError(
            "the overlap rule applies to paragraph and sentence units, not to the span unit "
            "(spans are compared by unitizing alpha and by exact and overlap matching)"
        )
    data = read_span_data(
        project,
        coders,
        labels=labels,
        all_articles=all_articles,
        articles=articles,
        questions=questions,
    )
    return report_from_spans(
        data, bootstrap=bootstrap, seed=seed, progress=progress, should_cancel=should_cancel
    )


def report_from_spans(
    data: SpanData,
    *,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> AgreementReport:
    """The report's rows: one per label, ``(all labels)``, then one per question."""
    check_bootstrap(bootstrap, seed)
    total = len(data.questions) + 2
    check_cancel(should_cancel, "agreement report")
    report(progress, 0, total, "computing")
    alphas = unitizing_alphas(data.spans)
    check_cancel(should_cancel, "agreement report")
    report(progress, 1, total, "computing")
    matches = span_matches(data.spans)
    report(progress, 2, total, "computing")
    rows: list[AgreementRow] = []
    if data.with_labels:
        rows += [
            _span_row(name, "label", data, alphas, matches, c) for c, name in enumerate(data.labels)
        ]
        rows.append(_span_row(OVERALL, "overall", data, alphas, matches, None))
    for done, question in enumerate(data.questions, start=2):
        check_cancel(should_cancel, "agreement report")
        values = reliability_data(question.values, categories=question.categories)
        level = Level(question.level)
        rows.append(
            agreement_row(
                question.name,
                "question",
                values,
                level,
                data.coders,
                QUESTION_ALPHA_U,
                bootstrap,
                seed,
            )
        )
        report(progress, done + 1, total, "computing")
    report(progress, total, total, "computing")
    return AgreementReport(
        coders=data.coders,
        unit=Unit.SPAN.value,
        articles=data.articles,
        excluded=data.excluded,
        overlap=None,
        matrix=None,
        rows=tuple(rows),
        # Only the questions' alpha is bootstrapped; without them nothing was.
        bootstrap=bootstrap if data.questions else 0,
        seed=seed,
        article_set=data.article_set.value,
        sample=data.sample,
    )


def _span_row(
    name: str,
    kind: str,
    data: SpanData,
    alphas: UnitizingAlphas,
    matches: SpanMatches,
    category: int | None,
) -> AgreementRow:
    """The row of one label (*category*), or of all labels (None)."""
    if category is None:
        unitizing, pairs = alphas.pooled, matches.pooled
        passages, units = matches.spans.sum(axis=0), alphas.units.sum(axis=0)
    else:
        unitizing, pairs = alphas.by_category[category], matches.by_category[category]
        passages, units = matches.spans[category], alphas.units[category]
    counts = SpanCounts(
        coders=data.coders,
        passages=tuple(int(n) for n in passages),
        units=tuple(int(n) for n in units),
        unitizing=unitizing,
        pairs=pairs,
    )
    return AgreementRow(
        item=name,
        kind=kind,
        summary=not_applicable(unitizing.units, len(data.coders)),
        counts=counts,
        alpha_u_reason=unitizing.reason or "",
        no_bootstrap_reason=NO_ALPHA_CI,
    )


def not_applicable(units: int, coders: int) -> AgreementSummary:
    """A summary whose every statistic is null, each with :data:`NOT_FOR_SPANS` as the reason."""

    def why(name: str) -> str:
        return NOT_FOR_SPANS.format(name=name)

    return AgreementSummary(
        level=Level.NOMINAL,
        units=units,
        coders=coders,
        categories=PRESENT_ABSENT,
        percent_agreement=PercentAgreement(
            value=None, reason=why("percent agreement"), pairable_units=0, pairable_values=0,
            definition="",
        ),
        alpha=Alpha(
            value=None, reason=why("Krippendorff's alpha"), level=Level.NOMINAL,
            observed_disagreement=None, expected_disagreement=None, pairable_units=0,
            pairable_values=0,
        ),
        cohen_kappa=CohenKappa(
            value=None, reason=why("Cohen's kappa"), se=None, se_null=None, z=None, ci=None,
            observed_agreement=None, chance_agreement=None, units=0, excluded_units=0,
        ),
        scott_pi=ScottPi(
            value=None, reason=why("Scott's pi"), observed_agreement=None, chance_agreement=None,
            units=0, excluded_units=0,
        ),
        fleiss_kappa=FleissKappa(
            value=None, reason=why("Fleiss' kappa"), se_null=None, z=None, observed_agreement=None,
            chance_agreement=None, units=0, coders=coders, excluded_units=0,
        ),
        gwet_ac1=GwetAC1(
            value=None, reason=why("Gwet's AC1"), observed_agreement=None, chance_agreement=None,
            categories=2, units=0, rated_units=0,
        ),
        prevalence=PrevalenceBias(
            value=None, reason=why("PABAK (with its prevalence and bias indices)"),
            prevalence_index=None, bias_index=None, observed_agreement=None, kappa=None,
            both=0, only_first=0, only_second=0, neither=0, warning=None,
        ),
        warning=None,
        bootstrap=None,
    )  # fmt: skip
