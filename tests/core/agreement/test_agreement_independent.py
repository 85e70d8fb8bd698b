"""Agreement to 1e-9 with independent implementations on random data with missing values.

The `krippendorff` package (alpha, all four levels), scikit-learn
(`cohen_kappa_score`), statsmodels (`cohens_kappa` with its SE, `fleiss_kappa`)
are imported here only, never by the application. irrCAC (Gwet's AC1) pins
scipy==1.12 and pandas<3, so it is not a test dependency: its values on three
fixed data sets are recorded below instead, with the way they were made.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from framing_app.core.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    reliability_data,
    scott_pi,
)
from framing_app.core.agreement.kappa import agreement_table

TOLERANCE = 1e-9
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def random_matrix(
    rng: np.random.Generator, units: int, coders: int, values: int, missing: float
) -> npt.NDArray[np.float64]:
    """Codes 1..values, correlated within units (so alpha is not near 0), some missing."""
    truth = rng.integers(1, values + 1, size=units)
    noise = rng.integers(1, values + 1, size=(units, coders))
    matrix = np.where(rng.random((units, coders)) < 0.6, truth[:, None], noise).astype(float)
    matrix[rng.random(matrix.shape) < missing] = np.nan
    return matrix


CASES = [
    (seed, units, coders, values, missing)
    for seed, (units, coders, values, missing) in enumerate(
        [
            (50, 2, 2, 0.0),
            (50, 2, 5, 0.2),
            (200, 3, 4, 0.1),
            (500, 5, 7, 0.3),
            (30, 10, 3, 0.5),
            (1000, 3, 2, 0.05),
        ]
    )
]


@pytest.mark.parametrize(("seed", "units", "coders", "values", "missing"), CASES)
@pytest.mark.parametrize("level", LEVELS)
def test_alpha_matches_krippendorff_package(
    seed: int, units: int, coders: int, values: int, missing: float, level: str
) -> None:
    """Krippendorff's alpha against `krippendorff.alpha` (Castro, fast-krippendorff)."""
    matrix = random_matrix(np.random.default_rng(seed), units, coders, values, missing)
    ours = krippendorff_alpha(reliability_data(matrix), level)
    theirs = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement=level)
    assert ours.value is not None
    assert ours.value == pytest.approx(float(theirs), abs=TOLERANCE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    matrix=arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(2, 5)),
        elements=st.sampled_from([np.nan, 0.0, 1.0, 2.0, 3.0, 7.5]),
    ),
    level=st.sampled_from(LEVELS),
)
def test_alpha_matches_krippendorff_package_on_any_small_matrix(
    matrix: npt.NDArray[np.float64], level: str
) -> None:
    """Hypothesis: any small matrix where the package defines alpha gives the same value;
    where it does not (fewer than two values, no pairable unit), ours is None with a reason."""
    ours = krippendorff_alpha(reliability_data(matrix), level)
    pairable = (~np.isnan(matrix)).sum(axis=1) >= 2
    distinct = np.unique(matrix[pairable][~np.isnan(matrix[pairable])])
    if distinct.size < 2:
        assert ours.value is None
        assert ours.reason
        return
    theirs = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement=level)
    assert ours.value == pytest.approx(float(theirs), abs=TOLERANCE)


@pytest.mark.parametrize(("seed", "units", "coders", "values", "missing"), CASES)
def test_cohen_kappa_matches_scikit_learn(
    seed: int, units: int, coders: int, values: int, missing: float
) -> None:
    """Cohen's kappa of the first two coders against sklearn's `cohen_kappa_score` on the
    units both coded (complete pairs only)."""
    matrix = random_matrix(np.random.default_rng(seed), units, coders, values, missing)[:, :2]
    both = ~np.isnan(matrix).any(axis=1)
    ours = cohen_kappa(reliability_data(matrix))
    theirs = cohen_kappa_score(matrix[both, 0], matrix[both, 1])
    assert ours.value == pytest.approx(theirs, abs=TOLERANCE)
    assert ours.units == both.sum()
    assert ours.excluded_units == (~both).sum()


@pytest.mark.parametrize(("seed", "units", "coders", "values", "missing"), CASES)
def test_cohen_kappa_inference_matches_statsmodels(
    seed: int, units: int, coders: int, values: int, missing: float
) -> None:
    """The Fleiss-Cohen-Everitt SE, the null SE, z and the 95% interval against
    statsmodels' `cohens_kappa` (which follows the same formulas, checked there against
    SAS)."""
    data = reliability_data(
        random_matrix(np.random.default_rng(seed), units, coders, values, missing)[:, :2]
    )
    table, _ = agreement_table(data)
    ours = cohen_kappa(data)
    theirs = cohens_kappa(table)
    assert ours.value is not None
    assert ours.ci is not None
    assert ours.value == pytest.approx(theirs.kappa, abs=TOLERANCE)
    assert ours.se == pytest.approx(theirs.std_kappa, abs=TOLERANCE)
    assert ours.se_null == pytest.approx(theirs.std_kappa0, abs=TOLERANCE)
    assert ours.z == pytest.approx(theirs.z_value, abs=TOLERANCE)
    assert ours.ci[0] == pytest.approx(theirs.kappa_low, abs=TOLERANCE)
    assert ours.ci[1] == pytest.approx(theirs.kappa_upp, abs=TOLERANCE)


@pytest.mark.parametrize(("seed", "units", "coders", "values", "missing"), CASES)
def test_fleiss_kappa_matches_statsmodels(
    seed: int, units: int, coders: int, values: int, missing: float
) -> None:
    """Fleiss' kappa against statsmodels' `fleiss_kappa` on the units every coder coded."""
    matrix = random_matrix(np.random.default_rng(seed), units, coders, values, missing)
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    ours = fleiss_kappa(reliability_data(matrix))
    if complete.shape[0] == 0:  # 10 coders, half the values missing
        assert ours.value is None
        assert ours.reason is not None
        assert "no unit was coded by all 10 coders" in ours.reason
        return
    counts, _ = aggregate_raters(complete.astype(int))
    assert ours.value == pytest.approx(sm_fleiss_kappa(counts, method="fleiss"), abs=TOLERANCE)
    assert ours.units == complete.shape[0]


@pytest.mark.parametrize(("seed", "units", "values"), [(1, 40, 3), (2, 300, 6), (3, 25, 2)])
def test_scott_pi_equals_fleiss_kappa_of_two_coders(seed: int, units: int, values: int) -> None:
    """Scott's pi is Fleiss' kappa for two coders (Fleiss 1971), checked through statsmodels."""
    matrix = random_matrix(np.random.default_rng(seed), units, 2, values, 0.0)
    counts, _ = aggregate_raters(matrix.astype(int))
    ours = scott_pi(reliability_data(matrix))
    assert ours.value == pytest.approx(sm_fleiss_kappa(counts, method="fleiss"), abs=TOLERANCE)


# Three data sets made with numpy's default_rng (seeds 11, 12, 13) and written
# out, one unit a line, "." for missing. Gwet's AC1 was computed from them
# with irrCAC 0.4.4 (Python; numpy 1.26.4, pandas 2.3.3, scipy 1.12.0) in a
# separate virtual environment, by
#   CAC(pandas.DataFrame(rows), categories=SCALE, digits=15).gwet()["est"]
# and the values copied here with their pa and pe.
IRRCAC_DATA = {
    "D1": (
        (0, 1, 2, 3),
        """3 0 0 . ; 0 0 0 0 ; 2 3 3 3 ; 1 2 1 1 ; 0 2 . 2 ; . . . . ; . 2 2 . ; . 2 0 3
        1 1 1 1 ; . . . . ; . 1 1 . ; 2 3 3 3 ; 1 . . 2 ; 0 0 0 2 ; . . 2 2 ; . . 0 0
        3 3 1 3 ; 3 . 3 0 ; 3 . 3 1 ; 0 3 2 0 ; 3 3 0 2 ; 3 1 1 . ; . 0 0 0 ; 2 2 0 .
        1 . 0 1 ; 2 2 2 1 ; 3 . 3 . ; 1 . 3 1 ; 3 3 0 1 ; . 0 . 0 ; 1 1 1 0 ; 3 1 3 3
        2 0 . 0 ; 2 2 2 1 ; 1 . 1 3 ; 2 1 2 2 ; 1 3 3 1 ; 3 3 3 3 ; 3 0 . 2 ; 3 0 2 .""",
        (0.339477765956083, 0.504385964912281, 0.249663357956294),
    ),
    "D2": (
        (0, 1, 2),
        """1 1 1 ; 0 1 0 ; 2 0 2 ; 2 0 2 ; 1 1 0 ; 0 0 1 ; 2 1 0 ; 0 1 0 ; 2 1 2 ; 1 1 1
        2 2 0 ; 1 0 0 ; 2 0 2 ; 2 0 2 ; 1 1 2 ; 0 0 0 ; 0 0 2 ; 0 2 2 ; 1 0 0 ; 2 2 1
        0 2 2 ; 1 0 0 ; 1 1 2 ; 1 0 1 ; 0 1 0""",
        (0.103109221365932, 0.4, 0.331022222222222),
    ),
    "D3": (
        (0, 1),
        """0 0 0 0 0 ; 0 0 0 . 0 ; 0 . 0 . 0 ; 0 0 0 0 0 ; . 0 0 0 0 ; 1 . 1 1 1
        0 0 0 0 0 ; 0 0 0 0 0 ; . 1 1 1 . ; 1 1 0 0 1 ; 0 0 0 0 0 ; 0 0 0 0 0
        0 . 0 0 0 ; 0 . 0 0 0 ; 0 0 0 0 0 ; 0 0 . 0 0 ; 0 0 0 0 . ; 0 0 0 0 0
        0 . 0 0 0 ; . 0 0 0 0 ; . 0 0 0 0 ; . . 0 0 0 ; 1 1 1 . 1 ; 0 0 . 0 0
        0 0 0 . 0 ; 1 0 1 1 1 ; 0 0 0 0 0 ; 0 0 0 0 0 ; 0 1 1 . 1 ; 0 0 0 0 0""",
        (0.930129105885458, 0.95, 0.284394444444444),
    ),
}


def parse(rows: str) -> npt.NDArray[np.float64]:
    return np.array(
        [
            [np.nan if token == "." else float(token) for token in row.split()]
            for row in rows.replace("\n", ";").split(";")
            if row.strip()
        ]
    )


@pytest.mark.parametrize("name", sorted(IRRCAC_DATA))
def test_gwet_ac1_matches_irrcac(name: str) -> None:
    """Gwet's AC1 (with pa and pe) against irrCAC 0.4.4's `CAC.gwet()`, values recorded
    above; D1 has a unit with one rating and a unit with none."""
    scale, rows, (value, pa, pe) = IRRCAC_DATA[name]
    ours = gwet_ac1(reliability_data(parse(rows), categories=scale))
    assert ours.value == pytest.approx(value, abs=TOLERANCE)
    assert ours.observed_agreement == pytest.approx(pa, abs=TOLERANCE)
    assert ours.chance_agreement == pytest.approx(pe, abs=TOLERANCE)


def test_gwet_ac1_q_is_the_scale_not_the_categories_used() -> None:
    """q counts the scale's categories, used or not (irrCAC 0.4.4 with categories=[0, 1]
    and [0, 1, 2] on the same four units: 0.737704918032787 and 0.759398496240601; with
    only 0 ever coded and q = 2, AC1 = 1.0)."""
    rows = parse("0 0 1 ; 0 0 . ; 0 0 0 ; 0 . .")
    assert gwet_ac1(reliability_data(rows, categories=(0, 1))).value == pytest.approx(
        0.737704918032787, abs=TOLERANCE
    )
    assert gwet_ac1(reliability_data(rows, categories=(0, 1)), 3).value == pytest.approx(
        0.759398496240601, abs=TOLERANCE
    )
    never_present = reliability_data(parse("0 0 0 ; 0 0 . ; 0 0 0"), categories=(0, 1))
    assert gwet_ac1(never_present).value == 1.0
