"""What the disagreement review steps through: the listed disagreements, filtered, and a position.

Plain Python over the services (no widgets), so that the review window only
shows and asks: label disagreements at the chosen unit
(:mod:`framing_app.services.disagreements`) and question disagreements
(:mod:`framing_app.services.answer_disagreements`), an article's questions
after its labels, in article import order; a filter on one label or one
question; the position; and the consensus's decisions read again for the
articles a change touched.

Listing can take seconds (the sentence unit cuts every coded article into
sentences), so it is split in two: :func:`list_review` computes a
:class:`Listing` from a :class:`ReviewRequest` (plain values only: it runs
in a worker thread, see :mod:`framing_app.gui.disagreement_review`), and
:meth:`ReviewList.apply` takes it in, in the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from framing_app.services.answer_disagreements import (
    AnswerDisagreement,
    list_answer_disagreements,
    with_consensus_answers,
)
from framing_app.services.disagreements import (
    DEFAULT_CONSENSUS,
    Disagreement,
    ReviewUnit,
    list_disagreements,
    with_consensus,
)
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel
from framing_app.services.project import Project

Item = Disagreement | AnswerDisagreement
Key = tuple[int, ...]

QUESTION_PREFIX = "Question: "
"""How a question is named among the labels in the filter (a label may share its name)."""


def item_name(item: Item) -> str:
    """The filter entry *item* belongs to: its label, or ``Question: NAME``."""
    if isinstance(item, AnswerDisagreement):
        return QUESTION_PREFIX + item.question
    return item.label


@dataclass(frozen=True)
class ReviewRequest:
    """What to list: the coders compared, the unit, the articles, the consensus coder."""

    coders: tuple[str, ...]
    unit: ReviewUnit
    overlap: str = "any"
    all_articles: bool = False
    article_set: str | None = None  # "sample", "done", "all"; None: the report's default
    consensus: str = DEFAULT_CONSENSUS


@dataclass(frozen=True)
class Listing:
    """The disagreements of a request, in review order, and the filter's entries."""

    request: ReviewRequest
    items: tuple[Item, ...]
    names: tuple[str, ...]  # labels, then questions
    articles: int  # articles compared


def list_review(
    project: Project,
    request: ReviewRequest,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> Listing:
    """Every disagreement *request* asks for (raises ``FramingError``, ``Cancelled``)."""
    unit = request.unit
    overlap = request.overlap if unit in (ReviewUnit.PARAGRAPH, ReviewUnit.SENTENCE) else "any"
    articles = None if request.all_articles else request.article_set
    labels = list_disagreements(
        project,
        request.coders,
        unit,
        all_articles=request.all_articles,
        overlap=overlap,
        consensus=request.consensus,
        articles=articles,
        progress=progress,
        should_cancel=should_cancel,
    )
    check_cancel(should_cancel, "listing the disagreements")
    answers = list_answer_disagreements(
        project,
        request.coders,
        all_articles=request.all_articles,
        consensus=request.consensus,
        articles=articles,
    )
    order = {article_id: n for n, article_id in enumerate(_article_order(labels.items, answers))}
    merged: list[Item] = [*labels.items, *answers]
    # Stable: positions within an article stay as listed, questions after labels.
    merged.sort(key=lambda item: (order[item.article_id], isinstance(item, AnswerDisagreement)))
    questions = dict.fromkeys(QUESTION_PREFIX + a.question for a in answers)
    return Listing(request, tuple(merged), (*labels.labels, *questions), labels.articles)


@dataclass
class ReviewList:
    """The disagreements of one comparison (see the module docstring)."""

    project: Project
    consensus: str = DEFAULT_CONSENSUS
    coders: tuple[str, ...] = ()
    unit: ReviewUnit = ReviewUnit.PARAGRAPH
    overlap: str = "any"
    all_articles: bool = False
    article_set: str | None = None  # "sample", "done", "all"; None: the report's default
    names: tuple[str, ...] = ()  # the filter's entries: labels, then questions
    articles: int = 0
    listed: list[Item] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # the listed ones on the chosen entry
    index: int = -1
    loaded: bool = False

    def request(self) -> ReviewRequest:
        """What :func:`list_review` is to list for the current choices."""
        return ReviewRequest(
            self.coders,
            self.unit,
            self.overlap,
            self.all_articles,
            self.article_set,
            self.consensus,
        )

    def clear(self) -> None:
        """Nothing listed (before a listing arrives, or when it cannot be made)."""
        self.loaded = False
        self.listed, self.items, self.names, self.articles, self.index = [], [], (), 0, -1

    def apply(self, listing: Listing) -> None:
        """Take in *listing* (call :meth:`choose` next to show an entry of the filter)."""
        self.listed = list(listing.items)
        self.names = listing.names
        self.articles = listing.articles
        self.loaded = True

    def choose(self, name: str | None, keep: Key | None = None) -> None:
        """Show the disagreements on *name* (a label or ``Question: NAME``; None: all)."""
        self.items = [i for i in self.listed if name is None or item_name(i) == name]
        keys = [item.key for item in self.items]
        self.index = keys.index(keep) if keep in keys else (0 if self.items else -1)

    def current(self) -> Item | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def next_unsettled(self) -> int | None:
        """The position of the next disagreement not decided yet (wrapping), or None."""
        count = len(self.items)
        for step in range(1, count + 1):
            candidate = (self.index + step) % count
            if not self.items[candidate].resolved:
                return candidate
        return None

    def progress(self) -> tuple[int, int]:
        """(resolved, listed) among the shown ones."""
        return sum(item.resolved for item in self.items), len(self.items)

    def refresh(self, article_ids: Iterable[int]) -> None:
        """Read the consensus's decisions again on the disagreements of *article_ids*."""
        wanted = set(article_ids)
        touched = [item for item in self.listed if item.article_id in wanted]
        spans = [item for item in touched if isinstance(item, Disagreement)]
        asked = [item for item in touched if isinstance(item, AnswerDisagreement)]
        fresh: dict[Key, Item] = {}
        if spans:
            fresh.update((i.key, i) for i in with_consensus(self.project, spans, self.consensus))
        if asked:
            fresh.update(
                (i.key, i) for i in with_consensus_answers(self.project, asked, self.consensus)
            )
        self.listed = [fresh.get(item.key, item) for item in self.listed]
        self.items = [fresh.get(item.key, item) for item in self.items]

    def article_ids(self) -> set[int]:
        return {item.article_id for item in self.listed}


def _article_order(
    labels: Sequence[Disagreement], answers: Sequence[AnswerDisagreement]
) -> list[int]:
    """The articles of both lists in import order (ids grow with it)."""
    return sorted({item.article_id for item in labels} | {item.article_id for item in answers})
