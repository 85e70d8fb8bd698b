"""Exact and overlap precision/recall/F1 between coders' spans, against a brute force.

The definitions are those of ``framing_app.core.agreement.span_match``
(information extraction's exact and overlap matching, as used for
inter-annotator agreement by Hripcsak & Rothschild 2005): counted here
span by span with sets and loops.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest

from framing_app.core.agreement.coded_spans import coded_spans
from framing_app.core.agreement.span_match import PairMatch, SpanMatch, span_match, span_matches

Row = tuple[int, int, int, int, int]  # article, coder, category, start, end


def matches(lengths: list[int], rows: list[Row], m: int, n_categories: int) -> list[PairMatch]:
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
    result = span_matches(coded_spans(lengths, m, n_categories, *table.T))
    assert len(result.by_category) == n_categories
    return list(result.pooled)


def brute(rows: list[Row], a: int, b: int, category: int | None) -> tuple[int, int, int, int, int]:
    """(|A|, |B|, exact, matched references, matched candidates) by sets and loops."""

    def spans(coder: int) -> set[tuple[int, int, int, int]]:
        return {
            (article, c, s, e)
            for article, i, c, s, e in rows
            if i == coder and (category is None or c == category)
        }

    first, second = spans(a), spans(b)

    def hit(x: tuple[int, int, int, int], others: set[tuple[int, int, int, int]]) -> bool:
        return any(y[0] == x[0] and y[1] == x[1] and y[2] < x[3] and x[2] < y[3] for y in others)

    return (
        len(first),
        len(second),
        len(first & second),
        sum(hit(x, second) for x in first),
        sum(hit(y, first) for y in second),
    )


def check(found: SpanMatch, a: int, b: int, matched_a: int, matched_b: int) -> None:
    assert (found.reference_spans, found.candidate_spans) == (a, b)
    assert (found.matched_references, found.matched_candidates) == (matched_a, matched_b)
    assert found.precision.value == (None if b == 0 else pytest.approx(matched_b / b))
    assert found.recall.value == (None if a == 0 else pytest.approx(matched_a / a))
    if a == 0 and b == 0:
        assert found.f1.value is None
    elif matched_a == 0:
        assert found.f1.value == 0.0
    else:
        p, r = matched_b / b, matched_a / a
        assert found.f1.value == pytest.approx(2 * p * r / (p + r))


@pytest.mark.parametrize("seed", range(10))
def test_matches_a_brute_force_count(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 5))
    n_categories = int(rng.integers(1, 4))
    lengths = [int(x) for x in rng.integers(1, 80, size=int(rng.integers(1, 6)))]
    rows: list[Row] = []
    for article, length in enumerate(lengths):
        for _ in range(int(rng.integers(0, 12))):
            s = int(rng.integers(0, length))
            e = int(rng.integers(s + 1, min(length, s + 25) + 1))
            c = int(rng.integers(0, n_categories))
            for i in range(m):
                if rng.random() < 0.6:
                    rows.append((article, i, c, s, e))  # the same span
                elif rng.random() < 0.5:
                    s2 = int(np.clip(s + rng.integers(-4, 5), 0, length - 1))
                    e2 = int(np.clip(e + rng.integers(-4, 5), s2 + 1, length))
                    rows.append((article, i, c, s2, e2))  # moved
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
    result = span_matches(coded_spans(lengths, m, n_categories, *table.T))
    pairs = list(permutations(range(m), 2))
    for category, found in [*enumerate(result.by_category), (None, result.pooled)]:
        assert [(p.reference, p.candidate) for p in found] == pairs
        for pair in found:
            n_a, n_b, same, matched_a, matched_b = brute(
                rows, pair.reference, pair.candidate, category
            )
            check(pair.exact, n_a, n_b, same, same)
            check(pair.overlap, n_a, n_b, matched_a, matched_b)


def test_one_to_many_overlaps_count_once_per_span() -> None:
    """A's long span against B's three short ones inside it: all four matched."""
    rows = [(0, 0, 0, 0, 30), (0, 1, 0, 2, 5), (0, 1, 0, 10, 12), (0, 1, 0, 20, 25)]
    a_b, b_a = matches([40], rows, 2, 1)
    assert (a_b.overlap.matched_references, a_b.overlap.matched_candidates) == (1, 3)
    assert a_b.overlap.precision.value == 1.0
    assert a_b.overlap.recall.value == 1.0
    assert a_b.overlap.f1.value == 1.0
    assert a_b.exact.f1.value == 0.0
    # The reverse pair swaps precision and recall; F1 stays.
    assert b_a.overlap.precision.value == a_b.overlap.recall.value
    assert b_a.exact.f1.value == a_b.exact.f1.value


def test_touching_is_not_overlapping_and_articles_and_labels_are_apart() -> None:
    rows = [
        (0, 0, 0, 0, 5),
        (0, 1, 0, 5, 9),  # touches A's span
        (1, 1, 0, 0, 5),  # same offsets, other article
        (0, 1, 1, 0, 5),  # same offsets, other label
    ]
    a_b, _ = matches([10, 10], rows, 2, 2)
    assert a_b.overlap.matched_candidates == 0
    assert a_b.overlap.matched_references == 0
    assert a_b.exact.matched_candidates == 0


def test_repeated_passages_count_once() -> None:
    a_b, _ = matches([10], [(0, 0, 0, 1, 4), (0, 0, 0, 1, 4), (0, 1, 0, 1, 4)], 2, 1)
    assert a_b.exact.reference_spans == 1
    assert a_b.exact.f1.value == 1.0


def test_exact_f1_is_dice() -> None:
    """2 |A ∩ B| / (|A| + |B|): 2 * 1 / (2 + 3)."""
    rows = [(0, 0, 0, 0, 2), (0, 0, 0, 4, 6), (0, 1, 0, 0, 2), (0, 1, 0, 7, 8), (0, 1, 0, 9, 10)]
    a_b, _ = matches([10], rows, 2, 1)
    assert a_b.exact.f1.value == pytest.approx(0.4)
    assert a_b.exact.precision.value == pytest.approx(1 / 3)
    assert a_b.exact.recall.value == pytest.approx(1 / 2)


def test_undefined_without_spans() -> None:
    neither = span_match("exact", 0, 0, 0, 0)
    assert neither.precision.value is None
    assert neither.recall.value is None
    assert neither.f1.value is None
    assert neither.f1.reason is not None
    assert "neither coder" in neither.f1.reason
    only_a = span_match("overlap", 3, 0, 0, 0)
    assert only_a.precision.value is None
    assert only_a.precision.reason is not None
    assert "candidate coder marked no passage" in only_a.precision.reason
    assert only_a.recall.value == 0.0
    assert only_a.f1.value == 0.0
    only_b = span_match("overlap", 0, 2, 0, 0)
    assert only_b.recall.value is None
    assert only_b.precision.value == 0.0
    assert only_b.f1.value == 0.0


def test_no_spans_at_all() -> None:
    result = span_matches(coded_spans([10], 3, 2, [], [], [], [], []))
    assert len(result.pooled) == 6
    for pair in result.pooled:
        assert pair.exact.f1.value is None
        assert pair.overlap.precision.value is None
    assert result.spans.shape == (2, 3)
    assert int(result.spans.sum()) == 0
