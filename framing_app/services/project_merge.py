"""Merging another coder's project into this one: ``framing-app merge``, File > Merge project….

Coders work on separate machines, each in a project of their own; the lead
brings their work together. A merge brings the other project's coders,
codebook (labels and questions), articles, annotations, answers, coding
statuses and assignments into this project, matching articles by the
SHA-256 of their text, in one transaction: all of it, or (on a conflict, an
error, a full disk, a cancel) nothing. Running it twice adds nothing. How
rows are matched, what is a conflict and what ``replace`` means is
:mod:`framing_app.services.merge_plan`'s docstring; how the other file is
read without changing it, :mod:`framing_app.services.other_project`'s.

Articles the other project has and this one lacks are brought in with
their text and metadata (coders who imported different batches is the
usual case): the merged project is then complete, and the work on them is
not lost. Their ``origin`` is the other project's, naming the file they were
first imported from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import bindparam, delete, exc, select, update
from sqlalchemy.orm import Session

from framing_app.core.errors import ConflictError, FramingError
from framing_app.core.gc_pause import gc_paused
from framing_app.core.text import text_sha256
from framing_app.core.timestamps import iso_utc
from framing_app.services.annotation_writes import write_plan
from framing_app.services.merge_decisions import apply_decisions
from framing_app.services.merge_plan import KINDS, KindCounts, MergeReport, Plan, plan_entities
from framing_app.services.merge_rows import plan_rows
from framing_app.services.other_project import (
    OtherProject,
    check_other_project,
    read_other_project,
)
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.store.bulk import insert_rows
from framing_app.store.models import (
    Answer,
    Article,
    Assignment,
    Coder,
    CodingStatusRow,
    Label,
    Question,
    table_of,
    utc_now,
)

__all__ = [
    "KINDS",
    "KindCounts",
    "MergeConflictError",
    "MergeReport",
    "check_other_project",
    "merge_project",
    "preview_both",
    "preview_merge",
]

_CHUNK = 500


class MergeConflictError(ConflictError):
    """The merge was refused: *report* lists the conflicts, one line each."""

    def __init__(self, report: MergeReport) -> None:
        self.report = report
        n = len(report.conflicts)
        super().__init__(
            f"{report.other}: {n} conflict{'' if n == 1 else 's'} with this project; "
            "nothing was merged"
        )


@gc_paused()
def merge_project(
    project: Project,
    other: Path,
    *,
    replace: bool = False,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> MergeReport:
    """Merge the project file *other* into *project*; the report of what was done.

    Refused with a one-line :class:`FramingError` naming *other*, and
    nothing changed, when *other* is missing, a folder, not a framing-app
    project (a CSV, any other SQLite file), written by a newer framing-app,
    or *project*'s own file by any path; when it cannot be read, or a row of
    it breaks a rule of this project (a damaged file); on a storage failure
    (a full disk: :class:`~framing_app.core.errors.StorageError`) and on
    cancel (:class:`~framing_app.core.errors.Cancelled`). Conflicts raise
    :class:`MergeConflictError`, whose report lists them.

    *other* is opened read-only and never written (see
    :mod:`framing_app.services.other_project`). With *dry_run* nothing is
    written here either, and the report (conflicts included, not raised)
    says what the merge would do. *replace* is defined in
    :mod:`framing_app.services.merge_plan`.
    """
    other = Path(other)
    try:
        with read_other_project(other, project.path) as source:
            report(progress, 0, 0, "reading")
            check_cancel(should_cancel, "merge")
            if dry_run:
                with project.db.read() as session:
                    plan = _plan(session, source, replace=replace)
                source.check_unchanged()
                plan.report.dry_run = True
                return plan.report
            with project.db.write() as session:
                plan = _plan(session, source, replace=replace)
                if plan.report.conflicts:
                    raise MergeConflictError(plan.report)
                check_cancel(should_cancel, "merge")
                _apply(session, plan, source, progress, should_cancel)
                source.check_unchanged()
    except exc.IntegrityError as error:
        reason = str(error.orig).splitlines()[0] if error.orig is not None else str(error)
        raise FramingError(
            f"{other}: a row of it breaks a rule of this project ({reason}); nothing was changed"
        ) from None
    return plan.report


def preview_merge(project: Project, other: Path, *, replace: bool = False) -> MergeReport:
    """What :func:`merge_project` would do; writes nothing, conflicts are in the report."""
    return merge_project(project, other, replace=replace, dry_run=True)


def _plan(session: Session, source: OtherProject, *, replace: bool) -> Plan:
    plan = plan_entities(session, source, replace=replace)
    plan_rows(session, source, plan)
    return plan


def preview_both(project: Project, other: Path) -> tuple[MergeReport, MergeReport]:
    """What merging *other* would do adding and replacing, from one read; writes nothing."""
    with read_other_project(Path(other), project.path) as source:
        with project.db.read() as session:
            reports = tuple(
                _plan(session, source, replace=replace).report for replace in (False, True)
            )
        source.check_unchanged()
    for preview in reports:
        preview.dry_run = True
    return reports[0], reports[1]


def _apply(
    session: Session,
    plan: Plan,
    source: OtherProject,
    progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
) -> None:
    real: dict[int, int] = {}
    for ident, (name, coder) in plan.new_coders.items():
        row = Coder(name=name, consensus=coder.consensus, created_at=coder.created_at)
        session.add(row)
        session.flush()
        real[ident] = row.id
    for ident, definition in plan.definitions.items():
        session.execute(update(Label).where(Label.id == ident).values(definition=definition))
    for ident, (name, label, shortcut, position) in plan.new_labels.items():
        made = Label(
            name=name,
            definition=label.definition,
            color=label.color,
            shortcut=shortcut,
            position=position,
            archived=label.archived,
            created_at=label.created_at,
        )
        session.add(made)
        session.flush()
        real[ident] = made.id
    for ident, (name, question, position) in plan.new_questions.items():
        asked = Question(
            name=name,
            level=question.level,
            options=question.options,
            definition=question.definition,
            position=position,
            archived=question.archived,
            created_at=question.created_at,
        )
        session.add(asked)
        session.flush()
        real[ident] = asked.id
    real.update(_add_articles(session, plan, source, progress, should_cancel))

    def _id(ident: int) -> int:
        return real.get(ident, ident)

    write_plan(
        session,
        plan.annotations,
        real,
        job="merge",
        stage="annotations",
        progress=progress,
        should_cancel=should_cancel,
    )
    _apply_answers(session, plan, _id)
    _apply_statuses(session, plan, _id)
    _apply_assignments(session, plan, _id)
    apply_decisions(session, plan, _id)


def _add_articles(
    session: Session,
    plan: Plan,
    source: OtherProject,
    progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
) -> dict[int, int]:
    """Insert the articles new here, texts read from *source* in chunks; stand-in -> new id."""
    columns = (
        "external_id",
        "title",
        "source",
        "published",
        "url",
        "text",
        "sha256",
        "char_count",
        "origin",
        "imported_at",
    )
    now = iso_utc(utc_now())
    table = table_of(Article)
    pending = list(plan.new_articles.items())
    for begin in range(0, len(pending), _CHUNK):
        check_cancel(should_cancel, "merge")
        chunk = pending[begin : begin + _CHUNK]
        texts = source.texts(article.id for _, article in chunk)
        rows = []
        for _, article in chunk:
            text = texts.get(article.id)
            if text is None:
                raise FramingError(
                    f"{source.path}: article '{article.external_id}' went while the file was "
                    "being read (is it open in framing-app elsewhere?); nothing was changed"
                )
            if text_sha256(text) != article.sha256 or len(text) != article.char_count:
                raise FramingError(
                    f"{source.path}: the text of article '{article.external_id}' does not "
                    "match its SHA-256; the file is damaged; nothing was changed"
                )
            rows.append(
                (
                    article.external_id,
                    article.title,
                    article.source,
                    article.published,
                    article.url,
                    text,
                    article.sha256,
                    article.char_count,
                    article.origin,
                    now,
                )
            )
        insert_rows(session, table, columns, rows)
        report(progress, begin + len(chunk), len(pending), "articles")
    made: dict[int, int] = {}
    by_sha = {article.sha256: ident for ident, article in pending}
    for begin in range(0, len(pending), _CHUNK):
        shas = [article.sha256 for _, article in pending[begin : begin + _CHUNK]]
        for sha, ident in session.execute(
            select(Article.sha256, Article.id).where(Article.sha256.in_(shas))
        ):
            made[by_sha[sha]] = ident
    return made


def _apply_answers(session: Session, plan: Plan, _id: Callable[[int], int]) -> None:
    for begin in range(0, len(plan.answer_deletes), _CHUNK):
        chunk = plan.answer_deletes[begin : begin + _CHUNK]
        session.execute(delete(Answer).where(Answer.id.in_(chunk)))
    if plan.answer_updates:
        session.execute(
            update(Answer),
            [
                {"id": ident, "value": value, "updated_at": updated}
                for ident, value, updated in plan.answer_updates
            ],
        )
    insert_rows(
        session,
        table_of(Answer),
        ("article_id", "coder_id", "question_id", "value", "created_at", "updated_at"),
        [
            (_id(article), _id(coder), _id(question), value, iso_utc(created), iso_utc(updated))
            for article, coder, question, value, created, updated in plan.answer_inserts
        ],
    )


def _apply_statuses(session: Session, plan: Plan, _id: Callable[[int], int]) -> None:
    table = table_of(CodingStatusRow)
    pair = (table.c.coder_id == bindparam("c"), table.c.article_id == bindparam("a"))
    if plan.status_deletes:
        session.execute(
            delete(table).where(*pair),
            [{"c": coder, "a": article} for coder, article in plan.status_deletes],
        )
    if plan.status_updates:
        session.execute(
            update(table).where(*pair).values(status=bindparam("s"), updated_at=bindparam("u")),
            [
                {"c": coder, "a": article, "s": status, "u": updated}
                for coder, article, status, updated in plan.status_updates
            ],
        )
    insert_rows(
        session,
        table,
        ("coder_id", "article_id", "status", "updated_at"),
        [
            (_id(coder), _id(article), status, iso_utc(updated))
            for coder, article, status, updated in plan.status_inserts
        ],
    )


def _apply_assignments(session: Session, plan: Plan, _id: Callable[[int], int]) -> None:
    table = table_of(Assignment)
    if plan.assignment_samples:
        session.execute(
            update(table)
            .where(table.c.article_id == bindparam("a"), table.c.coder_id == bindparam("c"))
            .values(in_sample=True),
            [{"a": article, "c": coder} for article, coder in plan.assignment_samples],
        )
    insert_rows(
        session,
        table,
        ("article_id", "coder_id", "in_sample", "assigned_at"),
        [
            (_id(article), _id(coder), sample, iso_utc(assigned))
            for article, coder, sample, assigned in plan.assignment_inserts
        ],
    )
