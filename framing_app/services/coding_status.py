"""Each coder's progress per article: not started, in progress, done."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError
from framing_app.core.records import CodingStatus
from framing_app.core.timestamps import iso_utc
from framing_app.services.lookup import article_by_ref, ensure_coder
from framing_app.services.project import Project
from framing_app.store.bulk import insert_rows
from framing_app.store.models import Article, Coder, CodingStatusRow, table_of, utc_now


def parse_status(value: str) -> CodingStatus:
    """A status from its name; "not_started" and "Not Started" are accepted too."""
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return CodingStatus(key)
    except ValueError:
        choices = ", ".join(s.value for s in CodingStatus)
        raise FramingError(f"unknown status '{value}'; choose one of {choices}") from None


@dataclass(frozen=True)
class StatusUpdate:
    """The articles whose status :func:`set_status` set."""

    article_ids: frozenset[int]

    @property
    def count(self) -> int:
        return len(self.article_ids)

    @property
    def changes(self) -> Changes:
        return Changes.of_articles(self.article_ids)


def set_status(
    project: Project,
    coder: str,
    status: CodingStatus,
    articles: Sequence[str | int] | None = None,
) -> StatusUpdate:
    """Set *coder*'s status on *articles* (every article when None).

    All or nothing: one unknown article id changes nothing.
    """
    with project.db.write() as session:
        who = ensure_coder(session, coder)
        if articles is None:
            ids = list(session.scalars(select(Article.id)))
        else:
            ids = list(dict.fromkeys(article_by_ref(session, ref).id for ref in articles))
        _store(session, who.id, ids, status)
        return StatusUpdate(frozenset(ids))


def get_status(project: Project, coder: str, article: str | int) -> CodingStatus:
    with project.db.read() as session:
        art = article_by_ref(session, article)
        value = session.scalar(
            select(CodingStatusRow.status)
            .join(Coder, Coder.id == CodingStatusRow.coder_id)
            .where(Coder.name == coder.strip(), CodingStatusRow.article_id == art.id)
        )
        return CodingStatus(value) if value else CodingStatus.NOT_STARTED


@dataclass(frozen=True)
class StatusLine:
    """One article's line in a coder's status table."""

    id: int
    external_id: str
    title: str
    status: CodingStatus


def status_table(
    project: Project, coder: str, articles: Sequence[str | int] | None = None
) -> list[StatusLine]:
    """*coder*'s status on *articles* (every article, in import order, when None).

    Given articles come back in the order given, repeats included; an
    unknown one raises :class:`FramingError`. The whole table takes three
    queries whatever its length (coder, articles, statuses), not two per
    article; given references cost one look-up each.
    """
    with project.db.read() as session:
        coder_id = session.scalar(select(Coder.id).where(Coder.name == coder.strip()))
        rows: list[tuple[int, str, str]]
        if articles is None:
            ids = None
            listed = select(Article.id, Article.external_id, Article.title)
            rows = [(i, e, t) for i, e, t in session.execute(listed.order_by(Article.id))]
        else:
            given = [article_by_ref(session, ref) for ref in articles]
            rows = [(a.id, a.external_id, a.title) for a in given]
            ids = [a.id for a in given]
        statuses: dict[int, str] = {}
        if coder_id is not None:
            status_stmt = select(CodingStatusRow.article_id, CodingStatusRow.status).where(
                CodingStatusRow.coder_id == coder_id
            )
            if ids is None:
                statuses.update(session.execute(status_stmt).all())
            else:
                for chunk in _chunks(sorted(set(ids))):
                    statuses.update(
                        session.execute(
                            status_stmt.where(CodingStatusRow.article_id.in_(chunk))
                        ).all()
                    )
        return [
            StatusLine(
                article_id,
                external_id,
                title,
                CodingStatus(statuses.get(article_id, CodingStatus.NOT_STARTED.value)),
            )
            for article_id, external_id, title in rows
        ]


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    """*ids* in lists short enough for any backend's parameter limit."""
    for begin in range(0, len(ids), size):
        yield ids[begin : begin + size]


def status_counts(project: Project, coder: str) -> dict[CodingStatus, int]:
    """How many articles *coder* has in each status (absent rows count as not started)."""
    with project.db.read() as session:
        total = session.scalar(select(func.count()).select_from(Article)) or 0
        counts = {status: 0 for status in CodingStatus}
        for value in session.scalars(
            select(CodingStatusRow.status)
            .join(Coder, Coder.id == CodingStatusRow.coder_id)
            .where(Coder.name == coder.strip())
        ):
            counts[CodingStatus(value)] += 1
        counts[CodingStatus.NOT_STARTED] = (
            total - counts[CodingStatus.IN_PROGRESS] - counts[CodingStatus.DONE]
        )
        return counts


def advance_to_in_progress(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """Mark each (coder id, article id) pair in progress unless it has a status already.

    Called after tagging: the first annotation starts the article; an
    article already done stays done.
    """
    wanted = set(pairs)
    if not wanted:
        return
    if len(wanted) == 1:
        # One tag in the GUI: a primary-key look-up, not a scan of the coder's rows.
        have = {key for key in wanted if session.get(CodingStatusRow, key) is not None}
    else:
        coders = {coder_id for coder_id, _ in wanted}
        have = set(
            session.execute(
                select(CodingStatusRow.coder_id, CodingStatusRow.article_id).where(
                    CodingStatusRow.coder_id.in_(coders)
                )
            ).all()
        )
    # The same coder tagging in two windows on a server: the other may have
    # started the article since the look-up; its row stands.
    _insert_status(session, sorted(wanted - have), CodingStatus.IN_PROGRESS, skip_existing=True)


def _insert_status(
    session: Session,
    pairs: list[tuple[int, int]],
    status: CodingStatus,
    *,
    skip_existing: bool = False,
) -> None:
    """Add status rows for (coder id, article id) pairs that have none."""
    now = iso_utc(utc_now())
    insert_rows(
        session,
        table_of(CodingStatusRow),
        ("coder_id", "article_id", "status", "updated_at"),
        [(coder_id, article_id, status.value, now) for coder_id, article_id in pairs],
        skip_existing=skip_existing,
    )


def _store(session: Session, coder_id: int, article_ids: list[int], status: CodingStatus) -> None:
    """Replace the coder's status rows for *article_ids*.

    "Not started" is the absence of a row, so the table only grows with real
    progress. Deletes go in chunks to keep each IN list below every backend's
    parameter limit.
    """
    for begin in range(0, len(article_ids), 500):
        chunk = article_ids[begin : begin + 500]
        session.execute(
            delete(CodingStatusRow).where(
                CodingStatusRow.coder_id == coder_id, CodingStatusRow.article_id.in_(chunk)
            )
        )
    if status is not CodingStatus.NOT_STARTED:
        _insert_status(session, [(coder_id, i) for i in article_ids], status)
