"""What merging another project would do to this one: the plan and its report, before any write.

:mod:`framing_app.services.project_merge` plans with this module inside
the transaction that then applies the plan (or, for a dry run, inside a
read), so a preview and the merge compute exactly the same report.

Rows of the other project are matched to rows here as follows; a thing new
here gets a stand-in id below zero until it is created:

* coders by name as names compare (:func:`framing_app.core.names.name_key`:
  Unicode NFC, white space folded, case-insensitive); a coder that is the
  consensus coder on one side and an ordinary coder on the other is a
  conflict;
* labels by name; the same name with another definition (compared with
  runs of white space as one space) is a conflict; an empty definition on
  either side is no conflict (a definition there fills an empty one here);
  colour, shortcut and archived state are this project's (a note says when
  they differ); a new label keeps its shortcut unless the key is taken here;
* questions by name; the same name with another level, or other options
  (in another order, for an ordinal question), is a conflict; the
  definition is this project's;
* articles by the SHA-256 of their text; an article whose text is not here
  is brought in, text and all, unless its external id names another text
  here (a conflict);
* annotations by (article, coder, label, start, end), with
  :func:`framing_app.services.annotation_replace.plan_merge`;
* answers by (article, coder, question): the same value is nothing to do,
  another value a conflict (unless replacing);
* coding statuses: the more advanced one wins (done > in progress > not
  started; a row saying "not started" counts as none);
* assignments: their union, ``in_sample`` set where either side sets it;
* the consensus coder's adjudication decisions by (coder, article, label,
  unit, start, end), or (coder, article, question): the same decision is
  nothing to do; another decision on the same unit or question keeps this
  project's (a note says so; replacing takes the other's). The decided
  passages and answers themselves are annotations and answers, merged as
  above.

Replacing (``--replace``) gives the other project the last word on its
coders' work, as ``import-annotations --replace`` does for a file's coders:
for each coder who has work in the other project (an annotation, an
answer, a coding status or a decision there), on every article the other
project holds, this project's annotations (with the labels the other
codebook has), answers (to the questions it has) and status of that coder
become exactly the other project's. Equal annotations keep their ids, one on the same span with
another label is relabelled in place, a changed memo or answer is
*replaced*, the rest are *removed* or *added*; a consensus coder's
decisions there become the other project's the same way. Other coders,
articles the other project lacks, codebook and assignments are merged as
without it.

Rows that depend on a conflict (an annotation with a conflicting label, an
answer to a conflicting question, a conflicting coder's work, anything on a
conflicting article) are left out of the counts: the merge is refused anyway.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError
from framing_app.core.names import InvalidNameError, clean_name, name_key
from framing_app.core.text import excerpt
from framing_app.services.annotation_replace import MergePlan
from framing_app.services.other_project import (
    OtherArticle,
    OtherCoder,
    OtherLabel,
    OtherProject,
    OtherQuestion,
)
from framing_app.store.models import (
    Article,
    Coder,
    Label,
    Question,
)

__all__ = ["KINDS", "KindCounts", "MergeReport", "Plan", "add_conflict", "plan_entities", "shown"]

KINDS = (
    "coders",
    "labels",
    "questions",
    "articles",
    "annotations",
    "answers",
    "statuses",
    "assignments",
    "decisions",
)
"""What a merge counts, in the order reports list them."""


@dataclass
class KindCounts:
    """What a merge does to one kind of row.

    *unchanged* rows of the other project are here already (or lose to a
    more advanced status here); *replaced* rows here take the other
    project's value (a relabelled annotation or a changed memo, an answer, a
    status, a label's empty definition, an assignment joining the sample);
    *removed* rows go (replacing only); *conflicts* are refused.
    """

    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    conflicts: int = 0

    @property
    def written(self) -> int:
        return self.added + self.replaced + self.removed


@dataclass
class MergeReport:
    """What a merge of *other* did, or (``dry_run``) would do.

    *conflicts* are one line each; a merge with any is refused.
    *upgraded_from* is the other file's schema revision when it was older
    and read through a temporary upgraded copy (the file itself is never
    upgraded).
    """

    other: Path
    replace: bool = False
    dry_run: bool = False
    upgraded_from: str | None = None
    counts: dict[str, KindCounts] = field(default_factory=lambda: {k: KindCounts() for k in KINDS})
    new_coders: list[str] = field(default_factory=list)
    new_labels: list[str] = field(default_factory=list)
    new_questions: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Rows added, replaced or removed (0: the merge changes nothing)."""
        return sum(counts.written for counts in self.counts.values())

    @property
    def changes(self) -> Changes:
        """Everything may have changed (a merge touches every kind of row), or nothing."""
        if self.dry_run or not self.written:
            return Changes()
        return Changes.all()


@dataclass
class Plan:
    """The writes of a merge; ids below zero stand for rows still to create."""

    report: MergeReport
    coders: dict[int, int] = field(default_factory=dict)  # other id -> id here
    labels: dict[int, int] = field(default_factory=dict)
    questions: dict[int, int] = field(default_factory=dict)
    articles: dict[int, int] = field(default_factory=dict)
    new_coders: dict[int, tuple[str, OtherCoder]] = field(default_factory=dict)
    new_labels: dict[int, tuple[str, OtherLabel, str | None, int]] = field(default_factory=dict)
    definitions: dict[int, str] = field(default_factory=dict)  # label id here -> filled in
    new_questions: dict[int, tuple[str, OtherQuestion, int]] = field(default_factory=dict)
    new_articles: dict[int, OtherArticle] = field(default_factory=dict)
    annotations: MergePlan = field(default_factory=MergePlan)
    # (article, coder, question, value, created_at, updated_at)
    answer_inserts: list[tuple[int, int, int, str, datetime, datetime]] = field(
        default_factory=list
    )
    answer_updates: list[tuple[int, str, datetime]] = field(default_factory=list)  # id, value
    answer_deletes: list[int] = field(default_factory=list)
    # (coder, article, status, updated_at)
    status_inserts: list[tuple[int, int, str, datetime]] = field(default_factory=list)
    status_updates: list[tuple[int, int, str, datetime]] = field(default_factory=list)
    status_deletes: list[tuple[int, int]] = field(default_factory=list)
    # (article, coder, in_sample, assigned_at)
    assignment_inserts: list[tuple[int, int, bool, datetime]] = field(default_factory=list)
    assignment_samples: list[tuple[int, int]] = field(default_factory=list)  # set in_sample
    # (coder, article, label, question, unit, start, end, decision, decided_at)
    decision_inserts: list[
        tuple[int, int, int | None, int | None, str, int, int, str, datetime]
    ] = field(default_factory=list)
    decision_updates: list[tuple[int, str, datetime]] = field(default_factory=list)  # id, ...
    decision_deletes: list[int] = field(default_factory=list)


def plan_entities(session: Session, other: OtherProject, *, replace: bool) -> Plan:
    """Match *other*'s coders, labels, questions and articles to the project's (see the module).

    The plan's rows (annotations, answers, statuses, assignments) are left
    to :func:`framing_app.services.merge_rows.plan_rows`.
    """
    plan = Plan(MergeReport(other.path, replace=replace, upgraded_from=other.upgraded_from))
    stand_in = count(-1, -1)
    _plan_coders(session, other, plan, stand_in)
    _plan_labels(session, other, plan, stand_in)
    _plan_questions(session, other, plan, stand_in)
    _plan_articles(session, other, plan, stand_in)
    return plan


def add_conflict(plan: Plan, kind: str, line: str) -> None:
    plan.report.counts[kind].conflicts += 1
    plan.report.conflicts.append(line)


def shown(text: str) -> str:
    """A definition or value quoted on one line, cut when long."""
    return repr(excerpt(text, 60))


def _cleaned(other: OtherProject, name: str, what: str) -> str:
    try:
        return clean_name(name, what)
    except InvalidNameError as error:
        raise FramingError(f"{other.path}: {error}") from None


def _plan_coders(
    session: Session, other: OtherProject, plan: Plan, stand_in: Iterator[int]
) -> None:
    counts = plan.report.counts["coders"]
    here: dict[str, tuple[int, str, bool]] = {
        name_key(name): (ident, name, consensus)
        for ident, name, consensus in session.execute(select(Coder.id, Coder.name, Coder.consensus))
    }
    for coder in other.coders:
        key = name_key(coder.name)
        if key in here:
            ident, name, consensus = here[key]
            if consensus != coder.consensus:
                sides = ("the consensus coder", "an ordinary coder")
                mine, theirs = sides if consensus else sides[::-1]
                add_conflict(plan, "coders", f"coder '{name}': {mine} here, {theirs} there")
                continue
            plan.coders[coder.id] = ident
            counts.unchanged += 1
            continue
        name = _cleaned(other, coder.name, "coder")
        ident = next(stand_in)
        here[key] = (ident, name, coder.consensus)
        plan.coders[coder.id] = ident
        plan.new_coders[ident] = (name, coder)
        plan.report.new_coders.append(name)
        counts.added += 1


def _flat(text: str) -> str:
    return " ".join(text.split())


def _plan_labels(
    session: Session, other: OtherProject, plan: Plan, stand_in: Iterator[int]
) -> None:
    counts = plan.report.counts["labels"]
    here: dict[str, tuple[int, str, str, str, str | None, bool]] = {}
    shortcuts: dict[str, str] = {}
    for ident, name, definition, color, shortcut, archived in session.execute(
        select(Label.id, Label.name, Label.definition, Label.color, Label.shortcut, Label.archived)
    ):
        here[name_key(name)] = (ident, name, definition, color, shortcut, archived)
        if shortcut:
            shortcuts[shortcut] = name
    last = session.scalar(select(func.max(Label.position)))
    position = last if last is not None else -1
    kept: list[str] = []
    for label in other.labels:
        key = name_key(label.name)
        if key not in here:
            name = _cleaned(other, label.name, "label")
            shortcut = label.shortcut
            if shortcut and shortcut in shortcuts:
                plan.report.notes.append(
                    f"label '{name}': its shortcut {shortcut} there is taken here by "
                    f"'{shortcuts[shortcut]}'; added without a shortcut"
                )
                shortcut = None
            if shortcut:
                shortcuts[shortcut] = name
            ident = next(stand_in)
            position += 1
            here[key] = (ident, name, label.definition, label.color, shortcut, label.archived)
            plan.labels[label.id] = ident
            plan.new_labels[ident] = (name, label, shortcut, position)
            plan.report.new_labels.append(name)
            counts.added += 1
            continue
        ident, name, definition, color, shortcut, archived = here[key]
        mine, theirs = _flat(definition), _flat(label.definition)
        if mine and theirs and mine != theirs:
            add_conflict(
                plan,
                "labels",
                f"label '{name}': another definition there ({shown(label.definition)}; "
                f"here {shown(definition)})",
            )
            continue
        plan.labels[label.id] = ident
        if not mine and theirs and ident > 0 and ident not in plan.definitions:
            plan.definitions[ident] = label.definition
            here[key] = (ident, name, label.definition, color, shortcut, archived)
            counts.replaced += 1
            plan.report.notes.append(f"label '{name}': its empty definition takes the one there")
        else:
            counts.unchanged += 1
        differences = [
            what
            for what, mine_, theirs_ in (
                ("colour", color.lower(), label.color.lower()),
                ("shortcut", shortcut or "", label.shortcut or ""),
                ("archived", archived, label.archived),
            )
            if mine_ != theirs_
        ]
        if differences and ident > 0:
            kept.append(f"'{name}' ({', '.join(differences)})")
    if kept:
        plan.report.notes.append(
            f"label {', '.join(kept)}: different there; this project's kept"
            if len(kept) == 1
            else f"labels {', '.join(kept)}: different there; this project's kept"
        )


def _options(other: OtherProject, question: str, stored: str) -> list[object]:
    try:
        options = json.loads(stored)
    except ValueError:
        options = None
    if not isinstance(options, list):
        raise FramingError(
            f"{other.path}: question '{question}' has options that are not a JSON list "
            f"({excerpt(stored, 40)!r}); the file is damaged"
        )
    return options


def _same_options(level: str, mine: list[object], theirs: list[object]) -> bool:
    """Ordinal options are a scale: their order counts; other levels' options are a set."""
    if level == "ordinal":
        return mine == theirs
    return sorted(map(json.dumps, mine)) == sorted(map(json.dumps, theirs))


def _plan_questions(
    session: Session, other: OtherProject, plan: Plan, stand_in: Iterator[int]
) -> None:
    counts = plan.report.counts["questions"]
    here: dict[str, tuple[int, str, str, list[object], str]] = {}
    for ident, name, level, stored, definition in session.execute(
        select(Question.id, Question.name, Question.level, Question.options, Question.definition)
    ):
        try:
            parsed = json.loads(stored)
        except ValueError:
            parsed = None
        # Options here that are no JSON list (written by hand) match nothing.
        mine = parsed if isinstance(parsed, list) else [stored]
        here[name_key(name)] = (ident, name, level, mine, definition)
    last = session.scalar(select(func.max(Question.position)))
    position = last if last is not None else -1
    for question in other.questions:
        key = name_key(question.name)
        options = _options(other, question.name, question.options)
        if key not in here:
            name = _cleaned(other, question.name, "question")
            ident = next(stand_in)
            position += 1
            here[key] = (ident, name, question.level, options, question.definition)
            plan.questions[question.id] = ident
            plan.new_questions[ident] = (name, question, position)
            plan.report.new_questions.append(name)
            counts.added += 1
            continue
        ident, name, level, mine, definition = here[key]
        if level != question.level:
            add_conflict(
                plan, "questions", f"question '{name}': {level} here, {question.level} there"
            )
            continue
        if not _same_options(level, mine, options):
            add_conflict(
                plan,
                "questions",
                f"question '{name}': options {json.dumps(mine, ensure_ascii=False)} here, "
                f"{json.dumps(options, ensure_ascii=False)} there",
            )
            continue
        if ident > 0 and _flat(definition) != _flat(question.definition):
            plan.report.notes.append(
                f"question '{name}': another definition there; this project's kept"
            )
        plan.questions[question.id] = ident
        counts.unchanged += 1


def _plan_articles(
    session: Session, other: OtherProject, plan: Plan, stand_in: Iterator[int]
) -> None:
    counts = plan.report.counts["articles"]
    by_sha: dict[str, tuple[int, str]] = {
        sha: (ident, external)
        for ident, sha, external in session.execute(
            select(Article.id, Article.sha256, Article.external_id)
        )
    }
    by_external = {external: sha for sha, (_, external) in by_sha.items()}
    renamed: list[tuple[str, str]] = []
    for article in other.articles:
        if article.sha256 in by_sha:
            ident, external = by_sha[article.sha256]
            plan.articles[article.id] = ident
            counts.unchanged += 1
            if external != article.external_id and ident > 0:
                renamed.append((article.external_id, external))
            continue
        if article.external_id in by_external:
            add_conflict(
                plan,
                "articles",
                f"article '{article.external_id}': another text here has this id "
                f"(SHA-256 {by_external[article.external_id][:12]}… here, "
                f"{article.sha256[:12]}… there)",
            )
            continue
        ident = next(stand_in)
        by_sha[article.sha256] = (ident, article.external_id)
        by_external[article.external_id] = article.sha256
        plan.articles[article.id] = ident
        plan.new_articles[ident] = article
        counts.added += 1
    if renamed:
        there, here = renamed[0]
        more = f" (and {len(renamed) - 1} more)" if len(renamed) > 1 else ""
        plan.report.notes.append(
            f"article '{there}' there is '{here}' here{more}: matched by their text"
        )
