"""Reliability data: the units x coders matrix with missing values, and its coincidences.

Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
C: reliability data give the value v_iu that coder i assigned to unit u, or
nothing. Every statistic of this package starts from a
:class:`ReliabilityData` built by :func:`reliability_data`; it holds the
values as indexes into the variable's *categories* (the scale, in order), so
that the values-by-units counts n_uc and the coincidence matrix o_ck are
computed once and shared.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from framing_app.core.agreement.results import ReliabilityDataError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MISSING = -1
"""The code of a missing value in :attr:`ReliabilityData.codes`."""


@dataclass(frozen=True, slots=True, eq=False)
class Coincidences:
    """The coincidence matrix of Krippendorff (2011), section D.

    ``matrix[c, k]`` is o_ck = sum over units u with m_u >= 2 of
    n_uc (n_uk - [c = k]) / (m_u - 1): each ordered pair of values (from two
    different coders) within a unit, weighted 1/(m_u - 1) so that every
    pairable value counts once. ``marginals`` are n_c = sum_k o_ck,
    ``pairable_values`` is n.. (an integer), ``pairable_units`` the number of
    units with two or more values, and ``pairs`` the number of unordered
    value pairs, sum of m_u (m_u - 1) / 2.
    """

    matrix: FloatArray
    marginals: FloatArray
    pairable_values: int
    pairable_units: int
    pairs: int


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """A units x coders matrix of category codes; build it with :func:`reliability_data`.

    ``codes[u, i]`` is the index into ``categories`` of the value coder i
    gave unit u, or :data:`MISSING`. ``numeric`` holds the number of each
    category when every category is a number (for interval and ratio
    metrics), else ``None``. The order of ``categories`` is the order of the
    scale (it ranks ordinal values); its length is the number of categories
    q of the scale, which may include categories nobody used.
    """

    codes: IntArray
    categories: tuple[Hashable, ...]
    numeric: FloatArray | None
    weights: IntArray | None = None

    def __post_init__(self) -> None:
        # Read-only, so that the counts and coincidences cached below stay true.
        self.codes.setflags(write=False)
        if self.numeric is not None:
            self.numeric.setflags(write=False)
        if self.weights is not None:
            if self.weights.shape != (self.codes.shape[0],) or (self.weights < 1).any():
                raise ReliabilityDataError("each row of tallied data needs a weight of at least 1")
            self.weights.setflags(write=False)

    @property
    def n_units(self) -> int:
        """The number of units (a tallied row counts as many units as its weight)."""
        if self.weights is None:
            return int(self.codes.shape[0])
        return int(self.weights.sum())

    @cached_property
    def unit_weights(self) -> IntArray:
        """How many units each row of ``codes`` stands for (all 1 unless tallied)."""
        if self.weights is not None:
            return self.weights
        return np.ones(self.codes.shape[0], dtype=np.int64)

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    @cached_property
    def value_counts(self) -> IntArray:
        """n_uc: how many coders gave unit u the value c (rows of ``codes`` x categories)."""
        n_units, n_cat = int(self.codes.shape[0]), self.n_categories
        present = self.codes >= 0
        flat = (self.codes + n_cat * np.arange(n_units, dtype=np.int64)[:, None])[present]
        counts = np.bincount(flat, minlength=n_units * n_cat)
        return counts.reshape(n_units, n_cat).astype(np.int64, copy=False)

    @cached_property
    def values_per_unit(self) -> IntArray:
        """m_u: the number of values unit u received."""
        return np.asarray((self.codes >= 0).sum(axis=1), dtype=np.int64)

    @cached_property
    def complete_units(self) -> BoolArray:
        """Units that every coder coded."""
        return np.asarray(self.values_per_unit == self.n_coders, dtype=np.bool_)

    @cached_property
    def coincidences(self) -> Coincidences:
        """The coincidence matrix o_ck and its marginals (Krippendorff 2011, section D)."""
        counts = self.value_counts.astype(np.float64)
        per_unit = self.values_per_unit
        pairable = per_unit >= 2
        weights = np.zeros(per_unit.shape[0], dtype=np.float64)
        weights[pairable] = self.unit_weights[pairable] / (per_unit[pairable] - 1)
        weighted = counts * weights[:, None]
        # sum_u n_uc n_uk / (m_u - 1), minus the pairing of each value with itself.
        matrix = weighted.T @ counts
        matrix[np.diag_indices_from(matrix)] -= weighted.sum(axis=0)
        # Round-off below this is noise: the entries are sums of fractions 1/(m_u - 1).
        matrix[np.abs(matrix) < 1e-12] = 0.0
        pairable_counts = per_unit[pairable]
        repeats = self.unit_weights[pairable]
        return Coincidences(
            matrix=matrix,
            marginals=matrix.sum(axis=1),
            pairable_values=int((pairable_counts * repeats).sum()),
            pairable_units=int(repeats.sum()),
            pairs=int((pairable_counts * (pairable_counts - 1) // 2 * repeats).sum()),
        )

    def select_coders(self, coders: Sequence[int]) -> ReliabilityData:
        """The same units and scale, with only the given coder columns (in that order)."""
        index = list(coders)
        for i in index:
            if not 0 <= i < self.n_coders:
                raise ReliabilityDataError(f"no coder column {i}: there are {self.n_coders}")
        numeric = None if self.numeric is None else self.numeric.copy()
        weights = None if self.weights is None else self.weights.copy()
        return ReliabilityData(self.codes[:, index].copy(), self.categories, numeric, weights)


# Tallying packs each row into one integer of base q + 1; beyond this many
# possible rows it sorts the rows instead (many coders on a long scale).
_PACKED_PATTERNS = 1 << 22


def tally(data: ReliabilityData) -> ReliabilityData:
    """The same reliability data with identical rows merged into one weighted row.

    Every statistic of this package depends on the data only through the
    multiset of rows (units are exchangeable), so the tallied data give the
    same numbers; a present/absent label of three coders has at most 27
    distinct rows however many units it has, which makes a report over
    millions of units cost microseconds per statistic. Rows come out in a
    fixed order (by their values), so results do not depend on unit order.
    """
    codes, weights = _distinct_rows(data.codes, data.n_categories, data.unit_weights)
    numeric = None if data.numeric is None else data.numeric.copy()
    return ReliabilityData(codes, data.categories, numeric, weights)


def pool(parts: Sequence[ReliabilityData]) -> ReliabilityData:
    """Several variables on one scale and the same coders as one: their units side by side.

    The units of the result are every unit of every part (a unit of part 1,
    then of part 2, ...), tallied as :func:`tally` does, so pooling fifteen
    tallied labels costs nothing however many units each has. Raises
    :class:`ReliabilityDataError` when the parts differ in coders or scale.
    """
    if not parts:
        raise ReliabilityDataError("nothing to pool")
    first = parts[0]
    for part in parts[1:]:
        if part.n_coders != first.n_coders or part.categories != first.categories:
            raise ReliabilityDataError(
                "only variables with the same coders and the same scale can be pooled"
            )
    codes = np.concatenate([part.codes for part in parts])
    weights = np.concatenate([part.unit_weights for part in parts])
    numeric = None if first.numeric is None else first.numeric.copy()
    return tally(ReliabilityData(codes, first.categories, numeric, weights))


def _distinct_rows(
    codes: IntArray, n_categories: int, weights: IntArray
) -> tuple[IntArray, IntArray]:
    n_rows, n_coders = codes.shape
    base = n_categories + 1
    if n_rows == 0:
        return codes.copy(), weights[:0].copy()
    if base**n_coders <= _PACKED_PATTERNS:
        # Missing (-1) becomes digit 0; category c becomes digit c + 1.
        places = base ** np.arange(n_coders, dtype=np.int64)
        packed = (codes + 1) @ places
        totals = np.bincount(packed, weights=weights, minlength=base**n_coders)
        present = np.flatnonzero(totals)
        digits = (present[:, None] // places[None, :]) % base - 1
        return digits.astype(np.int64), np.rint(totals[present]).astype(np.int64)
    distinct, inverse = np.unique(codes, axis=0, return_inverse=True)
    totals = np.bincount(inverse.ravel(), weights=weights, minlength=distinct.shape[0])
    return distinct.astype(np.int64), np.rint(totals).astype(np.int64)


def reliability_data(
    values: npt.ArrayLike,
    *,
    categories: Sequence[Hashable] | None = None,
    mask: npt.ArrayLike | None = None,
) -> ReliabilityData:
    """Reliability data from a units x coders matrix.

    *values* is a 2-D array-like, one row per unit and one column per coder
    (Krippendorff's matrix transposed, as in R's irr and most data files).
    A value is missing where it is NaN or ``None``, where *mask* is true, or
    where a ``numpy.ma.MaskedArray`` masks it.

    *categories* is the scale, in order: every value must be one of them,
    and categories nobody used still count (Gwet's q; the ordinal ranks).
    Without it the scale is the distinct values seen, in ascending order.
    Numbers are compared as numbers (1 and 1.0 are one category).

    Raises :class:`ReliabilityDataError` (a ``ValueError``) for a matrix
    that is not 2-D, a mask of another shape, infinite numbers, values
    outside *categories*, repeated categories, or values that cannot be
    ordered when no *categories* are given.
    """
    given_mask = None
    if isinstance(values, np.ma.MaskedArray):
        given_mask = np.ma.getmaskarray(values)
        values = values.data
    array = np.asarray(values)
    if array.ndim != 2:
        raise ReliabilityDataError(
            f"reliability data must be a 2-D matrix (units x coders); got shape {array.shape}"
        )
    missing = np.zeros(array.shape, dtype=bool)
    for extra in (given_mask, mask):
        if extra is not None:
            extra_array = np.asarray(extra, dtype=bool)
            if extra_array.shape != array.shape:
                raise ReliabilityDataError(
                    f"the mask has shape {extra_array.shape}, the data {array.shape}"
                )
            missing |= extra_array
    if categories is not None:
        categories = tuple(categories)
        if len(set(categories)) != len(categories):
            raise ReliabilityDataError(f"categories repeat a value: {categories!r}")

    kind = array.dtype.kind
    if kind in "biuf":
        return _from_numbers(array, missing, categories)
    if kind in "OUS":
        return _from_objects(array, missing, categories)
    raise ReliabilityDataError(
        f"reliability data must hold numbers or category labels, not {array.dtype}"
    )


def _from_numbers(
    array: npt.NDArray[Any], missing: BoolArray, categories: tuple[Hashable, ...] | None
) -> ReliabilityData:
    numbers_ = array.astype(np.float64, copy=False)
    missing = missing | np.isnan(numbers_)
    present = numbers_[~missing]
    if not np.all(np.isfinite(present)):
        raise ReliabilityDataError("reliability data contain an infinite value")
    if categories is None:
        scale = np.unique(present)
        if array.dtype.kind in "biu" or (scale.size and np.all(scale == np.round(scale))):
            labels: tuple[Hashable, ...] = tuple(int(v) for v in scale)
        else:
            labels = tuple(float(v) for v in scale)
        order = np.arange(scale.size, dtype=np.int64)
        sorted_scale = scale
    else:
        labels = categories
        numeric = _numeric_categories(categories)
        if numeric is None:
            raise ReliabilityDataError(
                f"the data are numbers but the categories are not: {categories!r}"
            )
        if np.array_equal(numeric, np.arange(numeric.size)):
            return _from_small_integers(numbers_, missing, labels, numeric)
        scale = numeric
        order = np.argsort(scale, kind="stable").astype(np.int64)
        sorted_scale = scale[order]
    codes = np.full(array.shape, MISSING, dtype=np.int64)
    if present.size:
        if sorted_scale.size == 0:
            raise ReliabilityDataError(f"value {present[0]:g} is not one of the categories ()")
        position = np.searchsorted(sorted_scale, present)
        position = np.minimum(position, sorted_scale.size - 1)
        off_scale = sorted_scale[position] != present
        if off_scale.any():
            bad = present[off_scale][0]
            raise ReliabilityDataError(f"value {bad:g} is not one of the categories {labels!r}")
        codes[~missing] = order[position]
    return ReliabilityData(codes, labels, scale.astype(np.float64))


def _from_small_integers(
    numbers_: FloatArray, missing: BoolArray, labels: tuple[Hashable, ...], scale: FloatArray
) -> ReliabilityData:
    """Values on the scale 0, 1, ..., q - 1 are their own codes (present/absent: 0 and 1).

    The common case of every label variable, taken without a search: a
    report over millions of units spends its time here otherwise.
    """
    filled = np.where(missing, -1.0, numbers_)
    codes = filled.astype(np.int64)
    off_scale = (codes != filled) | (codes >= scale.size) | (codes < -1) | (codes == -1) & ~missing
    if off_scale.any():
        bad = filled[off_scale][0]
        raise ReliabilityDataError(f"value {bad:g} is not one of the categories {labels!r}")
    return ReliabilityData(codes, labels, scale.copy())


def _is_missing(item: object) -> bool:
    return item is None or (isinstance(item, float | np.floating) and bool(np.isnan(item)))


def _from_objects(
    array: npt.NDArray[Any], missing: BoolArray, categories: tuple[Hashable, ...] | None
) -> ReliabilityData:
    flat = array.ravel()
    missing_flat = missing.ravel() | np.fromiter(
        (_is_missing(item) for item in flat), dtype=bool, count=flat.size
    )
    present = [
        item.item() if isinstance(item, np.generic) else item for item in flat[~missing_flat]
    ]
    if categories is None and present and all(_is_number(item) for item in present):
        numbers_ = np.full(flat.shape, np.nan)
        numbers_[~missing_flat] = np.asarray(present, dtype=np.float64)
        return _from_numbers(numbers_.reshape(array.shape), missing_flat.reshape(array.shape), None)
    if categories is None:
        try:
            labels = tuple(sorted(set(present)))
        except TypeError:
            raise ReliabilityDataError(
                "the values cannot be put in order; give the categories of the scale"
            ) from None
    else:
        labels = categories
    index = {label: position for position, label in enumerate(labels)}
    codes_flat = np.full(flat.shape, MISSING, dtype=np.int64)
    try:
        codes_flat[~missing_flat] = [index[item] for item in present]
    except KeyError as error:
        raise ReliabilityDataError(
            f"value {error.args[0]!r} is not one of the categories {labels!r}"
        ) from None
    except TypeError as error:
        raise ReliabilityDataError(f"a value cannot be a category: {error}") from None
    return ReliabilityData(codes_flat.reshape(array.shape), labels, _numeric_categories(labels))


def _is_number(item: object) -> bool:
    return isinstance(item, numbers.Real) and not isinstance(item, bool)


def _numeric_categories(categories: Sequence[Hashable]) -> FloatArray | None:
    if not all(isinstance(c, numbers.Real) for c in categories):
        return None
    scale = np.asarray([float(c) for c in categories], dtype=np.float64)  # type: ignore[arg-type]
    if not np.all(np.isfinite(scale)):
        raise ReliabilityDataError(f"categories must be finite numbers: {tuple(categories)!r}")
    return scale
