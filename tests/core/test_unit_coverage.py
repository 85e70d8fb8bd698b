"""Covered positions of units by the union of each group's spans, against a per-character count."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing_app.core.unit_coverage import covered_cells, covered_positions, merge_spans


def arrays(*columns: list[int]) -> list[np.ndarray]:
    return [np.asarray(column, dtype=np.int64) for column in columns]


def slow_coverage(
    units: list[tuple[int, int]], spans: list[tuple[int, int, int]], n_groups: int
) -> np.ndarray:
    """One set of covered positions per group, counted unit by unit."""
    covered = [set() for _ in range(n_groups)]
    for start, end, group in spans:
        covered[group].update(range(start, end))
    return np.array(
        [[len(covered[g] & set(range(s, e))) for g in range(n_groups)] for s, e in units],
        dtype=np.int64,
    ).reshape(len(units), n_groups)


def test_overlapping_spans_of_one_group_count_once() -> None:
    units = arrays([0, 10], [10, 20])
    spans = arrays([2, 5, 8], [8, 12, 9], [0, 0, 0])
    covered = covered_positions(*units, *spans, 1)
    # Union 2-12: 8 positions of the first unit, 2 of the second.
    assert covered.tolist() == [[8], [2]]


def test_groups_are_kept_apart() -> None:
    units = arrays([0, 10, 20], [10, 20, 30])
    spans = arrays([0, 5, 15], [30, 15, 16], [1, 0, 0])
    # Group 0: 5-15 and 15-16 are one passage, 5-16; group 1 covers everything.
    assert covered_positions(*units, *spans, 2).tolist() == [[5, 10], [6, 10], [0, 10]]


def test_spans_in_the_gaps_between_units_cover_nothing() -> None:
    units = arrays([0, 12], [10, 20])
    spans = arrays([10], [12], [0])
    assert covered_positions(*units, *spans, 1).tolist() == [[0], [0]]


def test_no_units_or_no_spans() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert covered_positions(empty, empty, *arrays([0], [3], [0]), 2).shape == (0, 2)
    assert covered_positions(*arrays([0], [3]), empty, empty, empty, 2).tolist() == [[0, 0]]


def test_merge_spans_joins_overlapping_and_touching_ones() -> None:
    starts, ends, groups = merge_spans(
        *arrays([5, 0, 3, 9, 0], [7, 3, 4, 12, 2], [0, 0, 0, 0, 1]), 2
    )
    assert list(zip(starts.tolist(), ends.tolist(), groups.tolist(), strict=True)) == [
        (0, 4, 0),
        (5, 7, 0),
        (9, 12, 0),
        (0, 2, 1),
    ]


@pytest.mark.parametrize(
    ("starts", "ends", "groups"),
    [([-1], [2], [0]), ([3], [2], [0]), ([0], [2], [2]), ([0, 1], [2], [0])],
)
def test_bad_spans_are_refused(starts: list[int], ends: list[int], groups: list[int]) -> None:
    with pytest.raises(ValueError, match=r"spans|groups|arrays"):
        merge_spans(*arrays(starts, ends, groups), 2)


@settings(max_examples=300, deadline=None)
@given(
    cuts=st.lists(st.integers(0, 60), max_size=12),
    gaps=st.lists(st.booleans(), min_size=12, max_size=12),
    spans=st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 25), st.integers(0, 2)), max_size=15
    ),
)
def test_matches_counting_characters(
    cuts: list[int], gaps: list[bool], spans: list[tuple[int, int, int]]
) -> None:
    bounds = sorted(set(cuts))
    units = [
        (start, end)
        for (start, end), gap in zip(itertools.pairwise(bounds), gaps, strict=False)
        if not gap
    ]
    real = [(start, start + length, group) for start, length, group in spans]
    covered = covered_positions(
        *arrays([s for s, _ in units], [e for _, e in units]),
        *arrays([s for s, _, _ in real], [e for _, e, _ in real], [g for _, _, g in real]),
        3,
    )
    expected = slow_coverage(units, real, 3)
    assert covered.tolist() == expected.tolist()
    cells = covered_cells(
        *arrays([s for s, _ in units], [e for _, e in units]),
        *arrays([s for s, _, _ in real], [e for _, e, _ in real], [g for _, _, g in real]),
        3,
    )
    rows, columns = np.nonzero(expected)
    assert [c.tolist() for c in cells] == [
        rows.tolist(),
        columns.tolist(),
        expected[rows, columns].tolist(),
    ]
