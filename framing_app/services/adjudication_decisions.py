"""The consensus coder's decision rows (``adjudication_decision``, migration 0007).

A decision row says that the consensus coder settled one disagreement: a
label at one unit (``unit``, ``start``-``end``), or a question on an
article, and what it took (:class:`Decision`). The consensus coder's
passages and answers say *what* it decided; the row says *that* it decided,
so that an absent decision (no passage, no answer) counts as resolved at
once, not only when the article is closed.

**Covering.** A label decision covers a unit of the same label that lies
inside its own span: deciding a paragraph decides its sentences too. Among
several decisions covering a unit, the one at that very unit counts, else
the narrowest. **Replacing.** Recording a decision replaces the
consensus coder's decisions with that label lying inside the unit (they
are settled again by this one) and its decision on the same question; a
decision already recorded as it is stays (same id), so deciding the same
thing twice changes nothing.

Session-level helpers: the services that decide
(:mod:`framing_app.services.adjudication`,
:mod:`framing_app.services.answer_disagreements`) call them inside their
own transaction, and undo puts rows back by id (:func:`swap_decisions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import ConflictError, NotFoundError
from framing_app.store.models import AdjudicationDecision, Label, Question, utc_now

_CHUNK = 500


class Decision(StrEnum):
    """What a decision took into the consensus (the row's ``decision``)."""

    CODER = "coder"  # one coder's passages (or answer)
    BOTH = "both"  # every compared coder's passages
    NEW = "new"  # a passage (or an answer) written in the meeting
    NONE = "none"  # absent: no passage with the label there (or no answer)


@dataclass(frozen=True)
class DecisionState:
    """A decision row as undo holds it: ids and values."""

    id: int
    coder_id: int
    article_id: int
    label_id: int | None
    question_id: int | None
    unit: str
    start: int
    end: int
    decision: str
    decided_at: datetime

    def covers(self, label_id: int, start: int, end: int) -> bool:
        """Whether this is a decision on *label_id* whose span holds ``[start, end)``."""
        return self.label_id == label_id and self.start <= start and end <= self.end


def state_of(row: AdjudicationDecision) -> DecisionState:
    return DecisionState(
        row.id,
        row.coder_id,
        row.article_id,
        row.label_id,
        row.question_id,
        row.unit,
        row.start,
        row.end,
        row.decision,
        row.decided_at,
    )


def decisions_on(
    session: Session, coder_id: int, article_ids: Iterable[int]
) -> dict[int, list[DecisionState]]:
    """The decisions of the consensus coder *coder_id* on *article_ids*, by article id."""
    found: dict[int, list[DecisionState]] = {}
    ids = sorted(set(article_ids))
    for begin in range(0, len(ids), _CHUNK):
        query = select(AdjudicationDecision).where(
            AdjudicationDecision.coder_id == coder_id,
            AdjudicationDecision.article_id.in_(ids[begin : begin + _CHUNK]),
        )
        for row in session.scalars(query):
            found.setdefault(row.article_id, []).append(state_of(row))
    return found


def covering(
    decisions: Iterable[DecisionState], label_id: int, unit: str, start: int, end: int
) -> DecisionState | None:
    """The decision that settles *label_id* at ``unit start-end`` (module docstring), or None."""
    found = [d for d in decisions if d.covers(label_id, start, end)]
    if not found:
        return None
    return min(
        found, key=lambda d: ((d.unit, d.start, d.end) != (unit, start, end), d.end - d.start)
    )


def on_question(decisions: Iterable[DecisionState], question_id: int) -> DecisionState | None:
    """The decision on *question_id* among *decisions*, or None."""
    return next((d for d in decisions if d.question_id == question_id), None)


def record_decision(
    session: Session,
    coder_id: int,
    article_id: int,
    decision: Decision,
    *,
    label: tuple[int, str, int, int] | None = None,
    question: tuple[int, int] | None = None,
) -> tuple[list[DecisionState], list[DecisionState]]:
    """Record *decision* on ``label=(id, unit, start, end)`` or ``question=(id, length)``.

    Replaces what the module docstring says; returns ``(made, replaced)``,
    both empty when the decision was recorded already.
    """
    query = select(AdjudicationDecision).where(
        AdjudicationDecision.coder_id == coder_id, AdjudicationDecision.article_id == article_id
    )
    if label is not None:
        label_id, unit, start, end = label
        key: tuple[object, ...] = (label_id, None, unit, start, end)
        query = query.where(
            AdjudicationDecision.label_id == label_id,
            AdjudicationDecision.start >= start,
            AdjudicationDecision.end <= end,
        )
    elif question is not None:
        question_id, length = question
        key = (None, question_id, "article", 0, length)
        query = query.where(AdjudicationDecision.question_id == question_id)
    else:
        raise ValueError("a decision is on a label or on a question")
    rows = list(session.scalars(query.order_by(AdjudicationDecision.id)))
    same = [
        row
        for row in rows
        if (row.label_id, row.question_id, row.unit, row.start, row.end) == key
        and row.decision == decision.value
    ]
    if same and len(rows) == 1:
        return [], []
    kept = same[0] if same else None
    replaced = [state_of(row) for row in rows if row is not kept]
    for row in rows:
        if row is not kept:
            session.delete(row)
    session.flush()
    if kept is not None:
        return [], replaced
    label_id_, question_id_, unit_, start_, end_ = key
    row = AdjudicationDecision(
        coder_id=coder_id,
        article_id=article_id,
        label_id=label_id_,
        question_id=question_id_,
        unit=unit_,
        start=start_,
        end=end_,
        decision=decision.value,
        decided_at=utc_now(),
    )
    session.add(row)
    session.flush()
    return [state_of(row)], replaced


def swap_decisions(
    session: Session,
    *,
    remove: Sequence[DecisionState],
    add: Sequence[DecisionState],
    verb: str,
) -> None:
    """Remove the rows *remove* and put back *add* (same ids); refused if either moved since.

    A row to remove must be exactly as recorded; a row to put back must
    not be there, nor another decision on its unit or question. Raises
    :class:`ConflictError` (the caller's transaction then changes nothing).
    """
    rows = []
    for state in remove:
        row = session.get(AdjudicationDecision, state.id)
        if row is None or state_of(row) != state:
            raise ConflictError(
                f"decision {state.id} was changed or deleted since; nothing to {verb}"
            )
        rows.append(row)
    for row in rows:
        session.delete(row)
    session.flush()
    for state in add:
        if session.get(AdjudicationDecision, state.id) is not None:
            raise ConflictError(f"decision {state.id} is there again; nothing to {verb}")
        if state.label_id is not None and session.get(Label, state.label_id) is None:
            raise NotFoundError(f"label {state.label_id} is no longer in the codebook (deleted)")
        if state.question_id is not None and session.get(Question, state.question_id) is None:
            raise NotFoundError(
                f"question {state.question_id} is no longer in the codebook (deleted)"
            )
        query = select(AdjudicationDecision.id).where(
            AdjudicationDecision.coder_id == state.coder_id,
            AdjudicationDecision.article_id == state.article_id,
        )
        if state.label_id is not None:
            query = query.where(
                AdjudicationDecision.label_id == state.label_id,
                AdjudicationDecision.unit == state.unit,
                AdjudicationDecision.start == state.start,
                AdjudicationDecision.end == state.end,
            )
        else:
            query = query.where(AdjudicationDecision.question_id == state.question_id)
        clash = session.scalar(query)
        if clash is not None:
            raise ConflictError(
                f"that unit was decided again since (decision {clash}); nothing to {verb}"
            )
        session.add(
            AdjudicationDecision(
                id=state.id,
                coder_id=state.coder_id,
                article_id=state.article_id,
                label_id=state.label_id,
                question_id=state.question_id,
                unit=state.unit,
                start=state.start,
                end=state.end,
                decision=state.decision,
                decided_at=state.decided_at,
            )
        )
        session.flush()
