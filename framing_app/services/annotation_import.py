"""Merging another coder's annotation CSV into the project: all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from framing_app.core.default_codebook import SPARE_LABEL_COLORS
from framing_app.core.errors import InputFileError
from framing_app.core.gc_pause import gc_paused
from framing_app.core.names import name_key
from framing_app.core.records import AnnotationRow
from framing_app.core.text import excerpt
from framing_app.core.timestamps import iso_utc
from framing_app.formats.annotation_csv import (
    Flavour,
    FlavourUnclearError,
    read_numbered_annotation_csv,
)
from framing_app.services.coding_status import advance_to_in_progress
from framing_app.services.lookup import ensure_coder, names_to_ids
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.store.bulk import insert_rows
from framing_app.store.models import Annotation, Article, Coder, Label, table_of

__all__ = ["AnnotationImportReport", "Flavour", "FlavourUnclearError", "import_annotations"]

_BATCH = 2000


@dataclass
class AnnotationImportReport:
    rows: int = 0
    added: int = 0
    duplicates: int = 0
    new_coders: list[str] = field(default_factory=list)
    new_labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _ArticleRef:
    id: int
    external_id: str
    sha256: str
    char_count: int


@gc_paused()
def import_annotations(
    project: Project,
    path: Path,
    *,
    flavour: Flavour | None = None,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> AnnotationImportReport:
    """Add the annotations in the CSV file *path* (the export format) to the project.

    Articles are matched by external id, else by SHA-256 of the text; coders
    and labels by name, created when new. Every row is checked before
    anything is written: an unknown article, a text that differs from the
    project's (SHA-256 mismatch), offsets outside the text, or a ``text``
    cell unequal to the article's text at those offsets rejects the whole
    file with the row number, and nothing is imported. An annotation the
    project already has (same article, coder, label and span) is skipped, so
    importing a file twice adds nothing.

    *flavour* says whether the file is the Excel flavour; without it the file's
    own marker decides, and a file in doubt raises
    :class:`~framing_app.formats.annotation_csv.FlavourUnclearError`.
    """
    numbered = read_numbered_annotation_csv(path, flavour)
    rows = [row for _, row in numbered]
    result = AnnotationImportReport(rows=len(rows))
    with project.db.write() as session:
        articles = _match_articles(session, path, numbered)
        _check_passages(session, path, numbered, articles)
        check_cancel(should_cancel, "import")

        coder_ids = _names_to_ids(
            session, Coder, {r.coder for r in rows}, result.new_coders, _new_coder
        )
        label_ids = _names_to_ids(
            session, Label, {r.label for r in rows}, result.new_labels, _new_label
        )
        seen: set[tuple[int, int, int, int, int]] = set(
            session.execute(
                select(
                    Annotation.article_id,
                    Annotation.coder_id,
                    Annotation.label_id,
                    Annotation.start,
                    Annotation.end,
                ).where(Annotation.coder_id.in_(set(coder_ids.values())))
            ).all()
        )
        columns = (
            "article_id",
            "coder_id",
            "label_id",
            "start_offset",
            "end_offset",
            "memo",
            "created_at",
            "updated_at",
        )
        pending: list[tuple[object, ...]] = []
        pairs: set[tuple[int, int]] = set()
        for row, article in zip(rows, articles, strict=True):
            key = (article.id, coder_ids[row.coder], label_ids[row.label], row.start, row.end)
            if key in seen:
                result.duplicates += 1
                continue
            seen.add(key)
            pairs.add((key[1], article.id))
            pending.append((*key, row.memo, iso_utc(row.created_at), iso_utc(row.updated_at)))
        table = table_of(Annotation)
        for begin in range(0, len(pending), _BATCH):
            check_cancel(should_cancel, "import")
            insert_rows(session, table, columns, pending[begin : begin + _BATCH])
            report(progress, min(begin + _BATCH, len(pending)), len(pending), "saving")
        advance_to_in_progress(session, pairs)
        result.added = len(pending)
    return result


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


def _new_coder(session: Session, name: str) -> int:
    return ensure_coder(session, name).id


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


def _names_to_ids(
    session: Session,
    model: type[Coder] | type[Label],
    names: set[str],
    created: list[str],
    create: Callable[[Session, str], int],
) -> dict[str, int]:
    """Each of *names* (cleaned by the reader) to the id of its row, created when new.

    Names match case-insensitively (:func:`framing_app.core.names.name_key`), so
    a file's "Sovereignty" is the project's "sovereignty", and two spellings in
    one file make one new label.
    """
    by_key = names_to_ids(session, model)
    known: dict[str, int] = {}
    for name in sorted(names):
        key = name_key(name)
        if key not in by_key:
            by_key[key] = create(session, name)
            created.append(name)
        known[name] = by_key[key]
    return known
