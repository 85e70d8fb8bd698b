"""Agreement per article for one label: an extra view beside the pooled estimate.

The estimate a study reports is the pooled one (:mod:`framing_app.services.agreement_report`):
one alpha over every unit of every included article, because alpha's
expected disagreement is a property of the whole reliability sample
(Krippendorff 2004, Content Analysis, 2nd ed., ch. 11; 2011, section D),
and an average of per-article values weights a ten-unit article like a
hundred-unit one. The per-article values here answer another question:
*where* do the coders disagree? An article with few units, or where one
category is absent, gives an undefined or extreme alpha that says little
about the coders; percent agreement and the 2x2 counts say more there.

For each article with at least one unit, in the order of the reliability
data (import order), this computes from that article's rows of the chosen
variable, with the core's own functions: the units, the pairable units,
Krippendorff's pairable-value percent agreement (1 - D_o, nominal), nominal
Krippendorff's alpha and, for two coders, the 2x2 counts (both / only the
first / only the second / neither, over units both coded). A statistic the
article's data do not define is None with the core's reason. The variable
may be a label or the pooled one over all labels (each unit x label pair a
unit).

Units are assigned to articles by their ids (see
:class:`~framing_app.services.reliability_units.ReliabilityItem`): the
external id itself at the article unit, the part before the last ``:``
at the paragraph, sentence and character units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from framing_app.core.agreement import krippendorff_alpha, percent_agreement, reliability_data
from framing_app.core.agreement.reliability_data import FloatArray, IntArray
from framing_app.core.errors import FramingError
from framing_app.core.names import name_key
from framing_app.services.agreement_report import BinaryCounts
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.services.reliability_units import ReliabilityItem, ReliabilityItems, Unit
from framing_app.store.models import Article

_SPLIT_UNITS = (Unit.PARAGRAPH, Unit.SENTENCE, Unit.CHARACTER)
_TITLE_BATCH = 500
_CANCEL_EVERY = 200


@dataclass(frozen=True)
class ArticleAgreement:
    """One article's agreement on the chosen variable (see the module docstring)."""

    external_id: str
    title: str
    units: int
    pairable_units: int
    percent_agreement: float | None
    alpha: float | None
    counts: BinaryCounts | None  # two coders only
    undefined: Mapping[str, str]  # "percent_agreement" / "krippendorff_alpha" -> reason


@dataclass(frozen=True)
class ArticleBreakdown:
    """Per-article rows of one variable, with the pooled figures they sit beside."""

    item: str
    coders: tuple[str, ...]
    unit: str
    rows: tuple[ArticleAgreement, ...]
    pooled_alpha: float | None
    pooled_percent_agreement: float | None


def article_breakdown(
    project: Project,
    items: ReliabilityItems,
    item: str,
    *,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> ArticleBreakdown:
    """Percent agreement and alpha of *item* (a label of *items*, or ``OVERALL``) per article.

    *items* comes from :func:`~framing_app.services.reliability_units.build_items`;
    *project* is read once for the articles' titles. Raises
    :class:`FramingError` for an item that is not in *items* or a unit whose
    units cannot be told apart by article.
    """
    chosen = _item(items, item)
    if chosen.kind not in ("label", "overall"):
        raise FramingError(
            f"agreement per article is for labels; '{chosen.name}' is answered once per article"
        )
    unit = Unit(items.unit)
    if unit is not Unit.ARTICLE and unit not in _SPLIT_UNITS:
        raise FramingError(f"agreement per article is not available at the {unit.value} unit")
    base_ids = items.labels[0].unit_ids if items.labels else chosen.unit_ids
    names, of_unit = _articles_of_units(base_ids, unit)
    if len(chosen.unit_ids) != len(base_ids):
        # The pooled item: every label's rows, label after label.
        of_unit = np.tile(of_unit, len(chosen.unit_ids) // max(len(base_ids), 1))
    titles = _titles(project, names)
    rows = _rows(chosen, of_unit, names, titles, items.coders, progress, should_cancel)
    pooled = reliability_data(chosen.values, categories=chosen.categories)
    return ArticleBreakdown(
        item=chosen.name,
        coders=tuple(items.coders),
        unit=unit.value,
        rows=rows,
        pooled_alpha=krippendorff_alpha(pooled, chosen.level).value,
        pooled_percent_agreement=percent_agreement(pooled).value,
    )


def _item(items: ReliabilityItems, name: str) -> ReliabilityItem:
    wanted = name_key(name)
    for each in items.items:
        if each.name == name or name_key(each.name) == wanted:
            return each
    known = ", ".join(each.name for each in items.items)
    raise FramingError(f"'{name}' is not among the variables of this report ({known})")


def _articles_of_units(unit_ids: Sequence[str], unit: Unit) -> tuple[list[str], IntArray]:
    """The external ids in order of first appearance, and each unit's index among them."""
    index: dict[str, int] = {}
    names: list[str] = []
    of_unit = np.empty(len(unit_ids), dtype=np.int64)
    for row, unit_id in enumerate(unit_ids):
        external = unit_id if unit is Unit.ARTICLE else unit_id.rpartition(":")[0]
        at = index.get(external)
        if at is None:
            at = index[external] = len(names)
            names.append(external)
        of_unit[row] = at
    return names, of_unit


def _titles(project: Project, external_ids: list[str]) -> dict[str, str]:
    titles: dict[str, str] = {}
    with project.db.read() as session:
        for start in range(0, len(external_ids), _TITLE_BATCH):
            batch = external_ids[start : start + _TITLE_BATCH]
            query = select(Article.external_id, Article.title).where(Article.external_id.in_(batch))
            titles.update((external, title) for external, title in session.execute(query))
    return titles


def _rows(
    chosen: ReliabilityItem,
    of_unit: IntArray,
    names: list[str],
    titles: dict[str, str],
    coders: Sequence[str],
    progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
) -> tuple[ArticleAgreement, ...]:
    # A label's values are 1.0 / 0.0 / NaN (reliability_units.PRESENT_ABSENT).
    values = np.asarray(chosen.values, dtype=np.float64)
    # One stable sort, then each article's rows are one slice (in unit order).
    order = np.argsort(of_unit, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(of_unit, minlength=len(names)))))
    rows = []
    for at, external in enumerate(names):
        if at % _CANCEL_EVERY == 0:
            check_cancel(should_cancel, "agreement per article")
            report(progress, at, len(names), "computing per article")
        part = values[order[bounds[at] : bounds[at + 1]]]
        data = reliability_data(part, categories=chosen.categories)
        agreement = percent_agreement(data)
        alpha = krippendorff_alpha(data, chosen.level)
        undefined = {
            name: result.reason or ""
            for name, result in (("percent_agreement", agreement), ("krippendorff_alpha", alpha))
            if result.value is None
        }
        rows.append(
            ArticleAgreement(
                external_id=external,
                title=titles.get(external, ""),
                units=int(part.shape[0]),
                pairable_units=data.coincidences.pairable_units,
                percent_agreement=agreement.value,
                alpha=alpha.value,
                counts=_counts(part, coders) if len(coders) == 2 else None,
                undefined=undefined,
            )
        )
    report(progress, len(names), len(names), "computing per article")
    return tuple(rows)


def _counts(part: FloatArray, coders: Sequence[str]) -> BinaryCounts:
    first, second = part[:, 0], part[:, 1]
    both_coded = ~(np.isnan(first) | np.isnan(second))
    a, b = first[both_coded] == 1.0, second[both_coded] == 1.0
    return BinaryCounts(
        coders=(coders[0], coders[1]),
        both=int(np.count_nonzero(a & b)),
        only_first=int(np.count_nonzero(a & ~b)),
        only_second=int(np.count_nonzero(~a & b)),
        neither=int(np.count_nonzero(~a & ~b)),
        incomplete_units=int(part.shape[0] - np.count_nonzero(both_coded)),
    )
