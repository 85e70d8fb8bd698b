"""Who codes which article, and the reliability (overlap) sample that every coder codes.

A lead draws assignments with :func:`assign`; what it promises, in the terms
a methods section uses:

* **The sample.** Of the articles in the draw, a share (``overlap``, see
  :class:`Overlap`) is the *reliability sample*: each of those articles is
  assigned to every listed coder, marked ``in_sample``. The sample of a set
  of coders (:func:`sample_articles`) is the articles assigned with
  ``in_sample`` to every one of them; the agreement report uses it by
  default (:mod:`framing_app.services.reliability_units`).
* **The split.** The other articles go to one coder each, balanced: each
  goes to the coder with the fewest assignments so far (all their
  assignments count, from earlier draws too), ties broken in a seeded
  random order of the coders. On a first draw (nothing started, nothing
  assigned) the coders' counts differ by at most one.
* **Randomness.** The articles are put in a stable order that depends only
  on the articles themselves (the SHA-256 of their text, as exported, then
  the internal id for identical hashes, which the schema forbids anyway),
  then shuffled by a Fisher-Yates shuffle driven by ``random.Random(seed)``
  (the Mersenne Twister). Only ``Random.random()`` is called: it is the part
  of the module whose sequence Python promises to keep across versions for
  the same seed (``shuffle`` and ``randrange`` are not promised). The first
  ones of the shuffled order are the sample; the rest are dealt in that
  order. So a draw is repeated exactly by the same seed, coders and
  articles, on any machine, whatever order the articles were imported in.
* **Re-running** adds articles without moving work. Articles that already
  have an assignment (to anyone) keep it and are left as they are. Only the
  articles with no assignment at all are drawn: the sample grows to the
  asked share of the whole draw (the articles assigned to the listed coders
  plus the new ones), taking its new articles from the new ones only, and
  never shrinks; the rest are dealt as above, counting each coder's current
  assignments. A new article that a listed coder has already started (status
  in progress or done, or an annotation) is never dealt away from them: if
  it is not drawn into the sample it is assigned to every listed coder who
  started it. (The balance then holds up to those articles.)
* **The consensus coder** (adjudicated decisions) is never assigned articles.

Everything is one write transaction: an unknown coder or article changes
nothing. :func:`unassign` removes assignments (the coders' statuses and
annotations stay).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Select, case, delete, func, select
from sqlalchemy.orm import Session

from framing_app.core.assignment_draw import DEFAULT_OVERLAP, Overlap, draw
from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError, NotFoundError
from framing_app.core.names import name_key
from framing_app.core.records import CodingStatus
from framing_app.core.timestamps import iso_utc
from framing_app.services.lookup import article_by_ref, coder_by_name, ensure_coder
from framing_app.services.project import Project
from framing_app.store.bulk import insert_rows
from framing_app.store.models import (
    Annotation,
    Article,
    Assignment,
    Coder,
    CodingStatusRow,
    table_of,
    utc_now,
)

_STARTED = (CodingStatus.IN_PROGRESS.value, CodingStatus.DONE.value)
# Ids per IN list: below every backend's parameter limit.
_IN_CHUNK = 500


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class ArticleRef:
    id: int
    external_id: str
    title: str


@dataclass(frozen=True)
class CoderLoad:
    """One coder's part of a draw: what this run added, and their assignments after it."""

    coder: str
    added: int  # articles assigned to the coder by this run, sample ones included
    added_in_sample: int
    kept_started: int  # of *added*: new articles they had started, not drawn into the sample
    assigned: int  # all the coder's assignments after the run
    in_sample: int  # of those, in a reliability sample


@dataclass(frozen=True)
class AssignmentReport:
    """What :func:`assign` did.

    *pool* is the draw's articles (those assigned to any listed coder and the
    new ones, within ``articles`` when given); *sample* the reliability
    sample of the listed coders within the pool after the run; *target*
    what the overlap asked for; *sample_added* the articles drawn into it by
    this run; *new* the articles that had no assignment and got one;
    *left_alone* the articles already assigned (to anyone) that the run did
    not touch.
    """

    coders: tuple[str, ...]
    overlap: Overlap
    seed: int
    pool: int
    target: int
    sample: int
    sample_added: tuple[ArticleRef, ...]
    new: tuple[int, ...]
    left_alone: int
    loads: tuple[CoderLoad, ...]

    @property
    def short(self) -> int:
        """How many sample articles the run could not add: too few new articles to draw from."""
        return max(0, self.target - self.sample)

    @property
    def changes(self) -> Changes:
        if not self.new:
            return Changes()
        return Changes(articles=frozenset(self.new), assignments=True)


@dataclass(frozen=True)
class UnassignReport:
    coder: str
    removed: int
    removed_in_sample: int
    started: int  # of the removed: articles the coder had started (their work stays)
    article_ids: frozenset[int]

    @property
    def changes(self) -> Changes:
        if not self.removed:
            return Changes()
        return Changes(articles=self.article_ids, assignments=True)


@dataclass(frozen=True)
class AssignmentLine:
    """One article assigned to a coder, with the coder's status on it."""

    article_id: int
    external_id: str
    title: str
    in_sample: bool
    status: CodingStatus


@dataclass(frozen=True)
class CoderAssignments:
    """A coder's assignments in numbers."""

    coder: str
    assigned: int
    in_sample: int
    done: int
    in_progress: int

    @property
    def not_started(self) -> int:
        return self.assigned - self.done - self.in_progress


@dataclass(frozen=True)
class SampleGroup:
    """A reliability sample: articles assigned with ``in_sample`` to exactly these coders."""

    coders: tuple[str, ...]
    articles: int


# --------------------------------------------------------------------------- assign


def assign(
    project: Project,
    coders: Sequence[str],
    overlap: Overlap | float | Fraction | int | str = DEFAULT_OVERLAP,
    seed: int = 0,
    articles: Sequence[str | int] | None = None,
    *,
    create_coders: bool = False,
) -> AssignmentReport:
    """Assign the articles without an assignment to *coders*, drawing the reliability sample.

    See the module docstring for the rules. *overlap* is a share (float,
    Fraction, ``"0.1"``, ``"10%"``) or a number of articles (int, ``"50"``).
    *articles* (external or internal ids) restricts the draw to those
    articles. Unknown coders are an error (with a close name suggested)
    unless *create_coders*. Raises :class:`FramingError`, changing nothing,
    for no coder, a coder named twice, the consensus coder, a sample with
    fewer than two coders, an overlap out of range or larger than the draw,
    a negative seed, or an unknown article.
    """
    share = Overlap.of(overlap)
    if seed < 0:
        raise FramingError(f"the seed cannot be negative: {seed}")
    if not coders:
        raise FramingError("name the coders to assign articles to")
    with project.db.write() as session:
        found = _coders(session, coders, create=create_coders)
        if share.positive and len(found) < 2:
            raise FramingError(
                "a reliability sample needs at least two coders; name more coders, or give "
                "--overlap 0 to assign without a sample"
            )
        ids = [c.id for c in found]
        listed = set(ids)
        scope = _scope(session, articles)
        assigned_to: dict[int, set[int]] = {}  # article -> coders it is assigned to (anyone)
        sampled: dict[int, set[int]] = {}  # article -> coders who have it in a sample
        for article_id, coder_id, sample_flag in session.execute(
            select(Assignment.article_id, Assignment.coder_id, Assignment.in_sample)
        ):
            assigned_to.setdefault(article_id, set()).add(coder_id)
            if sample_flag:
                sampled.setdefault(article_id, set()).add(coder_id)
        # The stable order: by text hash, so the same articles draw alike in any project.
        new = [a for _, a in sorted((sha, a) for a, sha in scope if a not in assigned_to)]
        pool = len(new) + sum(1 for a, _ in scope if assigned_to.get(a, set()) & listed)
        if share.count is not None and share.count > pool:
            raise FramingError(
                f"the overlap asks for {share.count} sample articles but the draw has only "
                f"{pool}; give a share (0.1 or 10%) or a smaller number"
            )
        in_sample = sum(1 for a, _ in scope if listed <= sampled.get(a, set()))
        loads = {
            coder_id: int(count)
            for coder_id, count in session.execute(
                select(Assignment.coder_id, func.count())
                .where(Assignment.coder_id.in_(ids))
                .group_by(Assignment.coder_id)
            )
        }
        by_name = sorted(found, key=lambda c: (name_key(c.name), c.id))
        result = draw(
            new,
            [c.id for c in by_name],
            overlap=share,
            seed=seed,
            pool=pool,
            in_sample=in_sample,
            loads=loads,
            started=_started(session, ids, new),
        )
        rows = [(a, c, True) for a in result.sample for c in ids]
        rows += [(a, c, False) for a, c in result.given]
        now = iso_utc(utc_now())
        insert_rows(
            session,
            table_of(Assignment),
            ["article_id", "coder_id", "in_sample", "assigned_at"],
            [(a, c, s, now) for a, c, s in rows],
        )
        added = dict.fromkeys(ids, 0)
        for _, coder_id, _ in rows:
            added[coder_id] += 1
        kept = dict.fromkeys(ids, 0)
        for _, coder_id in result.kept:
            kept[coder_id] += 1
        totals = _totals(session, ids)
        refs = _refs(session, result.sample)
        return AssignmentReport(
            coders=tuple(c.name for c in found),
            overlap=share,
            seed=seed,
            pool=pool,
            target=result.target,
            sample=in_sample + len(result.sample),
            sample_added=tuple(refs[a] for a in sorted(result.sample)),
            new=tuple(sorted(new)),
            left_alone=len(scope) - len(new),
            loads=tuple(
                CoderLoad(
                    coder=c.name,
                    added=added[c.id],
                    added_in_sample=len(result.sample),
                    kept_started=kept[c.id],
                    assigned=totals.get(c.id, (0, 0))[0],
                    in_sample=totals.get(c.id, (0, 0))[1],
                )
                for c in found
            ),
        )


def _coders(session: Session, names: Sequence[str], *, create: bool) -> list[Coder]:
    found: list[Coder] = []
    for name in names:
        try:
            coder = ensure_coder(session, name) if create else coder_by_name(session, name)
        except NotFoundError as error:
            raise NotFoundError(f"{error} (--create-coders adds coders who are new)") from None
        if coder.consensus:
            raise FramingError(
                f"'{coder.name}' is the consensus coder (adjudicated decisions); it is never "
                "assigned articles"
            )
        if any(c.id == coder.id for c in found):
            raise FramingError(
                f"coder '{coder.name}' is named twice (names are compared ignoring case)"
            )
        found.append(coder)
    return found


def _scope(session: Session, refs: Sequence[str | int] | None) -> list[tuple[int, str]]:
    """(id, SHA-256) of the articles of the draw: *refs*, or every article."""
    if refs is None:
        return [(a, sha) for a, sha in session.execute(select(Article.id, Article.sha256))]
    chosen = {article_by_ref(session, ref).id: None for ref in refs}
    found: list[tuple[int, str]] = []
    ids = list(chosen)
    for begin in range(0, len(ids), _IN_CHUNK):
        chunk = ids[begin : begin + _IN_CHUNK]
        found += [
            (a, sha)
            for a, sha in session.execute(
                select(Article.id, Article.sha256).where(Article.id.in_(chunk))
            )
        ]
    return found


def _started(session: Session, coder_ids: list[int], articles: list[int]) -> dict[int, set[int]]:
    """Article -> the coders of *coder_ids* who have started it (status or annotations)."""
    started: dict[int, set[int]] = {}
    if not articles:
        return started
    wanted = set(articles)
    queries: list[Select[int, int]] = [
        select(CodingStatusRow.article_id, CodingStatusRow.coder_id).where(
            CodingStatusRow.coder_id.in_(coder_ids), CodingStatusRow.status.in_(_STARTED)
        ),
        select(Annotation.article_id, Annotation.coder_id)
        .where(Annotation.coder_id.in_(coder_ids))
        .group_by(Annotation.article_id, Annotation.coder_id),
    ]
    for query in queries:
        for article_id, coder_id in session.execute(query):
            if article_id in wanted:
                started.setdefault(article_id, set()).add(coder_id)
    return started


def _totals(session: Session, coder_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Coder -> (assignments, of which in a sample)."""
    sample_count = func.sum(case((Assignment.in_sample, 1), else_=0))
    return {
        coder_id: (int(total), int(in_sample or 0))
        for coder_id, total, in_sample in session.execute(
            select(Assignment.coder_id, func.count(), sample_count)
            .where(Assignment.coder_id.in_(list(coder_ids)))
            .group_by(Assignment.coder_id)
        )
    }


def _refs(session: Session, ids: Sequence[int]) -> dict[int, ArticleRef]:
    refs: dict[int, ArticleRef] = {}
    wanted = list(ids)
    for begin in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[begin : begin + _IN_CHUNK]
        for ident, external, title in session.execute(
            select(Article.id, Article.external_id, Article.title).where(Article.id.in_(chunk))
        ):
            refs[ident] = ArticleRef(ident, external, title)
    return refs


# --------------------------------------------------------------------------- unassign


def unassign(
    project: Project, coder: str, articles: Sequence[str | int] | None = None
) -> UnassignReport:
    """Remove *coder*'s assignments to *articles* (every one when None); all or nothing.

    The coder's statuses and annotations on those articles stay. An article
    taken out of one coder's sample is no longer in the sample of any set of
    coders that includes them (:func:`sample_articles`). Raises
    :class:`FramingError` for an unknown coder or article.
    """
    with project.db.write() as session:
        who = coder_by_name(session, coder)
        condition = [Assignment.coder_id == who.id]
        if articles is not None:
            ids = list(dict.fromkeys(article_by_ref(session, ref).id for ref in articles))
            condition.append(Assignment.article_id.in_(ids) if ids else Assignment.article_id < 0)
        removed = session.execute(
            select(Assignment.article_id, Assignment.in_sample).where(*condition)
        ).all()
        gone = {article_id for article_id, _ in removed}
        started = _started(session, [who.id], sorted(gone))
        session.execute(delete(Assignment).where(*condition))
        return UnassignReport(
            coder=who.name,
            removed=len(removed),
            removed_in_sample=sum(1 for _, in_sample in removed if in_sample),
            started=len(started),
            article_ids=frozenset(gone),
        )


# --------------------------------------------------------------------------- reading


def list_assignments(project: Project, coder: str) -> list[AssignmentLine]:
    """*coder*'s assigned articles in import order, with their status (unknown coder: error)."""
    with project.db.read() as session:
        who = coder_by_name(session, coder)
        status = func.coalesce(CodingStatusRow.status, CodingStatus.NOT_STARTED.value)
        query = (
            select(Article.id, Article.external_id, Article.title, Assignment.in_sample, status)
            .join(Assignment, Assignment.article_id == Article.id)
            .outerjoin(
                CodingStatusRow,
                (CodingStatusRow.article_id == Article.id) & (CodingStatusRow.coder_id == who.id),
            )
            .where(Assignment.coder_id == who.id)
            .order_by(Article.id)
        )
        return [
            AssignmentLine(ident, external, title, bool(in_sample), CodingStatus(value))
            for ident, external, title, in_sample, value in session.execute(query)
        ]


def coder_assignments(project: Project) -> list[CoderAssignments]:
    """Every coder with assignments, by name: how many, in a sample, done, in progress."""
    with project.db.read() as session:
        status = CodingStatusRow.status
        query = (
            select(
                Coder.name,
                func.count(),
                func.sum(case((Assignment.in_sample, 1), else_=0)),
                func.sum(case((status == CodingStatus.DONE.value, 1), else_=0)),
                func.sum(case((status == CodingStatus.IN_PROGRESS.value, 1), else_=0)),
            )
            .select_from(Assignment)
            .join(Coder, Coder.id == Assignment.coder_id)
            .outerjoin(
                CodingStatusRow,
                (CodingStatusRow.article_id == Assignment.article_id)
                & (CodingStatusRow.coder_id == Assignment.coder_id),
            )
            .group_by(Coder.id, Coder.name)
        )
        found = [
            CoderAssignments(name, int(n), int(s or 0), int(d or 0), int(p or 0))
            for name, n, s, d, p in session.execute(query)
        ]
        return sorted(found, key=lambda line: name_key(line.coder))


def sample_groups(project: Project) -> list[SampleGroup]:
    """The reliability samples: for each set of coders sharing ``in_sample`` articles, how many.

    An article belongs to the group of exactly the coders who have it in a
    sample; groups are listed largest first.
    """
    with project.db.read() as session:
        names = {ident: name for ident, name in session.execute(select(Coder.id, Coder.name))}
        members: dict[int, list[int]] = {}
        for article_id, coder_id in session.execute(
            select(Assignment.article_id, Assignment.coder_id).where(Assignment.in_sample)
        ):
            members.setdefault(article_id, []).append(coder_id)
    groups: dict[tuple[str, ...], int] = {}
    for coder_ids in members.values():
        key = tuple(sorted((names[c] for c in coder_ids), key=name_key))
        groups[key] = groups.get(key, 0) + 1
    return [
        SampleGroup(coders, count)
        for coders, count in sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    ]


def sample_articles(project: Project, coders: Sequence[str]) -> list[int]:
    """The reliability sample of *coders*: ids of the articles assigned with ``in_sample``
    to every one of them, ascending (unknown coder: error, with a suggestion)."""
    with project.db.read() as session:
        ids = list(dict.fromkeys(coder_by_name(session, name).id for name in coders))
        if not ids:
            return []
        return list(session.scalars(sample_query(ids).order_by(Assignment.article_id)))


def sample_query(coder_ids: Sequence[int]) -> Select[int]:
    """The ids of the articles in the sample of *coder_ids* (for use as a subquery)."""
    unique = list(dict.fromkeys(coder_ids))
    return (
        select(Assignment.article_id)
        .where(Assignment.coder_id.in_(unique), Assignment.in_sample)
        .group_by(Assignment.article_id)
        .having(func.count() == len(unique))
    )


def has_assignments(project: Project, coder: str | None) -> bool:
    """Whether the coder called *coder* (exact stored spelling) has any assignment."""
    if coder is None:
        return False
    with project.db.read() as session:
        found = session.scalar(
            select(Assignment.article_id)
            .join(Coder, Coder.id == Assignment.coder_id)
            .where(Coder.name == " ".join(coder.split()))
            .limit(1)
        )
        return found is not None
