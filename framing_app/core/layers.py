"""Cutting overlapping spans into runs of text with the same set of spans."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Run:
    """``text[start:end]`` is covered by exactly the spans at *layers* (indexes, by span order)."""

    start: int
    end: int
    layers: tuple[int, ...]


def runs(spans: Sequence[tuple[int, int]]) -> list[Run]:
    """The covered runs of *spans* (start, end pairs), in text order.

    Each run lists the indexes of the spans covering it, ordered by span start
    (then longest first), so the first layer is the outermost span. Runs with
    no span are left out. O(n log n + total layers).
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1], i))
    rank = {index: position for position, index in enumerate(order)}
    points = sorted({p for start, end in spans if start < end for p in (start, end)})
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(spans):
        if start < end:
            starts.setdefault(start, []).append(index)
            ends.setdefault(end, []).append(index)
    active: set[int] = set()
    result: list[Run] = []
    for left, right in itertools.pairwise(points):
        active.difference_update(ends.get(left, ()))
        active.update(starts.get(left, ()))
        if active:
            result.append(Run(left, right, tuple(sorted(active, key=rank.__getitem__))))
    return result
