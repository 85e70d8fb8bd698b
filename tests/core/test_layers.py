"""Overlapping annotations cut into runs."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.layers import Run, runs


def test_nested_and_overlapping() -> None:
    spans = [(0, 10), (2, 5), (8, 14)]
    assert runs(spans) == [
        Run(0, 2, (0,)),
        Run(2, 5, (0, 1)),
        Run(5, 8, (0,)),
        Run(8, 10, (0, 2)),
        Run(10, 14, (2,)),
    ]


def test_gaps_and_empty_spans_are_left_out() -> None:
    assert runs([(5, 7), (0, 2), (3, 3)]) == [Run(0, 2, (1,)), Run(5, 7, (0,))]


def test_identical_spans_share_runs() -> None:
    assert runs([(1, 4), (1, 4)]) == [Run(1, 4, (0, 1))]


span = st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda p: (min(p), max(p)))


@given(st.lists(span, max_size=12))
def test_every_covered_position_lists_exactly_its_spans(spans: list[tuple[int, int]]) -> None:
    result = runs(spans)
    covered = {p: run.layers for run in result for p in range(run.start, run.end)}
    for position in range(41):
        expected = {i for i, (s, e) in enumerate(spans) if s <= position < e}
        assert set(covered.get(position, ())) == expected
    for before, after in itertools.pairwise(result):
        assert before.end <= after.start
