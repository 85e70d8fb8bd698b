"""Coders' answers as reliability data: one variable per article-level question.

A question is about the whole article, so its unit is always the article,
whatever unit the labels are compared at: one row per article used (the
same articles as the labels', chosen by
:func:`~framing_app.services.reliability_units.build_items`), one column per
coder, the coder's answer or missing where they gave none.

* nominal and ordinal questions: the values are the answers' texts (None
  when missing) and the scale is the question's options in their order, so
  that ordinal alpha ranks them by that order (negative < neutral <
  positive) and categories nobody chose still count (Gwet's q);
* interval and ratio questions: the values are numbers (NaN when missing);
  the scale is the options, or, for a question that takes any number, the
  numbers answered, in numerical order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.questions import QuestionSpec, number_text, parse_number
from framing_app.services.questions import question_by_ref, spec_of
from framing_app.store.models import Answer, Article, Question

_CHUNK = 500

ObjectArray = npt.NDArray[np.object_]


class _HasValues(Protocol):
    @property
    def values(self) -> npt.NDArray[np.float64] | ObjectArray: ...


@dataclass(frozen=True)
class QuestionVariable:
    """One question's reliability data over the articles used (see the module docstring)."""

    name: str
    level: str
    unit_ids: tuple[str, ...]  # the articles' external ids
    values: npt.NDArray[np.float64] | ObjectArray
    categories: tuple[Hashable, ...]


def question_variables(
    session: Session,
    coder_ids: Sequence[int],
    names: Sequence[str] | None,
    article_ids: Sequence[int],
) -> list[QuestionVariable]:
    """The variables of the questions *names* (any case; None: every question, archived too).

    In codebook order, or in the order *names* gives them (repeats dropped).
    *article_ids* are the articles used, in the order of the units; an
    unknown question is a :class:`~framing_app.core.errors.NotFoundError`.
    """
    if names is None:
        questions = list(session.scalars(select(Question).order_by(Question.position, Question.id)))
    else:
        chosen: dict[int, Question] = {}
        for name in names:
            question = question_by_ref(session, name)
            chosen.setdefault(question.id, question)
        questions = list(chosen.values())
    if not questions:
        return []
    ids = list(article_ids)
    query = select(Article.id, Article.external_id)
    if len(ids) <= _CHUNK:
        query = query.where(Article.id.in_(ids))
    external = {ident: name for ident, name in session.execute(query)}
    unit_ids = tuple(external[i] for i in ids)
    row_of = {ident: row for row, ident in enumerate(ids)}
    column_of = {ident: column for column, ident in enumerate(coder_ids)}
    wanted = {q.id: index for index, q in enumerate(questions)}
    cells: list[dict[tuple[int, int], str]] = [{} for _ in questions]
    for question_id, article_id, coder_id, value in session.execute(
        select(Answer.question_id, Answer.article_id, Answer.coder_id, Answer.value).where(
            Answer.question_id.in_(list(wanted)), Answer.coder_id.in_(list(coder_ids))
        )
    ):
        row = row_of.get(article_id)
        if row is not None:
            cells[wanted[question_id]][row, column_of[coder_id]] = value
    shape = (len(ids), len(coder_ids))
    return [
        _variable(spec_of(question), unit_ids, shape, answers)
        for question, answers in zip(questions, cells, strict=True)
    ]


def _variable(
    spec: QuestionSpec,
    unit_ids: tuple[str, ...],
    shape: tuple[int, int],
    answers: dict[tuple[int, int], str],
) -> QuestionVariable:
    if spec.numeric:
        numbers = np.full(shape, np.nan, dtype=np.float64)
        for cell, value in answers.items():
            number = parse_number(value)
            if number is not None:  # the services store numbers only; never a crash here
                numbers[cell] = number
        if spec.options:
            scale = [parse_number(option) for option in spec.options]
            categories: tuple[Hashable, ...] = tuple(
                sorted(float(n) for n in scale if n is not None)
            )
        else:
            categories = tuple(float(n) for n in np.unique(numbers[~np.isnan(numbers)]))
        numbers.setflags(write=False)
        return QuestionVariable(spec.name, spec.level, unit_ids, numbers, categories)
    texts = np.full(shape, None, dtype=object)
    for cell, value in answers.items():
        texts[cell] = value
    texts.setflags(write=False)
    return QuestionVariable(spec.name, spec.level, unit_ids, texts, spec.options)


def question_cells(item: _HasValues) -> tuple[tuple[str, ...], ...]:
    """The cells of a question's matrix rows: the answer as stored, "" where it is missing.

    Numbers are written as the services store them (``3``, ``2.5``), so
    that ``agreement --matrix`` reads the same numbers back.
    """
    values = item.values
    if values.dtype == np.object_:
        return tuple(tuple("" if v is None else str(v) for v in row) for row in values.tolist())
    return tuple(
        tuple("" if np.isnan(v) else number_text(float(v)) for v in row) for row in values.tolist()
    )
