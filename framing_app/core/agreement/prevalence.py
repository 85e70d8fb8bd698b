"""Prevalence and bias indices, PABAK, and the kappa-paradox warning.

Byrt, T., Bishop, J. & Carlin, J. B. (1993), "Bias, prevalence and kappa",
Journal of Clinical Epidemiology 46(5), 423-429. For two coders and a
two-category variable, with a = both coders chose the positive category,
d = neither did, b and c the two kinds of disagreement (b: only the first
coder), n = a + b + c + d:

    prevalence index PI = (a - d) / n,   bias index BI = (b - c) / n,
    PABAK = 2 p_o - 1  (kappa with chance agreement fixed at 1/2),
    kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2).

The last identity is why kappa can be low while the coders agree on
almost every unit: a large |PI| (one category dominating) pulls kappa
down, the first of the two paradoxes of Feinstein & Cicchetti (1990), "High
agreement but low kappa: I. The problems of two paradoxes", Journal of
Clinical Epidemiology 43(6), 543-549.

:func:`kappa_paradox` states the rule this package uses to warn about it.
"""

from __future__ import annotations

from collections.abc import Hashable

from framing_app.core.agreement import undefined
from framing_app.core.agreement.kappa import agreement_table
from framing_app.core.agreement.reliability_data import ReliabilityData
from framing_app.core.agreement.results import PrevalenceBias, ReliabilityDataError

NAME = "Prevalence and bias indices"

PARADOX_AGREEMENT = 0.80
"""Observed agreement at or above which a low kappa is suspect."""
PARADOX_PREVALENCE = 0.50
"""|PI| at or above which prevalence is skewed: |a - d| is at least half of all units."""
PARADOX_GAP = 0.20
"""How far kappa must fall below PABAK to be called misleading."""


def kappa_paradox(
    observed_agreement: float | None, kappa: float | None, prevalence_index: float | None
) -> str | None:
    """A warning when skewed prevalence makes kappa misleading, else ``None``.

    The rule: observed agreement >= 0.80, |prevalence index| >= 0.50, and
    kappa at least 0.20 below PABAK (= 2 p_o - 1, what kappa would be with
    chance agreement 1/2). All three together mean the coders agree on most
    units but one category is so common that chance agreement is high and
    kappa is low for that reason rather than for disagreement (Feinstein &
    Cicchetti 1990; Byrt et al. 1993). The thresholds are this package's
    choice, stated so a reader can apply them: Feinstein and Cicchetti's
    example (a, b, c, d) = (80, 10, 5, 5) has p_o = 0.85, PI = 0.75,
    PABAK = 0.70 and kappa = 0.32, and is flagged; (40, 9, 6, 45), with the
    same p_o and kappa = 0.70, is not.
    """
    if observed_agreement is None or kappa is None or prevalence_index is None:
        return None
    pabak = 2.0 * observed_agreement - 1.0
    if (
        observed_agreement >= PARADOX_AGREEMENT
        and abs(prevalence_index) >= PARADOX_PREVALENCE
        and pabak - kappa >= PARADOX_GAP
    ):
        return (
            f"kappa paradox: the coders agree on {observed_agreement:.0%} of units but one"
            f" category dominates (prevalence index {prevalence_index:+.2f}), so chance"
            f" agreement is high and kappa ({kappa:.2f}) is low for that reason;"
            f" read it with PABAK ({pabak:.2f}) and Gwet's AC1"
        )
    return None


def _positive_code(data: ReliabilityData, positive: Hashable | None) -> int:
    if positive is None:
        return data.n_categories - 1
    try:
        return data.categories.index(positive)
    except ValueError:
        raise ReliabilityDataError(
            f"positive category {positive!r} is not one of {data.categories!r}"
        ) from None


def prevalence_bias(data: ReliabilityData, positive: Hashable | None = None) -> PrevalenceBias:
    """Byrt et al.'s (1993) PI, BI and PABAK of two coders on a two-category scale.

    *positive* is the category counted in a (default: the last of the
    scale, e.g. 1 of 0/1). Units with a missing value are left out, as for
    Cohen's kappa. The record's ``kappa`` is Cohen's kappa of the same 2x2
    table, and ``warning`` the result of :func:`kappa_paradox`.
    """
    empty = (0, 0, 0, 0)

    def none(reason: str, cells: tuple[int, int, int, int] = empty) -> PrevalenceBias:
        return PrevalenceBias(None, reason, None, None, None, None, *cells, None)

    reason = undefined.exactly_two_coders(NAME, data)
    if reason is not None:
        return none(reason)
    if data.n_categories != 2:
        return none(
            f"{NAME} are defined for a two-category (present/absent) variable;"
            f" the scale has {data.n_categories}"
        )
    yes = _positive_code(data, positive)
    no = 1 - yes
    table, _ = agreement_table(data)
    cells = (
        int(table[yes, yes]),
        int(table[yes, no]),
        int(table[no, yes]),
        int(table[no, no]),
    )
    a, b, c, d = cells
    n = a + b + c + d
    if n == 0:
        if data.n_units == 0:
            return none(undefined.no_units(NAME), cells)
        return none(undefined.no_complete_units(NAME, data), cells)
    p_o = (a + d) / n
    prevalence = (a - d) / n
    bias = (b - c) / n
    chance = (a + b) * (a + c) + (c + d) * (b + d)
    # Exact: p_e = 1 only when both coders used one and the same category.
    kappa = None if chance == n * n else (p_o - chance / (n * n)) / (1.0 - chance / (n * n))
    return PrevalenceBias(
        value=2.0 * p_o - 1.0,
        reason=None,
        prevalence_index=prevalence,
        bias_index=bias,
        observed_agreement=p_o,
        kappa=kappa,
        both=a,
        only_first=b,
        only_second=c,
        neither=d,
        warning=kappa_paradox(p_o, kappa, prevalence),
    )


def pooled_prevalence_index(
    data: ReliabilityData, positive: Hashable | None = None
) -> float | None:
    """(n_positive - n_negative) / n over the values of units every coder coded, or ``None``.

    The prevalence index for any number of coders: for two coders it equals
    Byrt et al.'s (a - d) / n, since a positive value is 2a + b + c of the 2n
    values and a negative one 2d + b + c. ``None`` unless the scale has two
    categories and some unit is complete. Used with Fleiss' kappa to apply
    :func:`kappa_paradox` to more than two coders.
    """
    if data.n_categories != 2 or data.n_coders < 2:
        return None
    yes = _positive_code(data, positive)
    complete = data.complete_units
    totals = data.unit_weights[complete] @ data.value_counts[complete]
    n = int(totals.sum())
    if n == 0:
        return None
    return float(totals[yes] - totals[1 - yes]) / n
