"""Building reliability data: missing values, labels, scales, coincidences."""

from __future__ import annotations

import numpy as np
import pytest

from framing_app.core.agreement import ReliabilityDataError, gwet_ac1, reliability_data
from framing_app.core.agreement.reliability_data import MISSING

nan = np.nan


def test_missing_as_nan_none_mask_or_masked_array_are_the_same() -> None:
    as_nan = reliability_data(np.array([[1, nan], [2, 2], [nan, 1]]))
    as_none = reliability_data(np.array([[1, None], [2, 2], [None, 1]], dtype=object))
    as_mask = reliability_data(
        np.array([[1, 9], [2, 2], [9, 1]]), mask=[[False, True], [False, False], [True, False]]
    )
    masked = reliability_data(
        np.ma.masked_array([[1, 9], [2, 2], [9, 1]], mask=[[0, 1], [0, 0], [1, 0]])
    )
    for data in (as_none, as_mask, masked):
        assert data.categories == as_nan.categories == (1, 2)
        np.testing.assert_array_equal(data.codes, as_nan.codes)
    assert as_nan.codes[0, 1] == MISSING


def test_labels_and_scale() -> None:
    data = reliability_data(
        [["sovereignty", "rights"], ["rights", None]],
        categories=("sovereignty", "double standards", "rights"),
    )
    assert data.n_categories == 3
    assert data.numeric is None
    np.testing.assert_array_equal(data.codes, [[0, 2], [2, MISSING]])
    np.testing.assert_array_equal(data.value_counts, [[1, 0, 1], [0, 0, 1]])
    assert gwet_ac1(data).categories == 3


def test_observed_scale_sorted_and_numbers_unified() -> None:
    data = reliability_data(np.array([[3.0, 1.0], [1.0, 2.5]]))
    assert data.categories == (1.0, 2.5, 3.0)
    ints = reliability_data(np.array([[3.0, 1.0], [1.0, nan]]))
    assert ints.categories == (1, 3)
    mixed = reliability_data(np.array([[1, 1.0], [np.int64(2), None]], dtype=object))
    assert mixed.categories == (1, 2)
    np.testing.assert_array_equal(mixed.codes, [[0, 0], [1, MISSING]])


def test_numeric_scale_in_a_given_order() -> None:
    data = reliability_data(np.array([[2, 0], [1, 2]]), categories=(2, 1, 0))
    np.testing.assert_array_equal(data.codes, [[0, 2], [1, 0]])
    assert data.numeric is not None
    assert data.numeric.tolist() == [2.0, 1.0, 0.0]
    with pytest.raises(ReliabilityDataError, match="categories are not"):
        reliability_data(np.array([[1, 0]]), categories=("no", "yes"))


def test_coincidences_weight_each_value_once() -> None:
    """Krippendorff (2011): a unit of m_u values adds m_u to n.., each ordered pair
    weighted 1/(m_u - 1)."""
    data = reliability_data(np.array([[0, 0, 1], [1, 1, nan], [0, nan, nan]]))
    coincidences = data.coincidences
    np.testing.assert_allclose(coincidences.matrix, [[1.0, 1.0], [1.0, 2.0]])
    assert coincidences.pairable_values == 5
    assert coincidences.pairable_units == 2
    assert coincidences.pairs == 4
    assert coincidences.marginals.sum() == 5


def test_codes_are_read_only() -> None:
    """The cached counts and coincidences must stay true to the codes."""
    data = reliability_data(np.array([[0, 1], [1, 1]]))
    with pytest.raises(ValueError, match="read-only"):
        data.codes[0, 0] = 1


def test_select_coders() -> None:
    data = reliability_data(np.array([[0, 1, 2], [2, 1, 0]]))
    pair = data.select_coders([2, 0])
    np.testing.assert_array_equal(pair.codes, [[2, 0], [0, 2]])
    assert pair.categories == data.categories
    with pytest.raises(ReliabilityDataError, match="no coder column 3"):
        data.select_coders([3])
