"""Tagging passages and editing annotations; each call is one committed action."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, NotFoundError, PermissionRefused, SpanError
from framing_app.services.coding_status import advance_to_in_progress
from framing_app.services.lookup import (
    article_by_ref,
    coder_by_name,
    ensure_coder,
    label_by_name,
)
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Article, Coder, Label, utc_now
from framing_app.store.row_access import may_write_rows_of


@dataclass(frozen=True)
class AnnotationInfo:
    id: int
    article_id: int
    coder: str
    label: str
    start: int
    end: int
    text: str
    memo: str
    created_at: datetime
    updated_at: datetime
    # The row's version (migration 0008): an edit made from this view names it.
    version: int = 1

    @property
    def changes(self) -> Changes:
        """What making, changing or deleting this annotation changed."""
        return Changes.of_annotations(self.article_id, (self.id,))


def check_span(start: int, end: int, length: int) -> None:
    """Raise :class:`SpanError` unless ``0 <= start < end <= length``."""
    if start < 0 or end < 0:
        raise SpanError(f"offsets cannot be negative (start {start}, end {end})")
    if start >= end:
        raise SpanError(f"empty span: start {start} must be less than end {end}")
    if end > length:
        raise SpanError(
            f"span {start}-{end} runs past the end of the article ({length} characters)"
        )


def annotate(
    project: Project,
    *,
    coder: str,
    article: str | int,
    label: str | None = None,
    start: int,
    end: int,
    memo: str = "",
    label_id: int | None = None,
) -> AnnotationInfo:
    """Tag ``text[start:end]`` of *article* with *label* for *coder* (created if new).

    The label is named by *label* or, from the GUI and undo (which must not
    depend on a name another window may change), by its *label_id*.
    The coder's status on the article moves from not started to in progress.
    """
    with project.db.write() as session:
        art = article_by_ref(session, article)
        check_span(start, end, art.char_count)
        lab = _label_by_id(session, label_id) if label_id is not None else None
        if lab is None:
            if label is None:
                raise TypeError("annotate() needs a label or a label_id")
            lab = label_by_name(session, label)
        if lab.archived:
            raise ConflictError(f"label '{lab.name}' is archived; restore it to tag with it")
        who = ensure_coder(session, coder)
        duplicate = session.scalar(
            select(Annotation.id).where(
                Annotation.article_id == art.id,
                Annotation.coder_id == who.id,
                Annotation.label_id == lab.id,
                Annotation.start == start,
                Annotation.end == end,
            )
        )
        if duplicate is not None:
            raise ConflictError(
                f"{who.name} already tagged {start}-{end} with '{lab.name}' "
                f"(annotation {duplicate})"
            )
        now = utc_now()
        row = Annotation(
            article_id=art.id,
            coder_id=who.id,
            label_id=lab.id,
            start=start,
            end=end,
            memo=memo,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        advance_to_in_progress(session, [(who.id, art.id)])
        # Built from what is at hand: this runs on every key press that tags.
        return AnnotationInfo(
            row.id,
            art.id,
            who.name,
            lab.name,
            start,
            end,
            art.text[start:end],
            memo,
            now,
            now,
            row.version,
        )


def list_annotations(
    project: Project, article: str | int, coder: str | None = None
) -> list[AnnotationInfo]:
    """The annotations of *article* (of one coder, or all), in text order.

    One query with the names joined in: the reader calls this after every
    tag, on articles with hundreds of annotations.
    """
    with project.db.read() as session:
        art = article_by_ref(session, article)
        query = (
            select(
                Annotation.id,
                Annotation.article_id,
                Coder.name,
                Label.name,
                Annotation.start,
                Annotation.end,
                Annotation.memo,
                Annotation.created_at,
                Annotation.updated_at,
                Annotation.version,
            )
            .join(Coder, Coder.id == Annotation.coder_id)
            .join(Label, Label.id == Annotation.label_id)
            .where(Annotation.article_id == art.id)
            .order_by(Annotation.start, Annotation.end, Annotation.id)
        )
        if coder is not None:
            query = query.where(Coder.name == coder.strip())
        text = art.text
        return [
            AnnotationInfo(id_, article_id, who, label, start, end, text[start:end], memo, c, u, v)
            for id_, article_id, who, label, start, end, memo, c, u, v in session.execute(query)
        ]


def relabel(project: Project, annotation_id: int, label: str) -> AnnotationInfo:
    return update_annotation(project, annotation_id, label=label)


def set_memo(project: Project, annotation_id: int, memo: str) -> AnnotationInfo:
    return update_annotation(project, annotation_id, memo=memo)


def set_span(project: Project, annotation_id: int, start: int, end: int) -> AnnotationInfo:
    return update_annotation(project, annotation_id, span=(start, end))


def delete_annotation(
    project: Project, annotation_id: int, *, expect_version: int | None = None
) -> AnnotationInfo:
    """Delete an annotation; returns what it was (so that it can be restored).

    With *expect_version*, refused (:class:`ConflictError`, nothing deleted)
    when the annotation is no longer the one the caller saw.
    """
    with project.db.write() as session:
        row = _writable_annotation(session, annotation_id, expect_version)
        info = _info(session, row)
        session.delete(row)
        return info


def _annotation(session: Session, annotation_id: int) -> Annotation:
    row = session.get(Annotation, annotation_id)
    if row is None:
        raise NotFoundError(f"no annotation with id {annotation_id}")
    return row


def _writable_annotation(
    session: Session, annotation_id: int, expect_version: int | None = None
) -> Annotation:
    """The annotation, once it is known that this session may change it (a server's roles)
    and, with *expect_version*, that nobody changed it since the caller saw it."""
    row = _annotation(session, annotation_id)
    if not may_write_rows_of(session, row.coder_id):
        raise PermissionRefused(
            f"annotation {annotation_id} is another coder's: a coder can change only their "
            "own annotations"
        )
    if expect_version is not None and row.version != expect_version:
        raise ConflictError(
            f"annotation {annotation_id} was changed since it was shown here (at "
            f"{row.updated_at:%H:%M:%S} UTC); nothing was changed, look at it again"
        )
    return row


def _touched(session: Session, row: Annotation) -> AnnotationInfo:
    row.updated_at = utc_now()
    _flush_unique(session)
    return _info(session, row)


def _flush_unique(session: Session) -> None:
    """Flush; the schema's one-annotation-per-span rule becomes a ConflictError."""
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(
            "the coder already has an annotation with this label on this exact span"
        ) from None


def _info(session: Session, row: Annotation, text: str | None = None) -> AnnotationInfo:
    coder = session.scalar(select(Coder.name).where(Coder.id == row.coder_id))
    label = session.scalar(select(Label.name).where(Label.id == row.label_id))
    if text is None:
        text = session.scalar(select(Article.text).where(Article.id == row.article_id))
    assert coder is not None
    assert label is not None
    assert text is not None
    return AnnotationInfo(
        row.id,
        row.article_id,
        coder,
        label,
        row.start,
        row.end,
        text[row.start : row.end],
        row.memo,
        row.created_at,
        row.updated_at,
        row.version,
    )


def update_annotation(
    project: Project,
    annotation_id: int,
    *,
    label: str | None = None,
    memo: str | None = None,
    span: tuple[int, int] | None = None,
    expect_version: int | None = None,
) -> AnnotationInfo:
    """Change label, memo and/or span in one transaction; what is not given stays.

    With *expect_version*, refused (:class:`ConflictError`) when the stored
    annotation is at another version: an edit made from a stale view.
    """
    with project.db.write() as session:
        row = _writable_annotation(session, annotation_id, expect_version)
        if span is not None:
            length = session.scalar(select(Article.char_count).where(Article.id == row.article_id))
            check_span(*span, length or 0)
            row.start, row.end = span
        if label is not None:
            row.label_id = label_by_name(session, label).id
        if memo is not None:
            row.memo = memo
        return _touched(session, row)


# -- by ids: what undo and redo hold ------------------------------------------


@dataclass(frozen=True)
class AnnotationState:
    """An annotation as an undo step holds it: ids and values, never a label's name.

    A label renamed, recoloured or archived after the step was taken (here or
    by another process) changes nothing about which rows the step puts back.
    *coder* is the name as stored: coders are never renamed.
    """

    id: int
    article_id: int
    coder: str
    label_id: int
    start: int
    end: int
    memo: str
    created_at: datetime
    updated_at: datetime
    # The row's version when this state was read or written. Not part of
    # equality: a state put back by undo is the same annotation, one version on.
    version: int = field(default=1, compare=False)

    @property
    def changes(self) -> Changes:
        """What putting this state in place changed."""
        return Changes.of_annotations(self.article_id, (self.id,))


def _label_by_id(session: Session, label_id: int) -> Label:
    label = session.get(Label, label_id)
    if label is None:
        raise NotFoundError(f"label {label_id} is no longer in the codebook (deleted)")
    return label


def _state(session: Session, row: Annotation) -> AnnotationState:
    coder = session.scalar(select(Coder.name).where(Coder.id == row.coder_id))
    assert coder is not None
    return state_of_row(row, coder)


def state_of_row(row: Annotation, coder: str) -> AnnotationState:
    """The state of a stored annotation *row* whose coder is called *coder*."""
    return AnnotationState(
        row.id,
        row.article_id,
        coder,
        row.label_id,
        row.start,
        row.end,
        row.memo,
        row.created_at,
        row.updated_at,
        row.version,
    )


def row_of_state(state: AnnotationState, coder_id: int, label_id: int) -> Annotation:
    """A new row putting *state* back, with its id, span, memo and times."""
    return Annotation(
        id=state.id,
        article_id=state.article_id,
        coder_id=coder_id,
        label_id=label_id,
        start=state.start,
        end=state.end,
        memo=state.memo,
        created_at=state.created_at,
        updated_at=state.updated_at,
        # Past any version a view of the deleted row may still hold.
        version=state.version + 1,
    )


def annotation_state(project: Project, annotation_id: int) -> AnnotationState:
    """The annotation's ids and values (:class:`NotFoundError` when it was deleted)."""
    with project.db.read() as session:
        return _state(session, _annotation(session, annotation_id))


def restore_annotation_state(project: Project, state: AnnotationState) -> AnnotationState:
    """Put back the annotation *state* describes (undo of a delete, redo of a tag).

    Same article, coder, label id, span, memo and times, and the same id:
    annotation ids are never reused, so it is free unless the annotation is
    already back. Refused with a :class:`FramingError` when the article, the
    coder or the label is gone, or the coder has that span with that label.
    """
    with project.db.write() as session:
        if session.get(Annotation, state.id) is not None:
            raise ConflictError(f"annotation {state.id} already exists")
        article_by_ref(session, state.article_id)
        coder = coder_by_name(session, state.coder)
        label = _label_by_id(session, state.label_id)
        row = row_of_state(state, coder.id, label.id)
        session.add(row)
        _flush_unique(session)
        return _state(session, row)


def apply_annotation_state(
    project: Project, state: AnnotationState, *, expect_version: int | None = None
) -> AnnotationState:
    """Give annotation ``state.id`` the label id, span and memo of *state* (undo/redo of an edit).

    Refused with a :class:`FramingError` when the annotation or the label is
    gone, or (*expect_version*) when the annotation was changed since the
    caller last saw it: a stale undo never overwrites a teammate's edit.
    """
    with project.db.write() as session:
        row = _writable_annotation(session, state.id, expect_version)
        length = session.scalar(select(Article.char_count).where(Article.id == row.article_id))
        check_span(state.start, state.end, length or 0)
        row.label_id = _label_by_id(session, state.label_id).id
        row.start, row.end = state.start, state.end
        row.memo = state.memo
        row.updated_at = utc_now()
        _flush_unique(session)
        return _state(session, row)
