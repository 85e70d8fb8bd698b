"""Where coders differ in one article: their passages with one label, compared unit by unit.

Pure Python over code-point spans (no database, no Qt), for the disagreement
review (:mod:`framing_app.services.disagreements`) and for closing an article
into the consensus coder (:mod:`framing_app.services.adjudication`). The
rules are those of the agreement report (:mod:`framing_app.core.units`,
:mod:`framing_app.services.reliability_units`), so that the units listed as
disagreements are exactly the units that keep the report's agreement below 1:

* **article**: the label is present when the coder tagged at least one
  passage with it;
* **paragraph / sentence**: present when the union of the coder's passages
  covers at least one of the unit's characters (``majority``: more than half
  of them);
* **span**: no units fixed in advance. The coders' passages are grouped into
  *passages in question*: a group is every passage (of any compared coder)
  linked to another of the group by at least one shared character, so its
  extent runs from its first start to its last end. The coders agree on a
  group only when each of them has exactly the same set of spans in it
  (same start and end): one coder's passage that another did not tag, or
  tagged with other boundaries, is a disagreement. That is the exact-match
  rule of span precision and recall, and what a consensus meeting looks at:
  a stretch of text the coders tagged differently.

A coder who has not started the article (*missing*) has no value and is
left out of the comparison; a unit compared by fewer than two coders is
neither an agreement nor a disagreement (``agree`` is None).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from framing_app.core.units import Span


@dataclass(frozen=True, slots=True)
class Passage:
    """One stored annotation, as compared: its id and span (code points, end exclusive)."""

    id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ComparedUnit:
    """One unit (or passage in question) where at least one coder marked the label present.

    *present* and *passages* follow the coders' order: present is None for
    a coder who has not started the article; passages are the coder's
    passages with the label that touch the unit (share a character with
    it), in text order. *agree* is True when every coder with a value gives
    the same one (at the span unit: the same spans), False when they
    differ, None when fewer than two coders have a value.
    """

    start: int
    end: int
    present: tuple[bool | None, ...]
    passages: tuple[tuple[Passage, ...], ...]
    agree: bool | None


def touching(passages: Sequence[Passage], start: int, end: int) -> tuple[Passage, ...]:
    """The passages sharing at least one character with ``[start, end)``, in text order."""
    return tuple(
        sorted(
            (p for p in passages if p.start < end and p.end > start),
            key=lambda p: (p.start, p.end, p.id),
        )
    )


def compare_article(
    length: int, passages: Sequence[Sequence[Passage]], missing: Sequence[bool]
) -> list[ComparedUnit]:
    """The article as one unit ``(0, length)``: [] when no coder tagged the label in it."""
    present = _present(
        [bool(coded) for coded in passages],
        missing,
    )
    if not any(present):
        return []
    return [
        ComparedUnit(
            0,
            length,
            present,
            tuple(touching(coded, 0, length) for coded in passages),
            _agree(present),
        )
    ]


def compare_units(
    units: Sequence[Span],
    passages: Sequence[Sequence[Passage]],
    missing: Sequence[bool],
    *,
    majority: bool = False,
) -> list[ComparedUnit]:
    """Each of *units* (paragraphs or sentences: disjoint, ascending) that a coder marked present.

    ``passages[c]`` are coder c's passages with the label; a unit is
    present for the coder when the union of those passages covers at least
    one of its characters, or with *majority* more than half of them.
    Units no coder marked present are left out (everyone agrees: absent).
    """
    ends = [end for _, end in units]
    n_coders = len(passages)
    covered: list[dict[int, int]] = [{} for _ in range(n_coders)]
    touched: set[int] = set()
    for coder, coded in enumerate(passages):
        if missing[coder]:
            continue
        for start, end in _union(coded):
            index = bisect_right(ends, start)
            while index < len(units) and units[index][0] < end:
                unit_start, unit_end = units[index]
                overlap = min(end, unit_end) - max(start, unit_start)
                if overlap > 0:
                    covered[coder][index] = covered[coder].get(index, 0) + overlap
                    touched.add(index)
                index += 1
    found = []
    for index in sorted(touched):
        unit_start, unit_end = units[index]
        length = unit_end - unit_start
        values = [
            (2 * covered[c].get(index, 0) > length) if majority else index in covered[c]
            for c in range(n_coders)
        ]
        present = _present(values, missing)
        if not any(present):
            continue  # touched, but by less than the majority of every coder
        found.append(
            ComparedUnit(
                unit_start,
                unit_end,
                present,
                tuple(touching(coded, unit_start, unit_end) for coded in passages),
                _agree(present),
            )
        )
    return found


def compare_spans(
    passages: Sequence[Sequence[Passage]], missing: Sequence[bool]
) -> list[ComparedUnit]:
    """The passages in question (see the module docstring), in text order.

    Each group's unit is its extent; a coder is present in it when they
    have a passage in it. The coders agree when each has the same set of
    spans in the group.
    """
    tagged = sorted(
        (p.start, p.end, coder, p)
        for coder, coded in enumerate(passages)
        if not missing[coder]
        for p in coded
        if p.end > p.start
    )
    found: list[ComparedUnit] = []
    group: list[tuple[int, Passage]] = []
    reach = -1
    for start, end, coder, passage in tagged:
        if group and start >= reach:
            found.append(_span_unit(group, len(passages), missing))
            group = []
        group.append((coder, passage))
        reach = max(reach, end) if len(group) > 1 else end
    if group:
        found.append(_span_unit(group, len(passages), missing))
    return found


def _span_unit(
    group: list[tuple[int, Passage]], n_coders: int, missing: Sequence[bool]
) -> ComparedUnit:
    start = min(p.start for _, p in group)
    end = max(p.end for _, p in group)
    per_coder: list[list[Passage]] = [[] for _ in range(n_coders)]
    for coder, passage in group:
        per_coder[coder].append(passage)
    present = _present([bool(coded) for coded in per_coder], missing)
    valued = [c for c in range(n_coders) if not missing[c]]
    spans = {frozenset((p.start, p.end) for p in per_coder[c]) for c in valued}
    agree = None if len(valued) < 2 else len(spans) == 1
    return ComparedUnit(
        start,
        end,
        present,
        tuple(touching(coded, start, end) for coded in per_coder),
        agree,
    )


def _union(passages: Sequence[Passage]) -> list[Span]:
    """The union of the passages as disjoint spans, ascending (touching ones joined)."""
    merged: list[list[int]] = []
    for start, end in sorted((p.start, p.end) for p in passages if p.end > p.start):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _present(values: Sequence[bool], missing: Sequence[bool]) -> tuple[bool | None, ...]:
    return tuple(None if gone else value for value, gone in zip(values, missing, strict=True))


def _agree(present: Sequence[bool | None]) -> bool | None:
    valued = {value for value in present if value is not None}
    count = sum(value is not None for value in present)
    return None if count < 2 else len(valued) == 1
