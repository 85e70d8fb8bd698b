"""The sentences that say why a statistic is undefined for the data at hand.

One place for them, so that every statistic words the same situation the
same way in the report's ``undefined`` column.
"""

from __future__ import annotations

from framing_app.core.agreement.reliability_data import ReliabilityData


def too_few_coders(statistic: str, data: ReliabilityData, needed: int = 2) -> str | None:
    """The reason *statistic* is undefined for lack of coders, or ``None`` if there are enough."""
    if data.n_coders >= needed:
        return None
    return f"{statistic} needs at least {needed} coders; the data have {data.n_coders}"


def exactly_two_coders(statistic: str, data: ReliabilityData) -> str | None:
    """The reason a two-coder statistic is undefined for *data*, or ``None``."""
    if data.n_coders == 2:
        return None
    return (
        f"{statistic} compares exactly two coders; the data have {data.n_coders}"
        " (use Fleiss' kappa or Krippendorff's alpha)"
    )


def no_units(statistic: str) -> str:
    return f"{statistic}: there are no units"


def no_pairable_units(statistic: str) -> str:
    return f"{statistic}: no unit was coded by two or more coders, so there are no pairable values"


def no_complete_units(statistic: str, data: ReliabilityData) -> str:
    everyone = "both coders" if data.n_coders == 2 else f"all {data.n_coders} coders"
    return f"{statistic}: no unit was coded by {everyone} (units with a missing value are left out)"


def one_category(statistic: str, data: ReliabilityData, code: int, because: str) -> str:
    """Every value used is category *code*, so *statistic* is 0/0; *because* names the term."""
    return (
        f"{statistic} is undefined (0/0): every value is {data.categories[code]!r}, so {because}"
        " (one category only, no variation to agree on)"
    )
