"""Coders' annotations as reliability data: one variable per label, at a unit of analysis.

The types are settled (the agreement report is written against them);
:func:`build_items` is still to come (issue 8, "Units of analysis").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from framing_app.core.agreement import Level
from framing_app.core.agreement.reliability_data import FloatArray
from framing_app.core.errors import FramingError
from framing_app.services.project import Project

OVERALL = "(all labels)"
"""The name of the item that pools every label (each unit x label pair one unit)."""


class Unit(StrEnum):
    """What one unit of analysis is."""

    ARTICLE = "article"
    PARAGRAPH = "paragraph"
    SENTENCE = "sentence"
    CHARACTER = "character"


class OverlapRule(StrEnum):
    """When a label counts as present in a paragraph or sentence."""

    ANY = "any"  # at least one character of the unit is in one of the coder's passages
    MAJORITY = "majority"  # more than half of the unit's characters are


@dataclass(frozen=True)
class ReliabilityItem:
    """One variable: a label (present 1 / absent 0 per unit) or the pooled overall one.

    *values* is units x coders (coders in :attr:`ReliabilityItems.coders`
    order), NaN where a coder has no value; *unit_ids* names each row
    (``EXTERNAL_ID`` for article units, ``EXTERNAL_ID:START-END`` for
    paragraphs and sentences, offsets as everywhere: code points, end
    exclusive; ``EXTERNAL_ID:OFFSET`` for characters).
    """

    name: str
    kind: str  # "label" | "overall" (questions come later: "question")
    level: Level
    unit_ids: tuple[str, ...]
    values: FloatArray
    categories: tuple[float, ...]


@dataclass(frozen=True)
class ExcludedArticle:
    external_id: str
    title: str
    reason: str  # e.g. "bob has not marked it done"


@dataclass(frozen=True)
class ReliabilityItems:
    coders: tuple[str, ...]
    unit: Unit
    overlap: OverlapRule
    articles: int  # articles whose units were used
    excluded: tuple[ExcludedArticle, ...]
    items: tuple[ReliabilityItem, ...]


def build_items(
    project: Project,
    coders: Sequence[str],
    unit: Unit,
    *,
    labels: Sequence[str] | None = None,
    all_articles: bool = False,
    overlap: OverlapRule = OverlapRule.ANY,
) -> ReliabilityItems:
    """The reliability data of *coders* at *unit*, per label and pooled.

    Not built yet (issue 8): refused with one line that points to the
    matrix mode, which takes a reliability matrix made elsewhere.
    """
    raise FramingError(
        "agreement over this project's annotations is not available yet; "
        "compute it from a reliability matrix with: framing-app agreement --matrix FILE.csv"
    )
