"""Planning the rows of a merge: annotations, answers, coding statuses and assignments.

The second half of a merge's plan, after
:func:`framing_app.services.merge_plan.plan_entities` has matched the other
project's coders, labels, questions and articles to this project's (the
matching rules and the meaning of replacing are in that module's
docstring). Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import FramingError
from framing_app.core.records import CodingStatus
from framing_app.services.annotation_replace import Incoming, Stored, plan_merge
from framing_app.services.merge_decisions import plan_decisions, workers_of
from framing_app.services.merge_plan import Plan, add_conflict, shown
from framing_app.services.other_project import OtherProject
from framing_app.store.models import (
    Annotation,
    Answer,
    Assignment,
    Coder,
    CodingStatusRow,
    Label,
    Question,
)

__all__ = ["plan_rows"]

_RANK = {
    CodingStatus.NOT_STARTED.value: 0,
    CodingStatus.IN_PROGRESS.value: 1,
    CodingStatus.DONE.value: 2,
}
_CHUNK = 500
# Notes on spans tagged with another label there, shown one by one; more are summed up.
_NOTES_EACH = 10


def plan_rows(session: Session, other: OtherProject, plan: Plan) -> None:
    """Add to *plan* the writes that merge *other*'s rows into the project *session* reads."""
    workers = _workers(other, plan)
    _plan_annotations(session, other, plan, workers)
    _plan_answers(session, other, plan, workers)
    _plan_statuses(session, other, plan, workers)
    _plan_assignments(session, other, plan)
    plan_decisions(session, other, plan, workers)


def _workers(other: OtherProject, plan: Plan) -> set[int]:
    """Coders (ids here) with an annotation, an answer, a coding status or a decision in *other*."""
    ids = {row.coder_id for row in other.annotations}
    ids.update(row.coder_id for row in other.answers)
    ids.update(row.coder_id for row in other.statuses)
    ids.update(workers_of(other))
    return {plan.coders[ident] for ident in ids if ident in plan.coders}


def _chunked(ids: Iterable[int]) -> Iterator[list[int]]:
    values = sorted(set(ids))
    for begin in range(0, len(values), _CHUNK):
        yield values[begin : begin + _CHUNK]


def _known(plan: Plan) -> list[int]:
    """Coders here that the other project's rows map to (new ones have nothing here yet)."""
    return sorted({ident for ident in plan.coders.values() if ident > 0})


def _plan_annotations(session: Session, other: OtherProject, plan: Plan, workers: set[int]) -> None:
    lengths = {article.id: article.char_count for article in other.articles}
    incoming: list[Incoming] = []
    for row in other.annotations:
        article = plan.articles.get(row.article_id)
        coder = plan.coders.get(row.coder_id)
        label = plan.labels.get(row.label_id)
        if article is None or coder is None or label is None:
            continue
        if row.end > lengths[row.article_id]:
            raise FramingError(
                f"{other.path}: annotation {row.id} runs past the end of its article "
                f"({row.start}-{row.end} of {lengths[row.article_id]} characters); "
                "the file is damaged"
            )
        incoming.append(
            Incoming(
                row.id,
                article,
                coder,
                label,
                row.start,
                row.end,
                row.memo,
                row.created_at,
                row.updated_at,
            )
        )
    stored: list[Stored] = []
    for chunk in _chunked(_known(plan)):
        stored.extend(
            Stored(*values)
            for values in session.execute(
                select(
                    Annotation.id,
                    Annotation.article_id,
                    Annotation.coder_id,
                    Annotation.label_id,
                    Annotation.start,
                    Annotation.end,
                    Annotation.memo,
                ).where(Annotation.coder_id.in_(chunk))
            )
        )
    if plan.report.replace:
        articles, labels = set(plan.articles.values()), set(plan.labels.values())
        held = [
            a
            for a in stored
            if a.coder_id in workers and a.article_id in articles and a.label_id in labels
        ]
        merged = plan_merge(held, incoming, replace=True)
        # plan_merge replaces on the articles the rows name; a worker's annotations
        # on the other articles the other project holds go too (it has none there).
        named = {row.article_id for row in incoming}
        coding = {row.coder_id for row in incoming}
        merged.deletes.extend(
            a for a in held if not (a.article_id in named and a.coder_id in coding)
        )
    else:
        merged = plan_merge(stored, incoming, replace=False)
    plan.annotations = merged
    counts = plan.report.counts["annotations"]
    counts.added = len(merged.inserts)
    counts.replaced = len(merged.updates)
    counts.removed = len(merged.deletes)
    counts.unchanged = len(merged.unchanged) + len(merged.repeated)
    if merged.overlaps:
        names = _names(session, plan)
        externals = _externals(other, plan)
        for tagged, old in merged.overlaps[:_NOTES_EACH]:
            plan.report.notes.append(
                f"{names.coder(tagged.coder_id)} tagged {tagged.start}-{tagged.end} in article "
                f"'{externals[tagged.article_id]}' as '{names.label(old.label_id)}' here and as "
                f"'{names.label(tagged.label_id)}' there: both kept (--replace takes theirs)"
            )
        if len(merged.overlaps) > _NOTES_EACH:
            plan.report.notes.append(
                f"and {len(merged.overlaps) - _NOTES_EACH} more spans tagged with another "
                "label there"
            )


@dataclass
class _Names:
    coders: dict[int, str]
    labels: dict[int, str]
    questions: dict[int, str]

    def coder(self, ident: int) -> str:
        return self.coders.get(ident, "?")

    def label(self, ident: int) -> str:
        return self.labels.get(ident, "?")


def _names(session: Session, plan: Plan) -> _Names:
    """Names of coders, labels and questions by id here (stand-ins included)."""
    names = _Names(
        {ident: name for ident, name in session.execute(select(Coder.id, Coder.name))},
        {ident: name for ident, name in session.execute(select(Label.id, Label.name))},
        {ident: name for ident, name in session.execute(select(Question.id, Question.name))},
    )
    names.coders.update((ident, name) for ident, (name, _) in plan.new_coders.items())
    names.labels.update((ident, spec[0]) for ident, spec in plan.new_labels.items())
    names.questions.update((ident, spec[0]) for ident, spec in plan.new_questions.items())
    return names


def _externals(other: OtherProject, plan: Plan) -> dict[int, str]:
    """External ids by article id here, as the other project names them."""
    return {
        plan.articles[article.id]: article.external_id
        for article in other.articles
        if article.id in plan.articles
    }


def _plan_answers(session: Session, other: OtherProject, plan: Plan, workers: set[int]) -> None:
    counts = plan.report.counts["answers"]
    replace = plan.report.replace
    names: _Names | None = None
    externals: dict[int, str] = {}

    def where(key: tuple[int, int, int]) -> str:
        nonlocal names, externals
        if names is None:
            names, externals = _names(session, plan), _externals(other, plan)
        article, coder, question = key
        return (
            f"answer of {names.coder(coder)} to '{names.questions.get(question, '?')}' "
            f"on article '{externals.get(article, '?')}'"
        )

    theirs: dict[tuple[int, int, int], tuple[str, datetime, datetime]] = {}
    for row in other.answers:
        article = plan.articles.get(row.article_id)
        coder = plan.coders.get(row.coder_id)
        question = plan.questions.get(row.question_id)
        if article is None or coder is None or question is None:
            continue
        key = (article, coder, question)
        if key in theirs:
            if theirs[key][0] != row.value:
                # Two coders there ("Alice", "alice") who are one coder here.
                add_conflict(
                    plan,
                    "answers",
                    f"{where(key)}: two answers there ({shown(theirs[key][0])}, "
                    f"{shown(row.value)})",
                )
            continue
        theirs[key] = (row.value, row.created_at, row.updated_at)
    here: dict[tuple[int, int, int], tuple[int, str]] = {}
    for chunk in _chunked(_known(plan)):
        for ident, article, coder, question, value in session.execute(
            select(
                Answer.id, Answer.article_id, Answer.coder_id, Answer.question_id, Answer.value
            ).where(Answer.coder_id.in_(chunk))
        ):
            here[(article, coder, question)] = (ident, value)
    for key, (value, created, updated) in theirs.items():
        mine = here.get(key)
        if mine is None:
            plan.answer_inserts.append((*key, value, created, updated))
            counts.added += 1
        elif mine[1] == value:
            counts.unchanged += 1
        elif replace:
            plan.answer_updates.append((mine[0], value, updated))
            counts.replaced += 1
        else:
            add_conflict(
                plan,
                "answers",
                f"{where(key)}: {shown(mine[1])} here, {shown(value)} there "
                "(--replace takes theirs)",
            )
    if replace:
        articles, questions = set(plan.articles.values()), set(plan.questions.values())
        for key, (ident, _) in here.items():
            article, coder, question = key
            if (
                coder in workers
                and article in articles
                and question in questions
                and key not in theirs
            ):
                plan.answer_deletes.append(ident)
                counts.removed += 1


def _plan_statuses(session: Session, other: OtherProject, plan: Plan, workers: set[int]) -> None:
    counts = plan.report.counts["statuses"]
    theirs: dict[tuple[int, int], tuple[str, datetime]] = {}
    for row in other.statuses:
        article = plan.articles.get(row.article_id)
        coder = plan.coders.get(row.coder_id)
        if article is None or coder is None or _RANK[row.status] == 0:
            continue
        key = (coder, article)
        if key not in theirs or _RANK[row.status] > _RANK[theirs[key][0]]:
            theirs[key] = (row.status, row.updated_at)
    here: dict[tuple[int, int], str] = {}
    for chunk in _chunked(_known(plan)):
        here.update(
            ((coder, article), status)
            for coder, article, status in session.execute(
                select(
                    CodingStatusRow.coder_id, CodingStatusRow.article_id, CodingStatusRow.status
                ).where(CodingStatusRow.coder_id.in_(chunk))
            )
        )
    replace = plan.report.replace
    for key, (status, updated) in theirs.items():
        mine = here.get(key)
        if mine is None:
            plan.status_inserts.append((*key, status, updated))
            counts.added += 1
        elif mine != status and (replace or _RANK[status] > _RANK[mine]):
            plan.status_updates.append((*key, status, updated))
            counts.replaced += 1
        else:
            counts.unchanged += 1
    if replace:
        articles = set(plan.articles.values())
        for key, status in here.items():
            coder, article = key
            if coder in workers and article in articles and key not in theirs and _RANK[status]:
                plan.status_deletes.append(key)
                counts.removed += 1


def _plan_assignments(session: Session, other: OtherProject, plan: Plan) -> None:
    counts = plan.report.counts["assignments"]
    theirs: dict[tuple[int, int], tuple[bool, datetime]] = {}
    for row in other.assignments:
        article = plan.articles.get(row.article_id)
        coder = plan.coders.get(row.coder_id)
        if article is None or coder is None:
            continue
        key = (article, coder)
        sample = row.in_sample or (key in theirs and theirs[key][0])
        theirs[key] = (sample, row.assigned_at)
    here: dict[tuple[int, int], bool] = {}
    for chunk in _chunked(_known(plan)):
        here.update(
            ((article, coder), sample)
            for article, coder, sample in session.execute(
                select(Assignment.article_id, Assignment.coder_id, Assignment.in_sample).where(
                    Assignment.coder_id.in_(chunk)
                )
            )
        )
    for key, (sample, assigned) in theirs.items():
        mine = here.get(key)
        if mine is None:
            plan.assignment_inserts.append((*key, sample, assigned))
            counts.added += 1
        elif sample and not mine:
            plan.assignment_samples.append(key)
            counts.replaced += 1
        else:
            counts.unchanged += 1
