"""Carrying out a plan of annotation writes: what an import and a merge both do last.

:func:`framing_app.services.annotation_replace.plan_merge` decides which
annotations to add, change and remove; :func:`write_plan` writes them, in
the caller's transaction, in the one order that never meets a row that is
going: deletes, then relabels and memo changes, then inserts in batches
(with progress and a cancel check between batches).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, delete, update
from sqlalchemy.orm import Session

from framing_app.core.timestamps import iso_utc
from framing_app.services.annotation_replace import MergePlan
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.store.bulk import insert_rows
from framing_app.store.models import Annotation, table_of

_BATCH = 2000  # rows per INSERT, between cancel checks
_CHUNK = 500  # ids per IN (...), under SQLite's parameter limit
_COLUMNS = (
    "article_id",
    "coder_id",
    "label_id",
    "start_offset",
    "end_offset",
    "memo",
    "created_at",
    "updated_at",
)


def write_plan(
    session: Session,
    plan: MergePlan,
    real: Mapping[int, int],
    *,
    job: str,
    stage: str,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> None:
    """Write *plan* in *session*; ids below zero in its rows are stand-ins *real* maps.

    A stand-in names a coder, label or article made earlier in the same
    transaction (its real id is known only then); every other id is used as
    it is. *job* names the work in a cancellation, *stage* in the progress.
    """
    doomed = sorted(annotation.id for annotation in plan.deletes)
    for begin in range(0, len(doomed), _CHUNK):
        session.execute(delete(Annotation).where(Annotation.id.in_(doomed[begin : begin + _CHUNK])))
    # The hot loop of an import: the mapping is looked up inline (a function
    # call per value would cost a tenth of the whole import).
    real_id = real.get
    if plan.updates:
        # Core, not the ORM's bulk update: the ORM would want each row's
        # stored version; the statement raises it instead (migration 0008).
        table = table_of(Annotation)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                label_id=bindparam("b_label_id"),
                memo=bindparam("b_memo"),
                updated_at=bindparam("b_updated_at"),
                version=table.c.version + 1,
            ),
            [
                {
                    "b_id": old.id,
                    "b_label_id": real_id(row.label_id, row.label_id),
                    "b_memo": row.memo,
                    "b_updated_at": row.updated_at,
                }
                for old, row in plan.updates
            ],
        )
    pending = [
        (
            real_id(row.article_id, row.article_id),
            real_id(row.coder_id, row.coder_id),
            real_id(row.label_id, row.label_id),
            row.start,
            row.end,
            row.memo,
            iso_utc(row.created_at),
            iso_utc(row.updated_at),
        )
        for row in plan.inserts
    ]
    table = table_of(Annotation)
    for begin in range(0, len(pending), _BATCH):
        check_cancel(should_cancel, job)
        insert_rows(session, table, _COLUMNS, pending[begin : begin + _BATCH])
        report(progress, min(begin + _BATCH, len(pending)), len(pending), stage)
