"""Closing an article into the consensus coder: take over the agreements, decide the rest absent.

The consensus coder's status *done* on an article says it has decided the
whole article (see :mod:`framing_app.services.adjudication`): the label is
absent wherever it has no passage. So before an article is closed, the
consensus must hold what the coders *agree* on, not only the decisions on
their disagreements. :func:`plan_close` says what closing will do, for a
confirmation; :func:`close_article` does it in one transaction:

* for every label and every unit of the article (at the unit reviewed)
  where every compared coder marked the label present and agrees (at the
  span unit: the same spans), and the consensus has no passage of the label
  touching the unit, the coders' passages there are copied (each span once,
  memo ``agreed: alice #3; bob #9``);
* for every question of the codebook on which at least two compared coders
  answered and every answer given is the same (the report's rule: no
  answer is a missing value, not another answer), and the consensus has
  neither answered nor decided it, that answer is taken over;
* every disagreement the consensus has not decided (no decision covering
  it, no passage on it; for a question, no decision and no answer) is
  decided absent (or "no answer"): listed in the plan, so that nobody
  closes an article by accident with a disagreement skipped;
* the consensus coder's status on the article becomes *done*.

Units where the coders agree the label is absent need nothing; nor does a
unit the consensus decided already, whatever the coders did there. An
article a compared coder has not started cannot be closed (closing would
decide for them). Closing records no decision rows: the status *done* is
the decision on the rest of the article. Undone and redone exactly like any
decision (:func:`~framing_app.services.adjudication_record.undo_adjudication`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import ConflictError, FramingError
from framing_app.core.records import CodingStatus
from framing_app.services.adjudication import (
    Copy,
    consensus_rows,
    copies_of,
    create_copies,
    ensure_consensus,
)
from framing_app.services.adjudication_decisions import DecisionState, decisions_on
from framing_app.services.adjudication_record import (
    Adjudication,
    answer_state,
    consensus_status,
    set_consensus_status,
)
from framing_app.services.answers import AnswerState
from framing_app.services.disagreements import (
    DEFAULT_CONSENSUS,
    ReviewUnit,
    article_units,
    find_consensus,
)
from framing_app.services.project import Project
from framing_app.services.reliability_units import OverlapRule
from framing_app.services.tagging import AnnotationState
from framing_app.store.models import Annotation, Answer, Question, utc_now


class AgreedPassage(NamedTuple):
    """A passage closing takes over from an agreement (see :class:`ClosePlan`)."""

    label_id: int
    label: str
    start: int
    end: int
    memo: str


class _Source(NamedTuple):
    """A coder's annotation a copy is made from, as it was when the copy was planned."""

    id: int
    coder_id: int
    label_id: int
    start: int
    end: int


class AgreedAnswer(NamedTuple):
    """An answer closing takes over: every coder who answered the question gave it."""

    question_id: int
    question: str
    value: str


class _AnswerSource(NamedTuple):
    """A coder's answer an agreed answer is taken from, as it was when closing was planned."""

    id: int
    coder_id: int
    question_id: int
    value: str


@dataclass(frozen=True)
class ClosePlan:
    """What closing an article will do: take over agreements, decide the rest absent.

    *agreed*: the passages of units on which every compared coder agrees
    (present) and the consensus has no passage yet (each span once, its
    memo naming the coders' annotations); *absent*: the disagreements
    ``(label, start, end)`` the consensus has not decided, which closing
    decides absent; *answers*: the answers the coders agree on that the
    consensus takes over; *unanswered*: the questions the coders answered
    differently and the consensus has not decided, which closing leaves
    without an answer.
    """

    article_id: int
    external_id: str
    unit: ReviewUnit
    agreed: tuple[AgreedPassage, ...]
    absent: tuple[tuple[str, int, int], ...]
    already_closed: bool
    sources: tuple[_Source, ...] = ()
    answers: tuple[AgreedAnswer, ...] = ()
    unanswered: tuple[str, ...] = ()
    answer_sources: tuple[_AnswerSource, ...] = ()

    def summary(self, *, done: bool = False) -> str:
        """One line: what closing takes (or, *done*, took) over and decides absent."""
        agreed, answers = len(self.agreed), len(self.answers)
        absent = len(self.absent) + len(self.unanswered)
        verbs = ("closed", "took", "decided") if done else ("closing", "takes", "decides")
        taken = f"{agreed} agreed passage{'' if agreed == 1 else 's'}"
        if answers:
            taken += f" and {answers} agreed answer{'' if answers == 1 else 's'}"
        return (
            f"{verbs[0]} {self.external_id} {verbs[1]} over {taken} and {verbs[2]} {absent} "
            f"disagreement{'' if absent == 1 else 's'} absent"
        )


def plan_close(
    project: Project,
    coders: Sequence[str],
    unit: ReviewUnit | str,
    article: str | int,
    *,
    overlap: OverlapRule | str = OverlapRule.ANY,
    all_articles: bool = False,
    consensus: str = DEFAULT_CONSENSUS,
    articles: str | None = None,
) -> ClosePlan:
    """What :func:`close_article` would do to *article* (reads only).

    Every label of the codebook, at *unit*: closing is about the whole
    article, since the consensus coder's status is. Refused for an article
    a compared coder has not started (closing would decide for them).
    """
    units = article_units(
        project,
        coders,
        unit,
        article,
        overlap=overlap,
        all_articles=all_articles,
        articles=articles,
    )
    for name, gone in zip(units.coders, units.missing, strict=True):
        if gone:
            raise FramingError(
                f"{name} has not started article '{units.external_id}'; it can be closed "
                "once every compared coder has coded it"
            )
    mine: dict[int, list[tuple[int, int]]] = {}
    decided: list[DecisionState] = []
    closed = False
    with project.db.read() as session:
        found = find_consensus(session, consensus)
        if found is not None:
            for label_id, start, end in session.execute(
                select(Annotation.label_id, Annotation.start, Annotation.end).where(
                    Annotation.article_id == units.article_id, Annotation.coder_id == found.id
                )
            ):
                mine.setdefault(label_id, []).append((start, end))
            closed = (
                consensus_status(session, found.id, units.article_id) == CodingStatus.DONE.value
            )
            decided = decisions_on(session, found.id, [units.article_id]).get(units.article_id, [])
        answers, unanswered, answer_sources = _plan_answers(
            session, units.article_id, units.coder_ids, None if found is None else found.id, decided
        )
    agreed: dict[tuple[int, int, int], AgreedPassage] = {}
    sources: dict[int, _Source] = {}
    absent: list[tuple[str, int, int]] = []
    for label_id, label, compared in units.units:
        if any(s < compared.end and e > compared.start for s, e in mine.get(label_id, [])):
            continue  # decided already: present
        if any(d.covers(label_id, compared.start, compared.end) for d in decided):
            continue  # decided already
        if compared.agree is False:
            absent.append((label, compared.start, compared.end))
            continue
        if compared.agree is not True:
            continue
        taken = [
            (name, coder_id, passage)
            for name, coder_id, passages in zip(
                units.coders, units.coder_ids, compared.passages, strict=True
            )
            for passage in passages
        ]
        for copy in copies_of(label_id, taken, prefix="agreed:"):
            agreed.setdefault(
                (label_id, copy.start, copy.end),
                AgreedPassage(label_id, label, copy.start, copy.end, copy.memo),
            )
        for _, coder_id, p in taken:
            sources[p.id] = _Source(p.id, coder_id, label_id, p.start, p.end)
    return ClosePlan(
        units.article_id,
        units.external_id,
        ReviewUnit(unit),
        tuple(agreed.values()),
        tuple(absent),
        closed,
        tuple(sources.values()),
        answers,
        unanswered,
        answer_sources,
    )


def _plan_answers(
    session: Session,
    article_id: int,
    coder_ids: Sequence[int],
    consensus_id: int | None,
    decided: Sequence[DecisionState],
) -> tuple[tuple[AgreedAnswer, ...], tuple[str, ...], tuple[_AnswerSource, ...]]:
    """The answers closing takes over, the questions it leaves unanswered, and their sources."""
    wanted = [*coder_ids, *([] if consensus_id is None else [consensus_id])]
    given: dict[tuple[int, int], tuple[int, str]] = {
        (coder_id, question_id): (ident, value)
        for ident, coder_id, question_id, value in session.execute(
            select(Answer.id, Answer.coder_id, Answer.question_id, Answer.value).where(
                Answer.article_id == article_id, Answer.coder_id.in_(wanted)
            )
        )
    }
    on_questions = {d.question_id for d in decided if d.question_id is not None}
    agreed: list[AgreedAnswer] = []
    unanswered: list[str] = []
    sources: list[_AnswerSource] = []
    for question_id, name in session.execute(
        select(Question.id, Question.name).order_by(Question.position, Question.id)
    ):
        if question_id in on_questions or (consensus_id, question_id) in given:
            continue  # decided already
        found = [(c, *given[(c, question_id)]) for c in coder_ids if (c, question_id) in given]
        values = {value for _, _, value in found}
        if len(found) < 2:
            continue  # no comparison: one answer is not an agreement
        if len(values) > 1:
            unanswered.append(name)
            continue
        agreed.append(AgreedAnswer(question_id, name, found[0][2]))
        sources.extend(_AnswerSource(i, c, question_id, v) for c, i, v in found)
    return tuple(agreed), tuple(unanswered), tuple(sources)


def close_article(
    project: Project, plan: ClosePlan, *, consensus: str = DEFAULT_CONSENSUS
) -> Adjudication:
    """Carry out *plan* (:func:`plan_close`): take over the agreements, mark the article done.

    Refused, changing nothing, when a passage the plan copies was changed
    since the plan was made.
    """
    with project.db.write() as session:
        coder, created = ensure_consensus(session, consensus)
        ids = [source.id for source in plan.sources]
        rows = {
            row.id: row for row in session.scalars(select(Annotation).where(Annotation.id.in_(ids)))
        }
        for source in plan.sources:
            row = rows.get(source.id)
            if row is None or (
                _Source(row.id, row.coder_id, row.label_id, row.start, row.end) != source
                or row.article_id != plan.article_id
            ):
                raise ConflictError(
                    f"annotation {source.id} was changed or deleted since closing was "
                    "prepared; try again"
                )
        for answer in plan.answer_sources:
            given = session.get(Answer, answer.id)
            if given is None or (
                _AnswerSource(given.id, given.coder_id, given.question_id, given.value) != answer
                or given.article_id != plan.article_id
            ):
                raise ConflictError(
                    f"answer {answer.id} was changed or cleared since closing was prepared; "
                    "try again"
                )
        made: list[AnnotationState] = []
        by_label: dict[int, list[Copy]] = {}
        for passage in plan.agreed:
            by_label.setdefault(passage.label_id, []).append(
                Copy(passage.label_id, passage.start, passage.end, passage.memo)
            )
        for label_id, copies in by_label.items():
            taken = {
                (row.start, row.end)
                for row in consensus_rows(session, coder.id, plan.article_id, label_id)
            }
            made.extend(create_copies(session, coder, plan.article_id, copies, taken))
        answered = _take_answers(session, coder.id, plan)
        before = consensus_status(session, coder.id, plan.article_id)
        status = None
        if before != CodingStatus.DONE.value:
            set_consensus_status(session, coder.id, plan.article_id, CodingStatus.DONE.value)
            status = (before, CodingStatus.DONE.value)
        return Adjudication(
            f"Close {plan.external_id}",
            plan.article_id,
            coder.id,
            coder.name,
            tuple(made),
            (),
            status,
            created,
            answered=tuple(answered),
        )


def _take_answers(session: Session, coder_id: int, plan: ClosePlan) -> list[AnswerState]:
    """The consensus's answers taken over (a question it answered meanwhile keeps its answer)."""
    made = []
    now = utc_now()
    for agreed in plan.answers:
        there = session.scalar(
            select(Answer.id).where(
                Answer.article_id == plan.article_id,
                Answer.coder_id == coder_id,
                Answer.question_id == agreed.question_id,
            )
        )
        if there is not None:
            continue
        row = Answer(
            article_id=plan.article_id,
            coder_id=coder_id,
            question_id=agreed.question_id,
            value=agreed.value,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        made.append(answer_state(row))
    return made
