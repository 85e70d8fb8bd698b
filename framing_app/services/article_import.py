"""Importing articles from files and folders: all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from framing_app.core.changes import Changes
from framing_app.core.errors import InputFileError
from framing_app.core.gc_pause import gc_paused
from framing_app.core.records import ArticleDraft
from framing_app.core.text import text_sha256
from framing_app.core.timestamps import iso_utc
from framing_app.formats.article_files import find_article_files, read_article_file
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.store.bulk import insert_rows
from framing_app.store.models import Article, table_of, utc_now

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

    @property
    def changes(self) -> Changes:
        return Changes(article_set=bool(self.added))


@gc_paused()
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
    cannot be read (an :class:`InputFileError` naming it), a table that is
    one of the program's own exports (an annotation export left in the
    folder; see :data:`~framing_app.formats.article_table.EXPORT_FORMATS`) or
    a cancellation leaves the project exactly as it was. A text already in
    the project (same SHA-256 of the normalised text), or twice in this
    import, is skipped and reported as a duplicate.
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
        last_id_before = session.scalar(select(func.max(Article.id))) or 0
        known_hashes = dict(session.execute(select(Article.sha256, Article.external_id)).all())
        taken_ids = set(session.scalars(select(Article.external_id)))
        now = iso_utc(utc_now())
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
        rows: list[tuple[object, ...]] = []
        added: list[tuple[str, str, str]] = []  # sha256, external id, title
        for file, draft in drafts:
            sha = text_sha256(draft.text)
            if sha in known_hashes:
                report_.duplicates.append(DuplicateArticle(draft.origin, known_hashes[sha]))
                continue
            external_id = _free_external_id(file, draft, roots, taken_ids)
            known_hashes[sha] = external_id
            taken_ids.add(external_id)
            title = draft.title.strip() or external_id
            added.append((sha, external_id, title))
            rows.append(
                (
                    external_id,
                    title,
                    draft.source,
                    draft.published,
                    draft.url,
                    draft.text,
                    sha,
                    len(draft.text),
                    draft.origin,
                    now,
                )
            )
        # Straight to the driver, and without asking for the new ids back in
        # input order (RETURNING ... sort_by_parameter_order makes SQLAlchemy
        # send one INSERT per row on SQLite): the ids are read back by hash.
        table = table_of(Article)
        for begin in range(0, len(rows), _BATCH):
            check_cancel(should_cancel, "import")
            insert_rows(session, table, columns, rows[begin : begin + _BATCH])
            report(progress, min(begin + _BATCH, len(rows)), len(rows), "saving")
        new_ids = dict(
            session.execute(
                select(Article.sha256, Article.id).where(Article.id > last_id_before)
            ).all()
        )
        report_.added = [
            ImportedArticle(new_ids[sha], external_id, title) for sha, external_id, title in added
        ]
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
