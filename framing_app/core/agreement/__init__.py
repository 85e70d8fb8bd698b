"""Inter-coder agreement statistics: reliability data in, numbers out.

Pure numpy, no Qt and no database. Build a :class:`ReliabilityData` with
:func:`reliability_data` (units x coders, missing values allowed), then ask
for any statistic, or for all of them with :func:`summarise`. Every
statistic returns a frozen record whose ``value`` is a float, or ``None``
with a ``reason`` when the data do not define it. Each module cites the
paper its formulas come from.
"""

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
from framing_app.core.agreement.reliability_data import (
    Coincidences,
    ReliabilityData,
    pool,
    reliability_data,
    tally,
)
from framing_app.core.agreement.results import (
    Alpha,
    AlphaBootstrap,
    CohenKappa,
    FleissKappa,
    GwetAC1,
    Level,
    PercentAgreement,
    PrevalenceBias,
    ReliabilityDataError,
    ScottPi,
)
from framing_app.core.agreement.summary import AgreementSummary, summarise

__all__ = [
    "AgreementSummary",
    "Alpha",
    "AlphaBootstrap",
    "CohenKappa",
    "Coincidences",
    "FleissKappa",
    "GwetAC1",
    "Level",
    "PercentAgreement",
    "PrevalenceBias",
    "ReliabilityData",
    "ReliabilityDataError",
    "ScottPi",
    "bootstrap_alpha",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "kappa_paradox",
    "krippendorff_alpha",
    "percent_agreement",
    "pool",
    "pooled_prevalence_index",
    "prevalence_bias",
    "reliability_data",
    "scott_pi",
    "summarise",
    "tally",
]
