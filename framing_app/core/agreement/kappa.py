"""Cohen's kappa, Scott's pi and Fleiss' kappa: chance-corrected agreement on complete units.

All three are (p_o - p_e) / (1 - p_e) with p_o the observed and p_e the
chance agreement; they differ in p_e. They are defined on complete data,
so units with a missing value are left out (listwise, as R's irr does) and
counted in ``excluded_units``; Krippendorff's alpha is the statistic that
uses incomplete units. Each is undefined (``None``) when chance agreement is
total (p_e = 1: every value is the same category), when no unit is left,
or for the wrong number of coders.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from framing_app.core.agreement import undefined
from framing_app.core.agreement.reliability_data import FloatArray, IntArray, ReliabilityData
from framing_app.core.agreement.results import CohenKappa, FleissKappa, ScottPi

Z_975 = NormalDist().inv_cdf(0.975)
"""The 97.5% point of the standard normal (1.95996...): the "1.96" of a 95% interval."""

COHEN = "Cohen's kappa"
SCOTT = "Scott's pi"
FLEISS = "Fleiss' kappa"


def agreement_table(data: ReliabilityData) -> tuple[IntArray, int]:
    """The q x q table of two coders' joint codes (first coder in rows), and units left out.

    Only units both coders coded count. Requires exactly two coders.
    """
    if data.n_coders != 2:
        raise ValueError("agreement_table needs exactly two coders")
    first, second = data.codes[:, 0], data.codes[:, 1]
    both = (first >= 0) & (second >= 0)
    size = data.n_categories
    repeats = data.unit_weights
    cells = np.bincount(
        first[both] * size + second[both], weights=repeats[both], minlength=size * size
    )
    table = np.rint(cells).astype(np.int64).reshape(size, size)
    return table, int(repeats[~both].sum())


def cohen_kappa(data: ReliabilityData) -> CohenKappa:
    """Cohen's (1960) kappa of two coders, with its large-sample inference.

    p_o = sum_i p_ii, p_e = sum_i p_i. p_.i (each coder's own marginals).
    The standard errors are those of Fleiss, Cohen & Everitt (1969),
    "Large sample standard errors of kappa and weighted kappa",
    Psychological Bulletin 72(5), 323-327:

        var(kappa) = [ sum_i p_ii (1 - (p_i. + p_.i)(1 - kappa))^2
                       + (1 - kappa)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
                       - (kappa - p_e (1 - kappa))^2 ] / (n (1 - p_e)^2),
        var_0(kappa) = [ p_e + p_e^2 - sum_i p_i. p_.i (p_i. + p_.i) ] / (n (1 - p_e)^2),

    the first for the confidence interval kappa ± 1.96 se, the second (kappa
    = 0) for z = kappa / se_0. These are the ASE and "ASE under H0" of SAS
    PROC FREQ.
    """
    reason = undefined.exactly_two_coders(COHEN, data)
    if reason is not None:
        return CohenKappa(None, reason, None, None, None, None, None, None, 0, data.n_units)
    table, excluded = agreement_table(data)
    n = int(table.sum())

    def none(why: str) -> CohenKappa:
        return CohenKappa(None, why, None, None, None, None, None, None, n, excluded)

    if data.n_units == 0:
        return none(undefined.no_units(COHEN))
    if n == 0:
        return none(undefined.no_complete_units(COHEN, data))
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    # Exact integer test: p_e = 1 only when both coders used one and the same category.
    if int(rows @ cols) == n * n:
        return none(
            undefined.one_category(COHEN, data, int(np.argmax(rows)), "chance agreement is 1")
        )
    p = table / n
    p_row, p_col = rows / n, cols / n
    p_o = int(np.trace(table)) / n
    p_e = float(p_row @ p_col)
    kappa = (p_o - p_e) / (1.0 - p_e)
    scale = n * (1.0 - p_e) ** 2
    diagonal = np.diag(p) * (1.0 - (p_row + p_col) * (1.0 - kappa)) ** 2
    spread = p * (p_col[:, None] + p_row[None, :]) ** 2
    np.fill_diagonal(spread, 0.0)
    variance = (
        diagonal.sum() + (1.0 - kappa) ** 2 * spread.sum() - (kappa - p_e * (1.0 - kappa)) ** 2
    ) / scale
    variance_null = (p_e + p_e**2 - float(np.sum(p_row * p_col * (p_row + p_col)))) / scale
    se = math.sqrt(max(float(variance), 0.0))
    se_null = math.sqrt(max(variance_null, 0.0))
    return CohenKappa(
        value=kappa,
        reason=None,
        se=se,
        se_null=se_null,
        z=kappa / se_null if se_null > 0.0 else None,
        ci=(kappa - Z_975 * se, kappa + Z_975 * se),
        observed_agreement=p_o,
        chance_agreement=p_e,
        units=n,
        excluded_units=excluded,
    )


def scott_pi(data: ReliabilityData) -> ScottPi:
    """Scott's (1955) pi of two coders: p_e = sum_k pi_k^2, pi_k the pooled share of category k.

    Scott, W. A. (1955), "Reliability of content analysis: the case of
    nominal scale coding", Public Opinion Quarterly 19(3), 321-325. Equal to
    Fleiss' kappa for two coders.
    """
    reason = undefined.exactly_two_coders(SCOTT, data)
    if reason is not None:
        return ScottPi(None, reason, None, None, 0, data.n_units)
    table, excluded = agreement_table(data)
    n = int(table.sum())
    if data.n_units == 0:
        return ScottPi(None, undefined.no_units(SCOTT), None, None, 0, excluded)
    if n == 0:
        return ScottPi(None, undefined.no_complete_units(SCOTT, data), None, None, 0, excluded)
    pooled = table.sum(axis=1) + table.sum(axis=0)
    if int(pooled @ pooled) == (2 * n) ** 2:
        why = undefined.one_category(SCOTT, data, int(np.argmax(pooled)), "chance agreement is 1")
        return ScottPi(None, why, None, None, n, excluded)
    p_o = int(np.trace(table)) / n
    shares = pooled / (2 * n)
    p_e = float(shares @ shares)
    return ScottPi((p_o - p_e) / (1.0 - p_e), None, p_o, p_e, n, excluded)


def fleiss_kappa(data: ReliabilityData) -> FleissKappa:
    """Fleiss' (1971) kappa of any fixed number of coders, with its null standard error.

    Fleiss, J. L. (1971), "Measuring nominal scale agreement among many
    raters", Psychological Bulletin 76(5), 378-382: for N units each coded
    by the same n coders, n_ij the coders putting unit i in category j,

        p_j = sum_i n_ij / (N n),  P_i = (sum_j n_ij^2 - n) / (n (n - 1)),
        kappa = (mean P_i - sum_j p_j^2) / (1 - sum_j p_j^2).

    The standard error under kappa = 0 is that of Fleiss, Nee & Landis
    (1979), "Large sample variance of kappa in the case of different sets of
    raters", Psychological Bulletin 86(5), 974-977, with q_j = 1 - p_j:

        se_0 = sqrt(2) / (sum_j p_j q_j sqrt(N n (n - 1)))
               * sqrt((sum_j p_j q_j)^2 - sum_j p_j q_j (q_j - p_j)),

    and z = kappa / se_0. Units with a missing value are left out.
    """
    coders = data.n_coders
    reason = undefined.too_few_coders(FLEISS, data)
    if reason is not None:
        return FleissKappa(None, reason, None, None, None, None, 0, coders, data.n_units)
    complete = data.complete_units
    counts = data.value_counts[complete]
    repeats = data.unit_weights[complete]
    units = int(repeats.sum())
    excluded = data.n_units - units

    def none(why: str) -> FleissKappa:
        return FleissKappa(None, why, None, None, None, None, units, coders, excluded)

    if data.n_units == 0:
        return none(undefined.no_units(FLEISS))
    if units == 0:
        return none(undefined.no_complete_units(FLEISS, data))
    totals = repeats @ counts
    ratings = units * coders
    if int(totals @ totals) == ratings * ratings:
        return none(
            undefined.one_category(FLEISS, data, int(np.argmax(totals)), "chance agreement is 1")
        )
    agreeing_pairs = int(repeats @ (counts * (counts - 1)).sum(axis=1))
    all_pairs = units * coders * (coders - 1)
    p_o = agreeing_pairs / all_pairs
    shares: FloatArray = totals / ratings
    p_e = float(shares @ shares)
    kappa = (p_o - p_e) / (1.0 - p_e)
    spread = shares * (1.0 - shares)
    spread_sum = float(spread.sum())
    inner = spread_sum**2 - float(np.sum(spread * ((1.0 - shares) - shares)))
    se_null = (
        math.sqrt(2.0) / (spread_sum * math.sqrt(units * coders * (coders - 1)))
    ) * math.sqrt(max(inner, 0.0))
    return FleissKappa(
        value=kappa,
        reason=None,
        se_null=se_null,
        z=kappa / se_null if se_null > 0.0 else None,
        observed_agreement=p_o,
        chance_agreement=p_e,
        units=units,
        coders=coders,
        excluded_units=excluded,
    )
