"""Krippendorff's alpha for nominal, ordinal, interval and ratio data.

Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"
(Departmental Papers, Annenberg School for Communication, University of
Pennsylvania), section D for any number of coders and missing values:

    alpha = 1 - D_o / D_e,
    D_o = (1 / n..) sum_c sum_k o_ck delta^2_ck,
    D_e = (1 / (n.. (n.. - 1))) sum_c sum_k n_c n_k delta^2_ck,

with o_ck the coincidence matrix, n_c its marginals and n.. the number of
pairable values (:class:`~framing_app.core.agreement.reliability_data.Coincidences`)
and delta^2 the metric difference of the level
(:mod:`~framing_app.core.agreement.metrics`). Units with fewer than two
values are not pairable and do not enter. Alpha is undefined (``None``)
when no unit is pairable or when every pairable value is the same (D_e = 0).
"""

from __future__ import annotations

import numpy as np

from framing_app.core.agreement import undefined
from framing_app.core.agreement.metrics import check_level, metric_differences
from framing_app.core.agreement.reliability_data import ReliabilityData
from framing_app.core.agreement.results import Alpha, Level

NAME = "Krippendorff's alpha"


def krippendorff_alpha(data: ReliabilityData, level: Level | str = Level.NOMINAL) -> Alpha:
    """Krippendorff's alpha of *data* at *level* (Krippendorff 2011, section D).

    Raises :class:`~framing_app.core.agreement.results.ReliabilityDataError`
    when *level* is unknown or does not fit the data (interval and ratio
    need numbers, ratio numbers >= 0).
    """
    checked = check_level(data, level)
    coincidences = data.coincidences
    n = coincidences.pairable_values

    def none(reason: str) -> Alpha:
        return Alpha(None, reason, checked, None, None, coincidences.pairable_units, n)

    reason = undefined.too_few_coders(NAME, data)
    if reason is not None:
        return none(reason)
    if data.n_units == 0:
        return none(undefined.no_units(NAME))
    if n == 0:
        return none(undefined.no_pairable_units(NAME))
    marginals = coincidences.marginals
    delta2 = metric_differences(data, checked, marginals)
    observed_sum = float(np.sum(coincidences.matrix * delta2))
    expected_sum = float(marginals @ delta2 @ marginals)
    if expected_sum <= 0.0:
        return none(
            undefined.one_category(
                NAME, data, int(np.argmax(marginals)), "the expected disagreement is 0"
            )
        )
    observed = observed_sum / n
    expected = expected_sum / (n * (n - 1))
    return Alpha(
        value=1.0 - observed / expected,
        reason=None,
        level=checked,
        observed_disagreement=observed,
        expected_disagreement=expected,
        pairable_units=coincidences.pairable_units,
        pairable_values=n,
    )
