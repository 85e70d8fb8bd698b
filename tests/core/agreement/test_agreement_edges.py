"""Degenerate data give a number where the statistic is defined and None with a reason where not.

Never NaN, never an exception for data that are merely degenerate; bad input
(wrong shape, letters for an interval variable) raises ReliabilityDataError,
a ValueError.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from framing_app.core.agreement import (
    AgreementSummary,
    ReliabilityDataError,
    bootstrap_alpha,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    prevalence_bias,
    reliability_data,
    scott_pi,
    summarise,
)
from framing_app.core.agreement.reliability_data import ReliabilityData

nan = np.nan


def values_of(summary: AgreementSummary) -> dict[str, float | None]:
    """Every number of the summary, to check none is NaN."""
    return {
        "percent_agreement": summary.percent_agreement.value,
        "alpha": summary.alpha.value,
        "cohen": summary.cohen_kappa.value,
        "cohen_se": summary.cohen_kappa.se,
        "cohen_se_null": summary.cohen_kappa.se_null,
        "cohen_z": summary.cohen_kappa.z,
        "scott": summary.scott_pi.value,
        "fleiss": summary.fleiss_kappa.value,
        "fleiss_se_null": summary.fleiss_kappa.se_null,
        "fleiss_z": summary.fleiss_kappa.z,
        "ac1": summary.gwet_ac1.value,
        "pabak": summary.prevalence.value,
        "prevalence_index": summary.prevalence.prevalence_index,
    }


def assert_no_nan(summary: AgreementSummary) -> None:
    for name, value in values_of(summary).items():
        assert value is None or math.isfinite(value), name


def test_perfect_agreement_is_one_everywhere() -> None:
    """Perfect agreement on a variable with variation: every coefficient is exactly 1.0."""
    data = reliability_data(np.array([[0, 0], [1, 1], [1, 1], [0, 0], [1, 1]]))
    summary = summarise(data, bootstrap=200, rng=3)
    for name, value in values_of(summary).items():
        if name in ("percent_agreement", "alpha", "cohen", "scott", "fleiss", "ac1", "pabak"):
            assert value == 1.0, name
    assert summary.cohen_kappa.se == 0.0
    assert summary.cohen_kappa.ci == (1.0, 1.0)
    assert summary.undefined() == {}
    assert summary.bootstrap is not None
    assert summary.bootstrap.ci == (1.0, 1.0)
    assert summary.bootstrap.q == ((0.667, 0.0), (0.8, 0.0))


def test_perfect_agreement_with_many_coders_and_missing_values() -> None:
    data = reliability_data(
        np.array([[2, 2, nan, 2], [1, nan, 1, 1], [3, 3, 3, 3], [nan, nan, 1, nan]])
    )
    assert percent_agreement(data).value == 1.0
    assert krippendorff_alpha(data, "interval").value == 1.0
    assert gwet_ac1(data).value == 1.0
    # Fleiss' kappa has one complete unit, all 3s: no variation, so 0/0.
    fleiss = fleiss_kappa(data)
    assert fleiss.value is None
    assert fleiss.units == 1
    assert fleiss.excluded_units == 3
    assert fleiss.reason is not None
    assert "every value is 3" in fleiss.reason


def test_one_category_only() -> None:
    """Everyone coded every unit 0: agreement is total but there is no variation, so the
    chance-corrected coefficients are 0/0; percent agreement is 1; AC1 with q = 2 is 1."""
    data = reliability_data(np.zeros((6, 3)), categories=(0, 1))
    summary = summarise(data, bootstrap=100, rng=1)
    assert_no_nan(summary)
    assert summary.percent_agreement.value == 1.0
    assert summary.gwet_ac1.value == 1.0
    assert summary.alpha.value is None
    assert summary.alpha.reason is not None
    assert summary.alpha.reason == (
        "Krippendorff's alpha is undefined (0/0): every value is 0, so the expected"
        " disagreement is 0 (one category only, no variation to agree on)"
    )
    assert summary.fleiss_kappa.value is None
    assert summary.fleiss_kappa.reason
    undefined = summary.undefined()
    assert set(undefined) == {
        "krippendorff_alpha",
        "cohen_kappa",
        "scotts_pi",
        "fleiss_kappa",
        "pabak",
        "alpha_ci",
    }
    assert "three" not in undefined["cohen_kappa"]
    assert "exactly two coders" in undefined["cohen_kappa"]


def test_one_category_two_coders() -> None:
    data = reliability_data(np.ones((4, 2)), categories=(0, 1))
    kappa = cohen_kappa(data)
    assert kappa.value is None
    assert kappa.se is None
    assert kappa.ci is None
    assert kappa.reason is not None
    assert "every value is 1" in kappa.reason
    assert scott_pi(data).value is None
    prevalence = prevalence_bias(data)
    assert prevalence.value == 1.0  # PABAK is defined: p_o = 1
    assert prevalence.prevalence_index == 1.0
    assert prevalence.kappa is None
    assert prevalence.warning is None


def test_unit_coded_by_one_coder_only() -> None:
    """A unit with one value is not pairable: alpha and percent agreement leave it out,
    kappa leaves it out as incomplete, AC1 uses it for the category shares only."""
    with_single = reliability_data(np.array([[0, 0], [1, 1], [0, 1], [1, nan]]))
    without = reliability_data(np.array([[0, 0], [1, 1], [0, 1]]))
    assert krippendorff_alpha(with_single).value == krippendorff_alpha(without).value
    assert percent_agreement(with_single).value == percent_agreement(without).value
    assert percent_agreement(with_single).pairable_units == 3
    kappa = cohen_kappa(with_single)
    assert kappa.value == cohen_kappa(without).value
    assert (kappa.units, kappa.excluded_units) == (3, 1)
    ac1 = gwet_ac1(with_single)
    assert (ac1.units, ac1.rated_units) == (3, 4)
    assert ac1.value != gwet_ac1(without).value


@pytest.mark.parametrize("coders", [0, 1, 2, 3])
def test_no_units(coders: int) -> None:
    data = reliability_data(np.empty((0, coders)))
    summary = summarise(data, bootstrap=10)
    assert_no_nan(summary)
    for name, value in values_of(summary).items():
        assert value is None, name
    reasons = summary.undefined()
    assert "percent_agreement" in reasons
    assert "gwet_ac1" in reasons
    if coders >= 2:
        assert reasons["krippendorff_alpha"] == "Krippendorff's alpha: there are no units"


def test_all_missing() -> None:
    data = reliability_data(np.full((5, 3), nan))
    summary = summarise(data, bootstrap=10)
    assert_no_nan(summary)
    assert summary.alpha.value is None
    assert summary.alpha.reason is not None
    assert "no unit was coded by two" in summary.alpha.reason
    assert summary.fleiss_kappa.reason is not None
    assert "no unit was coded by all 3 coders" in summary.fleiss_kappa.reason
    assert summary.gwet_ac1.value is None


def test_one_coder() -> None:
    data = reliability_data(np.array([[1], [2], [3]]))
    assert krippendorff_alpha(data).reason == (
        "Krippendorff's alpha needs at least 2 coders; the data have 1"
    )
    assert fleiss_kappa(data).value is None
    assert gwet_ac1(data).value is None
    assert cohen_kappa(data).reason is not None


def test_two_coders_versus_many() -> None:
    """Two-coder statistics (Cohen, Scott, Byrt) are None for three coders, with a reason;
    Fleiss' kappa equals Scott's pi for two coders; alpha works for both."""
    rng = np.random.default_rng(5)
    two = reliability_data(rng.integers(0, 2, size=(60, 2)))
    three = reliability_data(rng.integers(0, 2, size=(60, 3)))
    assert cohen_kappa(two).value is not None
    assert scott_pi(two).value == pytest.approx(fleiss_kappa(two).value, abs=1e-12)
    for result in (cohen_kappa(three), scott_pi(three), prevalence_bias(three)):
        assert result.value is None
        assert result.reason is not None
        assert "exactly two coders" in result.reason
    assert krippendorff_alpha(three).value is not None
    assert fleiss_kappa(three).value is not None
    assert summarise(three).cohen_kappa.excluded_units == 60


def test_alpha_is_negative_for_systematic_disagreement() -> None:
    data = reliability_data(np.array([[0, 1], [1, 0], [0, 1], [1, 0]]))
    alpha = krippendorff_alpha(data)
    assert alpha.value is not None
    assert alpha.value < 0
    assert cohen_kappa(data).value == -1.0


def test_bootstrap_undefined_where_alpha_is() -> None:
    data = reliability_data(np.zeros((4, 2)))
    result = bootstrap_alpha(data, rng=1)
    assert result.value is None
    assert result.ci is None
    assert result.q == ()
    assert result.reason == krippendorff_alpha(data).reason


def test_bad_input_raises_value_error() -> None:
    with pytest.raises(ValueError, match="2-D matrix"):
        reliability_data(np.array([1, 2, 3]))
    with pytest.raises(ReliabilityDataError, match="2-D matrix"):
        reliability_data(np.zeros((2, 2, 2)))
    with pytest.raises(ReliabilityDataError, match="mask has shape"):
        reliability_data(np.zeros((2, 2)), mask=np.zeros((3, 2), dtype=bool))
    with pytest.raises(ReliabilityDataError, match="infinite"):
        reliability_data(np.array([[1.0, np.inf]]))
    with pytest.raises(ReliabilityDataError, match="not one of the categories"):
        reliability_data(np.array([[0, 2]]), categories=(0, 1))
    with pytest.raises(ReliabilityDataError, match="repeat"):
        reliability_data(np.array([[0, 1]]), categories=(0, 1, 0))
    with pytest.raises(ReliabilityDataError, match="numbers or category labels"):
        reliability_data(np.array([[1 + 2j, 3j]]))
    with pytest.raises(ReliabilityDataError, match="cannot be put in order"):
        reliability_data(np.array([["a", 1], [2, "b"]], dtype=object))


def test_levels_that_do_not_fit_the_data() -> None:
    words = reliability_data(np.array([["low", "high"], ["high", "high"]]))
    with pytest.raises(ReliabilityDataError, match="interval alpha needs numbers"):
        krippendorff_alpha(words, "interval")
    with pytest.raises(ReliabilityDataError, match="ratio alpha needs numbers"):
        bootstrap_alpha(words, "ratio")
    with pytest.raises(ReliabilityDataError, match="unknown level 'cardinal'"):
        krippendorff_alpha(words, "cardinal")
    negative = reliability_data(np.array([[-1, 1], [2, 2]]))
    with pytest.raises(ReliabilityDataError, match="ratio alpha needs values >= 0"):
        krippendorff_alpha(negative, "ratio")
    assert krippendorff_alpha(negative, "interval").value is not None
    with pytest.raises(ReliabilityDataError, match="q = 1 cannot be smaller"):
        gwet_ac1(words, 1)


def test_ordinal_labels_follow_the_given_scale() -> None:
    """Ordinal words are ranked by the categories given, not alphabetically."""
    scale = ("negative", "neutral", "positive")
    rows = np.array([["negative", "neutral"], ["positive", "positive"], ["neutral", "negative"]])
    by_scale = krippendorff_alpha(reliability_data(rows, categories=scale), "ordinal")
    as_numbers = krippendorff_alpha(reliability_data(np.array([[0, 1], [2, 2], [1, 0]])), "ordinal")
    assert by_scale.value == pytest.approx(as_numbers.value, abs=1e-12)


def test_ratio_alpha_with_zeros() -> None:
    """Two zeros agree (delta^2 = 0, not 0/0)."""
    data: ReliabilityData = reliability_data(np.array([[0, 0], [0, 0], [3, 4], [5, 5]]))
    result = krippendorff_alpha(data, "ratio")
    assert result.value is not None
    assert math.isfinite(result.value)
