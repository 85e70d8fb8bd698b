"""Exact-match and overlap-match precision, recall and F1 between two coders' spans.

The measures information extraction uses to compare an annotator with a
reference (e.g. the CoNLL and MUC scorers; for inter-annotator agreement,
Hripcsak & Rothschild 2005, "Agreement, the F-measure, and reliability in
information retrieval", JAMIA 12(3), 296-298, who show that F1 between two
annotators approaches the positive specific agreement when negatives are
many). For an ordered pair of coders, A the *reference* and B the
*candidate*, per category (label), pooled over every continuum (article):

* a coder's spans are its distinct passages (start, end) with the label in
  an article, as stored: two passages of one coder are two spans, even when
  they overlap;
* **exact** match: a span of B has the same start and end as a span of A
  (same article, same label);
* **overlap** match: a span of B shares at least one character with a span
  of A (same article, same label); touching is not sharing. One-to-many
  overlaps count once per span: a span of B is matched if it overlaps any
  span of A, and a span of A is matched if any span of B overlaps it;
* **precision** = matched spans of B / spans of B; **recall** = matched
  spans of A / spans of A; **F1** = 2 P R / (P + R), computed as
  2 m_B m_A / (m_B |A| + m_A |B|) from the counts. Swapping A and B swaps
  precision and recall and leaves F1 as it is. For exact matches F1 is the
  Dice coefficient 2 |A ∩ B| / (|A| + |B|).

Counts are summed over all articles (and, for the pooled figures, over all
labels) before dividing: one estimate, not an average of per-article ones.
Precision is undefined (``value=None`` with the reason) when B marked no
span, recall when A marked none; F1 is undefined when neither did, and 0
when exactly one did (no span of either is matched).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from framing_app.core.agreement.coded_spans import CodedSpans, merge_overlapping
from framing_app.core.agreement.reliability_data import IntArray

Rule = Literal["exact", "overlap"]


@dataclass(frozen=True, slots=True)
class Rate:
    """A proportion in [0, 1], or ``None`` with the reason it is undefined."""

    value: float | None
    reason: str | None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise AssertionError("Rate: exactly one of value and reason must be set")


@dataclass(frozen=True, slots=True)
class SpanMatch:
    """One matching rule between a reference and a candidate coder, with its counts."""

    rule: Rule
    reference_spans: int
    candidate_spans: int
    matched_references: int
    matched_candidates: int
    precision: Rate
    recall: Rate
    f1: Rate


@dataclass(frozen=True, slots=True)
class PairMatch:
    """Coder ``reference`` (A) against coder ``candidate`` (B), both indexes into the coders."""

    reference: int
    candidate: int
    exact: SpanMatch
    overlap: SpanMatch


@dataclass(frozen=True, slots=True)
class SpanMatches:
    """Every ordered pair of coders, per category and pooled over the categories.

    ``by_category[c]`` and ``pooled`` list the pairs (A, B) for A != B in
    the order (0, 1), (0, 2), ..., (1, 0), ...; ``spans[c, i]`` is the
    number of distinct spans of category c of coder i.
    """

    by_category: tuple[tuple[PairMatch, ...], ...]
    pooled: tuple[PairMatch, ...]
    spans: IntArray


def span_match(
    rule: Rule,
    reference_spans: int,
    candidate_spans: int,
    matched_references: int,
    matched_candidates: int,
) -> SpanMatch:
    """Precision, recall and F1 from the counts (see the module docstring for the definitions)."""
    a, b, m_a, m_b = reference_spans, candidate_spans, matched_references, matched_candidates
    precision = (
        Rate(None, "precision is undefined (0/0): the candidate coder marked no passage here")
        if b == 0
        else Rate(m_b / b, None)
    )
    recall = (
        Rate(None, "recall is undefined (0/0): the reference coder marked no passage here")
        if a == 0
        else Rate(m_a / a, None)
    )
    if a == 0 and b == 0:
        f1 = Rate(None, "F1 is undefined (0/0): neither coder marked a passage here")
    elif m_a == 0 and m_b == 0:
        # No span of either coder is matched: the harmonic mean's limit, 0.
        f1 = Rate(0.0, None)
    else:
        f1 = Rate(2.0 * m_a * m_b / (m_b * a + m_a * b), None)
    return SpanMatch(rule, a, b, m_a, m_b, precision, recall, f1)


def span_matches(spans: CodedSpans) -> SpanMatches:
    """Exact and overlap matches of every ordered pair of coders (see the module docstring)."""
    m, n_categories = spans.n_coders, spans.n_categories
    start, end = spans.coordinates(spans.category)
    coder = spans.coder
    # Distinct spans per coder: a passage stored twice is one span.
    order = np.lexsort((end, start, coder))
    start, end, coder = start[order], end[order], coder[order]
    category = spans.category[order]
    distinct = np.ones(start.size, dtype=bool)
    distinct[1:] = (start[1:] != start[:-1]) | (end[1:] != end[:-1]) | (coder[1:] != coder[:-1])
    start, end, coder, category = (
        start[distinct],
        end[distinct],
        coder[distinct],
        category[distinct],
    )
    counts = np.zeros((n_categories, max(m, 0)), dtype=np.int64)
    np.add.at(counts, (category, coder), 1)

    mine = [np.flatnonzero(coder == i) for i in range(m)]  # each sorted by (start, end)
    unions = [merge_overlapping(start[k], end[k])[:2] for k in mine]
    # exact[i][j][c]: spans common to i and j; hit[i][j][c]: spans of j overlapping one of i.
    exact = np.zeros((m, m, n_categories), dtype=np.int64)
    hit = np.zeros((m, m, n_categories), dtype=np.int64)
    for i in range(m):
        for j in range(m):
            if i == j:
                continue
            union_start, union_end = unions[i]
            k = mine[j]
            at = np.searchsorted(union_end, start[k], side="right")
            inside = at < union_start.size
            inside[inside] = union_start[at[inside]] < end[k][inside]
            hit[i, j] = np.bincount(category[k][inside], minlength=n_categories)
            if i < j:
                exact[i, j] = exact[j, i] = _common(start, end, category, mine[i], k, n_categories)

    pairs = [(a, b) for a in range(m) for b in range(m) if a != b]

    def pair(a: int, b: int, c: int | None) -> PairMatch:
        if c is None:
            n_a, n_b = int(counts[:, a].sum()), int(counts[:, b].sum())
            same = int(exact[a, b].sum())
            of_b, of_a = int(hit[a, b].sum()), int(hit[b, a].sum())
        else:
            n_a, n_b = int(counts[c, a]), int(counts[c, b])
            same = int(exact[a, b, c])
            of_b, of_a = int(hit[a, b, c]), int(hit[b, a, c])
        return PairMatch(
            a,
            b,
            span_match("exact", n_a, n_b, same, same),
            span_match("overlap", n_a, n_b, of_a, of_b),
        )

    return SpanMatches(
        by_category=tuple(tuple(pair(a, b, c) for a, b in pairs) for c in range(n_categories)),
        pooled=tuple(pair(a, b, None) for a, b in pairs),
        spans=counts,
    )


def _common(
    start: IntArray,
    end: IntArray,
    category: IntArray,
    first: IntArray,
    second: IntArray,
    n_categories: int,
) -> IntArray:
    """Per category, the spans that *first* and *second* (each without repeats) both have."""
    both = np.concatenate([first, second])
    order = np.lexsort((end[both], start[both]))
    s, e = start[both][order], end[both][order]
    # Sorted, a span of one coder equal to one of the other is its neighbour.
    same = (s[1:] == s[:-1]) & (e[1:] == e[:-1])
    return np.bincount(category[both][order][1:][same], minlength=n_categories).astype(np.int64)
