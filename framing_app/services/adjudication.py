"""Adjudication: settling the coders' disagreements into a consensus coder (issue 8).

The **consensus coder** is a coder marked ``consensus`` (migration 0006),
by default called "consensus" (:func:`consensus_coder`). Its annotations
are ordinary annotations: they export, compare and merge like any coder's,
and they are the gold standard.

**Decisions** (:func:`decide`) settle one disagreement
(:class:`~framing_app.services.disagreements.Disagreement`: a unit and a
label): accept one coder's passages there, accept every coder's (the union,
a span tagged by several coders once), write a new passage, or decide the
label absent. A decision *replaces* what the consensus coder had with that
label in the unit: its passages that touch the unit are removed, and the
parts of them outside the unit are kept (as new annotations, with their
memos), so deciding one paragraph never undoes the decision on the next.
The chosen passages are copied whole (a coder's passage is the coder's
unit of meaning; cutting it at a paragraph break would change it), with
new ids and a memo naming the source: ``from alice #12`` (annotation 12 of
alice; ``from alice #12; bob #31`` when both tagged that very span, which
is copied once). A passage written in the meeting says ``new in
adjudication`` unless given a memo; one copied from an agreement when an
article is closed says ``agreed: alice #3; bob #9``. The sources' own memos
stay with their annotations, which the ids name.

**Where decisions are recorded.** The consensus coder's passages say what
it decided (a passage of the label touching a unit: *present*); each
decision is also recorded as a row of its own
(:mod:`framing_app.services.adjudication_decisions`), so that a decision
that leaves no passage (*absent*) counts as resolved at once. Its status
*done* on an article says it has decided the whole article: the label is
absent wherever it has no passage (the agreement report's rule for every
coder who marked an article done). A disagreement is resolved when a
decision covers it, when the consensus coder has a passage of the label
touching it (one it coded itself in the coding window counts too), or when
it has closed the article
(:func:`~framing_app.services.adjudication_close.close_article`). The
consensus coder stays an ordinary coder otherwise: it means exactly what a
coder means, can be compared with the coders like a coder (accuracy against
the gold standard), and every tool that reads coders reads it.

Every decision is one transaction, committed at once, all or nothing, and
returns an :class:`~framing_app.services.adjudication_record.Adjudication`
holding the ids and values of what it created and deleted, decision rows
included, which undo and redo put back exactly
(:mod:`framing_app.services.adjudication_record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, FramingError, NotFoundError
from framing_app.core.unit_comparison import Passage
from framing_app.services.adjudication_decisions import Decision, record_decision
from framing_app.services.adjudication_record import Adjudication, advance
from framing_app.services.disagreements import (
    DEFAULT_CONSENSUS,
    Disagreement,
    find_consensus,
)
from framing_app.services.lookup import clean_name
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationState, check_span, state_of_row
from framing_app.store.models import Annotation, Article, Coder, Label, utc_now


@dataclass(frozen=True)
class ConsensusCoder:
    id: int
    name: str
    created: bool

    @property
    def changes(self) -> Changes:
        return Changes(coders=True) if self.created else Changes()


def consensus_coder(project: Project, name: str = DEFAULT_CONSENSUS) -> ConsensusCoder:
    """The consensus coder called *name*, created (marked consensus) if there is none.

    A coder of that name who is not a consensus coder is refused with a
    :class:`ConflictError`: their annotations are their coding, and must not
    be mixed with decisions.
    """
    with project.db.write() as session:
        coder, created = ensure_consensus(session, name)
        return ConsensusCoder(coder.id, coder.name, created)


def ensure_consensus(session: Session, name: str) -> tuple[Coder, bool]:
    found = find_consensus(session, name)
    if found is not None:
        return found, False
    coder = Coder(name=clean_name(name.strip() or DEFAULT_CONSENSUS, "coder"), consensus=True)
    session.add(coder)
    session.flush()
    return coder, True


# --------------------------------------------------------------------------- choices


Take = Decision
"""What a decision takes into the consensus: what its decision row records."""


@dataclass(frozen=True)
class Choice:
    """One decision's kind, with the coder (``CODER``) or the span (``NEW``) it needs."""

    take: Take
    coder: str | None = None
    span: tuple[int, int] | None = None

    @classmethod
    def accept(cls, coder: str) -> Choice:
        return cls(Take.CODER, coder=coder)

    @classmethod
    def both(cls) -> Choice:
        return cls(Take.BOTH)

    @classmethod
    def none(cls) -> Choice:
        return cls(Take.NONE)

    @classmethod
    def new(cls, start: int, end: int) -> Choice:
        return cls(Take.NEW, span=(start, end))

    def describe(self) -> str:
        """ "Accept alice's", "Accept both", "New passage", "Absent"."""
        if self.take is Take.CODER:
            return f"Accept {self.coder}'s"
        return {Take.BOTH: "Accept both", Take.NEW: "New passage", Take.NONE: "Absent"}[self.take]


KEYWORDS = {"both": Take.BOTH, "all": Take.BOTH, "none": Take.NONE, "new": Take.NEW}
"""What ``--take`` accepts besides a coder's name."""


def parse_choice(text: str, coders: Sequence[str], span: tuple[int, int] | None = None) -> Choice:
    """The choice *text* names: a compared coder, ``both`` (or ``all``), ``none`` or ``new``.

    ``new`` needs *span*; a span with anything else is refused, and so is a
    coder whose name is one of the keywords (ambiguous).
    """
    key = text.strip().casefold()
    named = [coder for coder in coders if coder.casefold() == key]
    take = KEYWORDS.get(key)
    if take is not None and named:
        raise FramingError(
            f"'{text}' is both a coder and a choice ({', '.join(KEYWORDS)}); "
            "rename the coder to adjudicate from the command line"
        )
    if take is Take.NEW:
        if span is None:
            raise FramingError("a new passage needs its span (start and end)")
        return Choice.new(*span)
    if span is not None:
        raise FramingError("a span goes only with a new passage (take new)")
    if take is not None:
        return Choice(take)
    if named:
        return Choice.accept(named[0])
    choices = ", ".join([*coders, *KEYWORDS])
    raise FramingError(f"cannot take '{text}': choose one of {choices}")


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Copy:
    """A passage to create in the consensus: label, span, memo."""

    label_id: int
    start: int
    end: int
    memo: str


def decide(
    project: Project,
    item: Disagreement,
    choice: Choice,
    *,
    consensus: str = DEFAULT_CONSENSUS,
    memo: str | None = None,
) -> Adjudication:
    """Settle *item* by *choice* in the consensus coder (created if new), in one transaction.

    The passages taken are those listed in *item*: each must still be as
    listed (same coder, label and span), else the decision is refused with
    a :class:`ConflictError` and nothing changes (list the disagreements
    again). A new passage must lie in the article and share a character
    with the unit; its memo is *memo* (default "new in adjudication").
    """
    sources = _sources(item, choice)
    with project.db.write() as session:
        coder, created = ensure_consensus(session, consensus)
        art = session.get(Article, item.article_id)
        if art is None:
            raise NotFoundError(f"article {item.external_id} was deleted")
        if session.get(Label, item.label_id) is None:
            raise NotFoundError(f"label '{item.label}' is no longer in the codebook (deleted)")
        _check_sources(session, item, sources)
        if choice.take is Take.NEW:
            assert choice.span is not None
            start, end = choice.span
            check_span(start, end, art.char_count)
            if not (start < item.end and end > item.start):
                raise FramingError(
                    f"the new passage {start}-{end} lies outside the unit {item.start}-{item.end}"
                )
            wanted = [Copy(item.label_id, start, end, memo or "new in adjudication")]
        else:
            wanted = copies_of(item.label_id, sources)
        text = art.text
        current = consensus_rows(session, coder.id, item.article_id, item.label_id)
        touching = [row for row in current if row.start < item.end and row.end > item.start]
        wanted_spans = {(c.start, c.end) for c in wanted}
        kept = {(row.start, row.end) for row in current if row not in touching}
        removed = [row for row in touching if (row.start, row.end) not in wanted_spans]
        kept |= {(row.start, row.end) for row in touching if row not in removed}
        # The parts of a removed passage outside the unit stay decided as they were.
        for row in removed:
            for start, end in _outside(text, row.start, row.end, item.start, item.end):
                wanted.append(Copy(item.label_id, start, end, row.memo))
        deleted = [state_of_row(row, coder.name) for row in removed]
        for row in removed:
            session.delete(row)
        session.flush()
        made = create_copies(session, coder, item.article_id, wanted, kept)
        decided, undecided = record_decision(
            session,
            coder.id,
            item.article_id,
            choice.take,
            label=(item.label_id, item.unit.value, item.start, item.end),
        )
        status = advance(session, coder.id, item.article_id)
        title = f"{choice.describe()} {item.label} ({item.external_id} {item.start}–{item.end})"
        return Adjudication(
            title,
            item.article_id,
            coder.id,
            coder.name,
            tuple(made),
            tuple(deleted),
            status,
            created,
            decided=tuple(decided),
            undecided=tuple(undecided),
        )


def _sources(item: Disagreement, choice: Choice) -> list[tuple[str, int, Passage]]:
    """(coder, coder id, passage) of every passage *choice* takes from *item*."""
    if choice.take is Take.CODER:
        if choice.coder is None:
            raise ValueError("Choice.accept needs a coder")
        side = item.side(choice.coder)
        return [(side.coder, side.coder_id, p) for p in side.passages]
    if choice.take is Take.BOTH:
        return [(side.coder, side.coder_id, p) for side in item.sides for p in side.passages]
    return []


def _check_sources(
    session: Session, item: Disagreement, sources: Sequence[tuple[str, int, Passage]]
) -> None:
    ids = [passage.id for _, _, passage in sources]
    rows = {
        row.id: row for row in session.scalars(select(Annotation).where(Annotation.id.in_(ids)))
    }
    for coder, coder_id, passage in sources:
        row = rows.get(passage.id)
        if row is None or (row.article_id, row.coder_id, row.label_id, row.start, row.end) != (
            item.article_id,
            coder_id,
            item.label_id,
            passage.start,
            passage.end,
        ):
            raise ConflictError(
                f"{coder}'s annotation {passage.id} was changed or deleted since the "
                "disagreements were listed; list them again"
            )


def copies_of(
    label_id: int, sources: Iterable[tuple[str, int, Passage]], prefix: str = "from"
) -> list[Copy]:
    """One copy per distinct span, its memo naming every source (and their memos)."""
    by_span: dict[tuple[int, int], list[str]] = {}
    for coder, _, passage in sources:
        by_span.setdefault((passage.start, passage.end), []).append(f"{coder} #{passage.id}")
    return [
        Copy(label_id, start, end, f"{prefix} {'; '.join(names)}")
        for (start, end), names in sorted(by_span.items())
    ]


def consensus_rows(
    session: Session, coder_id: int, article_id: int, label_id: int
) -> list[Annotation]:
    return list(
        session.scalars(
            select(Annotation)
            .where(
                Annotation.article_id == article_id,
                Annotation.coder_id == coder_id,
                Annotation.label_id == label_id,
            )
            .order_by(Annotation.start, Annotation.end, Annotation.id)
        )
    )


def _outside(
    text: str, start: int, end: int, unit_start: int, unit_end: int
) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` before and after the unit, less white space at their edges."""
    parts = []
    for left, right in ((start, min(end, unit_start)), (max(start, unit_end), end)):
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        if left < right:
            parts.append((left, right))
    return parts


def create_copies(
    session: Session,
    coder: Coder,
    article_id: int,
    copies: Iterable[Copy],
    taken: set[tuple[int, int]],
) -> list[AnnotationState]:
    """Create *copies* for the consensus coder, skipping spans it has (*taken*) or repeats."""
    now = utc_now()
    rows = []
    for copy in copies:
        if (copy.start, copy.end) in taken:
            continue
        taken.add((copy.start, copy.end))
        row = Annotation(
            article_id=article_id,
            coder_id=coder.id,
            label_id=copy.label_id,
            start=copy.start,
            end=copy.end,
            memo=copy.memo,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return [state_of_row(row, coder.name) for row in rows]
