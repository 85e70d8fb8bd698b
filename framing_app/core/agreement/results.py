"""What the agreement statistics return: small frozen records of plain numbers.

Every record carries ``value`` and ``reason``: exactly one of them is ``None``.
A statistic that the data do not define (0/0 expected disagreement, one
category only, no pairable units, the wrong number of coders, ...) has
``value=None`` and a sentence a researcher can read in ``reason``; it is
never NaN and never an exception. Input that is malformed (wrong shape,
letters where numbers are needed) raises :class:`ReliabilityDataError`
before any record is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from framing_app.core.errors import FramingError


class ReliabilityDataError(FramingError, ValueError):
    """Reliability data that cannot be used as given (shape, types, values off the scale)."""


class Level(StrEnum):
    """Level of measurement of a variable (Krippendorff 2011, section E; Stevens 1946)."""

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


def _check_one_of(value: object, reason: str | None, name: str) -> None:
    if (value is None) == (reason is None):
        raise AssertionError(f"{name}: exactly one of value and reason must be set")


@dataclass(frozen=True, slots=True)
class PercentAgreement:
    """Share of agreeing pairs among the pairable values (see ``percent_agreement``).

    ``pairable_units`` units had two or more values; ``pairable_values`` is
    Krippendorff's n.. (the values in those units).
    """

    value: float | None
    reason: str | None
    pairable_units: int
    pairable_values: int
    definition: str

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "PercentAgreement")


@dataclass(frozen=True, slots=True)
class Alpha:
    """Krippendorff's alpha = 1 - D_o / D_e at one level of measurement."""

    value: float | None
    reason: str | None
    level: Level
    observed_disagreement: float | None
    expected_disagreement: float | None
    pairable_units: int
    pairable_values: int

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "Alpha")


@dataclass(frozen=True, slots=True)
class CohenKappa:
    """Cohen's kappa of two coders, with the inference of Fleiss, Cohen & Everitt (1969).

    ``se`` is the non-null standard error (the one a confidence interval
    uses); ``se_null`` the standard error when kappa is 0, and ``z`` =
    kappa / se_null the test of that hypothesis. ``ci`` is kappa ± 1.96 se.
    ``units`` were coded by both coders; ``excluded_units`` were not and
    do not count.
    """

    value: float | None
    reason: str | None
    se: float | None
    se_null: float | None
    z: float | None
    ci: tuple[float, float] | None
    observed_agreement: float | None
    chance_agreement: float | None
    units: int
    excluded_units: int

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "CohenKappa")


@dataclass(frozen=True, slots=True)
class ScottPi:
    """Scott's pi for two coders (Scott 1955): chance from the coders' pooled distribution."""

    value: float | None
    reason: str | None
    observed_agreement: float | None
    chance_agreement: float | None
    units: int
    excluded_units: int

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "ScottPi")


@dataclass(frozen=True, slots=True)
class FleissKappa:
    """Fleiss' kappa (1971) of any number of coders; null test of Fleiss, Nee & Landis (1979).

    ``units`` were coded by every coder; ``excluded_units`` had a missing
    value and do not count.
    """

    value: float | None
    reason: str | None
    se_null: float | None
    z: float | None
    observed_agreement: float | None
    chance_agreement: float | None
    units: int
    coders: int
    excluded_units: int

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "FleissKappa")


@dataclass(frozen=True, slots=True)
class GwetAC1:
    """Gwet's AC1 (Gwet 2008; 2014) on a scale of ``categories`` (q) categories.

    ``units`` had two or more values (they give the observed agreement);
    ``rated_units`` had at least one (they give the category shares of the
    chance term).
    """

    value: float | None
    reason: str | None
    observed_agreement: float | None
    chance_agreement: float | None
    categories: int
    units: int
    rated_units: int

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "GwetAC1")


@dataclass(frozen=True, slots=True)
class PrevalenceBias:
    """Byrt, Bishop & Carlin (1993) indices of a two-coder, two-category table.

    ``value`` is PABAK = 2 p_o - 1, the prevalence-adjusted bias-adjusted
    kappa. ``both``, ``only_first``, ``only_second`` and ``neither`` are the
    cells a, b, c, d of the 2x2 table for the positive category (first coder
    in rows); ``prevalence_index`` = (a - d)/n and ``bias_index`` = (b - c)/n.
    ``kappa`` is Cohen's kappa of the same table, and ``warning`` says when
    the table shows the kappa paradox (see ``prevalence.kappa_paradox``).
    """

    value: float | None
    reason: str | None
    prevalence_index: float | None
    bias_index: float | None
    observed_agreement: float | None
    kappa: float | None
    both: int
    only_first: int
    only_second: int
    neither: int
    warning: str | None

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "PrevalenceBias")


@dataclass(frozen=True, slots=True)
class AlphaBootstrap:
    """A bootstrapped distribution of alpha (Hayes & Krippendorff 2007), summarised.

    ``value`` is the alpha of the data themselves. ``ci`` is the percentile
    interval at ``confidence``; ``q`` pairs each alpha_min with the share of
    resampled alphas below it, the probability of failing to reach it.
    ``draws`` is the number of pairs M drawn per resample, ``resamples`` the
    number requested and ``kept`` the number left after dropping resamples
    that held a single value (see ``bootstrap.bootstrap_alpha``).
    """

    value: float | None
    reason: str | None
    level: Level
    ci: tuple[float, float] | None
    confidence: float
    q: tuple[tuple[float, float], ...]
    draws: int
    resamples: int
    kept: int
    seed: int | None

    def __post_init__(self) -> None:
        _check_one_of(self.value, self.reason, "AlphaBootstrap")
