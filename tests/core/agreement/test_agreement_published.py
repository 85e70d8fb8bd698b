"""Published reference values, matched at the precision they were printed with.

Each test names its source. "Printed precision" means: the value rounded to
the number of decimals the source shows equals the printed value.
"""

from __future__ import annotations

import numpy as np
import pytest

from framing_app.core.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    prevalence_bias,
    reliability_data,
    scott_pi,
)
from framing_app.core.agreement.reliability_data import ReliabilityData

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
# C: 4 observers (rows) x 12 units (columns), values 1-5, missing as nan. The
# same data are the example of Krippendorff (2018, p. 290), of Stata's
# kalpha help, and irrCAC's cac.raw4raters (transposed).
KRIPPENDORFF_2011_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T


def from_table(table: list[list[int]]) -> ReliabilityData:
    """Two-coder reliability data with the joint counts of *table* (first coder in rows)."""
    counts = np.asarray(table)
    pairs = [
        (row, col)
        for row in range(counts.shape[0])
        for col in range(counts.shape[1])
        for _ in range(counts[row, col])
    ]
    return reliability_data(np.array(pairs), categories=tuple(range(counts.shape[0])))


def from_distribution(rows: list[list[int]]) -> ReliabilityData:
    """Reliability data from counts of coders per category and unit (complete data)."""
    return reliability_data(
        np.array([np.repeat(np.arange(len(row)), row) for row in rows]),
        categories=tuple(range(len(rows[0]))),
    )


@pytest.mark.parametrize(
    ("level", "printed"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example_c(level: str, printed: float) -> None:
    """Krippendorff (2011), section C, "Nominal data, any number of observers, missing values",
    and section E for the other metrics: alpha = .743 nominal, .815 ordinal, .849 interval,
    .797 ratio (the same values in Krippendorff 2018, p. 290, and in the tests of the icr R
    package)."""
    result = krippendorff_alpha(reliability_data(KRIPPENDORFF_2011_C), level)
    assert result.value is not None
    assert round(result.value, 3) == printed
    assert result.pairable_values == 40  # n.. = 40 in the paper; unit 12 has one value only
    assert result.pairable_units == 11


def test_krippendorff_2011_example_c_coincidences() -> None:
    """Krippendorff (2011), section C: the coincidence matrix of example C, o_11 = 7,
    o_12 = 4/3, n_1..n_5 = 9, 13, 10, 5, 3, and n.. = 40."""
    coincidences = reliability_data(KRIPPENDORFF_2011_C).coincidences
    assert coincidences.matrix[0, 0] == pytest.approx(7)
    assert coincidences.matrix[0, 1] == pytest.approx(4 / 3)
    assert coincidences.marginals.tolist() == pytest.approx([9, 13, 10, 5, 3])
    assert coincidences.pairable_values == 40


def test_krippendorff_2011_example_a_binary() -> None:
    """Krippendorff (2011), section A, "Binary or dichotomous data, two observers, no
    missing data": alpha = 0.095."""
    data = reliability_data(
        np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]).T
    )
    result = krippendorff_alpha(data)
    assert result.value is not None
    assert round(result.value, 3) == 0.095


def test_krippendorff_2011_example_b_nominal_two_observers() -> None:
    """Krippendorff (2011), section B, "Nominal data, two observers, no missing data"
    (observers Ben and Gerry, categories a-e): alpha = 0.692."""
    data = reliability_data(np.array([list("aabbdcccedda"), list("babbbccceddd")]).T)
    result = krippendorff_alpha(data)
    assert result.value is not None
    assert round(result.value, 3) == 0.692


def test_hayes_krippendorff_2007_example() -> None:
    """Hayes & Krippendorff (2007), Communication Methods and Measures 1(1), Table 1: 40
    news units rated 0-3 by 5 observers with missing judgments; KALPHA prints ordinal
    alpha = .7598 (the value the icr R package also tests against)."""
    rows = """
        1 1 2 . 2 ; 1 1 0 1 . ; 2 3 3 3 . ; . 0 0 . 0 ; 0 0 0 . 0 ; 0 0 0 . 0 ; 1 0 2 . 1
        1 . 2 0 . ; 2 2 2 . 2 ; 2 1 1 1 . ; . 1 0 0 . ; 0 0 0 0 . ; 1 2 2 2 . ; 3 3 2 2 3
        1 1 1 . 1 ; 1 1 1 . 1 ; 2 1 2 . 2 ; 1 2 3 3 . ; 1 1 0 1 . ; 0 0 0 . 0 ; 0 0 1 1 .
        0 0 . 0 0 ; 2 3 3 3 . ; 0 0 0 0 . ; 1 2 . 2 2 ; 0 1 1 1 . ; 0 0 0 1 0 ; 1 2 1 2 .
        1 1 2 2 . ; 1 1 2 . 2 ; 1 1 0 . 0 ; 2 1 2 1 . ; 2 2 . 2 2 ; 3 2 2 2 . ; 2 2 2 . 2
        2 2 3 . 2 ; 2 2 2 . 2 ; 2 2 . 1 2 ; 2 2 2 2 . ; 1 1 1 . 1
    """
    matrix = np.array(
        [
            [nan if token == "." else float(token) for token in row.split()]
            for row in rows.replace("\n", ";").split(";")
            if row.strip()
        ]
    )
    assert matrix.shape == (40, 5)
    data = reliability_data(matrix)
    result = krippendorff_alpha(data, "ordinal")
    assert result.value is not None
    assert round(result.value, 4) == 0.7598
    assert data.coincidences.pairs == 239  # "a random sample of 239 pairs" in the paper


# Fleiss (1971), Psychological Bulletin 76(5), Table 1: 30 patients, each
# diagnosed by 6 of the psychiatrists into 5 categories (1 depression,
# 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other); the
# assignments as in R irr's `diagnoses` data set.
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4],
        [2, 2, 2, 5, 5, 5],
        [2, 3, 3, 3, 3, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4],
        [1, 1, 3, 3, 3, 3],
        [3, 3, 3, 3, 5, 5],
        [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4],
        [5, 5, 5, 5, 5, 5],
        [1, 4, 4, 4, 4, 4],
        [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3],
        [1, 4, 4, 4, 4, 4],
        [2, 2, 4, 4, 4, 5],
        [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5],
        [1, 1, 1, 1, 1, 2],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 4, 4, 4, 4, 4],
        [2, 2, 4, 5, 5, 5],
        [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5],
        [2, 2, 2, 2, 2, 4],
        [1, 1, 1, 1, 5, 5],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3],
        [5, 5, 5, 5, 5, 5],
    ]
)


def test_fleiss_1971_kappa() -> None:
    """Fleiss (1971), p. 380: overall kappa = .430 for the 30 x 6 diagnoses of Table 1
    (P-bar = .556, P-bar_e = .220)."""
    result = fleiss_kappa(reliability_data(FLEISS_1971))
    assert result.value is not None
    assert round(result.value, 3) == 0.430
    assert result.observed_agreement is not None
    assert result.chance_agreement is not None
    assert round(result.observed_agreement, 3) == 0.556
    assert round(result.chance_agreement, 3) == 0.220
    assert (result.units, result.coders, result.excluded_units) == (30, 6, 0)


def test_fleiss_1971_null_test() -> None:
    """The null test of Fleiss, Nee & Landis (1979) on the Fleiss (1971) data: R's
    irr::kappam.fleiss(diagnoses), which implements it, prints "z = 17.7" (17.65183 to
    the precision recorded in statsmodels' tests)."""
    result = fleiss_kappa(reliability_data(FLEISS_1971))
    assert result.z is not None
    assert round(result.z, 1) == 17.7
    assert round(result.z, 5) == 17.65183


def test_cohen_kappa_se_and_ci_fleiss_levin_paik() -> None:
    """Cohen's kappa with the large-sample SE of Fleiss, Levin & Paik (2003), Statistical
    Methods for Rates and Proportions, 3rd ed., section 18.1 (Fleiss, Cohen & Everitt 1969),
    as printed by the documented example of statpsych::ci.kappa(.05, 31, 12, 4, 58)
    (Bonett): kappa 0.6756757, SE 0.07344761, 95% CI 0.5317210 to 0.8196303."""
    result = cohen_kappa(from_table([[31, 12], [4, 58]]))
    assert result.value is not None
    assert result.se is not None
    assert result.ci is not None
    assert round(result.value, 7) == 0.6756757
    assert round(result.se, 8) == 0.07344761
    assert round(result.ci[0], 7) == 0.5317210
    assert round(result.ci[1], 7) == 0.8196303


def test_cohen_kappa_sas_agreement_study() -> None:
    """SAS/STAT User's Guide, The FREQ Procedure, Getting Started, "Agreement Study" (skin
    condition rated by two dermatologists, Table "Skin Condition Data"): simple kappa
    0.3449, ASE 0.0724, 95% confidence limits 0.2030 and 0.4868; test of H0 kappa = 0:
    ASE under H0 0.0612, Z 5.6366."""
    result = cohen_kappa(from_table([[10, 4, 1, 0], [5, 10, 12, 2], [2, 4, 12, 5], [0, 2, 6, 13]]))
    assert result.value is not None
    assert result.se is not None
    assert result.ci is not None
    assert result.se_null is not None
    assert result.z is not None
    assert round(result.value, 4) == 0.3449
    assert round(result.se, 4) == 0.0724
    assert (round(result.ci[0], 4), round(result.ci[1], 4)) == (0.2030, 0.4868)
    assert round(result.se_null, 4) == 0.0612
    assert round(result.z, 4) == 5.6366


def test_cohen_kappa_sas_printout_in_statsmodels() -> None:
    """A SAS PROC FREQ printout reproduced in statsmodels' test suite
    (stats/tests/test_inter_rater.py, table [[0,4,1],[0,8,0],[0,1,5]]): kappa 0.4842,
    ASE 0.1380, 95% limits 0.2137 and 0.7547, ASE under H0 0.1484, Z 3.2626."""
    result = cohen_kappa(from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]]))
    assert result.value is not None
    assert result.se is not None
    assert result.ci is not None
    assert result.se_null is not None
    assert result.z is not None
    printed = [0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626]
    got = [result.value, result.se, result.ci[0], result.ci[1], result.se_null, result.z]
    assert [round(value, 4) for value in got] == printed


def test_gwet_handbook_abstractors_table() -> None:
    """Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., the 3x3 "abstractors"
    table (ectopic, AIU, NIU pregnancies, 100 women), as printed in the irrCAC package's
    documentation (README/vignette, by Gwet): Cohen's kappa 0.7964094 with standard error
    0.05891072, Scott's pi 0.7962397, Gwet's AC1 0.8493305, percent agreement 0.89."""
    data = from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    kappa = cohen_kappa(data)
    assert kappa.value is not None
    assert kappa.se is not None
    assert round(kappa.value, 7) == 0.7964094
    assert round(kappa.se, 8) == 0.05891072
    pi = scott_pi(data)
    assert pi.value is not None
    assert round(pi.value, 7) == 0.7962397
    ac1 = gwet_ac1(data)
    assert ac1.value is not None
    assert round(ac1.value, 7) == 0.8493305
    assert percent_agreement(data).value == pytest.approx(0.89, abs=1e-12)


def test_gwet_irrcac_six_raters() -> None:
    """irrCAC documentation (Gwet), data set distrib.6raters (15 patients, 6 raters, 5
    categories; the first 15 subjects of Fleiss 1971): AC1 0.4448007 with pa 0.5511111 and
    pe 0.1914815; Fleiss' kappa 0.4139265 with pe 0.2340741; Krippendorff's alpha
    0.4204384."""
    data = from_distribution(
        [
            [0, 0, 0, 6, 0],
            [0, 3, 0, 0, 3],
            [0, 1, 4, 0, 1],
            [0, 0, 0, 0, 6],
            [0, 3, 0, 3, 0],
            [2, 0, 4, 0, 0],
            [0, 0, 4, 0, 2],
            [2, 0, 3, 1, 0],
            [2, 0, 0, 4, 0],
            [0, 0, 0, 0, 6],
            [1, 0, 0, 5, 0],
            [1, 1, 0, 4, 0],
            [0, 3, 3, 0, 0],
            [1, 0, 0, 5, 0],
            [0, 2, 0, 3, 1],
        ]
    )
    ac1 = gwet_ac1(data)
    assert ac1.value is not None
    assert ac1.observed_agreement is not None
    assert ac1.chance_agreement is not None
    assert round(ac1.value, 7) == 0.4448007
    assert round(ac1.observed_agreement, 7) == 0.5511111
    assert round(ac1.chance_agreement, 7) == 0.1914815
    fleiss = fleiss_kappa(data)
    assert fleiss.value is not None
    assert fleiss.chance_agreement is not None
    assert round(fleiss.value, 7) == 0.4139265
    assert round(fleiss.chance_agreement, 7) == 0.2340741
    alpha = krippendorff_alpha(data)
    assert alpha.value is not None
    assert round(alpha.value, 7) == 0.4204384


def test_gwet_irrcac_four_raters_missing() -> None:
    """irrCAC documentation (Gwet), data set cac.raw4raters (12 subjects, 4 raters, 5
    categories, missing ratings; Krippendorff's example C): gwet.ac1.raw gives AC1 0.77544
    with pa 0.8181818 and pe 0.1903212; krippen.alpha.raw gives 0.74342."""
    data = reliability_data(KRIPPENDORFF_2011_C)
    ac1 = gwet_ac1(data)
    assert ac1.value is not None
    assert ac1.observed_agreement is not None
    assert ac1.chance_agreement is not None
    assert round(ac1.value, 5) == 0.77544
    assert round(ac1.observed_agreement, 7) == 0.8181818
    assert round(ac1.chance_agreement, 7) == 0.1903212
    assert (ac1.units, ac1.rated_units) == (11, 12)
    alpha = krippendorff_alpha(data)
    assert alpha.value is not None
    assert round(alpha.value, 5) == 0.74342


@pytest.mark.parametrize(
    ("cells", "kappa", "prevalence", "bias", "pabak"),
    [((40, 9, 6, 45), 0.70, -0.05, 0.03, 0.70), ((80, 10, 5, 5), 0.32, 0.75, 0.05, 0.70)],
)
def test_byrt_indices_on_feinstein_cicchetti_tables(
    cells: tuple[int, int, int, int], kappa: float, prevalence: float, bias: float, pabak: float
) -> None:
    """The two 2x2 tables of Feinstein & Cicchetti (1990), J Clin Epidemiol 43(6), 543-549,
    that show their first paradox: the same p_o = .85 with kappa printed as .70 and .32.
    Byrt, Bishop & Carlin (1993) explain it with the indices PI = (a - d)/n,
    BI = (b - c)/n and PABAK = 2 p_o - 1, and the identity
    kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2)."""
    a, b, c, d = cells
    result = prevalence_bias(from_table([[d, c], [b, a]]), positive=1)
    assert (result.both, result.only_first, result.only_second, result.neither) == cells
    assert result.kappa is not None
    assert result.value is not None
    assert result.prevalence_index is not None
    assert result.bias_index is not None
    assert round(result.kappa, 2) == kappa
    assert result.prevalence_index == pytest.approx(prevalence, abs=1e-12)
    assert result.bias_index == pytest.approx(bias, abs=1e-12)
    assert result.value == pytest.approx(pabak, abs=1e-12)
    pi, bi = result.prevalence_index, result.bias_index
    identity = (result.value - pi**2 + bi**2) / (1 - pi**2 + bi**2)
    assert result.kappa == pytest.approx(identity, abs=1e-12)
