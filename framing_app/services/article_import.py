"""Importing articles from files and folders: all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select

from framing_app.core.errors import InputFileError
from framing_app.core.records import ArticleDraft
from framing_app.core.text import text_sha256
from framing_app.formats.article_files import find_article_files, read_article_file
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.store.models import Article, utc_now

# Rows per INSERT batch: progress and cancellation are checked between batches.
_BATCH = 1000
# Suffixes whose files hold many articles, each with an id of its own.
_TABLE_SUFFIXES = {".csv", ".tsv"}


@dataclass(frozen=True)
class ImportedArticle:
    id: int
    external_id: str
    title: str


@dataclass(frozen=True)
class DuplicateArticle:
    origin: str  # the file (and row) that was skipped
    existing_external_id: str  # the article that already holds this text


@dataclass
class ArticleImportReport:
    files: int = 0
    added: list[ImportedArticle] = field(default_factory=list)
    duplicates: list[DuplicateArticle] = field(default_factory=list)


def import_articles(
    project: Project,
    paths: Sequence[Path],
    *,
    encoding: str | None = None,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> ArticleImportReport:
    """Import every article in *paths* (files, or folders searched recursively).

    All or nothing: every file is read and checked before anything is
    written, and everything is written in one transaction, so a file that
    cannot be read (an :class:`InputFileError` naming it) or a cancellation
    leaves the project exactly as it was. A text already in the project (same
    SHA-256 of the normalised text), or twice in this import, is skipped and
    reported as a duplicate.
    """
    files = find_article_files(paths)
    roots = [Path(p) for p in paths]
    report_ = ArticleImportReport(files=len(files))
    drafts: list[tuple[Path, ArticleDraft]] = []
    for done, file in enumerate(files, start=1):
        check_cancel(should_cancel, "import")
        drafts.extend((file, draft) for draft in read_article_file(file, encoding))
        report(progress, done, len(files), "reading")

    with project.db.write() as session:
        known_hashes = dict(session.execute(select(Article.sha256, Article.external_id)).all())
        taken_ids = set(session.scalars(select(Article.external_id)))
        now = utc_now()
        rows: list[dict[str, object]] = []
        for file, draft in drafts:
            sha = text_sha256(draft.text)
            if sha in known_hashes:
                report_.duplicates.append(DuplicateArticle(draft.origin, known_hashes[sha]))
                continue
            external_id = _free_external_id(file, draft, roots, taken_ids)
            known_hashes[sha] = external_id
            taken_ids.add(external_id)
            rows.append(
                {
                    "external_id": external_id,
                    "title": draft.title.strip() or external_id,
                    "source": draft.source,
                    "published": draft.published,
                    "url": draft.url,
                    "text": draft.text,
                    "sha256": sha,
                    "char_count": len(draft.text),
                    "origin": draft.origin,
                    "imported_at": now,
                }
            )
        for begin in range(0, len(rows), _BATCH):
            check_cancel(should_cancel, "import")
            batch = rows[begin : begin + _BATCH]
            ids = session.scalars(
                insert(Article).returning(Article.id, sort_by_parameter_order=True), batch
            )
            report_.added.extend(
                ImportedArticle(id_, str(row["external_id"]), str(row["title"]))
                for id_, row in zip(ids, batch, strict=True)
            )
            report(progress, begin + len(batch), len(rows), "saving")
    return report_


def _free_external_id(
    file: Path, draft: ArticleDraft, roots: Sequence[Path], taken: set[str]
) -> str:
    """The draft's external id, or for a file whose stem is taken, its path below the import root.

    Two files called ``article1.txt`` in different folders are different
    articles; a table row's own id, though, is the researcher's and is never
    rewritten.
    """
    if draft.external_id not in taken:
        return draft.external_id
    if file.suffix.lower() not in _TABLE_SUFFIXES:
        for root in roots:
            if root.is_dir() and file.is_relative_to(root):
                candidate = file.relative_to(root).with_suffix("").as_posix()
                if candidate not in taken:
                    return candidate
    raise InputFileError(
        draft.origin or file,
        f"article id '{draft.external_id}' is already used by another article "
        "with a different text",
    )
