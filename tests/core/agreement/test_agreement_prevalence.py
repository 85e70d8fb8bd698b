"""Byrt et al.'s indices, the kappa-paradox rule, and the summary that carries its warning."""

from __future__ import annotations

import numpy as np
import pytest

from framing_app.core.agreement import (
    kappa_paradox,
    pooled_prevalence_index,
    prevalence_bias,
    reliability_data,
    summarise,
)
from framing_app.core.agreement.reliability_data import ReliabilityData


def two_by_two(a: int, b: int, c: int, d: int) -> ReliabilityData:
    """a: both present, b: only the first coder, c: only the second, d: neither."""
    rows = [[1, 1]] * a + [[1, 0]] * b + [[0, 1]] * c + [[0, 0]] * d
    return reliability_data(np.array(rows), categories=(0, 1))


def test_paradox_flagged_for_skewed_prevalence() -> None:
    """Feinstein & Cicchetti's (1990) table (80, 10, 5, 5): p_o = .85, kappa = .32."""
    result = prevalence_bias(two_by_two(80, 10, 5, 5))
    assert result.warning is not None
    assert result.warning.startswith("kappa paradox: the coders agree on 85% of units")
    assert "prevalence index +0.75" in result.warning
    assert "kappa (0.32)" in result.warning
    assert "PABAK (0.70)" in result.warning


def test_no_paradox_for_balanced_prevalence() -> None:
    """Their table (40, 9, 6, 45): the same p_o, kappa = .70, no warning."""
    assert prevalence_bias(two_by_two(40, 9, 6, 45)).warning is None


@pytest.mark.parametrize(
    ("p_o", "kappa", "prevalence", "flagged"),
    [
        (0.85, 0.32, 0.75, True),
        (0.79, 0.10, 0.75, False),  # agreement below 0.80
        (0.95, 0.50, 0.49, False),  # prevalence not skewed enough
        (0.95, 0.80, 0.90, False),  # kappa within 0.20 of PABAK (0.90)
        (0.95, 0.60, -0.90, True),  # the absent category dominating counts too
        (0.95, None, 0.90, False),  # kappa undefined: nothing to warn about
    ],
)
def test_paradox_rule(p_o: float, kappa: float | None, prevalence: float, flagged: bool) -> None:
    assert (kappa_paradox(p_o, kappa, prevalence) is not None) is flagged


def test_positive_category_sets_the_sign() -> None:
    data = two_by_two(80, 10, 5, 5)
    assert prevalence_bias(data).prevalence_index == pytest.approx(0.75)
    flipped = prevalence_bias(data, positive=0)
    assert flipped.prevalence_index == pytest.approx(-0.75)
    assert flipped.bias_index == pytest.approx(-0.05)
    assert (flipped.both, flipped.neither) == (5, 80)


def test_indices_need_two_categories_and_a_known_positive() -> None:
    three = reliability_data(np.array([[0, 1], [2, 2]]))
    result = prevalence_bias(three)
    assert result.value is None
    assert result.reason is not None
    assert "two-category" in result.reason
    with pytest.raises(ValueError, match="positive category 'yes'"):
        prevalence_bias(two_by_two(1, 1, 1, 1), positive="yes")


def test_pooled_prevalence_index_equals_byrt_for_two_coders() -> None:
    data = two_by_two(30, 7, 3, 60)
    byrt = prevalence_bias(data).prevalence_index
    assert pooled_prevalence_index(data) == pytest.approx(byrt, abs=1e-12)
    assert pooled_prevalence_index(reliability_data(np.array([[0, 1], [2, 2]]))) is None


def test_summary_warns_for_three_coders_on_a_rare_label() -> None:
    """A label present in 5% of 400 units, three coders who agree on 97% of them: Fleiss'
    kappa is much lower than the agreement, and the summary says why."""
    rng = np.random.default_rng(8)
    truth = (rng.random(400) < 0.05).astype(int)
    flips = rng.random((400, 3)) < 0.02
    data = reliability_data(np.where(flips, 1 - truth[:, None], truth[:, None]), categories=(0, 1))
    summary = summarise(data)
    assert summary.fleiss_kappa.value is not None
    assert summary.percent_agreement.value is not None
    assert summary.percent_agreement.value > 0.95
    assert summary.warning is not None
    assert summary.warning.startswith("kappa paradox")
    assert summary.gwet_ac1.value is not None
    assert summary.gwet_ac1.value > 0.9
    assert summary.prevalence.reason is not None  # Byrt's table is for two coders


def test_summary_of_two_coders_uses_byrt() -> None:
    summary = summarise(two_by_two(80, 10, 5, 5), bootstrap=100, rng=0)
    assert summary.warning == summary.prevalence.warning is not None
    assert summary.cohen_kappa.value == pytest.approx(summary.prevalence.kappa, abs=1e-12)
    assert summary.bootstrap is not None
    assert summary.bootstrap.kept == 100
    assert summary.units == 100
    assert summary.coders == 2
    assert summary.categories == (0, 1)
