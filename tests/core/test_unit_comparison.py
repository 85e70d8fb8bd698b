"""The pure comparison behind the disagreement review: coverage by the union, span groups."""

from __future__ import annotations

from framing_app.core.unit_comparison import (
    Passage,
    compare_article,
    compare_spans,
    compare_units,
    touching,
)

UNITS = [(0, 10), (12, 20)]


def test_present_by_the_union_of_a_coders_passages() -> None:
    """Shared characters count once: 2-6 and 4-8 cover 6 of the first unit's 10."""
    a = [Passage(1, 2, 6), Passage(2, 4, 8)]
    b = [Passage(3, 9, 14)]
    strict = compare_units(UNITS, [a, b], [False, False], majority=True)
    assert [(u.start, u.end, u.present, u.agree) for u in strict] == [(0, 10, (True, False), False)]
    anyway = compare_units(UNITS, [a, b], [False, False])
    assert [(u.start, u.present, u.agree) for u in anyway] == [
        (0, (True, True), True),
        (12, (False, True), False),
    ]
    assert [p.id for p in anyway[0].passages[0]] == [1, 2]


def test_units_nobody_tagged_are_left_out() -> None:
    assert compare_units(UNITS, [[], []], [False, False]) == []
    # Between the units (white space between paragraphs): no unit at all.
    assert compare_units(UNITS, [[Passage(1, 10, 12)], []], [False, False]) == []


def test_a_coder_who_has_not_started_has_no_value() -> None:
    (unit,) = compare_units(UNITS, [[Passage(1, 0, 3)], [], []], [False, True, False])
    assert unit.present == (True, None, False)
    assert unit.agree is False
    (alone,) = compare_units(UNITS, [[Passage(1, 0, 3)], []], [False, True])
    assert alone.agree is None  # one value: neither agreement nor disagreement


def test_span_groups_chain_overlaps_and_need_the_same_spans() -> None:
    a = [Passage(1, 0, 5), Passage(2, 20, 25)]
    b = [Passage(3, 0, 5), Passage(4, 22, 30), Passage(5, 28, 40)]
    groups = compare_spans([a, b], [False, False])
    assert [(g.start, g.end, g.agree) for g in groups] == [(0, 5, True), (20, 40, False)]
    assert [p.id for p in groups[1].passages[1]] == [4, 5]
    # Touching is not overlapping: 0-5 and 5-9 are two groups.
    touching_groups = compare_spans([[Passage(1, 0, 5)], [Passage(2, 5, 9)]], [False, False])
    assert [(g.start, g.end) for g in touching_groups] == [(0, 5), (5, 9)]


def test_article_unit_and_touching() -> None:
    (unit,) = compare_article(40, [[Passage(1, 3, 4)], []], [False, False])
    assert (unit.start, unit.end, unit.present, unit.agree) == (0, 40, (True, False), False)
    assert compare_article(40, [[], []], [False, False]) == []
    found = touching([Passage(2, 10, 20), Passage(1, 0, 5), Passage(3, 5, 6)], 4, 11)
    assert [p.id for p in found] == [1, 3, 2]
