"""Krippendorff's unitizing alpha per category, u_alpha_c, of 1995/2004 -- not the 2016 family.

Sources:

* Krippendorff, K. (1995). On the reliability of unitizing continuous data.
  *Sociological Methodology* 25, 47-76.
* Krippendorff, K. (2004). *Content Analysis: An Introduction to Its
  Methodology*, 2nd ed., section 11.6 (alpha for unitizing), whose
  formulas for a continuum of discrete positions (here: the characters of
  an article) this module implements, with its worked example on p. 254
  (see the tests; page as DKPro Agreement's tests cite it).

This is **not** the "u_alpha family" of Krippendorff, Mathet, Bouvry & Widlöcher
(2016), "On the reliability of unitizing textual continua: further
developments", *Quality & Quantity* 50, 2347-2364 (u_alpha, |u_alpha, cu_alpha, (k)u_alpha),
which changes the definition for more than two coders and gives different
numbers. The two are never mixed here.

The 1995 paper treats the continuum as continuous; the 2004 formulas count
discrete positions. On the 1995 paper's own example the observed
disagreements agree exactly, and the 2004 expected disagreement, applied at
ever finer resolution, tends to the 1995 values for two of its four
categories; for the other two the 1995 paper's printed expected
disagreements differ (DKPro Agreement's tests note the same and attribute it
to a slip in the 1995 computation). The 2004 form is the one used.

Data, per category c (a label): m coders; continua a (articles) of length
L_a characters; L = sum_a L_a. Coder i's *units* of c in continuum a are the
union of the spans it marked with c, two spans that share a character being
merged into one unit; spans that only touch (one ends where the next
begins) stay two units, as the 1995 paper's example B has them. Its *gaps*
are the stretches of the continuum between its units and the continuum's
ends that hold no unit of c (a gap never runs from one article into the
next). Each segment g (unit or gap) has a beginning b_g and a length l_g.

Difference between segment g of coder i and segment h of coder j != i in
the same continuum (Krippendorff 2004, section 11.6)::

    δ²(g, h) = (b_g - b_h)² + (b_g + l_g - b_h - l_h)²   both units, sharing a character
             = l_g²                                       g a unit lying within gap h
             = l_h²                                       h a unit lying within gap g
             = 0                                          otherwise

Observed and expected disagreement (2004, section 11.6), the sums running over
every continuum (the articles pooled as one continuum of length L whose
gaps stop at each article's end)::

    uD_oc = sum_{i != j} sum_g sum_h δ²(g, h) / (m (m - 1) L²)

    uD_ec = (2 / L) sum_u [ (N_c - 1)/3 (2 l_u³ - 3 l_u² + l_u)
                            + l_u² sum_{gaps q with l_q >= l_u} (l_q - l_u + 1) ]
            / [ m L (m L - 1) - sum_u l_u (l_u - 1) ]

    u_alpha_c = 1 - uD_oc / uD_ec

where u runs over the units of c of all coders in all continua, q over the
gaps of c of all coders in all continua, and N_c is the number of units.
The coefficient over several categories (:attr:`UnitizingAlphas.pooled`) is
1 - sum_c uD_oc / sum_c uD_ec, the form DKPro Agreement computes for a whole
study (Meyer et al. 2014); in framing-app labels may overlap, so each label
is judged as its own c / not-c unitizing.

u_alpha_c is undefined (``value=None`` with the reason; never NaN) with fewer
than two coders, without a continuum of positive length, and when the
expected disagreement is 0 (no coder marked anything with c, or nothing but
one-character units leaving no gap): 0/0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from framing_app.core.agreement.coded_spans import CodedSpans, coded_spans, merge_overlapping
from framing_app.core.agreement.reliability_data import FloatArray, IntArray
from framing_app.core.agreement.results import ReliabilityDataError

NAME = "Krippendorff's unitizing alpha (u_alpha_c)"

DEFINITION = (
    "Krippendorff's per-category unitizing alpha u_alpha_c (Krippendorff 1995; Content Analysis, "
    "2nd ed., 2004, section 11.6), not the 2016 u_alpha family: a coder's units of a label are the "
    "union of its passages with it (overlapping passages merged, touching ones kept apart), the "
    "rest of the article its gaps; observed and expected disagreement summed over all articles, "
    "each article its own continuum"
)


@dataclass(frozen=True, slots=True)
class UnitizingAlpha:
    """u_alpha of one category (or pooled over several); ``value`` or ``reason`` is ``None``.

    ``observed_disagreement`` and ``expected_disagreement`` are uD_o and uD_e
    (``None`` only when there are fewer than two coders or no continuum);
    ``continua`` and ``length`` (L) describe the continua, ``units`` counts
    the units (N_c) of all coders.
    """

    value: float | None
    reason: str | None
    observed_disagreement: float | None
    expected_disagreement: float | None
    coders: int
    continua: int
    length: int
    units: int

    def __post_init__(self) -> None:
        if (self.value is None) == (self.reason is None):
            raise AssertionError("UnitizingAlpha: exactly one of value and reason must be set")


@dataclass(frozen=True, slots=True)
class UnitizingAlphas:
    """u_alpha_c of every category (in category order), the pooled u_alpha, and the units.

    ``units[c, i]`` is the number of units of category c of coder i (after
    overlapping spans are merged).
    """

    by_category: tuple[UnitizingAlpha, ...]
    pooled: UnitizingAlpha
    units: IntArray


def unitizing_alpha(
    lengths: Sequence[int], segments: Sequence[Sequence[Sequence[tuple[int, int]]]]
) -> UnitizingAlpha:
    """u_alpha_c of one category; ``segments[a][i]``: coder i's (start, end) spans in continuum a.

    Every continuum lists the same number of coders (m = that number). A
    convenience over :func:`unitizing_alphas`; see the module docstring.
    """
    if len(segments) != len(lengths):
        raise ReliabilityDataError("give one list of coders' spans per continuum")
    coders = {len(per_coder) for per_coder in segments}
    if len(coders) > 1:
        raise ReliabilityDataError("every continuum must list the same coders")
    m = coders.pop() if coders else 0
    flat = [
        (a, i, start, end)
        for a, per_coder in enumerate(segments)
        for i, spans in enumerate(per_coder)
        for start, end in spans
    ]
    table = np.asarray(flat, dtype=np.int64).reshape(-1, 4)
    spans = coded_spans(
        np.asarray(lengths, dtype=np.int64),
        m,
        1,
        table[:, 0],
        table[:, 1],
        np.zeros(len(flat), dtype=np.int64),
        table[:, 2],
        table[:, 3],
    )
    return unitizing_alphas(spans).by_category[0]


def unitizing_alphas(spans: CodedSpans) -> UnitizingAlphas:
    """u_alpha_c of every category of *spans*, and pooled over the categories (module docstring)."""
    m, n_categories = spans.n_coders, spans.n_categories
    units = _units(spans)
    counts = np.zeros((n_categories, max(m, 0)), dtype=np.int64)
    np.add.at(counts, (units.category, units.coder), 1)
    length, continua = spans.total_length, int(spans.lengths.size)

    def undefined_everywhere(reason: str) -> UnitizingAlphas:
        def one(n: int) -> UnitizingAlpha:
            return UnitizingAlpha(None, reason, None, None, m, continua, length, n)

        return UnitizingAlphas(
            tuple(one(int(n)) for n in counts.sum(axis=1)), one(int(counts.sum())), counts
        )

    if m < 2:
        return undefined_everywhere(f"{NAME} needs at least 2 coders; the data have {m}")
    if length == 0:
        return undefined_everywhere(
            f"{NAME}: there is no continuum to unitize (no article, or only empty ones)"
        )
    observed = _observed(units, m, n_categories) / (m * (m - 1) * float(length) ** 2)
    expected = _expected(units, spans, m, n_categories)

    def result(d_o: float, d_e: float, n: int, reason_zero: str) -> UnitizingAlpha:
        if d_e <= 0.0:
            return UnitizingAlpha(None, reason_zero, d_o, d_e, m, continua, length, n)
        # Perfect agreement is exactly 1, not 1 - 1e-17.
        value = 1.0 if d_o == 0.0 else 1.0 - d_o / d_e
        return UnitizingAlpha(value, None, d_o, d_e, m, continua, length, n)

    per_category = tuple(
        result(float(observed[c]), float(expected[c]), int(n), _zero_reason(int(n)))
        for c, n in enumerate(counts.sum(axis=1))
    )
    total = int(counts.sum())
    pooled = result(
        float(observed.sum()),
        float(expected.sum()),
        total,
        f"{NAME} is undefined (0/0): no coder marked a passage with any of the labels"
        if total == 0
        else _zero_reason(total),
    )
    return UnitizingAlphas(per_category, pooled, counts)


def _zero_reason(n_units: int) -> str:
    if n_units == 0:
        return (
            f"{NAME} is undefined (0/0): no coder marked a passage with this label, so there is "
            "neither observed nor expected disagreement"
        )
    return (
        f"{NAME} is undefined (0/0): the expected disagreement is 0 (every unit is one character "
        "long and no coder left a gap), so there is no variation to agree on"
    )


@dataclass(frozen=True, slots=True)
class _Units:
    """Every coder's units, sorted by (category, coder, position); positions on the line."""

    category: IntArray
    coder: IntArray
    continuum: IntArray
    start: IntArray  # within the continuum
    end: IntArray
    line_start: IntArray  # category c's continua laid end to end, from c L
    line_end: IntArray


def _units(spans: CodedSpans) -> _Units:
    """Each coder's spans of each category, merged where they share a character."""
    m = max(spans.n_coders, 1)
    group = spans.category * m + spans.coder
    group_start, group_end = spans.coordinates(group)
    merged_start, merged_end, which = merge_overlapping(group_start, group_end)
    # Every input span of a merged unit shares its group and continuum.
    first = np.full(merged_start.size, -1, dtype=np.int64)
    first[which[::-1]] = np.arange(which.size, dtype=np.int64)[::-1]
    category = spans.category[first]
    continuum = spans.continuum[first]
    shift = group[first] * spans.total_length + spans.offsets[continuum]
    start, end = merged_start - shift, merged_end - shift
    line_shift = category * spans.total_length + spans.offsets[continuum]
    return _Units(
        category=category,
        coder=spans.coder[first],
        continuum=continuum,
        start=start,
        end=end,
        line_start=start + line_shift,
        line_end=end + line_shift,
    )


def _observed(units: _Units, m: int, n_categories: int) -> FloatArray:
    """sum over ordered coder pairs of δ² summed per category (the numerator of uD_oc)."""
    total = np.zeros(n_categories, dtype=np.float64)
    by_coder = [np.flatnonzero(units.coder == i) for i in range(m)]
    for i in range(m):
        for j in range(i + 1, m):
            total += _pair_disagreement(units, by_coder[i], by_coder[j], n_categories)
    # Every term is symmetric in (i, j): the ordered pairs count each twice.
    return 2.0 * total


def _pair_disagreement(
    units: _Units, first: IntArray, second: IntArray, n_categories: int
) -> FloatArray:
    """sum of δ² over the segments of two coders, per category (one direction of the pair).

    Both index arrays select units sorted by line position, disjoint within a
    coder, so the units of *second* that a unit of *first* overlaps are a
    contiguous run found by two binary searches. A unit overlapping no unit
    of the other coder lies within one of its gaps (δ² = l²); gap-gap pairs
    and a gap holding no whole unit contribute nothing.
    """
    a_start, a_end = units.line_start[first], units.line_end[first]
    b_start, b_end = units.line_start[second], units.line_end[second]
    low = np.searchsorted(b_end, a_start, side="right")  # first b ending after a begins
    high = np.searchsorted(b_start, a_end, side="left")  # b's beginning before a ends
    runs = high - low
    pairs_a = np.repeat(np.arange(first.size, dtype=np.int64), runs)
    run_begins = np.cumsum(runs) - runs
    pairs_b = np.repeat(low - run_begins, runs) + np.arange(pairs_a.size, dtype=np.int64)
    begin = (a_start[pairs_a] - b_start[pairs_b]).astype(np.float64)
    finish = (a_end[pairs_a] - b_end[pairs_b]).astype(np.float64)
    category_a = units.category[first]
    out = np.bincount(
        category_a[pairs_a], weights=begin**2 + finish**2, minlength=n_categories
    ).astype(np.float64)
    a_alone = runs == 0
    a_length = (a_end - a_start).astype(np.float64)
    out += np.bincount(category_a[a_alone], a_length[a_alone] ** 2, minlength=n_categories)
    b_alone = np.bincount(pairs_b, minlength=second.size) == 0
    b_length = (b_end - b_start).astype(np.float64)
    category_b = units.category[second]
    out += np.bincount(category_b[b_alone], b_length[b_alone] ** 2, minlength=n_categories)
    return out


def _expected(units: _Units, spans: CodedSpans, m: int, n_categories: int) -> FloatArray:
    """uD_ec per category (the 2004 formula of the module docstring)."""
    length = float(spans.total_length)
    n_units = np.bincount(units.category, minlength=n_categories).astype(np.float64)
    sizes = units.end - units.start
    size = sizes.astype(np.float64)
    # 2 l³ - 3 l² + l = l (l - 1)(2 l - 1): the unit's pairs with every other unit.
    within = (n_units[units.category] - 1.0) / 3.0 * size * (size - 1.0) * (2.0 * size - 1.0)
    gaps = _gap_positions(units, spans, m, n_categories, sizes)
    numerator = np.bincount(
        units.category, weights=within + size**2 * gaps.astype(np.float64), minlength=n_categories
    ).astype(np.float64)
    pairs_within = np.bincount(
        units.category, weights=size * (size - 1.0), minlength=n_categories
    ).astype(np.float64)
    denominator = m * length * (m * length - 1.0) - pairs_within
    return (2.0 / length) * numerator / denominator


def _gap_positions(
    units: _Units, spans: CodedSpans, m: int, n_categories: int, sizes: IntArray
) -> IntArray:
    """For each unit of length l: sum over the gaps q of its category with l_q >= l of l_q - l + 1.

    The places a unit of that length can take inside the gaps of all coders.
    Computed as: every coder's whole continua as gaps (m times the article
    lengths), corrected, for each (category, coder, continuum) that holds
    units, by taking the whole continuum out and putting its real gaps in.
    Exact integers throughout.
    """
    lengths = spans.lengths
    ordered = np.sort(lengths)
    # suffix[k] = sum of ordered[k:], so positions beyond l are read in O(log n).
    suffix = np.append(np.cumsum(ordered[::-1])[::-1], 0)
    at = np.searchsorted(ordered, sizes, side="left")
    whole = suffix[at] - (sizes - 1) * (ordered.size - at)
    total = m * whole

    # Runs of units of one (category, coder, continuum), in position order.
    key = (units.category * m + units.coder) * lengths.size + units.continuum
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    last = np.ones(key.size, dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    article_length = lengths[units.continuum]
    before = units.start.copy()
    before[~first] = units.start[~first] - units.end[np.flatnonzero(~first) - 1]
    after = (article_length - units.end)[last]
    gap_length = np.concatenate([before, after, article_length[first]])
    gap_category = np.concatenate([units.category, units.category[last], units.category[first]])
    # +1 for a real gap, -1 for a whole continuum taken out: the last block.
    adds = np.arange(gap_length.size) < before.size + after.size
    kept = gap_length > 0
    span = int(lengths.max()) + 2 if lengths.size else 2
    # One sortable integer per entry, (category, length, sign): a plain sort
    # of the values, no argsort and gathers (this is the hot spot of the
    # whole statistic).
    gap_key = ((gap_category * span + gap_length) * 2 + adds)[kept]
    gap_key.sort()
    gap_weight = (gap_key & 1) * 2 - 1
    gap_size = (gap_key >> 1) % span
    weight_after = np.append(np.cumsum(gap_weight[::-1])[::-1], 0)
    length_after = np.append(np.cumsum((gap_weight * gap_size)[::-1])[::-1], 0)
    low = np.searchsorted(gap_key, (units.category * span + sizes) * 2, side="left")
    category_end = np.searchsorted(
        gap_key, np.arange(1, n_categories + 1, dtype=np.int64) * span * 2, side="left"
    )
    high = category_end[units.category]
    weights = weight_after[low] - weight_after[high]
    lengths_sum = length_after[low] - length_after[high]
    return np.asarray(total + lengths_sum - (sizes - 1) * weights, dtype=np.int64)
