"""The coding window's article list: filtered, sorted windows of rows for one coder.

A list over 50,000 articles cannot be loaded whole, so the GUI asks for what
it shows: a count, one window of rows, the position of one article, the
article before or after another. Each function here is one short read, and
every one of them follows the same order for the same :class:`ArticleQuery`:
the sort key, then the article id, so that windows fit together without gaps
or repeats.

With :attr:`Scope.MINE_FIRST` the list is two lists one after the other:
the coder's assigned articles, then the others, each in the query's order;
the functions below read from each part as from a list of its own, so both
parts are served by the same indexes as a plain list.

The SQL is plain and portable (row-value comparisons, ``LIKE``/``ILIKE`` with
an explicit escape character) so that it runs on SQLite and PostgreSQL alike.
Sorting by title and by date is served by the indexes of migration 0002.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.expression import UnaryExpression

from framing_app.core.records import CodingStatus
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Article, Assignment, Coder, CodingStatusRow

_Ts = TypeVarTuple("_Ts")
# A column or an expression: what ORDER BY and key look-ups take.
_Column = ColumnElement[Any] | InstrumentedAttribute[Any]

# Ids per IN list when counting annotations: below every backend's parameter limit.
_IN_CHUNK = 500
_LIKE_ESCAPE = "\\"
# Rows read at once beyond which a coder's assignments are read whole, not by id.
_WHOLE_LIST = 2_000


class ArticleSort(enum.StrEnum):
    """The orders the list offers; ties are always broken by import order."""

    IMPORT = "import"
    TITLE = "title"  # case-insensitive for ASCII
    DATE = "date"  # oldest first, articles without a date last


class StatusFilter(enum.StrEnum):
    """Which of the coder's articles to list."""

    ALL = "all"
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    UNFINISHED = "unfinished"  # not started or in progress


class Scope(enum.StrEnum):
    """Which articles to list, by the coder's assignments (``framing-app assign``)."""

    ALL = "all"  # every article
    MINE_FIRST = "mine-first"  # every article, those assigned to the coder first
    MINE = "mine"  # only the articles assigned to the coder
    NOT_MINE = "not-mine"  # only the others (the second part of MINE_FIRST)


# The filters that mean "all but these statuses" (no row is "not started").
_OTHER_STATUSES: dict[StatusFilter, tuple[str, ...]] = {
    StatusFilter.NOT_STARTED: (CodingStatus.IN_PROGRESS.value, CodingStatus.DONE.value),
    StatusFilter.UNFINISHED: (CodingStatus.DONE.value,),
}


@dataclass(frozen=True)
class ArticleQuery:
    """What the list shows: *coder*'s view, narrowed by *text* and *status*, in *sort* order.

    *text* matches the title or the full text, case-insensitively (ASCII
    letters at least; SQLite folds no others); ``%`` and ``_`` in it are
    literal characters. With no coder every article counts as not started.
    *scope* narrows or orders the list by the coder's assignments (without a
    coder nothing is assigned).
    """

    coder: str | None
    text: str = ""
    status: StatusFilter = StatusFilter.ALL
    sort: ArticleSort = ArticleSort.IMPORT
    scope: Scope = Scope.ALL


@dataclass(frozen=True)
class ArticleRow:
    """One line of the list: the article and the query's coder's work on it."""

    id: int
    external_id: str
    title: str
    source: str | None
    published: str | None
    status: CodingStatus
    annotations: int  # the coder's annotations on this article
    assigned: bool = False  # assigned to the coder
    in_sample: bool = False  # assigned to the coder in a reliability sample


def count_articles(project: Project, query: ArticleQuery) -> int:
    """How many articles *query* lists."""
    with project.db.read() as session:
        # Both parts of "mine first" together are every article.
        whole = replace(query, scope=Scope.ALL) if query.scope is Scope.MINE_FIRST else query
        return _Plan.make(session, whole).count(session)


def article_rows(
    project: Project, query: ArticleQuery, offset: int, limit: int
) -> list[ArticleRow]:
    """The rows ``offset`` to ``offset + limit - 1`` of *query*'s list (fewer at its end).

    The order is total (sort key, then id), so consecutive windows neither
    overlap nor skip while the data stays the same.
    """
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit cannot be negative ({offset}, {limit})")
    if limit == 0:
        return []
    with project.db.read() as session:
        if query.scope is not Scope.MINE_FIRST:
            return _window(session, _Plan.make(session, query), offset, limit)
        mine, others = (_Plan.make(session, part) for part in _parts(query))
        in_mine = mine.count(session)
        found = []
        if offset < in_mine:
            found = _window(session, mine, offset, min(limit, in_mine - offset))
        if len(found) < limit:
            found += _window(session, others, max(0, offset - in_mine), limit - len(found))
        return found


def _window(session: Session, plan: _Plan, offset: int, limit: int) -> list[ArticleRow]:
    stmt = (
        plan.filter(_row_columns(plan), with_status=True)
        .order_by(*plan.order(forward=True))
        .offset(offset)
        .limit(limit)
    )
    # Core rather than ORM execution: plain columns, and the ORM's row
    # handling would double the time of a refresh over thousands of rows.
    return _make_rows(session, plan, session.connection().execute(stmt).all())


def _parts(query: ArticleQuery) -> tuple[ArticleQuery, ArticleQuery]:
    """The two lists "mine first" is made of: the coder's articles, then the others."""
    return replace(query, scope=Scope.MINE), replace(query, scope=Scope.NOT_MINE)


def _row_columns(plan: _Plan) -> Select[int, str, str, str | None, str | None, str]:
    return select(
        Article.id,
        Article.external_id,
        Article.title,
        Article.source,
        Article.published,
        plan.status_column(),
    )


def _make_rows(session: Session, plan: _Plan, found: Sequence[Any]) -> list[ArticleRow]:
    """:class:`ArticleRow` values from rows of :func:`_row_columns`, with annotation counts."""
    ids = [row[0] for row in found]
    counts = _annotation_counts(session, plan.coder_id, ids)
    assigned = _assignments(session, plan.coder_id, ids)
    return [
        ArticleRow(
            id=article_id,
            external_id=external_id,
            title=title,
            source=source,
            published=published,
            status=CodingStatus(status),
            annotations=counts.get(article_id, 0),
            assigned=article_id in assigned,
            in_sample=assigned.get(article_id, False),
        )
        for article_id, external_id, title, source, published, status in found
    ]


def rows_by_id(
    project: Project, query: ArticleQuery, article_ids: Collection[int]
) -> dict[int, ArticleRow]:
    """The rows of those of *article_ids* that *query* lists, by id (absent: not listed).

    What the list re-reads after an action that knows which articles it
    changed: primary-key look-ups, wherever the rows sit in the list.
    """
    wanted = sorted(set(article_ids))
    if not wanted:
        return {}
    with project.db.read() as session:
        plan = _Plan.make(session, query)
        found: list[Any] = []
        for begin in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[begin : begin + _IN_CHUNK]
            stmt = plan.filter(_row_columns(plan), with_status=True).where(Article.id.in_(chunk))
            found += session.connection().execute(stmt).all()
        return {row.id: row for row in _make_rows(session, plan, found)}


def row_index(project: Project, query: ArticleQuery, article_id: int) -> int | None:
    """The 0-based position of *article_id* in *query*'s list, or None if it is not listed."""
    with project.db.read() as session:
        if query.scope is not Scope.MINE_FIRST:
            return _row_index(session, _Plan.make(session, query), article_id)
        mine, others = (_Plan.make(session, part) for part in _parts(query))
        position = _row_index(session, mine, article_id)
        if position is not None:
            return position
        position = _row_index(session, others, article_id)
        return None if position is None else mine.count(session) + position


def _row_index(session: Session, plan: _Plan, article_id: int) -> int | None:
    listed = session.scalar(plan.filter(select(Article.id)).where(Article.id == article_id))
    if listed is None:
        return None
    anchor = plan.anchor(session, article_id)
    assert anchor is not None  # the article was just found
    return plan.count(session, or_(*anchor.beyond(forward=False)))


def neighbour(
    project: Project,
    query: ArticleQuery,
    article_id: int | None,
    *,
    forward: bool = True,
    unfinished_only: bool = False,
) -> int | None:
    """The id of the article after (or before) *article_id* in *query*'s list, or None.

    *article_id* need not be listed itself (the coder may just have marked
    it done under an "unfinished" filter): its place in the order is what
    counts. None means "before the first": forward then gives the first
    article, backward None. There is no wrap-around, except that with
    *unfinished_only* a forward search that finds nothing after the article
    starts again from the top, so "mark done and go to the next unfinished"
    finds another unfinished article whenever one exists. The article itself
    is never the answer; an id that does not exist gives None.
    """
    with project.db.read() as session:
        # One list, or the two of "mine first" one after the other.
        if query.scope is Scope.MINE_FIRST:
            parts = [_Plan.make(session, part) for part in _parts(query)]
        else:
            parts = [_Plan.make(session, query)]
        extra: list[ColumnElement[bool]] = []
        if unfinished_only:
            extra.append(parts[0].unfinished())
        if article_id is None:
            if not forward:
                return None
            return _first(session, parts, extra)
        anchor = parts[0].anchor(session, article_id)
        if anchor is None:
            return None
        # The part the article is in (listed or not), and those after it.
        at = 0 if len(parts) == 1 or parts[0].assigned(session, article_id) else 1
        found = parts[at].next_to(session, anchor, forward=forward, extra=extra)
        later = parts[at + 1 :] if forward else parts[:at][::-1]
        for part in later:
            if found is not None:
                break
            found = session.scalar(part.first_id(extra, forward=forward))
        if found is None and unfinished_only and forward:
            found = _first(session, parts, [*extra, Article.id != article_id])
        return found


def _first(session: Session, parts: list[_Plan], extra: list[ColumnElement[bool]]) -> int | None:
    """The first listed article that also meets *extra*, over *parts* in order."""
    for part in parts:
        found = session.scalar(part.first_id(extra))
        if found is not None:
            return found
    return None


def progress(project: Project, coder: str | None) -> tuple[int, int]:
    """(articles *coder* has marked done, articles in the project); (0, total) for no coder."""
    with project.db.read() as session:
        total = session.scalar(select(func.count()).select_from(Article)) or 0
        coder_id = _coder_id(session, coder)
        if coder_id is None:
            return 0, total
        done = session.scalar(
            select(func.count())
            .select_from(CodingStatusRow)
            .where(
                CodingStatusRow.coder_id == coder_id,
                CodingStatusRow.status == CodingStatus.DONE.value,
            )
        )
        return done or 0, total


def assigned_progress(project: Project, coder: str | None) -> tuple[int, int]:
    """(articles assigned to *coder* that they marked done, articles assigned to them)."""
    with project.db.read() as session:
        coder_id = _coder_id(session, coder)
        if coder_id is None:
            return 0, 0
        # Two counts over indexes, no join of every assignment to a status row.
        assigned = session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.coder_id == coder_id)
        )
        done = session.scalar(
            select(func.count())
            .select_from(CodingStatusRow)
            .where(
                CodingStatusRow.coder_id == coder_id,
                CodingStatusRow.status == CodingStatus.DONE.value,
                exists().where(
                    Assignment.article_id == CodingStatusRow.article_id,
                    Assignment.coder_id == coder_id,
                ),
            )
        )
        return done or 0, assigned or 0


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern (escape character backslash) matching *text* anywhere, literally."""
    escaped = (
        text.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
        .replace("%", _LIKE_ESCAPE + "%")
        .replace("_", _LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def _coder_id(session: Session, name: str | None) -> int | None:
    """The id of the coder called *name*; None for no name or a coder not yet created."""
    if name is None:
        return None
    cleaned = " ".join(name.split())
    if not cleaned:
        return None
    return session.scalar(select(Coder.id).where(Coder.name == cleaned))


def _annotation_counts(
    session: Session, coder_id: int | None, article_ids: Sequence[int]
) -> dict[int, int]:
    """The coder's number of annotations on each of *article_ids* that has any."""
    counts: dict[int, int] = {}
    if coder_id is None:
        return counts
    for begin in range(0, len(article_ids), _IN_CHUNK):
        chunk = article_ids[begin : begin + _IN_CHUNK]
        stmt = (
            select(Annotation.article_id, func.count())
            .where(Annotation.coder_id == coder_id, Annotation.article_id.in_(chunk))
            .group_by(Annotation.article_id)
        )
        counts.update((article_id, n) for article_id, n in session.connection().execute(stmt))
    return counts


def _assignments(
    session: Session, coder_id: int | None, article_ids: Sequence[int]
) -> dict[int, bool]:
    """Which of *article_ids* are assigned to the coder: id -> in a reliability sample."""
    found: dict[int, bool] = {}
    if coder_id is None or not article_ids:
        return found
    # A coder without assignments (most projects) costs one look, not a query per chunk.
    anything = select(Assignment.article_id).where(Assignment.coder_id == coder_id).limit(1)
    if session.connection().execute(anything).first() is None:
        return found
    mine = select(Assignment.article_id, Assignment.in_sample).where(
        Assignment.coder_id == coder_id
    )
    if len(article_ids) > _WHOLE_LIST:
        # Reading far down the list: all the coder's assignments in one query
        # beat a query per chunk of ids (at 45,000 rows, 15 ms against 60).
        wanted = set(article_ids)
        rows = session.connection().execute(mine)
        return {ident: bool(flag) for ident, flag in rows if ident in wanted}
    for begin in range(0, len(article_ids), _IN_CHUNK):
        chunk = article_ids[begin : begin + _IN_CHUNK]
        stmt = mine.where(Assignment.article_id.in_(chunk))
        found.update((ident, bool(flag)) for ident, flag in session.connection().execute(stmt))
    return found


@dataclass(frozen=True)
class _Anchor:
    """An article's place in one sort order: its sort key value and id."""

    sort: ArticleSort
    key: str | None  # the lower-cased title, the date, or None (import order; no date)
    article_id: int

    def beyond(self, *, forward: bool) -> list[ColumnElement[bool]]:
        """The articles after (*forward*) or before this place, as segments in list order.

        Together the segments hold every such article; each one is a range
        that an index on the sort key serves, which a single OR of them is
        not (the planner would fetch and sort the whole remainder).
        """
        match self.sort:
            case ArticleSort.IMPORT:
                return [Article.id > self.article_id if forward else Article.id < self.article_id]
            case ArticleSort.TITLE:
                assert self.key is not None
                return [self._past(func.lower(Article.title), self.key, forward=forward)]
            case ArticleSort.DATE:
                return self._beyond_date(forward=forward)

    def _past(self, column: _Column, key: str, *, forward: bool) -> ColumnElement[bool]:
        """``(column, id)`` after or before ``(key, article id)``, spelt as an index range.

        Not a row-value comparison: SQLite does not use an index on an
        expression for one.
        """
        if forward:
            return and_(column >= key, or_(column > key, Article.id > self.article_id))
        return and_(column <= key, or_(column < key, Article.id < self.article_id))

    def _beyond_date(self, *, forward: bool) -> list[ColumnElement[bool]]:
        # Dates ascending, then the undated articles in import order.
        undated = Article.published.is_(None)
        if self.key is None:
            if forward:
                return [and_(undated, Article.id > self.article_id)]
            return [and_(undated, Article.id < self.article_id), Article.published.is_not(None)]
        within = self._past(Article.published, self.key, forward=forward)
        return [within, undated] if forward else [within]


@dataclass(frozen=True)
class _Plan:
    """One query's pieces, resolved against the database (the coder's id)."""

    query: ArticleQuery
    coder_id: int | None
    sqlite: bool

    @classmethod
    def make(cls, session: Session, query: ArticleQuery) -> _Plan:
        dialect = session.get_bind().dialect.name
        return cls(query, _coder_id(session, query.coder), dialect == "sqlite")

    def _needs_status(self) -> bool:
        return self.coder_id is not None and self.query.status is not StatusFilter.ALL

    def source(self, with_status: bool) -> FromClause:
        """The article table, joined to the coder's status rows when they are needed."""
        article = Article.__table__
        assert isinstance(article, FromClause)
        if self.coder_id is None or not (with_status or self._needs_status()):
            return article
        return article.outerjoin(
            CodingStatusRow.__table__,
            and_(
                CodingStatusRow.article_id == Article.id,
                CodingStatusRow.coder_id == self.coder_id,
            ),
        )

    def filter(self, stmt: Select[*_Ts], *, with_status: bool = False) -> Select[*_Ts]:
        """*stmt* over the listed articles: FROM the (joined) tables, WHERE the filters hold.

        *with_status*: join the coder's status rows even if no filter needs them.
        """
        return stmt.select_from(self.source(with_status)).where(*self.conditions())

    def status_column(self) -> ColumnElement[str]:
        if self.coder_id is None:
            return literal(CodingStatus.NOT_STARTED.value)
        return func.coalesce(CodingStatusRow.status, CodingStatus.NOT_STARTED.value)

    def count(self, session: Session, *where: ColumnElement[bool]) -> int:
        """How many listed articles also meet *where* (conditions on the article only)."""
        if self._counts_assignments(where):
            return self._count_by_assignments(session)
        other = _OTHER_STATUSES.get(self.query.status)
        if self.coder_id is None or other is None:
            return session.scalar(self.filter(select(func.count())).where(*where)) or 0
        # "Not started" and "unfinished" are everything but the coder's rows
        # in the other statuses. Those rows are few; joining every article to
        # look for them costs 25-35 ms at 50,000 articles, this 5-10 ms.
        text = [*self.text_conditions(), *self.scope_conditions()]
        everything = select(func.count()).select_from(Article).where(*text, *where)
        others = (
            select(func.count())
            .select_from(CodingStatusRow)
            .join(Article, Article.id == CodingStatusRow.article_id)
            .where(
                CodingStatusRow.coder_id == self.coder_id,
                CodingStatusRow.status.in_(other),
                *text,
                *where,
            )
        )
        return (session.scalar(everything) or 0) - (session.scalar(others) or 0)

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions of the query's text, scope and status filters."""
        return [
            *self.text_conditions(),
            *self.scope_conditions(),
            self._status_condition(self.query.status),
        ]

    def scope_conditions(self) -> list[ColumnElement[bool]]:
        """The articles assigned to the coder (MINE) or not (NOT_MINE); nothing otherwise."""
        scope = self.query.scope
        if scope not in (Scope.MINE, Scope.NOT_MINE):
            return []
        if self.coder_id is None:  # nothing is assigned to nobody
            return [false() if scope is Scope.MINE else true()]
        # EXISTS, probing the assignment table's primary key for each article in
        # the list's order: a window is read in the order of an index, and no
        # article row is fetched that is not listed (IN (SELECT ...) fetched
        # every assigned article's row, 25-80 ms at 50,000 articles).
        mine = exists().where(
            Assignment.article_id == Article.id, Assignment.coder_id == self.coder_id
        )
        return [mine if scope is Scope.MINE else ~mine]

    def _counts_assignments(self, where: Sequence[ColumnElement[bool]]) -> bool:
        """Whether :meth:`count` can count the coder's assignments instead of articles."""
        return (
            self.query.scope in (Scope.MINE, Scope.NOT_MINE)
            and self.coder_id is not None
            and not where
            and not self.text_conditions()
        )

    def _count_by_assignments(self, session: Session) -> int:
        """The count of a list narrowed by the coder's assignments and status only.

        Counted in the assignment table's indexes and the coder's status rows,
        which needs no article row (0.5-2 ms at 50,000 articles, against
        15-30 ms over the articles); "not mine" is every article less "mine".
        """
        mine = select(func.count()).select_from(Assignment)
        counted = session.scalar(mine.where(Assignment.coder_id == self.coder_id)) or 0
        status = self.query.status
        if status is not StatusFilter.ALL:
            # The coder's status rows on their articles: those with the status
            # asked for, or (not started, unfinished) those to take away.
            wanted = _OTHER_STATUSES.get(status)
            positive = wanted is None
            if wanted is None:
                wanted = (CodingStatus.DONE.value,)
                if status is StatusFilter.IN_PROGRESS:
                    wanted = (CodingStatus.IN_PROGRESS.value,)
            assigned = exists().where(
                Assignment.article_id == CodingStatusRow.article_id,
                Assignment.coder_id == self.coder_id,
            )
            rows = (
                select(func.count())
                .select_from(CodingStatusRow)
                .where(
                    CodingStatusRow.coder_id == self.coder_id,
                    CodingStatusRow.status.in_(wanted),
                    assigned,
                )
            )
            found = session.scalar(rows) or 0
            counted = found if positive else counted - found
        if self.query.scope is Scope.MINE:
            return counted
        every = replace(self, query=replace(self.query, scope=Scope.ALL))
        return every.count(session) - counted

    def assigned(self, session: Session, article_id: int) -> bool:
        """Whether *article_id* is assigned to the coder."""
        if self.coder_id is None:
            return False
        found = session.scalar(
            select(Assignment.article_id).where(
                Assignment.coder_id == self.coder_id, Assignment.article_id == article_id
            )
        )
        return found is not None

    def next_to(
        self,
        session: Session,
        anchor: _Anchor,
        *,
        forward: bool,
        extra: Sequence[ColumnElement[bool]],
    ) -> int | None:
        """The listed article after (or before) *anchor* that meets *extra*, or None."""
        for segment in anchor.beyond(forward=forward):
            found = session.scalar(
                self.filter(select(Article.id), with_status=bool(extra))
                .where(segment, *extra)
                .order_by(*self.order(forward=forward))
                .limit(1)
            )
            if found is not None:
                return found
        return None

    def text_conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        text = self.query.text.strip()
        if text:
            pattern = like_pattern(text)
            if self.sqlite:
                # SQLite's LIKE already ignores ASCII case, and without lower()
                # it scans the texts without copying them.
                found.append(
                    or_(
                        Article.title.like(pattern, escape=_LIKE_ESCAPE),
                        Article.text.like(pattern, escape=_LIKE_ESCAPE),
                    )
                )
            else:
                found.append(
                    or_(
                        Article.title.ilike(pattern, escape=_LIKE_ESCAPE),
                        Article.text.ilike(pattern, escape=_LIKE_ESCAPE),
                    )
                )
        return found

    def _status_condition(self, status: StatusFilter) -> ColumnElement[bool]:
        if status is StatusFilter.ALL:
            return true()
        if self.coder_id is None:
            # Without a coder nothing has been started.
            everything = status in (StatusFilter.NOT_STARTED, StatusFilter.UNFINISHED)
            return true() if everything else false()
        column = CodingStatusRow.status
        match status:
            case StatusFilter.NOT_STARTED:
                return or_(column.is_(None), column == CodingStatus.NOT_STARTED.value)
            case StatusFilter.IN_PROGRESS:
                return column == CodingStatus.IN_PROGRESS.value
            case StatusFilter.DONE:
                return column == CodingStatus.DONE.value
            case StatusFilter.UNFINISHED:
                return or_(column.is_(None), column != CodingStatus.DONE.value)

    def unfinished(self) -> ColumnElement[bool]:
        """True for the articles the coder has not marked done."""
        return self._status_condition(StatusFilter.UNFINISHED)

    def order(self, *, forward: bool) -> list[UnaryExpression[Any]]:
        """ORDER BY terms: the sort key, then the id; all reversed when not *forward*."""
        keys: list[_Column]
        match self.query.sort:
            case ArticleSort.IMPORT:
                keys = [Article.id]
            case ArticleSort.TITLE:
                keys = [func.lower(Article.title), Article.id]
            case ArticleSort.DATE:
                # NULLS LAST/FIRST (SQLite 3.30+, PostgreSQL): an index on
                # (published, id) serves both directions on both backends.
                if forward:
                    return [Article.published.asc().nulls_last(), Article.id.asc()]
                return [Article.published.desc().nulls_first(), Article.id.desc()]
        return [key.asc() if forward else key.desc() for key in keys]

    def first_id(
        self, extra: Sequence[ColumnElement[bool]], *, forward: bool = True
    ) -> Select[int]:
        """The first (or, not *forward*, the last) listed article's id that also meets *extra*."""
        return (
            self.filter(select(Article.id), with_status=True)
            .where(*extra)
            .order_by(*self.order(forward=forward))
            .limit(1)
        )

    def anchor(self, session: Session, article_id: int) -> _Anchor | None:
        """*article_id*'s place in this query's order (listed or not); None if it does not exist."""
        key: _Column
        match self.query.sort:
            case ArticleSort.IMPORT:
                exists = session.scalar(select(Article.id).where(Article.id == article_id))
                return None if exists is None else _Anchor(self.query.sort, None, article_id)
            case ArticleSort.TITLE:
                key = func.lower(Article.title)
            case ArticleSort.DATE:
                key = Article.published
        row = session.execute(select(key).where(Article.id == article_id)).first()
        return None if row is None else _Anchor(self.query.sort, row[0], article_id)
