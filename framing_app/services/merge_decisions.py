"""Planning the merge of a consensus coder's adjudication decisions (migration 0007).

Part of a merge's plan (:mod:`framing_app.services.merge_rows` calls it after
the annotations, answers and statuses), so that a consensus meeting held in
one coder's copy of the project counts in the lead's: a decision that left
no passage (*absent*, "no answer") would otherwise be lost, and its
disagreement listed as unresolved again.

A decision of the other project is matched here by its coder (matched by
name, as every coder), its article (by the SHA-256 of the text), its label
or question (by name) and, for a label, its unit and offsets (the same text
gives the same offsets): the same decision is *unchanged* (running a merge
twice adds nothing); another decision on the same unit or question keeps
this project's, with a note, unless replacing, which takes the other's
(*replaced*) and removes this project's decisions of that coder on the
articles the other project holds that it lacks (*removed*). Decisions that
depend on a conflict are left out, as every row. :func:`apply_decisions`
writes the plan (:mod:`framing_app.services.project_merge` calls it last).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from framing_app.core.errors import FramingError
from framing_app.core.timestamps import iso_utc
from framing_app.services.merge_plan import Plan
from framing_app.services.other_project import OtherDecision, OtherProject
from framing_app.store.bulk import insert_rows
from framing_app.store.models import AdjudicationDecision, table_of

__all__ = ["apply_decisions", "plan_decisions", "workers_of"]

_CHUNK = 500
_NOTES_EACH = 10


class Key(NamedTuple):
    """A decision's place: a label at a unit, or a question (unit and offsets None)."""

    coder: int
    article: int
    label: int | None
    question: int | None
    unit: str | None
    start: int | None
    end: int | None


def plan_decisions(session: Session, other: OtherProject, plan: Plan, workers: set[int]) -> None:
    """Add to *plan* the writes that merge *other*'s decisions (see the module docstring).

    *workers* are the coders (ids here) whose work the other project replaces.
    """
    counts = plan.report.counts["decisions"]
    lengths = {article.id: article.char_count for article in other.articles}
    theirs: dict[Key, tuple[OtherDecision, int, int, int | None, int | None]] = {}
    for row in other.decisions:
        coder = plan.coders.get(row.coder_id)
        article = plan.articles.get(row.article_id)
        label = None if row.label_id is None else plan.labels.get(row.label_id)
        question = None if row.question_id is None else plan.questions.get(row.question_id)
        if coder is None or article is None or (label is None and question is None):
            continue
        if row.end > lengths[row.article_id]:
            raise FramingError(
                f"{other.path}: decision {row.id} runs past the end of its article "
                f"({row.start}-{row.end} of {lengths[row.article_id]} characters); "
                "the file is damaged"
            )
        key = _key(coder, article, label, question, row.unit, row.start, row.end)
        # Two coders there who are one coder here: the later decision counts.
        theirs[key] = (row, coder, article, label, question)
    here: dict[Key, tuple[int, str]] = {}
    known = sorted({ident for ident in plan.coders.values() if ident > 0})
    for chunk in _chunked(known):
        query = select(AdjudicationDecision).where(AdjudicationDecision.coder_id.in_(chunk))
        for d in session.scalars(query):
            key = _key(d.coder_id, d.article_id, d.label_id, d.question_id, d.unit, d.start, d.end)
            here[key] = (d.id, d.decision)
    differ: list[str] = []
    for key, (row, coder, article, label, question) in theirs.items():
        mine = here.get(key)
        if mine is None:
            plan.decision_inserts.append(
                (coder, article, label, question, row.unit, row.start, row.end, row.decision,
                 row.decided_at)
            )  # fmt: skip
            counts.added += 1
        elif mine[1] == row.decision:
            counts.unchanged += 1
        elif plan.report.replace:
            plan.decision_updates.append((mine[0], row.decision, row.decided_at))
            counts.replaced += 1
        else:
            counts.unchanged += 1
            differ.append(_where(other, row) + f": '{mine[1]}' here, '{row.decision}' there")
    for line in differ[:_NOTES_EACH]:
        plan.report.notes.append(f"{line}; this project's kept (--replace takes theirs)")
    if len(differ) > _NOTES_EACH:
        plan.report.notes.append(
            f"and {len(differ) - _NOTES_EACH} more decisions decided otherwise"
        )
    if plan.report.replace:
        articles = set(plan.articles.values())
        labels, questions = set(plan.labels.values()), set(plan.questions.values())
        for key, (ident, _) in here.items():
            item = key.label in labels if key.question is None else key.question in questions
            if key.coder in workers and key.article in articles and item and key not in theirs:
                plan.decision_deletes.append(ident)
                counts.removed += 1


def workers_of(other: OtherProject) -> set[int]:
    """Coders (ids there) with a decision in *other*."""
    return {row.coder_id for row in other.decisions}


def _key(
    coder: int,
    article: int,
    label: int | None,
    question: int | None,
    unit: str,
    start: int,
    end: int,
) -> Key:
    if label is not None:
        return Key(coder, article, label, None, unit, start, end)
    return Key(coder, article, None, question, None, None, None)


def _where(other: OtherProject, row: OtherDecision) -> str:
    """The decision as the other project names it: coder, item, article (and unit)."""
    coders = {c.id: c.name for c in other.coders}
    articles = {a.id: a.external_id for a in other.articles}
    if row.label_id is not None:
        label = next((lab.name for lab in other.labels if lab.id == row.label_id), "?")
        what = f"'{label}' at {row.start}-{row.end} ({row.unit})"
    else:
        what = next((f"'{q.name}'" for q in other.questions if q.id == row.question_id), "?")
    article = articles.get(row.article_id, "?")
    return f"decision of {coders.get(row.coder_id, '?')} on {what} in article '{article}'"


def _chunked(ids: list[int]) -> Iterator[list[int]]:
    for begin in range(0, len(ids), _CHUNK):
        yield ids[begin : begin + _CHUNK]


def apply_decisions(session: Session, plan: Plan, real: Callable[[int], int]) -> None:
    """Write *plan*'s decisions; *real* maps a stand-in id to the id of the row now made."""
    for chunk in _chunked(sorted(plan.decision_deletes)):
        session.execute(delete(AdjudicationDecision).where(AdjudicationDecision.id.in_(chunk)))
    if plan.decision_updates:
        session.execute(
            update(AdjudicationDecision),
            [
                {"id": ident, "decision": decision, "decided_at": decided}
                for ident, decision, decided in plan.decision_updates
            ],
        )
    insert_rows(
        session,
        table_of(AdjudicationDecision),
        (
            "coder_id",
            "article_id",
            "label_id",
            "question_id",
            "unit",
            "start_offset",
            "end_offset",
            "decision",
            "decided_at",
        ),
        [
            (
                real(coder),
                real(article),
                None if label is None else real(label),
                None if question is None else real(question),
                unit,
                start,
                end,
                decision,
                iso_utc(decided),
            )
            for coder, article, label, question, unit, start, end, decision, decided in (
                plan.decision_inserts
            )
        ],
    )
