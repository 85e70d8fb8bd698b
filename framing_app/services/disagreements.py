"""The units where coders differ, for a consensus meeting (issue 8, "Disagreement review").

:func:`list_disagreements` compares two or more coders, label by label, at
one unit, and lists every unit (or passage in question) where they differ,
with each coder's annotations there and what the consensus coder has
decided so far. What a disagreement is, per unit (the rules of the agreement
report, :mod:`framing_app.core.unit_comparison`):

* **article**: one coder tagged the label somewhere in the article and
  another did not tag it anywhere in it;
* **paragraph / sentence**: the label is present in the unit for one coder
  and absent for another, by the overlap rule of the report (``any``: the
  coder's passages cover one of its characters; ``majority``: more than
  half). Passages that differ inside a unit both coders marked present are
  an agreement at this unit, as in the report: review at the span unit to
  see them. So the disagreements at a unit are exactly the units that make
  the report's agreement less than perfect (for two coders: the "only A"
  and "only B" counts);
* **span**: a passage in question, i.e. a stretch of overlapping passages
  on which the coders did not tag exactly the same spans (a passage one
  coder tagged and another did not tag identically).

The character unit is not offered: reviewing character by character is what
the span unit does in one step.

**Which articles**: the agreement report's rule, taken from
:func:`~framing_app.services.reliability_units.build_items` itself: those
every compared coder marked done (of their reliability sample when they
have one), unless ``all_articles``; a coder who has
not started an article has no value there and is left out of its
comparisons. **Order**: article import order, then position in the text
(start, end), then the labels' order (codebook order, or as asked).

**Resolved**: a disagreement is resolved when the consensus coder
(:mod:`framing_app.services.adjudication`) has decided it: a decision of
its covers the unit (:mod:`framing_app.services.adjudication_decisions`:
recorded at this unit, or at a larger one holding it; an *absent* decision
counts at once), or it has a passage with the label touching the unit
(decided present, also when it coded the passage itself), or it has marked
the article done (decided the whole article: absent wherever it has no
passage, the rule that makes "absent" mean the same for it as for every
coder). Reads only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import ConflictError, FramingError, NotFoundError
from framing_app.core.unit_comparison import (
    ComparedUnit,
    Passage,
    compare_article,
    compare_spans,
    compare_units,
    touching,
)
from framing_app.core.units import Span, paragraph_spans, sentence_spans
from framing_app.services.adjudication_decisions import DecisionState, covering, decisions_on
from framing_app.services.lookup import article_by_ref, coder_by_name, label_by_name
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel, report
from framing_app.services.project import Project
from framing_app.services.reliability_units import (
    ExcludedArticle,
    OverlapRule,
    Unit,
    build_items,
)
from framing_app.store.models import Annotation, Article, Coder, CodingStatusRow, Label

DEFAULT_CONSENSUS = "consensus"
"""The consensus coder's name when none is given."""

_DONE = "done"
_CHUNK = 500
# Articles compared between two looks at the cancel flag (and progress reports).
_STEP = 20


class ReviewUnit(StrEnum):
    """The unit at which disagreements are listed (see the module docstring)."""

    ARTICLE = "article"
    PARAGRAPH = "paragraph"
    SENTENCE = "sentence"
    SPAN = "span"


@dataclass(frozen=True)
class Side:
    """One coder at one disagreement: their value and their passages with the label there.

    *present* is None when the coder has not started the article (no value).
    """

    coder: str
    coder_id: int
    present: bool | None
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Disagreement:
    """One unit and label on which the coders differ, and what the consensus made of it.

    *start*, *end*: the unit (code points, end exclusive; at the span unit
    the extent of the passages in question). *consensus*: the consensus
    coder's passages with the label touching the unit; *closed*: the
    consensus coder has marked the article done; *decision*: the consensus
    coder's decision covering the unit, if any.
    """

    article_id: int
    external_id: str
    title: str
    unit: ReviewUnit
    start: int
    end: int
    label_id: int
    label: str
    sides: tuple[Side, ...]
    consensus: tuple[Passage, ...] = ()
    closed: bool = False
    decision: DecisionState | None = None

    @property
    def resolved(self) -> bool:
        """Decided (a decision covers it), present (a consensus passage here), or closed."""
        return self.closed or bool(self.consensus) or self.decision is not None

    @property
    def key(self) -> tuple[int, int, int, int]:
        """(article id, start, end, label id): the same unit and label in any later listing."""
        return (self.article_id, self.start, self.end, self.label_id)

    def side(self, coder: str) -> Side:
        """The side of *coder* (a name as listed, compared ignoring case)."""
        wanted = coder.strip().casefold()
        for side in self.sides:
            if side.coder.casefold() == wanted:
                return side
        names = ", ".join(side.coder for side in self.sides)
        raise FramingError(f"'{coder}' is not one of the compared coders ({names})")


@dataclass(frozen=True)
class DisagreementList:
    """Every disagreement of a comparison, in review order, and the consensus's progress."""

    coders: tuple[str, ...]
    unit: ReviewUnit
    overlap: OverlapRule
    labels: tuple[str, ...]
    consensus: str  # the consensus coder's name (it may not exist yet)
    articles: int  # articles compared
    excluded: tuple[ExcludedArticle, ...]
    items: tuple[Disagreement, ...]

    @property
    def resolved(self) -> int:
        return sum(item.resolved for item in self.items)

    @property
    def progress(self) -> str:
        """ "12 of 40 resolved"."""
        return f"{self.resolved:,} of {len(self.items):,} resolved"

    def for_label(self, label: str | None) -> tuple[Disagreement, ...]:
        """The disagreements on *label* (any case), or all of them for None."""
        if label is None:
            return self.items
        key = label.strip().casefold()
        return tuple(item for item in self.items if item.label.casefold() == key)


def list_disagreements(
    project: Project,
    coders: Sequence[str],
    unit: ReviewUnit | str,
    *,
    labels: Sequence[str] | None = None,
    all_articles: bool = False,
    overlap: OverlapRule | str = OverlapRule.ANY,
    consensus: str = DEFAULT_CONSENSUS,
    article: str | int | None = None,
    articles: str | None = None,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> DisagreementList:
    """Every unit where *coders* differ on a label (module docstring), in review order.

    *labels* (names, any case) restricts and orders the labels (default:
    the codebook, archived labels included). *articles* ("sample", "done",
    "all"; default: the coders' reliability sample if they have one, else
    every article) and *all_articles* choose the articles as the agreement
    report does (:func:`~framing_app.services.reliability_units.build_items`,
    which is called for it). *article* restricts the list
    to one article, which must be compared (else the reason it is not).
    *consensus* names the consensus coder whose decisions count as
    resolutions; it need not exist yet, but a coder of that name who is not
    a consensus coder is refused. Raises :class:`FramingError` as the
    agreement report does (fewer than two coders, unknown names, the
    ``majority`` rule outside paragraphs and sentences) and for a compared
    coder who is a consensus coder. *progress* hears of the articles
    compared; *should_cancel* stops the listing between articles
    (:class:`~framing_app.core.errors.Cancelled`). Reads only.
    """
    unit = _review_unit(unit)
    overlap = _overlap(overlap, unit)
    report(progress, 0, 0, "choosing the articles")
    check_cancel(should_cancel, "listing the disagreements")
    setup = _setup(project, coders, labels, all_articles, consensus, article, articles=articles)
    check_cancel(should_cancel, "listing the disagreements")
    with project.db.read() as session:
        found = _disagreements(session, setup, unit, overlap, progress, should_cancel)
        items = _with_consensus(session, found, setup.consensus_id)
    return DisagreementList(
        coders=setup.coder_names,
        unit=unit,
        overlap=overlap,
        labels=setup.label_names,
        consensus=setup.consensus,
        articles=len(setup.used),
        excluded=setup.excluded,
        items=tuple(items),
    )


def with_consensus(
    project: Project, items: Sequence[Disagreement], consensus: str = DEFAULT_CONSENSUS
) -> tuple[Disagreement, ...]:
    """*items* with the consensus coder's passages and status read again (after a decision).

    A decision can settle more than its own unit (a passage copied whole
    reaches into the next paragraph; closing an article settles all of it),
    so callers re-read every item of the articles a decision touched.
    """
    with project.db.read() as session:
        return tuple(_with_consensus(session, list(items), _consensus_id(session, consensus)))


def independent_coders(project: Project) -> list[str]:
    """The coders who code (every coder but the consensus coders), by name."""
    with project.db.read() as session:
        return list(
            session.scalars(
                select(Coder.name).where(Coder.consensus.is_(False)).order_by(Coder.name)
            )
        )


@dataclass(frozen=True)
class ComparedArticles:
    """The articles a comparison uses (the agreement report's rule), for other kinds of item.

    *articles* are ``(id, external id, title, length)`` in import order;
    *missing* says, per article id, which coders have not started it.
    """

    coders: tuple[str, ...]
    coder_ids: tuple[int, ...]
    articles: tuple[tuple[int, str, str, int], ...]
    missing: dict[int, tuple[bool, ...]]
    excluded: tuple[ExcludedArticle, ...]
    consensus_id: int | None
    consensus: str


def compared_articles(
    project: Project,
    coders: Sequence[str],
    *,
    all_articles: bool = False,
    consensus: str = DEFAULT_CONSENSUS,
    article: str | int | None = None,
    articles: str | None = None,
) -> ComparedArticles:
    """The articles :func:`list_disagreements` compares, with the same refusals."""
    setup = _setup(project, coders, None, all_articles, consensus, article, articles=articles)
    return ComparedArticles(
        setup.coder_names,
        setup.coder_ids,
        setup.used,
        setup.missing,
        setup.excluded,
        setup.consensus_id,
        setup.consensus,
    )


@dataclass(frozen=True)
class ArticleUnits:
    """Every unit of one article where a compared coder marked a label present.

    *units* are ``(label id, label name, unit)`` in review order, agreements
    (``unit.agree`` True) and disagreements alike; *coders* and *missing*
    follow the coders' order.
    """

    article_id: int
    external_id: str
    coders: tuple[str, ...]
    coder_ids: tuple[int, ...]
    missing: tuple[bool, ...]
    units: tuple[tuple[int, str, ComparedUnit], ...]


def article_units(
    project: Project,
    coders: Sequence[str],
    unit: ReviewUnit | str,
    article: str | int,
    *,
    overlap: OverlapRule | str = OverlapRule.ANY,
    all_articles: bool = False,
    articles: str | None = None,
) -> ArticleUnits:
    """The compared units of *article*, every label (what closing an article takes over).

    The article must be compared (the inclusion rule of
    :func:`list_disagreements`); refused otherwise, with the reason.
    """
    unit = _review_unit(unit)
    overlap = _overlap(overlap, unit)
    setup = _setup(
        project,
        coders,
        None,
        all_articles,
        DEFAULT_CONSENSUS,
        article,
        consensus_check=False,
        articles=articles,
    )
    ((article_id, external, _title, length),) = setup.used
    flags = setup.missing[article_id]
    with project.db.read() as session:
        passages = _passages(session, [article_id], setup.coder_ids, setup.label_ids)
        text = _texts(session, [article_id]).get(article_id, "") if _needs_text(unit) else ""
    segments = _segments(unit, text)
    found = []
    for order, (label_id, name) in enumerate(zip(setup.label_ids, setup.label_names, strict=True)):
        coded = [passages.get((article_id, c, label_id), []) for c in setup.coder_ids]
        for compared in _units_of(unit, overlap, length, segments, coded, flags):
            found.append((compared.start, compared.end, order, (label_id, name, compared)))
    found.sort(key=lambda entry: entry[:3])
    return ArticleUnits(
        article_id,
        external,
        setup.coder_names,
        setup.coder_ids,
        flags,
        tuple(entry[3] for entry in found),
    )


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Setup:
    """Who and what is compared, on which articles (the agreement report's rule)."""

    coder_ids: tuple[int, ...]
    coder_names: tuple[str, ...]
    label_ids: tuple[int, ...]
    label_names: tuple[str, ...]
    used: tuple[tuple[int, str, str, int], ...]  # (id, external id, title, length)
    missing: dict[int, tuple[bool, ...]]  # by article id: coders who have not started it
    excluded: tuple[ExcludedArticle, ...]
    consensus_id: int | None
    consensus: str  # its name as stored, or as given when it does not exist yet


def _setup(
    project: Project,
    coders: Sequence[str],
    labels: Sequence[str] | None,
    all_articles: bool,
    consensus: str,
    article: str | int | None,
    *,
    consensus_check: bool = True,
    articles: str | None = None,
) -> _Setup:
    with project.db.read() as session:
        label_ids, label_names = _labels(session, labels)
        coder_rows = [coder_by_name(session, name) for name in coders]
        for row in coder_rows:
            if row.consensus:
                raise FramingError(
                    f"'{row.name}' is a consensus coder; compare the coders who coded "
                    "independently, and adjudicate into the consensus coder"
                )
        coder_ids = tuple(row.id for row in coder_rows)
        found = find_consensus(session, consensus) if consensus_check else None
        consensus_id = None if found is None else found.id
        consensus_name = found.name if found is not None else consensus.strip() or DEFAULT_CONSENSUS
    # The agreement report's inclusion rule and missing values, from the report's own code.
    included = build_items(
        project,
        coders,
        Unit.ARTICLE,
        labels=label_names,
        all_articles=all_articles,
        articles=articles,
    )
    first = included.labels[0] if included.labels else None
    externals = first.unit_ids if first is not None else ()
    flags = (
        [tuple(math.isnan(v) for v in row) for row in first.values.tolist()]
        if first is not None
        else []
    )
    with project.db.read() as session:
        by_external = _article_rows(session, externals)
        used = [by_external[external] for external in externals]
        missing = {row[0]: flag for row, flag in zip(used, flags, strict=True)}
        if article is not None:
            used = _only(session, used, article, included.excluded)
    return _Setup(
        coder_ids,
        included.coders,
        tuple(label_ids),
        tuple(label_names),
        tuple(used),
        missing,
        included.excluded,
        consensus_id,
        consensus_name,
    )


def _overlap(overlap: OverlapRule | str, unit: ReviewUnit) -> OverlapRule:
    rule = OverlapRule(overlap)
    if rule is OverlapRule.MAJORITY and unit not in (ReviewUnit.PARAGRAPH, ReviewUnit.SENTENCE):
        raise FramingError(
            f"the overlap rule applies to paragraph and sentence units, not to the {unit.value} "
            "unit"
        )
    return rule


def _needs_text(unit: ReviewUnit) -> bool:
    return unit in (ReviewUnit.PARAGRAPH, ReviewUnit.SENTENCE)


def _review_unit(unit: ReviewUnit | str) -> ReviewUnit:
    try:
        return ReviewUnit(unit)
    except ValueError:
        if unit == Unit.CHARACTER.value:
            raise FramingError(
                "disagreements are not listed character by character; use the span unit, "
                "which shows each passage the coders tagged differently"
            ) from None
        choices = ", ".join(u.value for u in ReviewUnit)
        raise FramingError(f"unknown unit '{unit}'; choose one of {choices}") from None


def _labels(session: Session, names: Sequence[str] | None) -> tuple[list[int], list[str]]:
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


def find_consensus(session: Session, name: str) -> Coder | None:
    """The consensus coder called *name*; None if no coder has that name.

    A coder of that name who is not a consensus coder is refused: their
    annotations are coding, not decisions.
    """
    try:
        found = coder_by_name(session, name.strip() or DEFAULT_CONSENSUS)
    except NotFoundError:
        return None
    if not found.consensus:
        raise ConflictError(
            f"coder '{found.name}' codes articles and is not a consensus coder; "
            "give the consensus coder another name (--consensus NAME)"
        )
    return found


def _consensus_id(session: Session, name: str) -> int | None:
    found = find_consensus(session, name)
    return None if found is None else found.id


def _article_rows(
    session: Session, externals: Sequence[str]
) -> dict[str, tuple[int, str, str, int]]:
    """(id, external id, title, length) of the articles with these external ids."""
    found: dict[str, tuple[int, str, str, int]] = {}
    wanted = list(externals)
    for begin in range(0, len(wanted), _CHUNK):
        chunk = wanted[begin : begin + _CHUNK]
        for ident, external, title, length in session.execute(
            select(Article.id, Article.external_id, Article.title, Article.char_count).where(
                Article.external_id.in_(chunk)
            )
        ):
            found[external] = (ident, external, title, length)
    return found


def _article_id(session: Session, ref: str | int) -> int:
    return article_by_ref(session, ref).id


def _only(
    session: Session,
    used: list[tuple[int, str, str, int]],
    ref: str | int,
    excluded: Sequence[ExcludedArticle],
) -> list[tuple[int, str, str, int]]:
    """The one used article *ref* names, or why it is not compared."""
    wanted = _article_id(session, ref)
    kept = [row for row in used if row[0] == wanted]
    if kept:
        return kept
    art = session.get(Article, wanted)
    assert art is not None
    reason = next((e.reason for e in excluded if e.external_id == art.external_id), None)
    raise FramingError(
        f"article '{art.external_id}' is not compared"
        + (f": {reason} (compare all articles to include it)" if reason else "")
    )


def _passages(
    session: Session, article_ids: Sequence[int], coder_ids: Sequence[int], label_ids: Sequence[int]
) -> dict[tuple[int, int, int], list[Passage]]:
    """The coders' passages with the labels on the articles, by (article, coder, label)."""
    found: dict[tuple[int, int, int], list[Passage]] = defaultdict(list)
    if not coder_ids or not label_ids:
        return found
    query = select(
        Annotation.id, Annotation.article_id, Annotation.coder_id, Annotation.label_id,
        Annotation.start, Annotation.end,
    ).where(
        Annotation.coder_id.in_(list(coder_ids)), Annotation.label_id.in_(list(label_ids))
    )  # fmt: skip
    ids = sorted(set(article_ids))
    wanted = set(ids)
    if len(ids) <= _CHUNK:
        query = query.where(Annotation.article_id.in_(ids))
    # Else most of the project: every row read once rather than in many IN lists.
    for ident, article_id, coder_id, label_id, start, end in session.execute(query):
        if article_id in wanted:
            found[(article_id, coder_id, label_id)].append(Passage(ident, start, end))
    return found


def _texts(session: Session, article_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(article_ids))
    texts: dict[int, str] = {}
    for begin in range(0, len(ids), _CHUNK):
        chunk = ids[begin : begin + _CHUNK]
        query = select(Article.id, Article.text).where(Article.id.in_(chunk))
        texts.update((ident, text) for ident, text in session.execute(query))
    return texts


def _segments(unit: ReviewUnit, text: str) -> list[Span]:
    """The paragraphs or sentences of *text* (cut once per article: syntok takes its time)."""
    if unit is ReviewUnit.PARAGRAPH:
        return paragraph_spans(text)
    if unit is ReviewUnit.SENTENCE:
        return sentence_spans(text)
    return []


def _units_of(
    unit: ReviewUnit,
    overlap: OverlapRule,
    length: int,
    segments: Sequence[Span],
    coded: Sequence[Sequence[Passage]],
    missing: Sequence[bool],
) -> list[ComparedUnit]:
    if unit is ReviewUnit.ARTICLE:
        return compare_article(length, coded, missing)
    if unit is ReviewUnit.SPAN:
        return compare_spans(coded, missing)
    return compare_units(segments, coded, missing, majority=overlap is OverlapRule.MAJORITY)


def _disagreements(
    session: Session,
    setup: _Setup,
    unit: ReviewUnit,
    overlap: OverlapRule,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> list[Disagreement]:
    passages = _passages(session, [row[0] for row in setup.used], setup.coder_ids, setup.label_ids)
    # Only articles someone tagged can hold a disagreement: only their texts are read.
    tagged = {article_id for article_id, _, _ in passages}
    texts = _texts(session, tagged) if _needs_text(unit) else {}
    items: list[Disagreement] = []
    chosen = [row for row in setup.used if row[0] in tagged]
    for done, (article_id, external, title, length) in enumerate(chosen):
        if done % _STEP == 0:
            check_cancel(should_cancel, "listing the disagreements")
            report(progress, done, len(chosen), "comparing the coders' passages")
        flags = setup.missing[article_id]
        segments = _segments(unit, texts.get(article_id, ""))
        found: list[tuple[int, int, int, Disagreement]] = []
        labels = zip(setup.label_ids, setup.label_names, strict=True)
        for order, (label_id, label) in enumerate(labels):
            coded = [passages.get((article_id, c, label_id), []) for c in setup.coder_ids]
            if not any(coded):
                continue
            for compared in _units_of(unit, overlap, length, segments, coded, flags):
                if compared.agree is not False:
                    continue
                sides = tuple(
                    Side(name, ident, present, shown)
                    for name, ident, present, shown in zip(
                        setup.coder_names,
                        setup.coder_ids,
                        compared.present,
                        compared.passages,
                        strict=True,
                    )
                )
                item = Disagreement(
                    article_id,
                    external,
                    title,
                    unit,
                    compared.start,
                    compared.end,
                    label_id,
                    label,
                    sides,
                )
                found.append((compared.start, compared.end, order, item))
        found.sort(key=lambda entry: entry[:3])
        items.extend(entry[3] for entry in found)
    report(progress, len(chosen), len(chosen), "comparing the coders' passages")
    return items


def _with_consensus(
    session: Session, items: list[Disagreement], consensus_id: int | None
) -> list[Disagreement]:
    """*items* with the consensus coder's passages touching each, its decisions and status."""
    if consensus_id is None or not items:
        return [replace(item, consensus=(), closed=False, decision=None) for item in items]
    article_ids = sorted({item.article_id for item in items})
    label_ids = sorted({item.label_id for item in items})
    passages = _passages(session, article_ids, [consensus_id], label_ids)
    decisions = decisions_on(session, consensus_id, article_ids)
    closed: set[int] = set()
    for begin in range(0, len(article_ids), _CHUNK):
        chunk = article_ids[begin : begin + _CHUNK]
        closed.update(
            session.scalars(
                select(CodingStatusRow.article_id).where(
                    CodingStatusRow.coder_id == consensus_id,
                    CodingStatusRow.status == _DONE,
                    CodingStatusRow.article_id.in_(chunk),
                )
            )
        )
    return [
        replace(
            item,
            consensus=touching(
                passages.get((item.article_id, consensus_id, item.label_id), []),
                item.start,
                item.end,
            ),
            closed=item.article_id in closed,
            decision=covering(
                decisions.get(item.article_id, ()),
                item.label_id,
                item.unit.value,
                item.start,
                item.end,
            ),
        )
        for item in items
    ]
