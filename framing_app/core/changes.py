"""What a change to a project touched, so that every view redraws only what concerns it.

A mutating service (or the operation that calls it) describes what it did
with a :class:`Changes` record; the GUI's operations layer announces it to
every view. The shape is Anki's ``OpChanges``: flags and ids, no objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Ids of what changed; empty sets mean "nothing of that kind".

    *articles* holds the articles whose rows in a list may show something
    else (an annotation count, a coder's status); *coded* those of them
    whose annotations changed (a reader showing one re-reads it);
    *annotations* the annotations made, changed or deleted; *article_set*
    says that articles were added or deleted (a list must be re-read, not
    redrawn).
    *answered* holds the articles whose article-level answers changed (a
    coding panel showing one re-reads its answers); *codebook* covers the
    questions as well as the labels; *assignments* says that who codes what
    (or the reliability sample) changed.
    *everything* is the answer when nothing more precise is known, e.g.
    another program changed the project.
    """

    articles: frozenset[int] = field(default_factory=frozenset)
    coded: frozenset[int] = field(default_factory=frozenset)
    annotations: frozenset[int] = field(default_factory=frozenset)
    answered: frozenset[int] = field(default_factory=frozenset)
    article_set: bool = False
    codebook: bool = False
    coders: bool = False
    settings: bool = False
    assignments: bool = False
    everything: bool = False

    @classmethod
    def of_annotations(cls, article_id: int, annotation_ids: Iterable[int] = ()) -> Changes:
        """One article's annotations (and so its counts and the coder's status) changed."""
        ids = frozenset((article_id,))
        return cls(articles=ids, coded=ids, annotations=frozenset(annotation_ids))

    @classmethod
    def of_articles(cls, article_ids: Iterable[int]) -> Changes:
        return cls(articles=frozenset(article_ids))

    @classmethod
    def all(cls) -> Changes:
        return cls(everything=True)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            articles=self.articles | other.articles,
            coded=self.coded | other.coded,
            annotations=self.annotations | other.annotations,
            answered=self.answered | other.answered,
            article_set=self.article_set or other.article_set,
            codebook=self.codebook or other.codebook,
            coders=self.coders or other.coders,
            settings=self.settings or other.settings,
            assignments=self.assignments or other.assignments,
            everything=self.everything or other.everything,
        )

    def __bool__(self) -> bool:
        return bool(
            self.articles
            or self.annotations
            or self.answered
            or self.article_set
            or self.codebook
            or self.coders
            or self.settings
            or self.assignments
            or self.everything
        )

    def touches_article(self, article_id: int | None) -> bool:
        """Whether what is shown of *article_id* (its annotations, their labels) may differ now."""
        if article_id is None:
            return self.everything or self.article_set
        return self.everything or self.codebook or article_id in self.coded

    def touches_list(self) -> bool:
        """Whether any article list may show something else now."""
        return bool(
            self.everything or self.article_set or self.articles or self.coders or self.assignments
        )

    def touches_answers(self, article_id: int | None) -> bool:
        """Whether the answers shown for *article_id* (or the questions asked) may differ now."""
        if article_id is None:
            return self.everything or self.codebook
        return self.everything or self.codebook or article_id in self.answered
