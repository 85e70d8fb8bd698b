"""Every agreement statistic of one variable, computed from one reliability data matrix.

What a report row needs (issue 8): percent agreement, Krippendorff's alpha
at the variable's level, Cohen's kappa and Scott's pi (two coders),
Fleiss' kappa, Gwet's AC1, Byrt et al.'s indices (two coders, two
categories), the kappa-paradox warning, and optionally the bootstrap of
alpha. Kappa, pi and AC1 treat the categories as nominal whatever the
level. Each statistic is documented, with its source, in its own module.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from framing_app.core.agreement.alpha import krippendorff_alpha
from framing_app.core.agreement.bootstrap import bootstrap_alpha
from framing_app.core.agreement.gwet import gwet_ac1
from framing_app.core.agreement.kappa import cohen_kappa, fleiss_kappa, scott_pi
from framing_app.core.agreement.percent_agreement import percent_agreement
from framing_app.core.agreement.prevalence import (
    kappa_paradox,
    pooled_prevalence_index,
    prevalence_bias,
)
from framing_app.core.agreement.reliability_data import ReliabilityData
from framing_app.core.agreement.results import (
    Alpha,
    AlphaBootstrap,
    CohenKappa,
    FleissKappa,
    GwetAC1,
    Level,
    PercentAgreement,
    PrevalenceBias,
    ScottPi,
)


@dataclass(frozen=True, slots=True)
class AgreementSummary:
    """The statistics of one variable; ``undefined()`` lists those without a value and why."""

    level: Level
    units: int
    coders: int
    categories: tuple[Hashable, ...]
    percent_agreement: PercentAgreement
    alpha: Alpha
    cohen_kappa: CohenKappa
    scott_pi: ScottPi
    fleiss_kappa: FleissKappa
    gwet_ac1: GwetAC1
    prevalence: PrevalenceBias
    warning: str | None
    bootstrap: AlphaBootstrap | None

    def undefined(self) -> dict[str, str]:
        """Statistic name -> the reason it has no value, for those that have none."""
        named: dict[
            str,
            PercentAgreement
            | Alpha
            | CohenKappa
            | ScottPi
            | FleissKappa
            | GwetAC1
            | PrevalenceBias
            | AlphaBootstrap
            | None,
        ] = {
            "percent_agreement": self.percent_agreement,
            "krippendorff_alpha": self.alpha,
            "cohen_kappa": self.cohen_kappa,
            "scotts_pi": self.scott_pi,
            "fleiss_kappa": self.fleiss_kappa,
            "gwet_ac1": self.gwet_ac1,
            "pabak": self.prevalence,
            "alpha_ci": self.bootstrap,
        }
        return {
            name: result.reason
            for name, result in named.items()
            if result is not None and result.reason is not None
        }


def summarise(
    data: ReliabilityData,
    level: Level | str = Level.NOMINAL,
    *,
    categories: int | None = None,
    positive: Hashable | None = None,
    bootstrap: int = 0,
    rng: np.random.Generator | int | None = None,
) -> AgreementSummary:
    """All statistics of *data*; alpha at *level*, AC1 with q = *categories* (default: the scale).

    *positive* is the category counted as present by the prevalence index
    (default: the last of the scale). With *bootstrap* > 0, alpha is
    bootstrapped with that many resamples from *rng*.

    The kappa-paradox warning uses Byrt et al.'s 2x2 table for two coders
    and, for more coders on a two-category scale, Fleiss' kappa with the
    prevalence index of the pooled values (see ``prevalence``).
    """
    alpha = krippendorff_alpha(data, level)
    fleiss = fleiss_kappa(data)
    prevalence = prevalence_bias(data, positive)
    if data.n_coders == 2:
        warning = prevalence.warning
    else:
        warning = kappa_paradox(
            fleiss.observed_agreement, fleiss.value, pooled_prevalence_index(data, positive)
        )
    return AgreementSummary(
        level=alpha.level,
        units=data.n_units,
        coders=data.n_coders,
        categories=data.categories,
        percent_agreement=percent_agreement(data),
        alpha=alpha,
        cohen_kappa=cohen_kappa(data),
        scott_pi=scott_pi(data),
        fleiss_kappa=fleiss,
        gwet_ac1=gwet_ac1(data, categories),
        prevalence=prevalence,
        warning=warning,
        bootstrap=bootstrap_alpha(data, alpha.level, resamples=bootstrap, rng=rng)
        if bootstrap > 0
        else None,
    )
