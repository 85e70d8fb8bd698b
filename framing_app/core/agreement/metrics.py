"""Metric differences delta-squared of Krippendorff's alpha, one matrix per level of measurement.

Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
E, for values c and k of the scale (c, k also their ranks for ordinal data):

* nominal: delta^2 = 0 if c = k, else 1;
* ordinal: delta^2 = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, with n_g the
  marginal sums of the coincidence matrix (so the distance between two ranks
  is the number of pairable values between them, half of each end counted);
* interval: delta^2 = (c - k)^2;
* ratio: delta^2 = ((c - k) / (c + k))^2.
"""

from __future__ import annotations

import numpy as np

from framing_app.core.agreement.reliability_data import FloatArray, ReliabilityData
from framing_app.core.agreement.results import Level, ReliabilityDataError


def check_level(data: ReliabilityData, level: Level | str) -> Level:
    """*level* as a :class:`Level`, after checking the data can be measured at it.

    Interval and ratio need numeric categories; ratio needs them >= 0 (a
    ratio scale has an absolute zero). Raises :class:`ReliabilityDataError`.
    """
    try:
        checked = Level(level)
    except ValueError:
        names = ", ".join(item.value for item in Level)
        raise ReliabilityDataError(f"unknown level {level!r}: use one of {names}") from None
    if checked in (Level.INTERVAL, Level.RATIO):
        if data.numeric is None:
            raise ReliabilityDataError(
                f"{checked.value} alpha needs numbers; the categories are {data.categories!r}"
            )
        if checked is Level.RATIO and np.any(data.numeric < 0):
            raise ReliabilityDataError(
                "ratio alpha needs values >= 0 (a ratio scale has an absolute zero)"
            )
    return checked


def metric_differences(data: ReliabilityData, level: Level, marginals: FloatArray) -> FloatArray:
    """The matrix delta^2[c, k] for the scale of *data* at *level*.

    *marginals* are the n_c of the coincidence matrix (used by the ordinal
    metric only). Call :func:`check_level` first.
    """
    size = data.n_categories
    if level is Level.NOMINAL:
        return 1.0 - np.eye(size)
    if level is Level.ORDINAL:
        # With S the cumulative sums of n_g, sum_{g=c..k} n_g - (n_c + n_k)/2
        # is S_k - S_c + (n_c - n_k)/2 for c <= k; for c > k the same
        # expression is its negative, so squaring it serves both halves.
        cumulative = np.cumsum(marginals)
        half_ends = (marginals[:, None] - marginals[None, :]) / 2
        between = cumulative[None, :] - cumulative[:, None] + half_ends
        return np.asarray(between**2, dtype=np.float64)
    assert data.numeric is not None
    values = data.numeric
    difference = values[:, None] - values[None, :]
    if level is Level.INTERVAL:
        return np.asarray(difference**2, dtype=np.float64)
    total = values[:, None] + values[None, :]
    ratio = np.divide(difference, total, out=np.zeros_like(difference), where=total != 0)
    return np.asarray(ratio**2, dtype=np.float64)
