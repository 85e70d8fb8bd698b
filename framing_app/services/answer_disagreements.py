"""Disagreements on the article-level questions, and the consensus coder's answers to them.

A question is about the whole article, so its unit is the article, whatever
unit the labels are reviewed at. A **disagreement** is a compared article
(the agreement report's rule: every compared coder marked it done, unless
all articles are asked for) on which at least two coders answered the
question and their answers differ. A coder who gave no answer has a missing
value, as in the report (for a question, no answer is not an answer), and
is not a side of the disagreement.

A disagreement is **resolved** when the consensus coder has decided it (a
decision row on the question and article, "no answer" included:
:mod:`framing_app.services.adjudication_decisions`), has answered the
question on the article, or has closed the article (its status *done*:
see :mod:`framing_app.services.adjudication`). :func:`decide_answer` gives
the consensus coder a coder's answer, an answer of its own, or none, and
records the decision, in one transaction; the
:class:`~framing_app.services.adjudication_record.Adjudication` it returns
is what undo holds (ids and values, refused when the answer or the decision
changed meanwhile).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import ConflictError, FramingError, NotFoundError
from framing_app.core.questions import checked_answer
from framing_app.services.adjudication import ensure_consensus
from framing_app.services.adjudication_decisions import (
    Decision,
    DecisionState,
    decisions_on,
    on_question,
    record_decision,
)
from framing_app.services.adjudication_record import Adjudication, advance, answer_state
from framing_app.services.disagreements import (
    DEFAULT_CONSENSUS,
    ComparedArticles,
    compared_articles,
)
from framing_app.services.project import Project
from framing_app.services.questions import question_by_ref, spec_of
from framing_app.store.models import Answer, Article, CodingStatusRow, Question, utc_now

_CHUNK = 500
_DONE = "done"


@dataclass(frozen=True)
class AnswerSide:
    """One coder's answer (None: no answer)."""

    coder: str
    coder_id: int
    value: str | None


@dataclass(frozen=True)
class AnswerDisagreement:
    """One article and question on which the coders' answers differ."""

    article_id: int
    external_id: str
    title: str
    length: int
    question_id: int
    question: str
    sides: tuple[AnswerSide, ...]
    consensus: str | None = None  # the consensus coder's answer
    closed: bool = False
    decision: DecisionState | None = None  # the consensus coder's decision on it

    @property
    def resolved(self) -> bool:
        return self.consensus is not None or self.closed or self.decision is not None

    @property
    def key(self) -> tuple[int, int]:
        return (self.article_id, self.question_id)

    def side(self, coder: str) -> AnswerSide:
        wanted = coder.strip().casefold()
        for side in self.sides:
            if side.coder.casefold() == wanted:
                return side
        names = ", ".join(side.coder for side in self.sides)
        raise FramingError(f"'{coder}' is not one of the compared coders ({names})")


def list_answer_disagreements(
    project: Project,
    coders: Sequence[str],
    *,
    questions: Sequence[str | int] | None = None,
    all_articles: bool = False,
    consensus: str = DEFAULT_CONSENSUS,
    article: str | int | None = None,
    articles: str | None = None,
) -> tuple[AnswerDisagreement, ...]:
    """Every compared article and question where the coders' answers differ, in import order.

    *questions* (names or ids) restricts and orders the questions (default:
    every question, archived too, in codebook order). Reads only.
    """
    compared = compared_articles(
        project,
        coders,
        all_articles=all_articles,
        consensus=consensus,
        article=article,
        articles=articles,
    )
    with project.db.read() as session:
        if questions is None:
            asked = [
                (ident, name)
                for ident, name in session.execute(
                    select(Question.id, Question.name).order_by(Question.position, Question.id)
                )
            ]
        else:
            chosen = [question_by_ref(session, ref) for ref in questions]
            asked = list(dict.fromkeys((q.id, q.name) for q in chosen))
        if not asked or not compared.articles:
            return ()
        question_ids = [ident for ident, _ in asked]
        answers = _answers(session, compared, question_ids)
        closed = _closed(session, compared)
        decisions = (
            decisions_on(session, compared.consensus_id, [row[0] for row in compared.articles])
            if compared.consensus_id is not None
            else {}
        )
    items = []
    for article_id, external, title, length in compared.articles:
        for question_id, name in asked:
            values = [answers.get((article_id, c, question_id)) for c in compared.coder_ids]
            given = {value for value in values if value is not None}
            if sum(value is not None for value in values) < 2 or len(given) < 2:
                continue
            sides = tuple(
                AnswerSide(coder, coder_id, value)
                for coder, coder_id, value in zip(
                    compared.coders, compared.coder_ids, values, strict=True
                )
            )
            decided = (
                answers.get((article_id, compared.consensus_id, question_id))
                if compared.consensus_id is not None
                else None
            )
            items.append(
                AnswerDisagreement(
                    article_id,
                    external,
                    title,
                    length,
                    question_id,
                    name,
                    sides,
                    decided,
                    article_id in closed,
                    on_question(decisions.get(article_id, ()), question_id),
                )
            )
    return tuple(items)


def with_consensus_answers(
    project: Project, items: Sequence[AnswerDisagreement], consensus: str = DEFAULT_CONSENSUS
) -> tuple[AnswerDisagreement, ...]:
    """*items* with the consensus coder's answers and article status read again."""
    if not items:
        return ()
    fresh = {
        item.key: item
        for article_id in sorted({item.article_id for item in items})
        for item in list_answer_disagreements(
            project,
            [side.coder for side in items[0].sides],
            questions=sorted({item.question_id for item in items}),
            all_articles=True,
            consensus=consensus,
            article=article_id,
        )
    }
    return tuple(
        replace(
            item,
            consensus=fresh[item.key].consensus,
            closed=fresh[item.key].closed,
            decision=fresh[item.key].decision,
        )
        if item.key in fresh
        else item
        for item in items
    )


def decide_answer(
    project: Project,
    item: AnswerDisagreement,
    *,
    coder: str | None = None,
    value: str | None = None,
    consensus: str = DEFAULT_CONSENSUS,
) -> Adjudication:
    """Give the consensus coder *coder*'s answer, or *value*, or (neither) no answer.

    One transaction: the consensus coder (created if new) gets the answer,
    its decision is recorded (:mod:`framing_app.services.adjudication_decisions`:
    "no answer" counts as resolved at once), its status on the article
    moves from not started to in progress. A coder's answer must still be
    what *item* lists (else a :class:`ConflictError`: list again); *value*
    must be an answer the question accepts. Undo with
    :func:`~framing_app.services.adjudication_record.undo_adjudication`.
    """
    if coder is not None and value is not None:
        raise ValueError("give a coder or a value, not both")
    side = item.side(coder) if coder is not None else None
    take = Decision.CODER if side is not None else Decision.NEW if value else Decision.NONE
    with project.db.write() as session:
        found, created = ensure_consensus(session, consensus)
        art = session.get(Article, item.article_id)
        if art is None:
            raise NotFoundError(f"article {item.external_id} was deleted")
        asked = session.get(Question, item.question_id)
        if asked is None:
            raise NotFoundError(f"question '{item.question}' is no longer in the codebook")
        if side is not None:
            now = _slot(session, item.article_id, side.coder_id, item.question_id)
            if (None if now is None else now.value) != side.value:
                raise ConflictError(
                    f"{side.coder}'s answer to '{item.question}' was changed since the "
                    "disagreements were listed; list them again"
                )
            value = side.value
        text = None if value is None else checked_answer(spec_of(asked), value)
        row = _slot(session, item.article_id, found.id, item.question_id)
        unanswered, answered = [], []
        if row is not None and row.value != text:
            unanswered.append(answer_state(row))
            session.delete(row)
            session.flush()
        if text is not None and (row is None or row.value != text):
            now_ = utc_now()
            made = Answer(
                article_id=item.article_id,
                coder_id=found.id,
                question_id=item.question_id,
                value=text,
                created_at=now_,
                updated_at=now_,
            )
            session.add(made)
            session.flush()
            answered.append(answer_state(made))
        decided, undecided = record_decision(
            session, found.id, item.article_id, take, question=(item.question_id, art.char_count)
        )
        status = advance(session, found.id, item.article_id)
        if side is not None:
            title = f"Accept {side.coder}'s answer to {item.question}"
        elif text is not None:
            title = f"Answer “{text}” to {item.question}"
        else:
            title = f"No answer to {item.question}"
        return Adjudication(
            f"{title} ({item.external_id})",
            item.article_id,
            found.id,
            found.name,
            status=status,
            coder_created=created,
            decided=tuple(decided),
            undecided=tuple(undecided),
            answered=tuple(answered),
            unanswered=tuple(unanswered),
            answer=text,
        )


def _slot(session: Session, article_id: int, coder_id: int, question_id: int) -> Answer | None:
    return session.scalar(
        select(Answer).where(
            Answer.article_id == article_id,
            Answer.coder_id == coder_id,
            Answer.question_id == question_id,
        )
    )


def _answers(
    session: Session, compared: ComparedArticles, question_ids: Sequence[int]
) -> dict[tuple[int, int, int], str]:
    coder_ids = list(compared.coder_ids)
    if compared.consensus_id is not None:
        coder_ids.append(compared.consensus_id)
    wanted = {row[0] for row in compared.articles}
    query = select(Answer.article_id, Answer.coder_id, Answer.question_id, Answer.value).where(
        Answer.coder_id.in_(coder_ids), Answer.question_id.in_(list(question_ids))
    )
    if len(wanted) <= _CHUNK:
        query = query.where(Answer.article_id.in_(sorted(wanted)))
    return {
        (article_id, coder_id, question_id): value
        for article_id, coder_id, question_id, value in session.execute(query)
        if article_id in wanted
    }


def _closed(session: Session, compared: ComparedArticles) -> set[int]:
    if compared.consensus_id is None:
        return set()
    wanted = {row[0] for row in compared.articles}
    return {
        article_id
        for article_id in session.scalars(
            select(CodingStatusRow.article_id).where(
                CodingStatusRow.coder_id == compared.consensus_id, CodingStatusRow.status == _DONE
            )
        )
        if article_id in wanted
    }
