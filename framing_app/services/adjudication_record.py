"""What one adjudication did, and putting it back exactly: the record undo holds.

Every decision of a consensus meeting (:func:`~framing_app.services.adjudication.decide`,
:func:`~framing_app.services.answer_disagreements.decide_answer`,
:func:`~framing_app.services.adjudication_close.close_article`) is one
transaction and returns an :class:`Adjudication`: the ids and values of the
consensus coder's annotations, answers and decision rows it created and
deleted, and its status on the article before and after.
:func:`undo_adjudication` puts back exactly what was there before (same ids,
spans, memos, values and times) and :func:`redo_adjudication` does it again,
each in one transaction, refused with a :class:`ConflictError` and changing
nothing when any of those rows was changed since (by a window, a teammate,
the command line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, NotFoundError
from framing_app.core.records import CodingStatus
from framing_app.services.adjudication_decisions import DecisionState, swap_decisions
from framing_app.services.answers import AnswerState
from framing_app.services.coding_status import advance_to_in_progress
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationState, row_of_state, state_of_row
from framing_app.store.models import (
    Annotation,
    Answer,
    Coder,
    CodingStatusRow,
    Label,
    Question,
    utc_now,
)


@dataclass(frozen=True)
class Adjudication:
    """What one decision did, as undo holds it: ids and values, never names alone.

    *created* and *deleted* are the consensus coder's annotations made and
    removed; *decided* and *undecided* its decision rows recorded and
    replaced; *answered* and *unanswered* its answers given and removed;
    *status* its status on the article before and after, when the decision
    changed it (None: "not started", no row). *answer* is the consensus's
    answer after a decision on a question (for messages).
    """

    title: str
    article_id: int
    consensus_id: int
    consensus: str
    created: tuple[AnnotationState, ...] = ()
    deleted: tuple[AnnotationState, ...] = ()
    status: tuple[str | None, str | None] | None = None
    coder_created: bool = False
    decided: tuple[DecisionState, ...] = ()
    undecided: tuple[DecisionState, ...] = ()
    answered: tuple[AnswerState, ...] = ()
    unanswered: tuple[AnswerState, ...] = ()
    answer: str | None = None

    @property
    def created_ids(self) -> tuple[int, ...]:
        return tuple(state.id for state in self.created)

    @property
    def deleted_ids(self) -> tuple[int, ...]:
        return tuple(state.id for state in self.deleted)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.deleted
            or self.status
            or self.coder_created
            or self.decided
            or self.undecided
            or self.answered
            or self.unanswered
        )

    @property
    def changes(self) -> Changes:
        """The article (its consensus passages, answers, status and decisions) and the coders."""
        if not self.changed:
            return Changes()
        changes = Changes.of_annotations(self.article_id, (*self.created_ids, *self.deleted_ids))
        if self.answered or self.unanswered:
            changes |= Changes(answered=frozenset((self.article_id,)))
        return (changes | Changes(coders=True)) if self.coder_created else changes


# --------------------------------------------------------------------------- states


def answer_state(row: Answer) -> AnswerState:
    return AnswerState(
        row.id,
        row.article_id,
        row.coder_id,
        row.question_id,
        row.value,
        row.created_at,
        row.updated_at,
    )


def consensus_status(session: Session, coder_id: int, article_id: int) -> str | None:
    row = session.get(CodingStatusRow, (coder_id, article_id))
    if row is None or row.status == CodingStatus.NOT_STARTED.value:
        return None
    return row.status


def advance(
    session: Session, coder_id: int, article_id: int
) -> tuple[str | None, str | None] | None:
    """Start the article for the consensus coder; (before, after) when that changed it."""
    before = consensus_status(session, coder_id, article_id)
    if before is not None:
        return None
    advance_to_in_progress(session, [(coder_id, article_id)])
    return (None, CodingStatus.IN_PROGRESS.value)


def set_consensus_status(
    session: Session, coder_id: int, article_id: int, status: str | None
) -> None:
    row = session.get(CodingStatusRow, (coder_id, article_id))
    if status is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(
            CodingStatusRow(
                coder_id=coder_id, article_id=article_id, status=status, updated_at=utc_now()
            )
        )
    else:
        row.status = status
        row.updated_at = utc_now()


# --------------------------------------------------------------------------- undo


def undo_adjudication(project: Project, record: Adjudication) -> Changes:
    """Put back what *record*'s decision replaced and remove what it made (same ids).

    Refused with a :class:`ConflictError`, changing nothing, when a row it
    made was changed or deleted since, or one it removed is back. The
    consensus coder's status goes back too, unless someone has changed it
    since (then it is left as it is).
    """
    _apply(project, record, undo=True)
    return record.changes


def redo_adjudication(project: Project, record: Adjudication) -> Changes:
    """Do *record*'s decision again, exactly (same ids); refused as :func:`undo_adjudication`."""
    _apply(project, record, undo=False)
    return record.changes


def _apply(project: Project, record: Adjudication, *, undo: bool) -> None:
    verb = "undo" if undo else "redo"
    with project.db.write() as session:
        if session.get(Coder, record.consensus_id) is None:
            raise NotFoundError(f"the consensus coder '{record.consensus}' was deleted")
        remove, add = (record.created, record.deleted) if undo else (record.deleted, record.created)
        _swap_annotations(session, record, remove=remove, add=add, verb=verb)
        remove_d, add_d = (
            (record.decided, record.undecided) if undo else (record.undecided, record.decided)
        )
        swap_decisions(session, remove=remove_d, add=add_d, verb=verb)
        remove_a, add_a = (
            (record.answered, record.unanswered) if undo else (record.unanswered, record.answered)
        )
        _swap_answers(session, remove=remove_a, add=add_a, verb=verb)
        if record.status is not None:
            before, after = record.status
            now, then = (after, before) if undo else (before, after)
            if consensus_status(session, record.consensus_id, record.article_id) == now:
                set_consensus_status(session, record.consensus_id, record.article_id, then)


def _swap_annotations(
    session: Session,
    record: Adjudication,
    *,
    remove: Sequence[AnnotationState],
    add: Sequence[AnnotationState],
    verb: str,
) -> None:
    rows = []
    for state in remove:
        row = session.get(Annotation, state.id)
        if row is None or state_of_row(row, state.coder) != state:
            raise ConflictError(
                f"annotation {state.id} of {state.coder} was changed or deleted since; "
                f"nothing to {verb}"
            )
        rows.append(row)
    for state in add:
        if session.get(Annotation, state.id) is not None:
            raise ConflictError(f"annotation {state.id} is there again; nothing to {verb}")
        if session.get(Label, state.label_id) is None:
            raise NotFoundError(f"label {state.label_id} is no longer in the codebook (deleted)")
    for row in rows:
        session.delete(row)
    session.flush()
    for state in add:
        clash = session.scalar(
            select(Annotation.id).where(
                Annotation.article_id == state.article_id,
                Annotation.coder_id == record.consensus_id,
                Annotation.label_id == state.label_id,
                Annotation.start == state.start,
                Annotation.end == state.end,
            )
        )
        if clash is not None:
            raise ConflictError(
                f"{record.consensus} has that passage again (annotation {clash}); nothing to {verb}"
            )
        session.add(row_of_state(state, record.consensus_id, state.label_id))
    session.flush()


def _swap_answers(
    session: Session,
    *,
    remove: Sequence[AnswerState],
    add: Sequence[AnswerState],
    verb: str,
) -> None:
    rows = []
    for state in remove:
        row = session.get(Answer, state.id)
        if row is None or answer_state(row) != state:
            raise ConflictError(
                f"the consensus's answer {state.id} was changed or cleared since; nothing to {verb}"
            )
        rows.append(row)
    for row in rows:
        session.delete(row)
    session.flush()
    for state in add:
        if session.get(Question, state.question_id) is None:
            raise NotFoundError(
                f"question {state.question_id} is no longer in the codebook (deleted)"
            )
        clash = session.scalar(
            select(Answer.id).where(
                Answer.article_id == state.article_id,
                Answer.coder_id == state.coder_id,
                Answer.question_id == state.question_id,
            )
        )
        if clash is not None or session.get(Answer, state.id) is not None:
            raise ConflictError(
                f"the consensus has answered that question again since; nothing to {verb}"
            )
        session.add(
            Answer(
                id=state.id,
                article_id=state.article_id,
                coder_id=state.coder_id,
                question_id=state.question_id,
                value=state.value,
                created_at=state.created_at,
                updated_at=state.updated_at,
            )
        )
    session.flush()
