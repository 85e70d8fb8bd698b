"""Codebook edits by label id, as undo and redo need them.

An undo step holds a :class:`LabelState` (or the order of label ids, or a
:class:`RemovedLabel`) and puts it back through these functions. Nothing here
goes by a label's name: a label renamed meanwhile, here or by another
process, is still the same label. Each call is one committed transaction,
and a step that can no longer be applied (the label was deleted, its name or
shortcut taken by another label) is refused with a :class:`FramingError`
and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, NotFoundError
from framing_app.core.names import find_by_name
from framing_app.services.codebook import checked_color
from framing_app.services.lookup import clean_name, coder_by_name
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationState, row_of_state, state_of_row
from framing_app.store.models import (
    AdjudicationDecision,
    Annotation,
    Article,
    Coder,
    Label,
    table_of,
)


@dataclass(frozen=True)
class LabelState:
    """A label's stored values, under its id."""

    id: int
    name: str
    definition: str
    color: str
    shortcut: str | None
    position: int
    archived: bool
    created_at: datetime

    @property
    def changes(self) -> Changes:
        return Changes(codebook=True)


@dataclass(frozen=True)
class RemovedLabel:
    """A deleted label with the annotations and consensus decisions that went with it.

    *decisions* are the ``adjudication_decision`` rows about the label, as
    column values, so that undoing the delete also gives back what the
    consensus meeting decided ("absent" decisions leave no annotation).
    """

    label: LabelState
    annotations: tuple[AnnotationState, ...]
    decisions: tuple[tuple[tuple[str, object], ...], ...] = ()

    @property
    def changes(self) -> Changes:
        articles = frozenset(a.article_id for a in self.annotations)
        return Changes(
            articles=articles,
            coded=articles,
            annotations=frozenset(a.id for a in self.annotations),
            codebook=True,
        )


@dataclass(frozen=True)
class LabelOrder:
    """The codebook's order, label ids first to last."""

    ids: tuple[int, ...]

    @property
    def changes(self) -> Changes:
        return Changes(codebook=True)


def _state(label: Label) -> LabelState:
    return LabelState(
        label.id,
        label.name,
        label.definition,
        label.color,
        label.shortcut,
        label.position,
        label.archived,
        label.created_at,
    )


def _label(session: Session, label_id: int) -> Label:
    label = session.get(Label, label_id)
    if label is None:
        raise NotFoundError(f"label {label_id} is no longer in the codebook (deleted)")
    return label


def _check_free(session: Session, state: LabelState) -> None:
    """Refuse a name or shortcut that another label than ``state.id`` holds."""
    others = session.execute(select(Label.name, Label.shortcut).where(Label.id != state.id)).all()
    taken = find_by_name([(name, name) for name, _ in others], state.name)
    if taken is not None:
        raise ConflictError(f"the codebook already has a label named '{taken}'")
    if state.shortcut:
        holder = next((name for name, key in others if key == state.shortcut), None)
        if holder is not None:
            raise ConflictError(f"shortcut '{state.shortcut}' is already used by label '{holder}'")


def _checked(state: LabelState) -> LabelState:
    return replace(
        state,
        name=clean_name(state.name, "label"),
        color=checked_color(state.color),
        shortcut=state.shortcut or None,
    )


def label_state(project: Project, label_id: int) -> LabelState:
    """The label's stored values (:class:`NotFoundError` when it was deleted)."""
    with project.db.read() as session:
        return _state(_label(session, label_id))


def apply_label_state(project: Project, state: LabelState) -> LabelState:
    """Give label ``state.id`` the name, definition, colour, shortcut and archived flag of *state*.

    Its place in the order is left alone (see :func:`set_label_order`).
    Annotations keep pointing at the label: a rename renames them all.
    """
    state = _checked(state)
    with project.db.write() as session:
        label = _label(session, state.id)
        _check_free(session, state)
        label.name = state.name
        label.definition = state.definition
        label.color = state.color
        label.shortcut = state.shortcut
        label.archived = state.archived
        session.flush()
        return _state(label)


def label_order(project: Project) -> LabelOrder:
    with project.db.read() as session:
        return LabelOrder(
            tuple(session.scalars(select(Label.id).order_by(Label.position, Label.id)))
        )


def set_label_order(project: Project, order: Sequence[int]) -> LabelOrder:
    """Put the labels in *order*; labels it does not name (added since) follow in their order.

    Ids of labels deleted since are skipped: the rest still take their places.
    """
    with project.db.write() as session:
        return LabelOrder(_reorder(session, order))


def _reorder(session: Session, order: Sequence[int]) -> tuple[int, ...]:
    labels = {lab.id: lab for lab in session.scalars(select(Label))}
    named = [i for i in dict.fromkeys(order) if i in labels]
    rest = sorted(
        (lab for i, lab in labels.items() if i not in set(named)),
        key=lambda lab: (lab.position, lab.id),
    )
    final = [*named, *(lab.id for lab in rest)]
    for position, ident in enumerate(final):
        labels[ident].position = position
    return tuple(final)


def restore_label(project: Project, state: LabelState) -> LabelState:
    """Put back a label with the id, values and place of *state* (undo of a delete, redo of an add).

    Refused when the id is in use again or its name or shortcut is taken.
    """
    state = _checked(state)
    with project.db.write() as session:
        _restore(session, state)
        return state


def _restore(session: Session, state: LabelState) -> None:
    if session.get(Label, state.id) is not None:
        raise ConflictError(f"label {state.id} is already in the codebook")
    _check_free(session, state)
    order = list(session.scalars(select(Label.id).order_by(Label.position, Label.id)))
    session.add(
        Label(
            id=state.id,
            name=state.name,
            definition=state.definition,
            color=state.color,
            shortcut=state.shortcut,
            position=state.position,
            archived=state.archived,
            created_at=state.created_at,
        )
    )
    session.flush()
    order.insert(max(0, min(state.position, len(order))), state.id)
    _reorder(session, order)


def remove_label(
    project: Project, label_id: int, *, with_annotations: bool, expect: int | None = None
) -> RemovedLabel:
    """Delete label *label_id*; returns it and its annotations as they were.

    A label in use goes only with ``with_annotations=True`` (the user was
    told whose annotations go); otherwise :class:`ConflictError`. With
    *expect*, it goes only if it has exactly that many annotations (a redo
    must not take annotations the user was never told about).
    """
    with project.db.write() as session:
        label = _label(session, label_id)
        rows = session.execute(
            select(Annotation, Coder.name)
            .join(Coder, Coder.id == Annotation.coder_id)
            .where(Annotation.label_id == label_id)
            .order_by(Annotation.id)
        ).all()
        if expect is not None and len(rows) != expect:
            raise ConflictError(
                f"label '{label.name}' has {len(rows)} annotation(s) now, not {expect}; "
                "delete it again in the codebook editor if it should go"
            )
        if rows and not with_annotations:
            raise ConflictError(
                f"label '{label.name}' is used by {len(rows)} annotation(s) now; "
                "delete it together with them in the codebook editor"
            )
        decisions = table_of(AdjudicationDecision)
        decided = session.execute(
            select(decisions).where(decisions.c.label_id == label_id).order_by(decisions.c.id)
        ).all()
        removed = RemovedLabel(
            _state(label),
            tuple(state_of_row(row, coder) for row, coder in rows),
            tuple(tuple(row._asdict().items()) for row in decided),
        )
        session.execute(delete(decisions).where(decisions.c.label_id == label_id))
        session.execute(delete(Annotation).where(Annotation.label_id == label_id))
        session.delete(label)
        return removed


def restore_removed_label(project: Project, removed: RemovedLabel) -> RemovedLabel:
    """Put back a deleted label and every annotation that went with it, ids and all.

    All or nothing: refused when the label cannot come back, or when one
    annotation cannot (its article or coder was deleted since, or its id or
    span is taken).
    """
    state = _checked(removed.label)
    with project.db.write() as session:
        _restore(session, state)
        coders: dict[str, int] = {}
        for each in removed.annotations:
            if each.coder not in coders:
                coders[each.coder] = coder_by_name(session, each.coder).id
        articles = set(
            session.scalars(
                select(Article.id).where(
                    Article.id.in_({a.article_id for a in removed.annotations})
                )
            )
        )
        for each in removed.annotations:
            if each.article_id not in articles:
                raise NotFoundError(f"article {each.article_id} was deleted meanwhile")
            if session.get(Annotation, each.id) is not None:
                raise ConflictError(f"annotation {each.id} already exists")
            session.add(row_of_state(each, coders[each.coder], state.id))
        try:
            session.flush()
        except IntegrityError:
            raise ConflictError(
                "a coder has since tagged one of these spans again: "
                "the label's annotations cannot come back"
            ) from None
        _restore_decisions(session, removed.decisions)
        return removed


def _restore_decisions(
    session: Session, decisions: Sequence[tuple[tuple[str, object], ...]]
) -> None:
    """Put back the label's consensus decisions, ids and all.

    A decision whose article or consensus coder was deleted since went with
    it (the schema deletes them together), so it does not come back.
    """
    if not decisions:
        return
    rows = [dict(columns) for columns in decisions]
    articles = set(
        session.scalars(select(Article.id).where(Article.id.in_({r["article_id"] for r in rows})))
    )
    coders = set(
        session.scalars(select(Coder.id).where(Coder.id.in_({r["coder_id"] for r in rows})))
    )
    kept = [r for r in rows if r["article_id"] in articles and r["coder_id"] in coders]
    if kept:
        try:
            session.execute(insert(table_of(AdjudicationDecision)), kept)
        except IntegrityError:
            raise ConflictError(
                "the consensus has since decided one of these units again: "
                "the label's decisions cannot come back"
            ) from None
