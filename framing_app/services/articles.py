"""Reading articles back: lists and single articles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from framing_app.services.lookup import article_by_ref
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Article, Coder


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    external_id: str
    title: str
    source: str | None
    published: str | None
    char_count: int
    annotations_by_coder: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleText:
    id: int
    external_id: str
    title: str
    source: str | None
    published: str | None
    url: str | None
    sha256: str
    text: str


def list_articles(project: Project) -> list[ArticleSummary]:
    """Every article in import order, with its number of annotations per coder."""
    with project.db.read() as session:
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for article_id, coder, n in session.execute(
            select(Annotation.article_id, Coder.name, func.count())
            .join(Coder, Coder.id == Annotation.coder_id)
            .group_by(Annotation.article_id, Coder.name)
        ).all():
            counts[article_id][coder] = n
        rows = session.execute(
            select(
                Article.id,
                Article.external_id,
                Article.title,
                Article.source,
                Article.published,
                Article.char_count,
            ).order_by(Article.id)
        ).all()
        return [
            ArticleSummary(*row, annotations_by_coder=dict(sorted(counts.get(row[0], {}).items())))
            for row in rows
        ]


def has_articles(project: Project) -> bool:
    """Whether the project holds any article: one indexed look-up, whatever its size."""
    with project.db.read() as session:
        return session.scalar(select(Article.id).limit(1)) is not None


def get_article(project: Project, ref: str | int) -> ArticleText:
    """The article with external id (or else internal id) *ref*, text included."""
    with project.db.read() as session:
        a = article_by_ref(session, ref)
        return ArticleText(
            a.id, a.external_id, a.title, a.source, a.published, a.url, a.sha256, a.text
        )
