"""Merging another coder's annotation CSV into the project: all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.default_codebook import SPARE_LABEL_COLORS
from framing_app.core.errors import InputFileError
from framing_app.core.gc_pause import gc_paused
from framing_app.core.names import name_key
from framing_app.core.records import AnnotationRow
from framing_app.core.text import NUL_REFUSED, excerpt, holds_nul
from framing_app.formats.annotation_csv import (
    Flavour,
    FlavourUnclearError,
    read_numbered_annotation_csv,
)
from framing_app.services.annotation_replace import Incoming, MergePlan, Stored, plan_merge
from framing_app.services.annotation_writes import write_plan
from framing_app.services.coding_status import advance_to_in_progress
from framing_app.services.lookup import ensure_coder, names_to_ids, near_miss
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Article, Coder, Label

__all__ = [
    "AnnotationImportReport",
    "CoderChanges",
    "Flavour",
    "FlavourUnclearError",
    "import_annotations",
    "preview_import",
]

_CHUNK = 500


@dataclass
class CoderChanges:
    """What an import does to one coder's annotations."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class AnnotationImportReport:
    """What an import did (or, from :func:`preview_import`, would do).

    *duplicates* counts the file's rows the project holds already (and rows
    repeated in the file); *coders* holds the counts per coder, by name;
    *notes* are one-line warnings about rows that are probably not meant
    (another label beside the coder's old one on the same span, a label new
    to the codebook).
    """

    rows: int = 0
    added: int = 0
    duplicates: int = 0
    changed: int = 0
    removed: int = 0
    replace: bool = False
    new_coders: list[str] = field(default_factory=list)
    new_labels: list[str] = field(default_factory=list)
    coders: dict[str, CoderChanges] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        """Any article may have changed: views re-read what they show."""
        if not (self.added or self.changed or self.removed or self.new_coders):
            return Changes()
        return Changes.all()


@dataclass(frozen=True)
class _ArticleRef:
    id: int
    external_id: str
    sha256: str
    char_count: int


@dataclass
class _Names:
    """The file's coder and label names as ids; a name new to the project has a stand-in id < 0."""

    coders: dict[str, int]
    labels: dict[str, int]
    shown: dict[int, str]  # coder id (or stand-in) to the name shown in reports
    label_names: dict[int, str]
    new_coders: dict[int, str]  # stand-in id to the name to create
    new_labels: dict[int, str]


@dataclass
class _Planned:
    report: AnnotationImportReport
    plan: MergePlan
    names: _Names


@gc_paused()
def import_annotations(
    project: Project,
    path: Path,
    *,
    flavour: Flavour | None = None,
    replace: bool = False,
    new_labels: bool = True,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> AnnotationImportReport:
    """Merge the annotations in the CSV file *path* (the export format) into the project.

    Articles are matched by external id, else by SHA-256 of the text; coders
    and labels by name, created when new. Every row is checked before
    anything is written: an unknown article, a text that differs from the
    project's (SHA-256 mismatch), offsets outside the text, or a ``text``
    cell unequal to the article's text at those offsets rejects the whole
    file with the row number, and nothing is imported. So does a label the
    codebook lacks when *new_labels* is False (the message suggests the
    closest label).

    By default rows are added: an annotation the project already has (same
    article, coder, label and span) is skipped, so importing a file twice adds
    nothing. With *replace*, each coder's annotations on the articles the file
    covers become exactly the file's rows (see
    :mod:`framing_app.services.annotation_replace`): unchanged annotations keep
    their ids, relabelled ones are updated in place, missing ones removed.
    Annotations of other coders, and on articles no row names, are untouched.
    The report gives the counts per coder, and notes on rows that look
    unintended. One transaction: all or nothing.

    *flavour* says whether the file is the Excel flavour; without it the file's
    own marker decides, and a file in doubt raises
    :class:`~framing_app.formats.annotation_csv.FlavourUnclearError`.
    """
    numbered = read_numbered_annotation_csv(path, flavour)
    with project.db.write() as session:
        planned = _plan(session, path, numbered, replace=replace, new_labels=new_labels)
        check_cancel(should_cancel, "import")
        _apply(session, planned, progress, should_cancel)
    return planned.report


def preview_import(
    project: Project,
    path: Path,
    *,
    replace: bool = False,
    flavour: Flavour | None = None,
    new_labels: bool = True,
) -> AnnotationImportReport:
    """The report :func:`import_annotations` with the same options would give, writing nothing.

    Raises the same errors for the same file, so a preview that succeeds is
    an import that succeeds, unless the project changes in between.
    """
    numbered = read_numbered_annotation_csv(path, flavour)
    with project.db.read() as session:
        return _plan(session, path, numbered, replace=replace, new_labels=new_labels).report


def _plan(
    session: Session,
    path: Path,
    numbered: list[tuple[int, AnnotationRow]],
    *,
    replace: bool,
    new_labels: bool,
) -> _Planned:
    nul = next((number for number, row in numbered if holds_nul(row.memo)), None)
    if nul is not None:
        raise InputFileError(path, f"memo {NUL_REFUSED}", row=nul)
    articles = _match_articles(session, path, numbered)
    _check_passages(session, path, numbered, articles)
    names = _resolve_names(session, path, numbered, new_labels)
    report = AnnotationImportReport(
        rows=len(numbered),
        replace=replace,
        new_coders=sorted(names.new_coders.values()),
        new_labels=sorted(names.new_labels.values()),
    )
    incoming = [
        Incoming(
            number,
            article.id,
            names.coders[row.coder],
            names.labels[row.label],
            row.start,
            row.end,
            row.memo,
            row.created_at,
            row.updated_at,
        )
        for (number, row), article in zip(numbered, articles, strict=True)
    ]
    known = {ident for ident in names.coders.values() if ident > 0}
    stored: list[Stored] = []
    for chunk in _chunks(sorted(known)):
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
    plan = plan_merge(stored, incoming, replace=replace)
    _count(report, plan, names)
    external = {article.id: article.external_id for article in articles}
    for row, old in plan.overlaps:
        report.notes.append(
            f"row {row.row}: {names.shown[row.coder_id]} already tagged {row.start}-{row.end} "
            f"in article '{external[row.article_id]}' as '{names.label_names[old.label_id]}'; "
            f"this adds '{names.label_names[row.label_id]}' beside it "
            "(replacing the coder's annotations would relabel it instead)"
        )
    # Every new label is in report.new_labels; one close to a label of the
    # codebook is probably a typo, so it gets a note with the row to fix.
    first_row = (
        {names.labels[row.label]: number for number, row in reversed(numbered)}
        if names.new_labels
        else {}
    )
    for ident, name in sorted(names.new_labels.items(), key=lambda item: item[1]):
        near = near_miss(session, Label, name)
        if near:
            report.notes.append(
                f"row {first_row[ident]}: label '{name}' is new to the codebook{near}"
            )
    return _Planned(report, plan, names)


def _count(report: AnnotationImportReport, plan: MergePlan, names: _Names) -> None:
    per_coder: dict[int, CoderChanges] = {ident: CoderChanges() for ident in names.shown}
    for row in plan.inserts:
        per_coder[row.coder_id].added += 1
    for _, row in plan.updates:
        per_coder[row.coder_id].changed += 1
    for annotation in plan.deletes:
        per_coder[annotation.coder_id].removed += 1
    for row in plan.unchanged:
        per_coder[row.coder_id].unchanged += 1
    report.coders = {
        names.shown[ident]: counts
        for ident, counts in sorted(per_coder.items(), key=lambda item: names.shown[item[0]])
    }
    report.added = len(plan.inserts)
    report.changed = len(plan.updates)
    report.removed = len(plan.deletes)
    report.duplicates = len(plan.unchanged) + len(plan.repeated)


def _apply(
    session: Session,
    planned: _Planned,
    progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
) -> None:
    names, plan = planned.names, planned.plan
    real: dict[int, int] = {}
    for ident, name in sorted(names.new_coders.items(), key=lambda item: item[1]):
        real[ident] = ensure_coder(session, name).id
    for ident, name in sorted(names.new_labels.items(), key=lambda item: item[1]):
        real[ident] = _new_label(session, name)

    def _id(ident: int) -> int:
        return real.get(ident, ident)

    write_plan(
        session,
        plan,
        real,
        job="import",
        stage="saving",
        progress=progress,
        should_cancel=should_cancel,
    )
    touched = [*plan.inserts, *(row for _, row in plan.updates)]
    pairs = {(row.coder_id, row.article_id) for row in touched}
    if real:
        pairs = {(_id(coder), article) for coder, article in pairs}
    advance_to_in_progress(session, pairs)


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[begin : begin + _CHUNK] for begin in range(0, len(values), _CHUNK)]


def _match_articles(
    session: Session, path: Path, rows: list[tuple[int, AnnotationRow]]
) -> list[_ArticleRef]:
    by_external: dict[str, _ArticleRef] = {}
    by_sha: dict[str, _ArticleRef] = {}
    for values in session.execute(
        select(Article.id, Article.external_id, Article.sha256, Article.char_count)
    ).all():
        ref = _ArticleRef(*values)
        by_external[ref.external_id] = ref
        by_sha[ref.sha256] = ref
    matched = []
    for number, row in rows:
        article = by_external.get(row.article_external_id) or by_sha.get(row.article_sha256)
        if article is None:
            raise InputFileError(
                path,
                f"unknown article '{row.article_external_id}' "
                "(no article in this project has that id or that text)",
                row=number,
            )
        if row.article_sha256 and row.article_sha256 != article.sha256:
            raise InputFileError(
                path,
                f"article '{row.article_external_id}' has a different text in this project "
                "(SHA-256 differs): the annotations were made on another version of it",
                row=number,
            )
        if row.end > article.char_count:
            raise InputFileError(
                path,
                f"span {row.start}-{row.end} runs past the end of article "
                f"'{article.external_id}' ({article.char_count} characters)",
                row=number,
            )
        matched.append(article)
    return matched


def _check_passages(
    session: Session, path: Path, rows: list[tuple[int, AnnotationRow]], articles: list[_ArticleRef]
) -> None:
    wanted = sorted({a.id for a in articles})
    texts: dict[int, str] = {}
    for begin in range(0, len(wanted), 500):
        chunk = wanted[begin : begin + 500]
        texts.update(
            session.execute(select(Article.id, Article.text).where(Article.id.in_(chunk))).all()
        )
    for (number, row), article in zip(rows, articles, strict=True):
        actual = texts[article.id][row.start : row.end]
        if actual != row.text:
            raise InputFileError(
                path,
                f"text does not match article '{article.external_id}' at {row.start}-{row.end}: "
                f"the file has {_excerpt(row.text)}, the article has {_excerpt(actual)}",
                row=number,
            )


def _excerpt(text: str) -> str:
    return repr(excerpt(text, 40))


def _new_label(session: Session, name: str) -> int:
    count = session.scalar(select(func.count()).select_from(Label)) or 0
    last = session.scalar(select(func.max(Label.position)))
    label = Label(
        name=name,
        definition="",
        color=SPARE_LABEL_COLORS[count % len(SPARE_LABEL_COLORS)],
        shortcut=None,
        position=(last if last is not None else -1) + 1,
        archived=False,
    )
    session.add(label)
    session.flush()
    return label.id


def _resolve_names(
    session: Session, path: Path, numbered: list[tuple[int, AnnotationRow]], new_labels: bool
) -> _Names:
    """The file's names (cleaned by the reader) as ids; new ones get stand-ins, nothing is made.

    Names match case-insensitively (:func:`framing_app.core.names.name_key`), so
    a file's "Sovereignty" is the project's "sovereignty", and two spellings in
    one file make one new label. Without *new_labels*, a label the codebook
    lacks rejects the file at its first row.
    """
    names = _Names({}, {}, {}, {}, {}, {})
    coder_keys = names_to_ids(session, Coder)
    label_keys = names_to_ids(session, Label)
    names.shown.update((i, n) for i, n in session.execute(select(Coder.id, Coder.name)))
    names.label_names.update((i, n) for i, n in session.execute(select(Label.id, Label.name)))
    stand_in = 0
    for number, row in numbered:
        for name, keys, known, made, shown in (
            (row.coder, coder_keys, names.coders, names.new_coders, names.shown),
            (row.label, label_keys, names.labels, names.new_labels, names.label_names),
        ):
            if name in known:
                continue
            key = name_key(name)
            if key not in keys:
                if made is names.new_labels and not new_labels:
                    raise InputFileError(
                        path,
                        f"label '{name}' is not in the codebook, and new labels are refused"
                        f"{near_miss(session, Label, name)}",
                        row=number,
                    )
                stand_in -= 1
                keys[key] = stand_in
                made[stand_in] = name
                shown[stand_in] = name
            known[name] = keys[key]
    used = set(names.coders.values())
    names.shown = {ident: name for ident, name in names.shown.items() if ident in used}
    return names
