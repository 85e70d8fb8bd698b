"""The counts of a report row at the span unit: unitizing alpha's terms and the span matches.

At the span unit a row (a label, or all labels) has no units x coders
matrix: its ``counts`` are a :class:`SpanCounts` instead of the 2x2 table or
coincidence matrix of the other units. It holds Krippendorff's u_alpha_c
with its observed and expected disagreement
(:mod:`framing_app.core.agreement.unitizing`), and the exact and overlap
precision / recall / F1 of every ordered pair of coders
(:mod:`framing_app.core.agreement.span_match`). :func:`span_counts_json` is
its part of the JSON contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from framing_app.core.agreement.span_match import PairMatch, SpanMatch
from framing_app.core.agreement.unitizing import DEFINITION, UnitizingAlpha


@dataclass(frozen=True)
class SpanCounts:
    """The span statistics of one row.

    ``passages[i]`` counts coder i's distinct passages with the label(s),
    ``units[i]`` its units after overlapping passages are merged (what
    u_alpha counts); ``pairs`` are the ordered pairs (reference, candidate),
    coders as indexes into ``coders``.
    """

    coders: tuple[str, ...]
    passages: tuple[int, ...]
    units: tuple[int, ...]
    unitizing: UnitizingAlpha
    pairs: tuple[PairMatch, ...]

    @property
    def alpha_u(self) -> float | None:
        return self.unitizing.value


MATCH_RULES = ("exact", "overlap")
MATCH_MEASURES = ("precision", "recall", "f1")


def pair_match(pair: PairMatch, rule: str) -> SpanMatch:
    """The *rule* ("exact" or "overlap") half of *pair*."""
    return pair.exact if rule == "exact" else pair.overlap


def pair_undefined(pair: PairMatch) -> dict[str, str]:
    """``exact_precision`` etc. -> why it has no value, for those of *pair* that have none."""
    out = {}
    for rule in MATCH_RULES:
        match = pair_match(pair, rule)
        for name, rate in (
            ("precision", match.precision),
            ("recall", match.recall),
            ("f1", match.f1),
        ):
            if rate.reason is not None:
                out[f"{rule}_{name}"] = rate.reason
    return out


def span_counts_json(counts: SpanCounts) -> dict[str, Any]:
    """``counts`` of a span row in the JSON report.

    ``coders``; ``passages`` and ``units`` (one number per coder, in that
    order); ``alpha_u``: the terms of u_alpha (``observed_disagreement``,
    ``expected_disagreement``, ``continua``, ``length`` in characters,
    ``units``, ``definition``); ``pairs``: per ordered pair ``reference`` and
    ``candidate`` (names), ``exact`` and ``overlap`` (``reference_spans``,
    ``candidate_spans``, ``matched_references``, ``matched_candidates``,
    ``precision``, ``recall``, ``f1``; null when undefined) and
    ``undefined`` (``exact_precision`` etc. -> reason).
    """
    u = counts.unitizing
    return {
        "coders": list(counts.coders),
        "passages": list(counts.passages),
        "units": list(counts.units),
        "alpha_u": {
            "observed_disagreement": u.observed_disagreement,
            "expected_disagreement": u.expected_disagreement,
            "continua": u.continua,
            "length": u.length,
            "units": u.units,
            "definition": DEFINITION,
        },
        "pairs": [
            {
                "reference": counts.coders[pair.reference],
                "candidate": counts.coders[pair.candidate],
                **{rule: _match_json(pair_match(pair, rule)) for rule in MATCH_RULES},
                "undefined": pair_undefined(pair),
            }
            for pair in counts.pairs
        ],
    }


def _match_json(match: SpanMatch) -> dict[str, Any]:
    return {
        "reference_spans": match.reference_spans,
        "candidate_spans": match.candidate_spans,
        "matched_references": match.matched_references,
        "matched_candidates": match.matched_candidates,
        "precision": match.precision.value,
        "recall": match.recall.value,
        "f1": match.f1.value,
    }
