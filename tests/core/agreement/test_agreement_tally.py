"""Tallied and pooled reliability data give exactly the statistics of the rows they stand for.

``tally`` merges identical rows into one weighted row and ``pool`` puts
several variables' units side by side; every statistic depends on the data
only through the multiset of rows, so each must agree with the untallied
data (and with the pooled matrix built the plain way) to round-off.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable

import numpy as np
import pytest
from test_agreement_independent import CASES, LEVELS, random_matrix

from framing_app.core.agreement import (
    ReliabilityDataError,
    pool,
    reliability_data,
    summarise,
    tally,
)
from framing_app.core.agreement.reliability_data import ReliabilityData

TOLERANCE = 1e-12


def assert_same(left: object, right: object, where: str = "summary") -> None:
    """Equal field by field; floats to round-off (the sums are taken in another order)."""
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        assert type(left) is type(right), where
        for field in dataclasses.fields(left):
            assert_same(
                getattr(left, field.name), getattr(right, field.name), where + "." + field.name
            )
    elif isinstance(left, tuple):
        assert isinstance(right, tuple), where
        assert len(left) == len(right), where
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(left, float) and not isinstance(right, bool):
        assert isinstance(right, float | int), where
        assert math.isclose(left, right, rel_tol=TOLERANCE, abs_tol=TOLERANCE), (where, left, right)
    else:
        assert left == right, (where, left, right)


@pytest.mark.parametrize(("seed", "units", "coders", "values", "missing"), CASES)
@pytest.mark.parametrize("level", LEVELS)
def test_tallied_data_give_every_statistic_of_the_rows(
    seed: int, units: int, coders: int, values: int, missing: float, level: str
) -> None:
    matrix = random_matrix(np.random.default_rng(seed), units, coders, values, missing)
    categories: tuple[Hashable, ...] = tuple(float(v) for v in range(1, values + 1))
    data = reliability_data(matrix, categories=categories)
    tallied = tally(data)
    assert tallied.n_units == data.n_units
    assert tallied.codes.shape[0] < data.codes.shape[0] or units <= 50
    assert_same(summarise(data, level), summarise(tallied, level))


def test_pooled_labels_give_the_statistics_of_the_stacked_matrix() -> None:
    """Fifteen present/absent labels of three coders, pooled: as the 15-times-longer matrix."""
    rng = np.random.default_rng(7)
    labels = []
    for prevalence in np.linspace(0.02, 0.5, 15):
        truth = rng.random(400) < prevalence
        matrix = np.where(rng.random((400, 3)) < 0.9, truth[:, None], ~truth[:, None]).astype(float)
        matrix[rng.random(matrix.shape) < 0.05] = np.nan
        labels.append(matrix)
    stacked = reliability_data(np.concatenate(labels), categories=(0.0, 1.0))
    pooled = pool([tally(reliability_data(m, categories=(0.0, 1.0))) for m in labels])
    assert pooled.codes.shape[0] <= 27
    assert pooled.n_units == 15 * 400
    assert_same(summarise(stacked, positive=1.0), summarise(pooled, positive=1.0))
    for two in ((0, 1), (1, 2)):
        assert_same(
            summarise(stacked.select_coders(two), positive=1.0),
            summarise(pooled.select_coders(two), positive=1.0),
        )


def test_the_bootstrap_of_tallied_data_draws_from_the_same_coincidences() -> None:
    matrix = random_matrix(np.random.default_rng(3), 300, 3, 4, 0.1)
    data = reliability_data(matrix)
    raw = summarise(data, "ordinal", bootstrap=500, rng=11).bootstrap
    tallied = summarise(tally(data), "ordinal", bootstrap=500, rng=11).bootstrap
    assert raw is not None
    assert tallied is not None
    assert raw.draws == tallied.draws
    assert raw.kept == tallied.kept
    assert raw.ci is not None
    assert tallied.ci is not None
    assert raw.ci == pytest.approx(tallied.ci, abs=1e-9)


def test_empty_one_category_and_single_coder_edges_stay_the_same() -> None:
    for matrix in (
        np.empty((0, 2)),
        np.ones((5, 2)),
        np.array([[1.0, np.nan], [np.nan, 0.0]]),
    ):
        data = reliability_data(matrix, categories=(0.0, 1.0))
        assert_same(summarise(data), summarise(tally(data)))


def test_many_coders_on_a_long_scale_are_tallied_by_sorting() -> None:
    """(q + 1)^coders beyond the packed range: rows are sorted instead, with the same result."""
    matrix = random_matrix(np.random.default_rng(5), 200, 12, 9, 0.2)
    data = reliability_data(matrix)
    assert_same(summarise(data, "interval"), summarise(tally(data), "interval"))


def test_pooling_refuses_different_scales_or_coders() -> None:
    binary = reliability_data(np.zeros((3, 2)), categories=(0.0, 1.0))
    with pytest.raises(ReliabilityDataError, match="same coders and the same scale"):
        pool([binary, reliability_data(np.zeros((3, 3)), categories=(0.0, 1.0))])
    with pytest.raises(ReliabilityDataError, match="same coders and the same scale"):
        pool([binary, reliability_data(np.zeros((3, 2)), categories=(0.0, 1.0, 2.0))])
    with pytest.raises(ReliabilityDataError, match="nothing to pool"):
        pool([])


def test_weights_must_be_positive_and_one_per_row() -> None:
    codes = np.zeros((2, 2), dtype=np.int64)
    with pytest.raises(ReliabilityDataError, match="weight"):
        ReliabilityData(codes, (0, 1), None, np.array([1, 0], dtype=np.int64))
    with pytest.raises(ReliabilityDataError, match="weight"):
        ReliabilityData(codes, (0, 1), None, np.array([1], dtype=np.int64))


def test_integer_scales_refuse_values_off_the_scale() -> None:
    for bad in (2.0, 0.5, -1.0):
        with pytest.raises(ReliabilityDataError, match="not one of the categories"):
            reliability_data(np.array([[0.0, bad]]), categories=(0.0, 1.0))
