"""Percent agreement, defined for any number of coders and missing values.

The definition used is Krippendorff's pairable-value agreement, 1 - D_o for
the nominal metric (Krippendorff 2011, section D): the share of agreeing
pairs among all pairs of values that two different coders gave the same
unit, each unit's pairs weighted 1/(m_u - 1) so that every pairable value
counts once,

    percent agreement = sum_c o_cc / n..

For two coders and no missing values this is the plain proportion of units
on which the coders agree (each unit gives two pairable values and, when
they agree, 2 to the diagonal). With more coders it is the mean, over
pairable values, of the share of the unit's other values that agree with
it; units coded by one coder only are not pairable and do not count.
"""

from __future__ import annotations

import numpy as np

from framing_app.core.agreement import undefined
from framing_app.core.agreement.reliability_data import ReliabilityData
from framing_app.core.agreement.results import PercentAgreement

NAME = "Percent agreement"

DEFINITION = (
    "pairable-value agreement 1 - D_o (nominal) of Krippendorff (2011): agreeing pairs of values"
    " within units, each unit weighted 1/(m_u - 1); for two coders without missing values, the"
    " share of units on which they agree"
)


def percent_agreement(data: ReliabilityData) -> PercentAgreement:
    """Krippendorff's pairable-value agreement sum_c o_cc / n.. (see the module docstring)."""
    coincidences = data.coincidences
    n = coincidences.pairable_values

    def result(value: float | None, reason: str | None) -> PercentAgreement:
        return PercentAgreement(value, reason, coincidences.pairable_units, n, DEFINITION)

    reason = undefined.too_few_coders(NAME, data)
    if reason is not None:
        return result(None, reason)
    if data.n_units == 0:
        return result(None, undefined.no_units(NAME))
    if n == 0:
        return result(None, undefined.no_pairable_units(NAME))
    agreeing = float(np.trace(coincidences.matrix))
    # Perfect agreement is exactly 1, not 1 - 1e-16.
    value = 1.0 if np.isclose(agreeing, n, rtol=0.0, atol=1e-9) else agreeing / n
    return result(value, None)
