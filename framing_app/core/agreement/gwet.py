"""Gwet's AC1 for any number of coders, missing values allowed.

Gwet, K. L. (2008), "Computing inter-rater reliability and its variance in
the presence of high agreement", British Journal of Mathematical and
Statistical Psychology 61, 29-48; in the form for several raters and
missing ratings of Gwet (2014), Handbook of Inter-Rater Reliability, 4th
ed., and of his irrCAC package (``gwet.ac1.raw``). With r_ik the coders
putting unit i in category k and r_i = sum_k r_ik:

    p_a = (1 / n') sum over the n' units with r_i >= 2 of
          sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)),
    pi_k = (1 / n) sum over the n units with r_i >= 1 of r_ik / r_i,
    p_e = (1 / (q - 1)) sum_k pi_k (1 - pi_k),
    AC1 = (p_a - p_e) / (1 - p_e).

q is the number of categories of the scale, not of the categories used: a
label coded present/absent has q = 2 even when nobody ever marked it
present. Note that p_a averages units (each unit with two or more values
counts once), unlike the percent agreement of this package, which weights
values (Krippendorff's 1 - D_o); they differ when units have different
numbers of values.
"""

from __future__ import annotations

from framing_app.core.agreement import undefined
from framing_app.core.agreement.reliability_data import ReliabilityData
from framing_app.core.agreement.results import GwetAC1, ReliabilityDataError

NAME = "Gwet's AC1"


def gwet_ac1(data: ReliabilityData, categories: int | None = None) -> GwetAC1:
    """Gwet's AC1 of *data* on a scale of *categories* categories (q; see the module docstring).

    *categories* defaults to the scale of *data* (the ``categories`` it was
    built with, or else the values seen). It may not be smaller than that
    scale. AC1 is undefined (``None``) for q < 2 (the chance term divides by
    q - 1), fewer than two coders, or no unit with two or more values.
    """
    q = data.n_categories if categories is None else categories
    if q < data.n_categories:
        raise ReliabilityDataError(
            f"the scale has {data.n_categories} categories; q = {q} cannot be smaller"
        )
    counts = data.value_counts
    per_unit = data.values_per_unit
    repeats = data.unit_weights
    rated = per_unit >= 1
    pairable = per_unit >= 2
    n_rated, n_pairable = int(repeats[rated].sum()), int(repeats[pairable].sum())

    def none(reason: str) -> GwetAC1:
        return GwetAC1(None, reason, None, None, q, n_pairable, n_rated)

    reason = undefined.too_few_coders(NAME, data)
    if reason is not None:
        return none(reason)
    if data.n_units == 0:
        return none(undefined.no_units(NAME))
    if n_pairable == 0:
        return none(undefined.no_pairable_units(NAME))
    if q < 2:
        return none(f"{NAME} needs a scale of at least two categories (q = {q})")
    agreeing = counts[pairable] * (counts[pairable] - 1)
    pairs = per_unit[pairable] * (per_unit[pairable] - 1)
    # Each unit's share is exactly 1.0 when its coders agree, so perfect agreement gives 1.0.
    p_a = float(repeats[pairable] @ (agreeing.sum(axis=1) / pairs)) / n_pairable
    shares = (repeats[rated] @ (counts[rated] / per_unit[rated][:, None])) / n_rated
    p_e = float((shares * (1.0 - shares)).sum()) / (q - 1)
    # p_e <= (1 - 1/q) / (q - 1) = 1/q <= 1/2, so 1 - p_e is never 0.
    return GwetAC1((p_a - p_e) / (1.0 - p_e), None, p_a, p_e, q, n_pairable, n_rated)
