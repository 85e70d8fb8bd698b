"""Coders' annotations as reliability data: one variable per label, at a unit of analysis.

(Interface agreed before implementation; see issue 8, "Units of analysis".)

What :func:`build_items` promises, in the terms a methods section uses:

* **Coders** are named as everywhere (case-insensitively, with a suggestion
  for a near miss); at least two, each once.
* **Articles**: by default the coders' reliability sample when they have
  one (the articles assigned to every one of them in the overlap sample,
  :func:`framing_app.services.assignments.sample_articles`), else every
  article (:class:`ArticleSet`); of those, only the ones that every
  compared coder has marked done, in import order; the others are listed in
  :attr:`ReliabilityItems.excluded`, each with the coders who have not
  marked it done. With ``all_articles`` every article is used, and a coder
  who has not started an article (no status, and no annotation on it) has a
  *missing* value on each of its units, not 0: nobody read it, so "absent"
  would be a judgement nobody made. A coder who has started it (in
  progress, or with annotations) has 0/1 values there like anywhere else.
* **Units** (:mod:`framing_app.core.units`): the article; its paragraphs
  (separated by blank lines); its sentences (syntok, within paragraphs);
  or each of its characters (code points, white space included).
* **Present / absent**, per coder, label and unit: at the article unit,
  present when the coder tagged at least one passage of the article with
  the label; at the character unit, present where one of those passages
  covers the character; at the paragraph and sentence units, by the
  :class:`OverlapRule`: ``any`` -- the passages cover at least one of the
  unit's characters; ``majority`` -- they cover more than half of them.
  Coverage is of the union of the coder's passages with that label, so two
  overlapping passages count their shared characters once. The overlap rule
  applies to paragraphs and sentences only.
* **Variables**: one per label (kind ``"label"``, nominal, categories 0 and
  1 even when one of them never occurs: Gwet's q = 2), in codebook order
  (archived labels too) or in the order asked for, then the pooled one,
  :data:`OVERALL` (kind ``"overall"``), whose units are every (unit, label)
  pair: one estimate over all labels, not an average of per-label ones.

Everything is read in one read transaction with a handful of queries (coders
and labels, articles, statuses, the coders' annotations on the articles
used, and the texts of those articles only when they are cut into paragraphs
or sentences); the coverage is computed with numpy
(:mod:`framing_app.core.unit_coverage`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

import numpy as np
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from framing_app.core.agreement import Level
from framing_app.core.agreement.reliability_data import BoolArray, FloatArray, IntArray
from framing_app.core.errors import FramingError
from framing_app.core.unit_coverage import covered_cells
from framing_app.core.units import Span, paragraph_spans, sentence_spans
from framing_app.services.assignments import sample_query
from framing_app.services.lookup import coder_by_name, label_by_name
from framing_app.services.project import Project
from framing_app.services.question_items import ObjectArray, question_variables
from framing_app.store.models import Annotation, Article, CodingStatusRow, Label

OVERALL = "(all labels)"
"""The name of the item that pools every label (each unit x label pair one unit)."""

PRESENT_ABSENT = (0.0, 1.0)
"""The scale of every label variable: absent 0, present 1."""

_DONE = "done"
_NOT_STARTED = "not-started"
_TEXT_BATCH = 500


class Unit(StrEnum):
    """What one unit of analysis is."""

    ARTICLE = "article"
    PARAGRAPH = "paragraph"
    SENTENCE = "sentence"
    CHARACTER = "character"
    # The coders' passages themselves, compared by unitizing alpha and span
    # matching (services.span_agreement): no units x coders matrix, so
    # build_items refuses it.
    SPAN = "span"


SPAN_HAS_NO_MATRIX = (
    "the span unit has no reliability matrix: each coder's passages are units of its own, not "
    "units that every coder coded, so there are no rows of units x coders to build or export "
    "(framing-app agreement --unit span compares the spans by unitizing alpha and "
    "precision/recall)"
)
"""Why :func:`build_items` (and so ``export reliability``) refuses :attr:`Unit.SPAN`."""


class OverlapRule(StrEnum):
    """When a label counts as present in a paragraph or sentence."""

    ANY = "any"  # at least one character of the unit is in one of the coder's passages
    MAJORITY = "majority"  # more than half of the unit's characters are


class ArticleSet(StrEnum):
    """Which articles are compared."""

    SAMPLE = "sample"  # those of the coders' reliability sample that all of them marked done
    DONE = "done"  # every article that all the coders marked done
    ALL = "all"  # every article, done or not (a coder who has not started one: missing)


@dataclass(frozen=True)
class ReliabilityItem:
    """One variable: a label (present 1 / absent 0 per unit) or the pooled overall one.

    *values* is units x coders (coders in :attr:`ReliabilityItems.coders`
    order), NaN where a coder has no value; *unit_ids* names each row
    (``EXTERNAL_ID`` for article units, ``EXTERNAL_ID:START-END`` for
    paragraphs and sentences, offsets as everywhere: code points, end
    exclusive; ``EXTERNAL_ID:OFFSET`` for characters).

    The pooled item (:data:`OVERALL`) holds every label item's rows, label
    after label in the order of :attr:`ReliabilityItems.items`, so its
    *unit_ids* repeat the units' ids once per label: its row r is unit
    ``unit_ids[r]`` of the ``r // units``-th label. (Naming each of millions
    of pooled rows anew would cost more than computing every statistic.)
    """

    name: str
    kind: str  # "label" | "overall" | "question" (see services.question_items)
    level: Level
    unit_ids: tuple[str, ...]
    # Floats for labels and numeric questions; the answers' texts (None:
    # missing) for nominal and ordinal questions, on the scale *categories*.
    values: FloatArray | ObjectArray
    categories: tuple[Hashable, ...]


@dataclass(frozen=True)
class ExcludedArticle:
    external_id: str
    title: str
    reason: str  # e.g. "bob has not marked it done"


@dataclass(frozen=True)
class ReliabilityItems:
    coders: tuple[str, ...]
    unit: Unit
    overlap: OverlapRule
    articles: int  # articles whose units were used
    excluded: tuple[ExcludedArticle, ...]
    items: tuple[ReliabilityItem, ...]
    article_set: ArticleSet = ArticleSet.DONE  # which articles were compared
    sample: int | None = None  # articles in the coders' sample (0: none); None with ALL

    @property
    def labels(self) -> tuple[ReliabilityItem, ...]:
        """The per-label items, without the pooled one (nor the questions)."""
        return tuple(item for item in self.items if item.kind == "label")

    @property
    def questions(self) -> tuple[ReliabilityItem, ...]:
        """The article-level questions' items (their unit is always the article)."""
        return tuple(item for item in self.items if item.kind == "question")

    @property
    def units(self) -> int:
        """Units per label: the rows of each label's variable."""
        labels = self.labels
        return len(labels[0].unit_ids) if labels else 0


def build_items(
    project: Project,
    coders: Sequence[str],
    unit: Unit,
    *,
    labels: Sequence[str] | None = None,
    all_articles: bool = False,
    articles: ArticleSet | str | None = None,
    overlap: OverlapRule = OverlapRule.ANY,
    questions: Sequence[str] | None = None,
) -> ReliabilityItems:
    """The reliability data of *coders* at *unit*, per label and pooled (module docstring).

    *labels* (names, any case) restricts and orders the labels; repeats are
    dropped. *questions* does the same for the article-level questions,
    whose items follow, one per question at the article unit whatever
    *unit* is (:mod:`~framing_app.services.question_items`). With neither,
    every label and every question; with only *labels*, no question; with
    only *questions*, no label (and no pooled item). Raises
    :class:`~framing_app.core.errors.FramingError` for fewer than two
    coders, a coder named twice, an unknown coder, label or question (with a
    close name suggested), the ``majority`` rule at the article or
    character unit, or the span unit (:data:`SPAN_HAS_NO_MATRIX`). Reads only.

    *articles* chooses the articles (see :func:`choose_articles`): by default
    the coders' reliability sample if they have one, else every article
    (each time only those done by every coder); ``all_articles`` is
    :attr:`ArticleSet.ALL`.
    """
    unit = Unit(unit)
    overlap = OverlapRule(overlap)
    if unit is Unit.SPAN:
        raise FramingError(SPAN_HAS_NO_MATRIX)
    if overlap is OverlapRule.MAJORITY and unit not in (Unit.PARAGRAPH, Unit.SENTENCE):
        raise FramingError(
            f"the overlap rule applies to paragraph and sentence units, not to the {unit.value} "
            "unit (an article has a label when any passage has it; a character, when a "
            "passage covers it)"
        )
    if len(coders) < 2:
        raise FramingError(
            f"agreement needs at least two coders; {len(coders)} given "
            f"({', '.join(repr(c) for c in coders) or 'none'})"
        )
    with_labels = labels is not None or questions is None
    with project.db.read() as session:
        coder_ids, coder_names = read_coders(session, coders)
        label_ids, label_names = read_labels(session, labels) if with_labels else ([], [])
        chosen, within, sample = choose_articles(session, coder_ids, articles, all_articles)
        corpus = read_corpus(
            session, coder_ids, coder_names, label_ids, unit, chosen is ArticleSet.ALL, within
        )
        asked = (
            question_variables(session, coder_ids, questions, corpus.article_ids.tolist())
            if labels is None or questions is not None
            else []
        )
    pooled = _pooled_values(corpus, overlap, len(coder_ids), len(label_ids))
    unit_ids = corpus.unit_ids
    n_units = len(unit_ids)
    # Each label's matrix is a (read-only) view of its rows of the pooled one.
    items = [
        ReliabilityItem(
            name,
            "label",
            Level.NOMINAL,
            unit_ids,
            pooled[index * n_units : (index + 1) * n_units],
            PRESENT_ABSENT,
        )
        for index, name in enumerate(label_names)
    ]
    # The same id objects again, label after label: a pooled item of millions
    # of rows gets no new strings (see ReliabilityItem).
    overall = ReliabilityItem(
        OVERALL, "overall", Level.NOMINAL, unit_ids * len(label_names), pooled, PRESENT_ABSENT
    )
    if with_labels:
        items.append(overall)
    items.extend(
        ReliabilityItem(q.name, "question", Level(q.level), q.unit_ids, q.values, q.categories)
        for q in asked
    )
    return ReliabilityItems(
        coders=coder_names,
        unit=unit,
        overlap=overlap,
        articles=corpus.articles,
        excluded=corpus.excluded,
        items=tuple(items),
        article_set=chosen,
        sample=sample,
    )


# --------------------------------------------------------------------------- reading


def read_coders(session: Session, names: Sequence[str]) -> tuple[list[int], tuple[str, ...]]:
    """The ids and stored names of the coders *names*; a coder named twice is refused.

    Shared with the span unit (``span_agreement``), so that both read coders alike.
    """
    found = [coder_by_name(session, name) for name in names]
    seen: dict[int, str] = {}
    for coder in found:
        if coder.id in seen:
            raise FramingError(
                f"coder '{coder.name}' is named twice; agreement compares different coders "
                "(names are compared ignoring case)"
            )
        seen[coder.id] = coder.name
    return [c.id for c in found], tuple(c.name for c in found)


def read_labels(session: Session, names: Sequence[str] | None) -> tuple[list[int], list[str]]:
    """The ids and names of the labels *names* (repeats dropped), or of all in codebook order."""
    if names is None:
        rows = session.execute(select(Label.id, Label.name).order_by(Label.position, Label.id))
        pairs = [(ident, name) for ident, name in rows]
    else:
        chosen: dict[int, str] = {}
        for name in names:
            label = label_by_name(session, name)
            chosen.setdefault(label.id, label.name)
        pairs = list(chosen.items())
    return [ident for ident, _ in pairs], [name for _, name in pairs]


@dataclass(frozen=True)
class _Corpus:
    """The articles used, their units on one line of positions, and the coders' spans."""

    articles: int
    excluded: tuple[ExcludedArticle, ...]
    article_ids: IntArray  # the articles used, in the order of their units
    unit_ids: tuple[str, ...]
    unit_starts: IntArray  # on the line: each article shifted by the lengths before it
    unit_ends: IntArray
    unit_article: IntArray  # index of each unit's article among those used
    missing: BoolArray  # articles used x coders: the coder has not started it
    span_starts: IntArray  # the coders' passages, on the same line
    span_ends: IntArray
    span_coder: IntArray  # index into the coders
    span_label: IntArray  # index into the labels


def read_corpus(
    session: Session,
    coder_ids: list[int],
    coder_names: tuple[str, ...],
    label_ids: list[int],
    unit: Unit,
    all_articles: bool,
    within: Select[int] | None = None,
) -> _Corpus:
    """*within*: only these articles (the reliability sample), as a subquery of ids."""
    listed = select(Article.id, Article.external_id, Article.title, Article.char_count)
    if within is not None:
        listed = listed.where(Article.id.in_(within))
    rows = session.connection().execute(listed.order_by(Article.id)).all()
    article_ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    n_coders = len(coder_ids)
    # 2 done, 1 in progress, 0 not started (a row that says so, or none).
    progress = case(
        (CodingStatusRow.status == _DONE, 2), (CodingStatusRow.status == _NOT_STARTED, 0), else_=1
    )
    statuses = np.fromiter(
        chain.from_iterable(
            session.connection().execute(
                select(CodingStatusRow.article_id, CodingStatusRow.coder_id, progress).where(
                    CodingStatusRow.coder_id.in_(coder_ids)
                )
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    status = np.zeros((len(rows), n_coders), dtype=np.int64)
    row = _positions(article_ids, statuses[:, 0])
    column = _positions(np.asarray(coder_ids), statuses[:, 1])
    known = (row >= 0) & (column >= 0)
    status[row[known], column[known]] = statuses[known, 2]
    done = status == 2
    started = status > 0

    article_filter = None
    excluded: tuple[ExcludedArticle, ...] = ()
    if all_articles:
        used = np.arange(len(rows), dtype=np.int64)
    else:
        every = done.all(axis=1)
        used = np.flatnonzero(every).astype(np.int64)
        excluded = tuple(
            ExcludedArticle(rows[i][1], rows[i][2], _not_done(coder_names, ~done[i]))
            for i in np.flatnonzero(~every).tolist()
        )
        article_filter = _done_by_all(coder_ids)
        if within is not None:
            article_filter = article_filter.where(CodingStatusRow.article_id.in_(within))
    used_list = used.tolist()
    used_ids = article_ids[used]
    lengths = np.asarray([rows[i][3] for i in used_list], dtype=np.int64)
    line_offsets = np.zeros(used.size, dtype=np.int64)
    np.cumsum(lengths[:-1], out=line_offsets[1:])

    span_article, span_coder_id, span_label_id, starts, ends = _read_spans(
        session, coder_ids, article_filter
    )
    # The query keeps to the articles used already, unless all are.
    where = _positions(used_ids, span_article)
    where_coder = _positions(np.asarray(coder_ids), span_coder_id)
    ok = (where >= 0) & (where_coder >= 0)
    where, where_coder = where[ok], where_coder[ok]
    # Having tagged an article is having started it, whatever its status says.
    has_spans = np.zeros((used.size, n_coders), dtype=bool)
    has_spans[where, where_coder] = True
    missing = ~(started[used] | has_spans)

    label_of = _positions(np.asarray(label_ids, dtype=np.int64), span_label_id[ok])
    chosen = label_of >= 0
    where, where_coder, label_of = where[chosen], where_coder[chosen], label_of[chosen]
    # A span past the end of its article (the services never store one) must
    # not reach into the next article on the line.
    ends = np.minimum(ends[ok][chosen], lengths[where])
    starts = np.minimum(starts[ok][chosen], ends)

    unit_starts, unit_ends, unit_article, unit_ids = _units(
        session,
        unit,
        [rows[i][1] for i in used_list],
        used_ids,
        lengths,
        line_offsets,
        article_filter,
    )
    return _Corpus(
        articles=int(used.size),
        excluded=excluded,
        article_ids=used_ids,
        unit_ids=unit_ids,
        unit_starts=unit_starts,
        unit_ends=unit_ends,
        unit_article=unit_article,
        missing=missing,
        span_starts=starts + line_offsets[where],
        span_ends=ends + line_offsets[where],
        span_coder=where_coder,
        span_label=label_of,
    )


def _positions(keys: IntArray, values: Sequence[int] | IntArray) -> IntArray:
    """The index of each of *values* in the ascending or small array *keys*; -1 if absent."""
    keys = np.asarray(keys, dtype=np.int64)
    wanted = np.asarray(values, dtype=np.int64).reshape(-1)
    if keys.size == 0 or wanted.size == 0:
        return np.full(wanted.size, -1, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    at = np.minimum(np.searchsorted(ranked, wanted), keys.size - 1)
    return np.where(ranked[at] == wanted, order[at], -1).astype(np.int64)


def choose_articles(
    session: Session,
    coder_ids: list[int],
    articles: ArticleSet | str | None,
    all_articles: bool,
) -> tuple[ArticleSet, Select[int] | None, int | None]:
    """The articles compared: the set, the sample's ids as a subquery, the sample's size.

    The size (0: no sample) is given for the sample and the done sets, None for all.

    None (the default) is the coders' reliability sample when it has an
    article, else every article (:attr:`ArticleSet.DONE`). Asking for the
    sample of coders who have none, or for ``all_articles`` together with
    another set, raises :class:`FramingError`.
    """
    try:
        chosen = None if articles is None else ArticleSet(articles)
    except ValueError:
        known = ", ".join(choice.value for choice in ArticleSet)
        raise FramingError(f"unknown set of articles '{articles}'; choose {known}") from None
    if all_articles:
        if chosen not in (None, ArticleSet.ALL):
            raise FramingError(
                f"every article (--all-articles) and the {chosen} articles (--articles "
                f"{chosen}) were both asked for; choose one"
            )
        chosen = ArticleSet.ALL
    if chosen is ArticleSet.ALL:
        return chosen, None, None
    within = sample_query(coder_ids)
    size = session.scalar(select(func.count()).select_from(within.subquery())) or 0
    if chosen is ArticleSet.DONE:
        return chosen, None, size
    if size:
        return ArticleSet.SAMPLE, within, size
    if chosen is ArticleSet.SAMPLE:
        raise FramingError(
            "these coders have no reliability sample (no article is assigned to every one of "
            "them in the overlap sample); draw one with framing-app assign, or compare the "
            "articles they all marked done (--articles done)"
        )
    return ArticleSet.DONE, None, 0


def _done_by_all(coder_ids: list[int]) -> Select[int]:
    """The ids of the articles every one of *coder_ids* has marked done (a subquery)."""
    return (
        select(CodingStatusRow.article_id)
        .where(CodingStatusRow.coder_id.in_(coder_ids), CodingStatusRow.status == _DONE)
        .group_by(CodingStatusRow.article_id)
        .having(func.count() == len(coder_ids))
    )


def _read_spans(
    session: Session, coder_ids: list[int], article_filter: Select[int] | None
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Article, coder, label, start and end of every annotation of the coders (one query).

    Every label's, so that a coder who tagged an article with a label left
    out still counts as having started it.
    """
    query = select(
        Annotation.article_id, Annotation.coder_id, Annotation.label_id, Annotation.start,
        Annotation.end,
    ).where(Annotation.coder_id.in_(coder_ids))  # fmt: skip
    if article_filter is not None:
        query = query.where(Annotation.article_id.in_(article_filter))
    # Straight from the result's rows into one array: no list of rows in between.
    flat = np.fromiter(chain.from_iterable(session.connection().execute(query)), dtype=np.int64)
    table = flat.reshape(-1, 5)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3], table[:, 4]


def _not_done(coder_names: tuple[str, ...], not_done: BoolArray) -> str:
    names = [name for name, flag in zip(coder_names, not_done, strict=True) if flag]
    if len(names) == 1:
        return f"{names[0]} has not marked it done"
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{listed} have not marked it done"


def _units(
    session: Session,
    unit: Unit,
    external: list[str],
    used_ids: IntArray,
    lengths: IntArray,
    line_offsets: IntArray,
    article_filter: Select[int] | None,
) -> tuple[IntArray, IntArray, IntArray, tuple[str, ...]]:
    """The units of the articles used, on the line: starts, ends, article index, ids."""
    n_articles = used_ids.size
    if unit is Unit.ARTICLE:
        article = np.arange(n_articles, dtype=np.int64)
        return line_offsets.copy(), line_offsets + lengths, article, tuple(external)
    if unit is Unit.CHARACTER:
        article = np.repeat(np.arange(n_articles, dtype=np.int64), lengths)
        starts = np.arange(int(lengths.sum()), dtype=np.int64)
        local = starts - line_offsets[article]
        ids = tuple(
            f"{external[a]}:{offset}"
            for a, offset in zip(article.tolist(), local.tolist(), strict=True)
        )
        return starts, starts + 1, article, ids
    split = paragraph_spans if unit is Unit.PARAGRAPH else sentence_spans
    spans_of: dict[int, list[Span]] = {}
    query = select(Article.id, Article.text).order_by(Article.id)
    if article_filter is not None:
        query = query.where(Article.id.in_(article_filter))
    # Each text is cut as it arrives: only one batch of texts is held at a time.
    texts = session.connection().execute(query.execution_options(yield_per=_TEXT_BATCH))
    for article_id, text in texts:
        spans_of[article_id] = split(text)
    per_article = [spans_of.get(ident, []) for ident in used_ids.tolist()]
    counts = np.fromiter(map(len, per_article), dtype=np.int64, count=n_articles)
    article = np.repeat(np.arange(n_articles, dtype=np.int64), counts)
    local = np.fromiter(
        chain.from_iterable(chain.from_iterable(per_article)), dtype=np.int64
    ).reshape(-1, 2)
    ids = tuple(
        f"{name}:{start}-{end}"
        for name, spans in zip(external, per_article, strict=True)
        for start, end in spans
    )
    shift = line_offsets[article]
    return local[:, 0] + shift, local[:, 1] + shift, article, ids


# --------------------------------------------------------------------------- values


def _pooled_values(
    corpus: _Corpus, overlap: OverlapRule, n_coders: int, n_labels: int
) -> FloatArray:
    """(labels x units) x coders of 1.0 / 0.0 / NaN: every label's matrix, label after label."""
    unit, group, covered = covered_cells(
        corpus.unit_starts,
        corpus.unit_ends,
        corpus.span_starts,
        corpus.span_ends,
        corpus.span_label * n_coders + corpus.span_coder,
        n_labels * n_coders,
    )
    if overlap is OverlapRule.MAJORITY:
        lengths = corpus.unit_ends[unit] - corpus.unit_starts[unit]
        present = 2 * covered > lengths
        unit, group = unit[present], group[present]
    n_units = corpus.unit_starts.size
    # Zeros, then the few cells a passage reaches: no pass over every cell.
    cube = np.zeros((n_labels, n_units, n_coders), dtype=np.float64)
    cube[group // n_coders, unit, group % n_coders] = 1.0
    missing = corpus.missing[corpus.unit_article]
    if missing.any():
        cube[:, missing] = np.nan
    pooled = cube.reshape(n_labels * n_units, n_coders)
    pooled.setflags(write=False)
    return pooled
