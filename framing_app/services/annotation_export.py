"""Exporting annotations as the researcher's CSV (see formats.annotation_csv)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Select, func, select

from framing_app.core.gc_pause import gc_paused
from framing_app.core.records import AnnotationRow
from framing_app.formats.annotation_csv import write_annotation_csv
from framing_app.services.lookup import coder_by_name
from framing_app.services.output_files import output_file
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Article, Coder, Label

_CHUNK = 5000


def _query(coder_ids: Sequence[int] | None) -> Select[tuple[object, ...]]:
    # The passage is cut out by the database (substr counts characters, that
    # is code points, on SQLite and PostgreSQL alike), so article texts are
    # never loaded into Python.
    query = (
        select(
            Annotation.id,
            Annotation.article_id,
            Article.external_id,
            Article.title,
            Article.sha256,
            Coder.name,
            Label.name,
            Annotation.start,
            Annotation.end,
            func.substr(Article.text, Annotation.start + 1, Annotation.end - Annotation.start),
            Annotation.memo,
            Annotation.created_at,
            Annotation.updated_at,
        )
        .join(Article, Article.id == Annotation.article_id)
        .join(Coder, Coder.id == Annotation.coder_id)
        .join(Label, Label.id == Annotation.label_id)
        .order_by(Annotation.id)
    )
    if coder_ids is not None:
        query = query.where(Annotation.coder_id.in_(coder_ids))
    return query


def _row(values: Sequence[Any]) -> AnnotationRow:
    return AnnotationRow(*values)


@gc_paused()
def export_annotations(
    project: Project,
    out: TextIO,
    *,
    coders: Sequence[str] | None = None,
    excel: bool = False,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> int:
    """Write every annotation (of *coders*, if given) to *out*; returns the row count.

    Rows come in annotation-id order, that is the order they were made in.
    Naming a coder who does not exist is an error, not an empty file.
    """
    with project.db.read() as session:
        coder_ids = None
        if coders:
            coder_ids = [coder_by_name(session, name).id for name in coders]
        total_query = select(func.count()).select_from(Annotation)
        if coder_ids is not None:
            total_query = total_query.where(Annotation.coder_id.in_(coder_ids))
        total = session.scalar(total_query) or 0
        result = session.execute(_query(coder_ids).execution_options(yield_per=_CHUNK))

        def rows() -> Iterator[AnnotationRow]:
            done = 0
            for partition in result.partitions():
                check_cancel(should_cancel, "export")
                for values in partition:
                    yield _row(values)
                done += len(partition)
                report(progress, done, total, "exporting")

        return write_annotation_csv(rows(), out, excel=excel)


def export_annotations_to_file(
    project: Project,
    path: Path,
    *,
    coders: Sequence[str] | None = None,
    excel: bool = False,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> int:
    """Export to *path*, replacing it only once the whole file is written.

    Written through :func:`~framing_app.services.output_files.output_file`: a
    database (the project above all) is never overwritten, and a failed or
    cancelled export never leaves half a file nor destroys an older export of
    the same name.
    """
    with output_file(Path(path), project, newline="") as out:
        return export_annotations(
            project,
            out,
            coders=coders,
            excel=excel,
            progress=progress,
            should_cancel=should_cancel,
        )
