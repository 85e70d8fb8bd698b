"""Coders' answers to the article-level questions; each call is one committed action.

An answer fills one *slot*: (article, coder, question), at most one answer
each (the schema says so too). :func:`set_answer` and :func:`clear_answer`
return an :class:`AnswerChange` holding the slot's answer before and after,
as ids and values: that is what an undo step keeps, and
:func:`apply_answer_change` puts it back exactly (same id, value and times).
A step whose slot another coder, window or program has changed since is
refused with a :class:`~framing_app.core.errors.ConflictError` and changes
nothing. Answer ids are never reused (migration 0006).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, NotFoundError
from framing_app.core.questions import InvalidQuestionError, checked_answer
from framing_app.services.coding_status import advance_to_in_progress
from framing_app.services.lookup import article_by_ref, coder_by_name, ensure_coder
from framing_app.services.project import Project
from framing_app.services.questions import question_by_ref, spec_of
from framing_app.store.models import Answer, Article, Coder, Question, utc_now


@dataclass(frozen=True)
class AnswerState:
    """A stored answer as an undo step holds it: ids and values."""

    id: int
    article_id: int
    coder_id: int
    question_id: int
    value: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class AnswerChange:
    """One slot's answer before and after an action (None: no answer).

    *coder* and *question* are names, for messages only: what is changed
    goes by the ids.
    """

    article_id: int
    coder_id: int
    question_id: int
    coder: str
    question: str
    before: AnswerState | None
    after: AnswerState | None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def value(self) -> str | None:
        """The answer now (None: cleared)."""
        return None if self.after is None else self.after.value

    @property
    def changes(self) -> Changes:
        """The article's answers (and, through its status, its line in a list) changed."""
        if not self.changed:
            return Changes()
        ids = frozenset((self.article_id,))
        return Changes(answered=ids, articles=ids)

    def reversed(self) -> AnswerChange:
        """The change that undoes this one."""
        return replace(self, before=self.after, after=self.before)


def _state(row: Answer) -> AnswerState:
    return AnswerState(
        row.id,
        row.article_id,
        row.coder_id,
        row.question_id,
        row.value,
        row.created_at,
        row.updated_at,
    )


def _slot(session: Session, article_id: int, coder_id: int, question_id: int) -> Answer | None:
    return session.scalar(
        select(Answer).where(
            Answer.article_id == article_id,
            Answer.coder_id == coder_id,
            Answer.question_id == question_id,
        )
    )


def set_answer(
    project: Project,
    *,
    coder: str,
    article: str | int,
    question: str | int,
    value: str,
) -> AnswerChange:
    """*coder*'s answer to *question* (a name, or an id) about *article* becomes *value*.

    The value is checked against the question's options and stored in their
    spelling (:func:`~framing_app.core.questions.checked_answer`); the coder
    is created if new; an archived question is refused. The coder's status
    on the article moves from not started to in progress, as tagging does.
    Setting the value the answer already has changes nothing.
    """
    with project.db.write() as session:
        art = article_by_ref(session, article)
        asked = question_by_ref(session, question)
        if asked.archived:
            raise ConflictError(f"question '{asked.name}' is archived; restore it to answer it")
        text = checked_answer(spec_of(asked), value)
        who = ensure_coder(session, coder)
        row = _slot(session, art.id, who.id, asked.id)
        before = None if row is None else _state(row)
        if row is not None and row.value == text:
            return AnswerChange(art.id, who.id, asked.id, who.name, asked.name, before, before)
        now = utc_now()
        if row is None:
            row = Answer(
                article_id=art.id,
                coder_id=who.id,
                question_id=asked.id,
                value=text,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
        else:
            row.value = text
            row.updated_at = now
        session.flush()
        advance_to_in_progress(session, [(who.id, art.id)])
        return AnswerChange(art.id, who.id, asked.id, who.name, asked.name, before, _state(row))


def clear_answer(
    project: Project, *, coder: str, article: str | int, question: str | int
) -> AnswerChange:
    """Remove *coder*'s answer to *question* about *article* (nothing to do if there is none).

    A coder the project does not know has no answer to clear: a
    :class:`NotFoundError`, nothing is created.
    """
    with project.db.write() as session:
        art = article_by_ref(session, article)
        asked = question_by_ref(session, question)
        who = coder_by_name(session, coder)
        row = _slot(session, art.id, who.id, asked.id)
        if row is None:
            return AnswerChange(art.id, who.id, asked.id, who.name, asked.name, None, None)
        before = _state(row)
        session.delete(row)
        return AnswerChange(art.id, who.id, asked.id, who.name, asked.name, before, None)


def article_answers(project: Project, article: str | int, coder: str) -> dict[int, str]:
    """*coder*'s answers about *article*, by question id (only theirs: safe when blind)."""
    with project.db.read() as session:
        art = article_by_ref(session, article)
        rows = session.execute(
            select(Answer.question_id, Answer.value)
            .join(Coder, Coder.id == Answer.coder_id)
            .where(Answer.article_id == art.id, Coder.name == coder.strip())
        )
        return {question_id: value for question_id, value in rows}


def answer_state(project: Project, answer_id: int) -> AnswerState:
    """The stored answer *answer_id* (:class:`NotFoundError` when it was cleared)."""
    with project.db.read() as session:
        row = session.get(Answer, answer_id)
        if row is None:
            raise NotFoundError(f"no answer with id {answer_id}")
        return _state(row)


def apply_answer_change(project: Project, change: AnswerChange) -> AnswerChange:
    """Carry out *change* exactly: its slot must hold ``change.before``; it gets ``change.after``.

    What undo and redo call (undo with :meth:`AnswerChange.reversed`). The
    answer put back has the id, value and times it had. Refused with a
    :class:`ConflictError` when the slot no longer holds ``change.before``
    (someone answered, changed or cleared it meanwhile), and with a
    :class:`NotFoundError` when the article, the coder or the question is
    gone; an answer the question's options no longer accept is refused too.
    """
    with project.db.write() as session:
        row = _slot(session, change.article_id, change.coder_id, change.question_id)
        now = None if row is None else (row.id, row.value)
        expected = None if change.before is None else (change.before.id, change.before.value)
        if now != expected:
            raise ConflictError(
                f"{change.coder}'s answer to '{change.question}' was changed meanwhile "
                f"(it is {_shown(row.value if row else None)} now, not "
                f"{_shown(change.before.value if change.before else None)})"
            )
        after = change.after
        if after is None:
            if row is not None:
                session.delete(row)
            return change
        _check_slot(session, after)
        if row is None:
            row = Answer(
                id=after.id,
                article_id=after.article_id,
                coder_id=after.coder_id,
                question_id=after.question_id,
            )
            session.add(row)
        elif row.id != after.id:  # pragma: no cover - one slot holds one answer
            raise ConflictError(f"answer {row.id} is not answer {after.id}")
        row.value = after.value
        row.created_at = after.created_at
        row.updated_at = after.updated_at
        session.flush()
        return change


def _check_slot(session: Session, state: AnswerState) -> None:
    if session.get(Article, state.article_id) is None:
        raise NotFoundError(f"article {state.article_id} was deleted meanwhile")
    if session.get(Coder, state.coder_id) is None:
        raise NotFoundError(f"coder {state.coder_id} was deleted meanwhile")
    question = session.get(Question, state.question_id)
    if question is None:
        raise NotFoundError(f"question {state.question_id} is no longer in the codebook (deleted)")
    try:
        fits = checked_answer(spec_of(question), state.value) == state.value
    except InvalidQuestionError:
        fits = False
    if not fits:
        raise ConflictError(
            f"'{state.value}' is no longer an answer question '{question.name}' accepts"
        )
    taken = session.get(Answer, state.id)
    if taken is not None and (taken.article_id, taken.coder_id, taken.question_id) != (
        state.article_id,
        state.coder_id,
        state.question_id,
    ):  # pragma: no cover - ids are never reused
        raise ConflictError(f"answer id {state.id} is in use")


def _shown(value: str | None) -> str:
    return "no answer" if value is None else f"'{value}'"
