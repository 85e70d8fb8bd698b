"""Krippendorff's per-category unitizing alpha u_alpha_c (1995/2004), checked three ways.

1. Published examples at their printed precision:

   * Krippendorff (2004), *Content Analysis*, 2nd ed., section 11.6, p. 254:
     two observers i and j on a continuum from 150 to 450 (L = 300),
     categories c and k. The values (uD_oc = .0144, uD_ec = .0532,
     u_alpha_c = .7286; uD_ok = .0000, uD_ek = .0490, u_alpha_k = 1.0000; over
     both categories .8591) are as DKPro Agreement's ``Krippendorff2004Test``
     transcribes them (dkpro/dkpro-statistics, commit f7f4f89); the book
     itself could not be consulted here.
   * Krippendorff (1995), "On the reliability of unitizing continuous data",
     Sociological Methodology 25, p. 57: four pairs of observers on 24
     positions (categories A-D). Its observed disagreements (.03125, 2.26736,
     .02777, .38715), again as DKPro's ``Krippendorff1995Test`` has them.

2. An independent brute-force implementation written here from the
   definition: every coder's segments (units and gaps) listed per article,
   delta² summed over every pair of segments of every ordered pair of coders,
   the expected disagreement summed unit by unit over the pooled gaps; on
   random data with overlapping, touching and repeated spans, empty articles
   and 2-5 coders, to 1e-9.

3. DKPro Agreement's ``KrippendorffAlphaUnitizingAgreement`` (Java; Meyer et
   al. 2014), the only public implementation of the 1995/2004 coefficient
   found: its values on 120 random continua are recorded in
   ``dkpro_unitizing_cases.json`` (see ``make_dkpro_unitizing_cases.py``), and
   matched to 1e-9.
"""

from __future__ import annotations

import json
import math
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing_app.core.agreement.coded_spans import CodedSpans, coded_spans
from framing_app.core.agreement.results import ReliabilityDataError
from framing_app.core.agreement.unitizing import (
    UnitizingAlpha,
    unitizing_alpha,
    unitizing_alphas,
)

TOLERANCE = 1e-9
CASES = Path(__file__).with_name("dkpro_unitizing_cases.json")

# Krippendorff (2004, p. 254), shifted so that the continuum starts at 0
# (the book's begins at 150): (begin, length) per observer.
BOOK_2004_C = [[(225, 70), (370, 30)], [(220, 80), (355, 20), (400, 20)]]
BOOK_2004_K = [[(180, 60), (300, 50)], [(180, 60), (300, 50)]]
BOOK_2004_BEGIN, BOOK_2004_LENGTH = 150, 300

# Krippendorff (1995, p. 57): (begin, length) per observer, L = 24.
PAPER_1995 = {
    "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)]),
    "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
    "C": ([(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
    "D": ([(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]),
}
PAPER_1995_OBSERVED = {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}


def book(units: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    return [[(b - BOOK_2004_BEGIN, b - BOOK_2004_BEGIN + n) for b, n in coder] for coder in units]


def printed(value: float | None, decimals: int) -> float:
    assert value is not None
    return round(value, decimals)


# ----------------------------------------------------------------- published


def test_krippendorff_2004_example_category_c() -> None:
    """Krippendorff (2004, p. 254): uD_oc = .0144, uD_ec = .0532, u_alpha_c = .7286."""
    result = unitizing_alpha([BOOK_2004_LENGTH], [book(BOOK_2004_C)])
    assert printed(result.observed_disagreement, 4) == 0.0144
    assert printed(result.expected_disagreement, 4) == 0.0532
    assert printed(result.value, 4) == 0.7286
    assert result.units == 5
    assert result.length == 300


def test_krippendorff_2004_example_category_k() -> None:
    """Krippendorff (2004, p. 254): identical units, uD_ok = 0, uD_ek = .0490, u_alpha_k = 1."""
    result = unitizing_alpha([BOOK_2004_LENGTH], [book(BOOK_2004_K)])
    assert result.observed_disagreement == 0.0
    assert printed(result.expected_disagreement, 4) == 0.0490
    assert result.value == 1.0


def test_krippendorff_2004_example_over_both_categories() -> None:
    """1 - sum uD_o / sum uD_e: .8591 from the printed (rounded) terms, .8587 unrounded.

    The 2004 figure for both categories is computed from the disagreements as
    printed to four decimals, 1 - .0144 / (.0532 + .0490) = .8591; from the
    unrounded ones it is .8587.
    """
    lengths = [BOOK_2004_LENGTH]
    rows = [
        (0, coder, category, start, end)
        for category, units in enumerate((BOOK_2004_C, BOOK_2004_K))
        for coder, spans in enumerate(book(units))
        for start, end in spans
    ]
    table = np.array(rows)
    result = unitizing_alphas(coded_spans(lengths, 2, 2, *table.T))
    c, k = result.by_category
    assert c.observed_disagreement is not None
    assert c.expected_disagreement is not None
    assert k.observed_disagreement is not None
    assert k.expected_disagreement is not None
    from_printed = 1 - round(c.observed_disagreement + k.observed_disagreement, 4) / (
        round(c.expected_disagreement, 4) + round(k.expected_disagreement, 4)
    )
    assert round(from_printed, 4) == 0.8591
    assert printed(result.pooled.value, 4) == 0.8587
    assert result.pooled.units == 9


@pytest.mark.parametrize("category", sorted(PAPER_1995))
def test_krippendorff_1995_observed_disagreement(category: str) -> None:
    """Krippendorff (1995, p. 57): the observed disagreement of each pair of observers.

    (Its expected disagreements come from the continuous form of the 1995
    paper; see the next test.)
    """
    first, second = PAPER_1995[category]
    result = unitizing_alpha(
        [24], [[[(b, b + n) for b, n in first], [(b, b + n) for b, n in second]]]
    )
    assert result.observed_disagreement == pytest.approx(PAPER_1995_OBSERVED[category], abs=1e-5)


@pytest.mark.parametrize(("category", "value"), [("A", 0.553), ("D", 0.066)])
def test_krippendorff_1995_alpha_is_the_limit_of_the_2004_form(category: str, value: float) -> None:
    """At a fine resolution (each position cut in 1,000) the 2004 form gives the 1995 alpha.

    Krippendorff (1995) treats the continuum as continuous: the 2004
    formulas for discrete positions approach its values as positions get
    finer. For A (.553) and D (.066) they meet at the printed precision;
    for B and C the 1995 paper prints expected disagreements that neither
    form gives (DKPro Agreement's tests note the same), so they are not
    checked.
    """
    stretch = 1000
    first, second = PAPER_1995[category]
    result = unitizing_alpha(
        [24 * stretch],
        [
            [
                [(b * stretch, (b + n) * stretch) for b, n in first],
                [(b * stretch, (b + n) * stretch) for b, n in second],
            ]
        ],
    )
    assert printed(result.value, 3) == value


def test_dkpro_agreement_example() -> None:
    """DKPro Agreement's ``UnitizingAgreementTest``: -11111111- against --1-1-1---.

    D_o = .9100, D_e = .5351, u_alpha = -.7003, to the test's tolerance of
    1e-4 (an implementation's values, not a published example: one coder's
    unit holds three of the other's).
    """
    result = unitizing_alpha([10], [[[(1, 9)], [(2, 3), (4, 5), (6, 7)]]])
    assert result.observed_disagreement == pytest.approx(0.9100, abs=1e-4)
    assert result.expected_disagreement == pytest.approx(0.5351, abs=1e-4)
    assert result.value == pytest.approx(-0.7003, abs=1e-4)


def test_dkpro_agreement_on_random_continua() -> None:
    """uD_oc and uD_ec as DKPro Agreement computes them, on 120 random continua, to 1e-9."""
    cases = json.loads(CASES.read_text(encoding="utf-8"))
    assert len(cases) == 120
    for case in cases:
        table = np.array(case["units"], dtype=np.int64).reshape(-1, 4)
        spans = coded_spans(
            [case["length"]],
            case["coders"],
            case["categories"],
            np.zeros(len(table), dtype=np.int64),
            table[:, 2],
            table[:, 3],
            table[:, 0],
            table[:, 1],
        )
        result = unitizing_alphas(spans)
        for ours, (observed, expected) in zip(result.by_category, case["dkpro"], strict=True):
            assert ours.observed_disagreement == pytest.approx(observed, rel=TOLERANCE, abs=1e-15)
            assert ours.expected_disagreement == pytest.approx(expected, rel=TOLERANCE, abs=1e-15)


# ----------------------------------------------------------------- brute force


Segment = tuple[int, int, bool]  # begin, length, is a unit


def brute_units(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The coder's units: spans sharing a character merged, touching ones left apart."""
    units: list[list[int]] = []
    for start, end in sorted(spans):
        if units and start < units[-1][1]:
            units[-1][1] = max(units[-1][1], end)
        else:
            units.append([start, end])
    return [(start, end) for start, end in units]


def brute_segments(length: int, units: list[tuple[int, int]]) -> list[Segment]:
    """Units and the gaps between them and the article's ends, in order."""
    segments: list[Segment] = []
    position = 0
    for start, end in units:
        if start > position:
            segments.append((position, start - position, False))
        segments.append((start, end - start, True))
        position = end
    if position < length:
        segments.append((position, length - position, False))
    return segments


def brute_delta(g: Segment, h: Segment) -> int:
    """Krippendorff's (2004, section 11.6) delta² of two segments of two coders."""
    (bg, lg, unit_g), (bh, lh, unit_h) = g, h
    if unit_g and unit_h and bg < bh + lh and bh < bg + lg:
        return (bg - bh) ** 2 + (bg + lg - bh - lh) ** 2
    if unit_g and not unit_h and bh <= bg and bg + lg <= bh + lh:
        return lg**2
    if unit_h and not unit_g and bg <= bh and bh + lh <= bg + lg:
        return lh**2
    return 0


def brute_alpha(
    lengths: list[int], spans: list[list[list[tuple[int, int]]]], m: int
) -> tuple[float, float]:
    """(uD_oc, uD_ec) straight from the definitions, loops only; spans[a][i] per coder."""
    total = sum(lengths)
    segments = [
        [brute_segments(length, brute_units(spans[a][i])) for i in range(m)]
        for a, length in enumerate(lengths)
    ]
    observed = 0
    for per_coder in segments:
        for i, j in permutations(range(m), 2):
            for g in per_coder[i]:
                for h in per_coder[j]:
                    observed += brute_delta(g, h)
    units = [n for per_coder in segments for coder in per_coder for _, n, u in coder if u]
    gaps = [n for per_coder in segments for coder in per_coder for _, n, u in coder if not u]
    n_c = len(units)
    expected = 0.0
    for size in units:
        expected += (n_c - 1) / 3 * (2 * size**3 - 3 * size**2 + size)
        expected += size**2 * sum(gap - size + 1 for gap in gaps if gap >= size)
    denominator = m * total * (m * total - 1) - sum(size * (size - 1) for size in units)
    return observed / (m * (m - 1) * total**2), 2 / total * expected / denominator


def random_spans(
    rng: np.random.Generator, n_articles: int, m: int, n_categories: int
) -> tuple[list[int], list[tuple[int, int, int, int, int]]]:
    """Articles (some empty) and spans that overlap, touch and repeat; correlated coders."""
    lengths = [int(x) for x in rng.integers(0, 120, size=n_articles)]
    rows: list[tuple[int, int, int, int, int]] = []
    for a, length in enumerate(lengths):
        if length == 0:
            continue
        for c in range(n_categories):
            shared = []
            for _ in range(int(rng.integers(0, 4))):
                start = int(rng.integers(0, length))
                shared.append((start, int(rng.integers(start + 1, min(length, start + 40) + 1))))
            for i in range(m):
                for start, end in shared:
                    if rng.random() < 0.8:
                        s = int(np.clip(start + rng.integers(-5, 6), 0, length - 1))
                        e = int(np.clip(end + rng.integers(-5, 6), s + 1, length))
                        rows.append((a, i, c, s, e))
                        if rng.random() < 0.1 and e < length:  # touching
                            rows.append((a, i, c, e, min(length, e + 3)))
                        if rng.random() < 0.1:  # repeated
                            rows.append((a, i, c, s, e))
                if rng.random() < 0.3:
                    s = int(rng.integers(0, length))
                    rows.append((a, i, c, s, int(rng.integers(s + 1, length + 1))))
    return lengths, rows


def as_coded(
    lengths: list[int], rows: list[tuple[int, int, int, int, int]], m: int, n_categories: int
) -> CodedSpans:
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
    return coded_spans(lengths, m, n_categories, *table.T)


def per_category(
    lengths: list[int], rows: list[tuple[int, int, int, int, int]], m: int, category: int
) -> list[list[list[tuple[int, int]]]]:
    spans: list[list[list[tuple[int, int]]]] = [[[] for _ in range(m)] for _ in lengths]
    for a, i, c, s, e in rows:
        if c == category:
            spans[a][i].append((s, e))
    return spans


@pytest.mark.parametrize("seed", range(12))
def test_matches_a_brute_force_implementation_of_the_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 6))
    n_categories = int(rng.integers(1, 4))
    lengths, rows = random_spans(rng, int(rng.integers(1, 8)), m, n_categories)
    if sum(lengths) == 0:
        lengths[0] = 7
    result = unitizing_alphas(as_coded(lengths, rows, m, n_categories))
    sums = [0.0, 0.0]
    for c, ours in enumerate(result.by_category):
        observed, expected = brute_alpha(lengths, per_category(lengths, rows, m, c), m)
        sums[0] += observed
        sums[1] += expected
        assert ours.observed_disagreement == pytest.approx(observed, rel=TOLERANCE, abs=1e-15)
        assert ours.expected_disagreement == pytest.approx(expected, rel=TOLERANCE, abs=1e-15)
        if expected > 0:
            assert ours.value == pytest.approx(1 - observed / expected, rel=TOLERANCE, abs=1e-12)
        else:
            assert ours.value is None
    if sums[1] > 0:
        assert result.pooled.value == pytest.approx(1 - sums[0] / sums[1], rel=TOLERANCE)


def test_articles_are_separate_continua() -> None:
    """Gaps stop at an article's end: two articles are not one article of their total length.

    Units at the start of one article and the end of the next leave gaps
    that would join into one if the articles were laid end to end.
    """
    apart = [[[(0, 3)], [(0, 2)]], [[(7, 10)], [(8, 10)]]]
    two = unitizing_alpha([10, 10], apart)
    one = unitizing_alpha([20], [[[(0, 3), (17, 20)], [(0, 2), (18, 20)]]])
    observed, expected = brute_alpha([10, 10], apart, 2)
    assert two.observed_disagreement == pytest.approx(observed)
    assert two.expected_disagreement == pytest.approx(expected)
    # Same observed disagreement, different expected: the gaps differ.
    assert two.observed_disagreement == pytest.approx(one.observed_disagreement)
    assert two.expected_disagreement != pytest.approx(one.expected_disagreement)
    assert two.continua == 2
    assert two.length == 20


def test_overlapping_spans_are_one_unit_and_touching_spans_two() -> None:
    merged = unitizing_alpha([30], [[[(2, 10), (5, 14)], [(2, 14)]]])
    assert merged.value == 1.0
    assert merged.units == 2
    touching = unitizing_alpha([30], [[[(2, 8), (8, 14)], [(2, 14)]]])
    assert touching.units == 3
    assert touching.value is not None
    assert touching.value < 1.0
    repeated = unitizing_alpha([30], [[[(2, 14), (2, 14)], [(2, 14)]]])
    assert repeated.value == 1.0


def test_any_number_of_coders() -> None:
    for m in (2, 3, 4, 7):
        same = unitizing_alpha([50], [[[(5, 20), (30, 31)] for _ in range(m)]])
        assert same.value == 1.0
        assert same.coders == m


# ----------------------------------------------------------------- undefined and bad input


def assert_undefined(result: UnitizingAlpha, words: str) -> None:
    assert result.value is None
    assert result.reason is not None
    assert words in result.reason


def test_a_label_nobody_used_is_undefined() -> None:
    result = unitizing_alpha([40, 12], [[[], []], [[], []]])
    assert_undefined(result, "no coder marked a passage with this label")
    assert result.observed_disagreement == 0.0
    assert result.expected_disagreement == 0.0


def test_fewer_than_two_coders_is_undefined() -> None:
    assert_undefined(unitizing_alpha([40], [[[(1, 5)]]]), "at least 2 coders")
    assert_undefined(unitizing_alpha([], []), "at least 2 coders")


def test_no_continuum_is_undefined() -> None:
    empty = coded_spans([], 2, 1, [], [], [], [], [])
    assert_undefined(unitizing_alphas(empty).by_category[0], "no continuum")
    assert_undefined(unitizing_alphas(empty).pooled, "no continuum")
    zero = unitizing_alpha([0, 0], [[[], []], [[], []]])
    assert_undefined(zero, "no continuum")


def test_zero_expected_disagreement_is_undefined() -> None:
    """Every character its own unit for every coder: no gap, no unit longer than 1: 0/0."""
    cells = [(k, k + 1) for k in range(4)]
    assert_undefined(unitizing_alpha([4], [[cells, cells]]), "expected disagreement is 0")


def test_no_categories() -> None:
    result = unitizing_alphas(coded_spans([10], 2, 0, [], [], [], [], []))
    assert result.by_category == ()
    assert_undefined(result.pooled, "no coder marked a passage")


def test_one_coder_marking_everything_and_the_other_nothing() -> None:
    result = unitizing_alpha([20], [[[(0, 20)], []]])
    assert result.value is not None
    assert math.isfinite(result.value)
    assert result.value < 0


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([(0, 0, 0, 5, 5)], "empty, reversed or outside"),
        ([(0, 0, 0, 6, 5)], "empty, reversed or outside"),
        ([(0, 0, 0, -1, 5)], "empty, reversed or outside"),
        ([(0, 0, 0, 5, 11)], "empty, reversed or outside"),
        ([(1, 0, 0, 1, 2)], "continuum index is out of range"),
        ([(0, 2, 0, 1, 2)], "coder index is out of range"),
        ([(0, 0, 1, 1, 2)], "category index is out of range"),
    ],
)
def test_malformed_spans_are_refused(rows: list[tuple[int, ...]], words: str) -> None:
    table = np.array(rows, dtype=np.int64)
    with pytest.raises(ReliabilityDataError, match=words):
        coded_spans([10], 2, 1, *table.T)


def test_other_malformed_input_is_refused() -> None:
    with pytest.raises(ReliabilityDataError, match="negative length"):
        coded_spans([-1], 2, 1, [], [], [], [], [])
    with pytest.raises(ReliabilityDataError, match="differ in length"):
        coded_spans([10], 2, 1, [0], [0], [0], [1], [])
    with pytest.raises(ReliabilityDataError, match="whole numbers"):
        coded_spans([10], 2, 1, [0.5], [0], [0], [1], [2])
    with pytest.raises(ReliabilityDataError, match="same coders"):
        unitizing_alpha([10, 10], [[[(0, 1)], []], [[(0, 1)]]])
    with pytest.raises(ReliabilityDataError, match="one list"):
        unitizing_alpha([10], [])
    with pytest.raises(ReliabilityDataError, match="too long"):
        coded_spans([2**61], 2, 1, [], [], [], [], [])


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 30), min_size=1, max_size=4),
    m=st.integers(2, 4),
    raw=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 29), st.integers(1, 30)),
        max_size=25,
    ),
)
def test_never_nan_and_never_above_one(
    lengths: list[int], m: int, raw: list[tuple[int, int, int, int]]
) -> None:
    rows = [
        (a, i, 0, s, min(s + n, lengths[a]))
        for a, i, s, n in raw
        if a < len(lengths) and i < m and s < lengths[a]
    ]
    result = unitizing_alphas(as_coded(lengths, rows, m, 1))
    for alpha in (result.by_category[0], result.pooled):
        if alpha.value is None:
            assert alpha.reason
        else:
            assert math.isfinite(alpha.value)
            assert alpha.value <= 1.0
            assert alpha.observed_disagreement is not None
            assert alpha.observed_disagreement >= 0.0
            assert alpha.expected_disagreement is not None
            assert alpha.expected_disagreement > 0.0
