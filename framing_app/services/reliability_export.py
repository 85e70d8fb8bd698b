"""``export reliability``: the coders' reliability data as a reliability matrix CSV.

The matrix (:mod:`framing_app.formats.reliability_matrix`) has one row per
unit and label: ``unit`` names the article and the unit's span (see
:class:`~framing_app.services.reliability_units.ReliabilityItem`), ``item``
the label, and each coder's cell is ``1`` (present), ``0`` (absent) or empty
(missing: the coder has not started the article, with ``--all-articles``).
This is the input R's irr, the ``krippendorff`` package and ReCal read, and
``framing-app agreement --matrix`` reads it back to the same per-label
numbers. The pooled variable (:data:`~framing_app.services.reliability_units.OVERALL`)
is left out unless asked for: its rows would repeat every label's rows, and
a script that reads the whole file as one variable already has it.
An article-level question adds one row per article (``unit`` the article's
external id, whatever the labels' unit), each coder's cell the answer as
stored, empty when the coder gave none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from framing_app.core.errors import FramingError
from framing_app.core.questions import number_text
from framing_app.formats.reliability_matrix import MatrixItem, write_matrix
from framing_app.services.output_files import output_file
from framing_app.services.project import Project
from framing_app.services.question_items import question_cells
from framing_app.services.reliability_units import (
    ArticleSet,
    ExcludedArticle,
    OverlapRule,
    ReliabilityItem,
    ReliabilityItems,
    Unit,
    build_items,
)

# Cell text by code: 0 absent, 1 present, 2 missing.
_CELLS = np.array(["0", "1", ""], dtype=object)


@dataclass(frozen=True)
class ReliabilityExport:
    """What :func:`export_reliability` wrote."""

    rows: int
    labels: int
    units: int  # units per label
    unit: Unit
    articles: int  # articles whose units were written
    excluded: tuple[ExcludedArticle, ...]
    questions: int = 0  # one row per article each
    article_set: str = ArticleSet.DONE.value  # which articles (ArticleSet)
    sample: int | None = None  # articles in the coders' reliability sample (see ArticleSet)
    # Per question: name, level and scale (its categories as the file writes
    # them), which ``agreement --matrix`` needs to read the answers back.
    scales: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def read_back_options(self) -> list[str]:
        """The ``agreement --matrix`` options that give back the project's numbers."""
        options: list[str] = []
        for name, level, scale in self.scales:
            if level != "nominal":
                options += ["--level", f"{name}={level}"]
            if scale:
                options += ["--scale", f"{name}={','.join(scale)}"]
        return options


def to_matrix_items(items: ReliabilityItems, *, overall: bool = False) -> list[MatrixItem]:
    """The matrix items of *items*: one per label, then the pooled one if *overall*.

    Cells are ``"1"``, ``"0"`` or ``""`` (missing). The pooled item's units
    are named ``UNIT [LABEL]``, since each unit is in it once per label.
    """
    coders = tuple(items.coders)
    matrix = [
        MatrixItem(item.name, coders, tuple(item.unit_ids), _cells(item))
        for item in items.items
        if item.kind != "overall"
    ]
    if overall:
        pooled = next(item for item in items.items if item.kind == "overall")
        names = tuple(f"{unit_id} [{label.item}]" for label in matrix for unit_id in label.units)
        if len(set(names)) != len(names):
            raise FramingError(
                "the labels' names and the units' ids run together into the same pooled unit "
                "name; export the labels without the pooled item"
            )
        matrix.append(MatrixItem(pooled.name, coders, names, _cells(pooled)))
    return matrix


def _cells(item: ReliabilityItem) -> tuple[tuple[str, ...], ...]:
    if item.kind == "question":
        return question_cells(item)
    values = np.asarray(item.values, dtype=np.float64)
    codes = np.where(np.isnan(values), 2, values).astype(np.int64)
    if codes.size and (codes.min() < 0 or codes.max() > 2):
        raise ValueError(f"item {item.name!r} holds values other than 0, 1 and missing")
    return tuple(map(tuple, _CELLS[codes].tolist()))


def export_reliability(
    project: Project,
    out: TextIO,
    coders: Sequence[str],
    unit: Unit | str,
    *,
    labels: Sequence[str] | None = None,
    all_articles: bool = False,
    articles: ArticleSet | str | None = None,
    overlap: OverlapRule | str = OverlapRule.ANY,
    overall: bool = False,
    questions: Sequence[str] | None = None,
) -> ReliabilityExport:
    """Write the reliability matrix of *coders* at *unit* to *out* (opened with ``newline=""``).

    The arguments are those of
    :func:`~framing_app.services.reliability_units.build_items`. Raises
    :class:`~framing_app.core.errors.FramingError`, before anything is
    written, when there is nothing to write: no label, or no unit (no
    article that every coder marked done, or only articles without text).
    """
    items = build_items(
        project,
        coders,
        Unit(unit),
        labels=labels,
        all_articles=all_articles,
        articles=articles,
        overlap=OverlapRule(overlap),
        questions=questions,
    )
    _check_not_empty(items)
    rows = write_matrix(to_matrix_items(items, overall=overall), out)
    return ReliabilityExport(
        rows=rows,
        labels=len(items.labels),
        units=items.units,
        unit=items.unit,
        articles=items.articles,
        excluded=items.excluded,
        questions=len(items.questions),
        article_set=ArticleSet(items.article_set).value,
        sample=items.sample,
        scales=tuple(
            (item.name, item.level.value, tuple(_category_text(c) for c in item.categories))
            for item in items.questions
        ),
    )


def _category_text(category: object) -> str:
    return number_text(float(category)) if isinstance(category, float | int) else str(category)


def export_reliability_to_file(
    project: Project,
    path: Path,
    coders: Sequence[str],
    unit: Unit | str,
    *,
    labels: Sequence[str] | None = None,
    all_articles: bool = False,
    articles: ArticleSet | str | None = None,
    overlap: OverlapRule | str = OverlapRule.ANY,
    overall: bool = False,
    questions: Sequence[str] | None = None,
) -> ReliabilityExport:
    """Like :func:`export_reliability`, into *path*, replaced only once the file is whole.

    Written through :func:`~framing_app.services.output_files.output_file`:
    a database (the project above all) is never overwritten, and a failure
    leaves any earlier file of that name as it was.
    """
    with output_file(Path(path), project, newline="") as out:
        return export_reliability(
            project,
            out,
            coders,
            unit,
            labels=labels,
            all_articles=all_articles,
            articles=articles,
            overlap=overlap,
            overall=overall,
            questions=questions,
        )


def _check_not_empty(items: ReliabilityItems) -> None:
    if not items.labels and not items.questions:
        raise FramingError("the codebook has no labels; there is nothing to export")
    if items.units or (items.questions and items.articles):
        return
    if items.articles == 0 and not items.excluded:
        raise FramingError("the project has no articles; there is nothing to export")
    if items.articles == 0:
        names = ", ".join(items.coders[:-1]) + f" and {items.coders[-1]}"
        sampled = items.article_set is ArticleSet.SAMPLE
        raise FramingError(
            f"no article{' in their reliability sample' if sampled else ''} has been marked "
            f"done by all of {names} ({len(items.excluded)} left out); mark the coded articles "
            "done (framing-app status --coder NAME --article ID... --set done), "
            + ("use every article they all marked done (--articles done), " if sampled else "")
            + "or include every article (--all-articles)"
        )
    raise FramingError(
        f"the {items.articles} article(s) used have no {items.unit.value} units "
        "(their texts are white space only)"
    )
