"""Undoable edits: each redo()/undo() is one committed service call, announced by the operations.

A command holds ids and before/after values (:class:`AnnotationState`,
:class:`LabelState`, :class:`LabelOrder`), never a label's name: a label
renamed, recoloured or archived meanwhile (in this window, in the codebook
editor or by another process) does not change what undo and redo put back.

The first action is carried out *before* the command is pushed (see
:func:`push_done`), through :class:`~framing_app.gui.operations.Operations`:
a refused action is shown as every refusal is, instead of being lost inside
``QUndoStack.push``, which cannot pass a Python exception on.

A step that can no longer be applied (another process deleted the
annotation, or its label) is refused: the command marks itself obsolete, so
``QUndoStack`` drops it without moving past it, and the operations say why.
What a step changed goes out through ``Operations.changed`` with the command
as initiator, so the window can show the article and annotation concerned.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError
from framing_app.gui.operations import Operations
from framing_app.services import answers, label_states, tagging
from framing_app.services.answers import AnswerChange
from framing_app.services.label_states import LabelOrder, LabelState, RemovedLabel
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationInfo, AnnotationState


def state_of(info: AnnotationInfo, label_id: int) -> AnnotationState:
    """The state of a just-made annotation, from what tagging returned and the label's id."""
    return AnnotationState(
        info.id,
        info.article_id,
        info.coder,
        label_id,
        info.start,
        info.end,
        info.memo,
        info.created_at,
        info.updated_at,
        info.version,
    )


class Step(QUndoCommand):
    """One undoable step whose first action has been done already."""

    def __init__(self, text: str, project: Project, ops: Operations) -> None:
        super().__init__(text)
        self.project = project
        self.ops = ops
        self._first = True

    def redo(self) -> None:
        if self._first:  # already done by push_done
            self._first = False
            return
        self._step("redo", self.do)

    def undo(self) -> None:
        self._step("undo", self.undo_it)

    def _step(self, verb: str, action: Callable[[], Changes]) -> None:
        try:
            changes = action()
        except FramingError as error:
            # QUndoStack drops an obsolete command instead of stepping past it.
            self.setObsolete(True)
            self.ops.refuse(f"Cannot {verb} “{self.text()}”: {error}")
            return
        self.ops.announce(changes, self)

    def do(self) -> Changes:
        raise NotImplementedError

    def undo_it(self) -> Changes:
        raise NotImplementedError


class KnownVersions(dict[int, int]):
    """Annotation id -> the version this window's own actions last left it at.

    Undo and redo apply only on top of that version: if anyone else (a
    teammate on the server, a lead, another window) changed the annotation
    since, the step is refused instead of overwriting their change. Only this
    window's actions update it, never a refresh of the view.
    """

    def left(self, state: AnnotationState) -> None:
        self[state.id] = state.version


class _Presence(Step):
    """An annotation that one direction creates and the other deletes."""

    def __init__(
        self,
        text: str,
        project: Project,
        ops: Operations,
        state: AnnotationState,
        versions: KnownVersions,
    ) -> None:
        super().__init__(text, project, ops)
        self.state = state
        self.versions = versions

    def _create(self) -> Changes:
        self.state = tagging.restore_annotation_state(self.project, self.state)
        self.versions.left(self.state)
        return self.state.changes

    def _remove(self) -> Changes:
        expected = self.versions.get(self.state.id, self.state.version)
        info = tagging.delete_annotation(self.project, self.state.id, expect_version=expected)
        self.versions.pop(self.state.id, None)
        return info.changes


class TagCommand(_Presence):
    """Tagging a passage: undo deletes the annotation, redo puts the same row back."""

    def do(self) -> Changes:
        return self._create()

    def undo_it(self) -> Changes:
        return self._remove()


class DeleteCommand(_Presence):
    """Deleting an annotation: undo puts the same row back (same id, label id, span, memo)."""

    def do(self) -> Changes:
        return self._remove()

    def undo_it(self) -> Changes:
        return self._create()


class EditCommand(Step):
    """Relabel, memo or span: the annotation goes from *before* to *after* (same id)."""

    def __init__(
        self,
        text: str,
        project: Project,
        ops: Operations,
        before: AnnotationState,
        after: AnnotationState,
        versions: KnownVersions,
    ) -> None:
        super().__init__(text, project, ops)
        self.before, self.after = before, after
        self.versions = versions

    def do(self) -> Changes:
        return self._apply(self.after)

    def undo_it(self) -> Changes:
        return self._apply(self.before)

    def _apply(self, state: AnnotationState) -> Changes:
        expected = self.versions.get(state.id)
        done = tagging.apply_annotation_state(self.project, state, expect_version=expected)
        self.versions.left(done)
        return done.changes


class LabelEditCommand(Step):
    """Rename, recolour, definition, shortcut or archive: label *before* becomes *after*."""

    def __init__(
        self, text: str, project: Project, ops: Operations, before: LabelState, after: LabelState
    ) -> None:
        super().__init__(text, project, ops)
        self.before, self.after = before, after

    def do(self) -> Changes:
        return label_states.apply_label_state(self.project, self.after).changes

    def undo_it(self) -> Changes:
        return label_states.apply_label_state(self.project, self.before).changes


class LabelOrderCommand(Step):
    """Moving a label: the codebook goes from one order of ids to another."""

    def __init__(
        self, text: str, project: Project, ops: Operations, before: LabelOrder, after: LabelOrder
    ) -> None:
        super().__init__(text, project, ops)
        self.before, self.after = before, after

    def do(self) -> Changes:
        return label_states.set_label_order(self.project, self.after.ids).changes

    def undo_it(self) -> Changes:
        return label_states.set_label_order(self.project, self.before.ids).changes


class AddLabelCommand(Step):
    """Adding a label: undo deletes it (refused once it is in use), redo puts the same id back."""

    def __init__(self, text: str, project: Project, ops: Operations, state: LabelState) -> None:
        super().__init__(text, project, ops)
        self.state = state

    def do(self) -> Changes:
        return label_states.restore_label(self.project, self.state).changes

    def undo_it(self) -> Changes:
        self.state = label_states.label_state(self.project, self.state.id)
        removed = label_states.remove_label(self.project, self.state.id, with_annotations=False)
        return removed.changes


class RemoveLabelCommand(Step):
    """Deleting a label with its annotations: undo puts the label and every annotation back."""

    def __init__(self, text: str, project: Project, ops: Operations, removed: RemovedLabel) -> None:
        super().__init__(text, project, ops)
        self.removed = removed

    def do(self) -> Changes:
        self.removed = label_states.remove_label(
            self.project,
            self.removed.label.id,
            with_annotations=True,
            expect=len(self.removed.annotations),
        )
        return self.removed.changes

    def undo_it(self) -> Changes:
        return label_states.restore_removed_label(self.project, self.removed).changes


class AnswerCommand(Step):
    """Answering, changing or clearing an article-level answer: the slot goes from before to after.

    Undo puts the answer back exactly (same id, value and times), redo the
    same; either is refused when the coder's answer was changed meanwhile
    (:func:`~framing_app.services.answers.apply_answer_change`).
    """

    def __init__(self, text: str, project: Project, ops: Operations, change: AnswerChange) -> None:
        super().__init__(text, project, ops)
        self.change = change

    def do(self) -> Changes:
        return answers.apply_answer_change(self.project, self.change).changes

    def undo_it(self) -> Changes:
        return answers.apply_answer_change(self.project, self.change.reversed()).changes


def push_done(stack: QUndoStack, command: QUndoCommand) -> None:
    """Push a command whose first action has already been carried out."""
    stack.push(command)
