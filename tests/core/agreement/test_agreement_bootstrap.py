"""The bootstrap of alpha (Hayes & Krippendorff 2007): seeded, sensible, fast."""

from __future__ import annotations

import numpy as np
import pytest

from framing_app.core.agreement import (
    Level,
    bootstrap_alpha,
    krippendorff_alpha,
    reliability_data,
)
from framing_app.core.agreement.reliability_data import ReliabilityData


def ordinary_data(seed: int = 0, units: int = 300, coders: int = 3) -> ReliabilityData:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=units)
    values = np.where(
        rng.random((units, coders)) < 0.75, truth[:, None], rng.integers(0, 4, (units, coders))
    )
    matrix = values.astype(float)
    matrix[rng.random(matrix.shape) < 0.1] = np.nan
    return reliability_data(matrix)


def test_same_seed_same_result_other_seed_other_result() -> None:
    data = ordinary_data()
    first = bootstrap_alpha(data, rng=42)
    again = bootstrap_alpha(data, rng=42)
    other = bootstrap_alpha(data, rng=43)
    assert first == again
    assert first.seed == 42
    assert first.ci != other.ci
    generator = bootstrap_alpha(data, rng=np.random.default_rng(42))
    assert generator.ci == first.ci
    assert generator.seed is None


@pytest.mark.parametrize("level", list(Level))
def test_interval_contains_alpha_and_q_is_a_probability(level: Level) -> None:
    data = ordinary_data(seed=7)
    result = bootstrap_alpha(data, level, rng=1)
    alpha = krippendorff_alpha(data, level).value
    assert result.value == alpha
    assert result.ci is not None
    assert alpha is not None
    assert result.ci[0] < alpha < result.ci[1]
    assert result.resamples == result.kept == 1000
    assert [m for m, _ in result.q] == [0.667, 0.8]
    for _, probability in result.q:
        assert 0.0 <= probability <= 1.0
    # q is monotone in alpha_min: failing .800 is at least as likely as failing .667.
    assert result.q[0][1] <= result.q[1][1]


def test_draws_are_the_pairable_pairs() -> None:
    """M = sum over units of m_u (m_u - 1) / 2: 3 pairs for a unit of 3 values, 1 for 2."""
    data = reliability_data(np.array([[0, 1, 1], [1, 1, np.nan], [0, np.nan, np.nan]]))
    assert bootstrap_alpha(data, rng=0).draws == 4


def test_q_and_interval_track_alpha() -> None:
    """High agreement: the interval sits above .8 and q(.667) is 0; the interval narrows
    with more units, as the distribution of alpha* should."""
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, size=2000)
    flips = rng.random((2000, 2)) < 0.03
    big = reliability_data(np.where(flips, 1 - truth[:, None], truth[:, None]))
    small = reliability_data(np.where(flips, 1 - truth[:, None], truth[:, None])[:100])
    big_result = bootstrap_alpha(big, rng=5)
    small_result = bootstrap_alpha(small, rng=5)
    assert big_result.ci is not None
    assert small_result.ci is not None
    assert big_result.ci[0] > 0.8
    assert dict(big_result.q)[0.667] == 0.0
    assert big_result.ci[1] - big_result.ci[0] < small_result.ci[1] - small_result.ci[0]


def test_perfect_agreement_interval_is_one() -> None:
    data = reliability_data(np.array([[0, 0], [1, 1], [2, 2], [1, 1], [0, 0]]))
    result = bootstrap_alpha(data, rng=9, resamples=500)
    assert result.value == 1.0
    assert result.ci == (1.0, 1.0)
    assert result.q == ((0.667, 0.0), (0.8, 0.0))
    # A resample drawing every pair from one diagonal cell holds one value: dropped.
    assert 0 < result.kept <= 500


def test_single_value_resamples_are_dropped() -> None:
    """Two agreeing units of different values: M = 2 draws, and half of the resamples
    take both pairs from one value (alpha undefined there), so about half are dropped."""
    data = reliability_data(np.array([[0, 0], [1, 1]]))
    result = bootstrap_alpha(data, rng=0, resamples=2000)
    assert result.value == 1.0
    assert 800 < result.kept < 1200


def test_options() -> None:
    data = ordinary_data(seed=2)
    result = bootstrap_alpha(
        data, "interval", resamples=300, rng=4, confidence=0.9, alpha_mins=(0.5, 0.9)
    )
    assert result.confidence == 0.9
    assert result.resamples == 300
    assert [m for m, _ in result.q] == [0.5, 0.9]
    wide = bootstrap_alpha(data, "interval", resamples=300, rng=4, confidence=0.99)
    assert result.ci is not None
    assert wide.ci is not None
    assert wide.ci[0] <= result.ci[0]
    assert wide.ci[1] >= result.ci[1]
    with pytest.raises(ValueError, match="resamples"):
        bootstrap_alpha(data, resamples=0)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_alpha(data, confidence=1.0)
