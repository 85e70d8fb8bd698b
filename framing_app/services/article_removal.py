"""Removing articles, with everything coded on them: all or nothing.

Articles are otherwise permanent (annotations point into their text); this
is the way out for articles that should never have been imported, such as
the rows of a stray spreadsheet. Annotations and coding statuses on a removed
article go with it; coders and labels stay, even when they are left unused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, FramingError, NotFoundError
from framing_app.services.lookup import article_by_ref
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Answer, Article, Coder, CodingStatusRow

# Ids per IN (...) list: far below SQLite's bound-parameter limit (999 before
# SQLite 3.32), so removing tens of thousands of junk rows still works.
_CHUNK = 500

ArticleRef = str | int
"""How an article is named: a string is its external id, else its internal id (as
the CLI takes it); an int is its internal id only.

The GUI passes ints: an article whose external id is "5" must not stand in
for the article whose internal id is 5.
"""


@dataclass(frozen=True)
class RemovedArticle:
    id: int
    external_id: str
    title: str


@dataclass(frozen=True)
class ArticleRemoval:
    """What removing some articles takes with it (a preview) or took (a report)."""

    articles: tuple[RemovedArticle, ...]  # each once, in the order first named
    annotations_by_coder: dict[str, int]  # coder name -> annotations, coders by name
    statuses: int  # coders' in-progress/done marks on these articles
    answers: int = 0  # coders' answers to article-level questions about them

    @property
    def annotations(self) -> int:
        return sum(self.annotations_by_coder.values())

    @property
    def changes(self) -> Changes:
        return Changes(articles=frozenset(a.id for a in self.articles), article_set=True)


def preview_removal(project: Project, refs: Sequence[ArticleRef]) -> ArticleRemoval:
    """What :func:`delete_articles` with *refs* would remove now; changes nothing.

    Raises :class:`NotFoundError` naming every ref that matches no article,
    and :class:`FramingError` when *refs* is empty.
    """
    with project.db.read() as session:
        return _survey(session, _resolve(session, refs))


def delete_articles(
    project: Project, refs: Sequence[ArticleRef], *, expect: ArticleRemoval | None = None
) -> ArticleRemoval:
    """Delete the articles *refs* with their annotations and coding statuses; report what went.

    Every ref is resolved before anything is deleted: a ref that matches no
    article (:class:`NotFoundError`, naming every such ref) deletes nothing.
    The deletion is one write transaction, so it happens whole or not at all.
    Annotations and statuses are deleted explicitly rather than left to the
    schema's ``ON DELETE CASCADE``, so that a connection without foreign-key
    enforcement cannot leave orphans either.

    *expect* is the preview the user confirmed: when the articles or their
    annotations per coder are no longer what it says (someone tagged in
    between), :class:`ConflictError` is raised and nothing is deleted, so
    no more goes than the user agreed to.
    """
    with project.db.write() as session:
        removal = _survey(session, _resolve(session, refs))
        if expect is not None and (
            removal.articles != expect.articles
            or removal.annotations_by_coder != expect.annotations_by_coder
        ):
            raise ConflictError(
                f"the annotations on these articles changed since you confirmed "
                f"(now {removal.annotations}: {_per_coder(removal)}); "
                "nothing was deleted, try again"
            )
        ids = [article.id for article in removal.articles]
        for chunk in _chunks(ids):
            session.execute(
                delete(Annotation).where(Annotation.article_id.in_(chunk)),
                execution_options={"synchronize_session": False},
            )
            session.execute(
                delete(CodingStatusRow).where(CodingStatusRow.article_id.in_(chunk)),
                execution_options={"synchronize_session": False},
            )
            session.execute(
                delete(Article).where(Article.id.in_(chunk)),
                execution_options={"synchronize_session": False},
            )
        return removal


def _resolve(session: Session, refs: Sequence[ArticleRef]) -> list[RemovedArticle]:
    if not refs:
        raise FramingError("no articles named; nothing was deleted")
    found: dict[int, RemovedArticle] = {}
    unknown: list[str] = []
    for ref in refs:
        article: Article | None
        try:
            article = article_by_ref(session, ref)
        except NotFoundError:
            article = None
        if article is None:
            unknown.append(f"'{str(ref).strip()}'")
        elif article.id not in found:
            found[article.id] = RemovedArticle(article.id, article.external_id, article.title)
    if unknown:
        which = (
            f"no article with id {unknown[0]}"
            if len(unknown) == 1
            else f"no articles with ids {', '.join(unknown)}"
        )
        raise NotFoundError(f"{which}; nothing was deleted")
    return list(found.values())


def _survey(session: Session, articles: list[RemovedArticle]) -> ArticleRemoval:
    by_coder: Counter[str] = Counter()
    statuses = answers = 0
    for chunk in _chunks([article.id for article in articles]):
        rows = session.execute(
            select(Coder.name, func.count())
            .join(Annotation, Annotation.coder_id == Coder.id)
            .where(Annotation.article_id.in_(chunk))
            .group_by(Coder.name)
        ).all()
        for name, count in rows:
            by_coder[name] += count
        statuses += (
            session.scalar(
                select(func.count())
                .select_from(CodingStatusRow)
                .where(CodingStatusRow.article_id.in_(chunk))
            )
            or 0
        )
        answers += (
            session.scalar(
                select(func.count()).select_from(Answer).where(Answer.article_id.in_(chunk))
            )
            or 0
        )
    return ArticleRemoval(tuple(articles), dict(sorted(by_coder.items())), statuses, answers)


def _per_coder(removal: ArticleRemoval) -> str:
    return ", ".join(f"{coder} {n}" for coder, n in removal.annotations_by_coder.items()) or "none"


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for begin in range(0, len(ids), _CHUNK):
        yield ids[begin : begin + _CHUNK]
