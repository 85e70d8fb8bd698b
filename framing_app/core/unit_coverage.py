"""How much of each unit of analysis a coder's passages cover: numpy over spans.

Pure numpy (no database): units and passages come in as offset arrays on one
line of positions (each article's offsets shifted by the lengths of the
articles before it), and the answer is, for every unit and every group of
passages (one coder's passages with one label), the number of the unit's
positions that the *union* of the group's passages covers
(:func:`covered_positions`; :func:`covered_cells` gives only the cells that
are not 0). Two passages of one group that overlap count their common
characters once.

The work is a sort of the passages, two binary searches among the units and
one step per (passage, unit it reaches), whatever the length of the texts: no
array of one cell per character is made (except at the character unit,
whose units are the characters).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def merge_spans(
    starts: IntArray, ends: IntArray, groups: IntArray, n_groups: int
) -> tuple[IntArray, IntArray, IntArray]:
    """The union of each group's spans, as disjoint spans ``(starts, ends, groups)``.

    Spans ``[start, end)`` of one group that overlap or touch become one;
    the result is sorted by group, then by start. Spans must have
    ``0 <= start <= end``; empty spans are dropped.
    """
    starts, ends, groups = _checked(starts, ends, groups, n_groups)
    keep = ends > starts
    starts, ends, groups = starts[keep], ends[keep], groups[keep]
    if starts.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    # Each group on its own stretch of one line, so that one sort and one
    # running maximum merge every group at once without mixing two.
    stride = int(ends.max()) + 1
    key_start = groups * stride + starts
    key_end = groups * stride + ends
    order = np.argsort(key_start, kind="stable")
    key_start, key_end = key_start[order], key_end[order]
    reach = np.maximum.accumulate(key_end)
    first = np.ones(key_start.size, dtype=bool)
    first[1:] = key_start[1:] > reach[:-1]
    heads = np.flatnonzero(first)
    merged_start = key_start[heads]
    merged_end = np.maximum.reduceat(key_end, heads)
    merged_group = merged_start // stride
    offset = merged_group * stride
    return merged_start - offset, merged_end - offset, merged_group


def covered_cells(
    unit_starts: IntArray,
    unit_ends: IntArray,
    starts: IntArray,
    ends: IntArray,
    groups: IntArray,
    n_groups: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """The cells of :func:`covered_positions` that are not 0, as ``(units, groups, covered)``.

    Sorted by unit, then group. Most units are covered by no passage, so
    this is far smaller than the units x groups table, and making it touches
    no memory per unit.
    """
    unit_starts = np.asarray(unit_starts, dtype=np.int64)
    unit_ends = np.asarray(unit_ends, dtype=np.int64)
    merged_start, merged_end, merged_group = merge_spans(starts, ends, groups, n_groups)
    empty = np.zeros(0, dtype=np.int64)
    if unit_starts.size == 0 or merged_start.size == 0:
        return empty, empty.copy(), empty.copy()
    # The first unit that ends after a span starts, the last that starts before it ends.
    first = np.searchsorted(unit_ends, merged_start, side="right")
    last = np.searchsorted(unit_starts, merged_end, side="left") - 1
    hit = first <= last
    if not hit.any():
        return empty, empty.copy(), empty.copy()
    first, last = first[hit], last[hit]
    # One row per (span, unit it reaches): passages are short beside texts, so
    # these are few, and each unit is reached by few spans.
    reach = last - first + 1
    unit = np.repeat(first - np.cumsum(reach) + reach, reach) + np.arange(int(reach.sum()))
    span_start = np.repeat(merged_start[hit], reach)
    span_end = np.repeat(merged_end[hit], reach)
    group = np.repeat(merged_group[hit], reach)
    overlap = np.minimum(span_end, unit_ends[unit]) - np.maximum(span_start, unit_starts[unit])
    # A group's merged spans are disjoint, so a cell's overlaps add up to its
    # covered positions.
    cell = unit * n_groups + group
    order = np.argsort(cell, kind="stable")
    cell, overlap = cell[order], overlap[order]
    heads = np.flatnonzero(np.concatenate(([True], cell[1:] != cell[:-1])))
    cells = cell[heads]
    return cells // n_groups, cells % n_groups, np.add.reduceat(overlap, heads)


def covered_positions(
    unit_starts: IntArray,
    unit_ends: IntArray,
    starts: IntArray,
    ends: IntArray,
    groups: IntArray,
    n_groups: int,
) -> IntArray:
    """``covered[u, g]``: how many positions of unit u the union of group g's spans covers.

    Units ``[unit_starts[u], unit_ends[u])`` must be disjoint, non-empty and
    in ascending order (what :mod:`framing_app.core.units` makes, shifted to
    one line). Spans ``[starts[i], ends[i])`` belong to group ``groups[i]``
    in ``range(n_groups)``; they may overlap, within a group and across
    groups, and may lie partly or wholly outside every unit (white space
    between paragraphs). Returns an ``(units, n_groups)`` int64 array.
    """
    n_units = np.asarray(unit_starts).size
    covered = np.zeros((n_units, n_groups), dtype=np.int64)
    unit, group, count = covered_cells(unit_starts, unit_ends, starts, ends, groups, n_groups)
    covered[unit, group] = count
    return covered


def _checked(
    starts: IntArray, ends: IntArray, groups: IntArray, n_groups: int
) -> tuple[IntArray, IntArray, IntArray]:
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    groups = np.asarray(groups, dtype=np.int64)
    if not starts.shape == ends.shape == groups.shape or starts.ndim != 1:
        raise ValueError("starts, ends and groups must be 1-D arrays of one length")
    if starts.size and (starts.min() < 0 or bool(np.any(ends < starts))):
        raise ValueError("spans need 0 <= start <= end")
    if groups.size and (groups.min() < 0 or groups.max() >= n_groups):
        raise ValueError(f"groups must lie in range({n_groups})")
    return starts, ends, groups
