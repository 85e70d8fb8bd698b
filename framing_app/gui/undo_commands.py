"""Undoable coding actions. Each redo()/undo() is one committed service call.

A command holds ids and before/after values (:class:`AnnotationState`), never
a label's name: a label renamed, recoloured or archived meanwhile (in this
window, in the codebook editor or by another process) does not change what
undo and redo put back.

The first action is carried out *before* the command is pushed (see
:func:`push_done`): a refused action (a span the coder already tagged, a
locked database) raises with a message for a dialog instead of being lost
inside ``QUndoStack.push``, which cannot pass a Python exception on.

A step that can no longer be applied (another process deleted the
annotation, or its label) is refused: the command marks itself obsolete, so
``QUndoStack`` drops it without moving past it, and the window is told why.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from framing_app.core.errors import FramingError
from framing_app.services import tagging
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationInfo, AnnotationState

# Called after every redo/undo with the article and annotation concerned
# (annotation None when it no longer exists), so the window can show it.
Changed = Callable[[int, int | None], None]
# Called with a one-line message when an undo/redo is refused by the project
# (e.g. another program deleted the annotation meanwhile).
Failed = Callable[[str], None]


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
    )


class _Command(QUndoCommand):
    def __init__(self, text: str, project: Project, changed: Changed, failed: Failed) -> None:
        super().__init__(text)
        self.project = project
        self._changed = changed
        self._failed = failed
        self._first = True

    def redo(self) -> None:
        if self._first:  # already done by push_done
            self._first = False
            return
        self._guard("redo", self.do)

    def undo(self) -> None:
        self._guard("undo", self.undo_it)

    def _guard(self, verb: str, action: Callable[[], None]) -> None:
        try:
            action()
        except FramingError as error:
            # QUndoStack drops an obsolete command instead of stepping past it.
            self.setObsolete(True)
            self._failed(f"Cannot {verb} “{self.text()}”: {error}")

    def do(self) -> None:
        raise NotImplementedError

    def undo_it(self) -> None:
        raise NotImplementedError


class _Presence(_Command):
    """An annotation that one direction creates and the other deletes."""

    def __init__(
        self, text: str, project: Project, state: AnnotationState, changed: Changed, failed: Failed
    ) -> None:
        super().__init__(text, project, changed, failed)
        self.state = state

    def _create(self) -> None:
        self.state = tagging.restore_annotation_state(self.project, self.state)
        self._changed(self.state.article_id, self.state.id)

    def _remove(self) -> None:
        # Read first: what goes is put back as it was at this moment.
        self.state = tagging.annotation_state(self.project, self.state.id)
        tagging.delete_annotation(self.project, self.state.id)
        self._changed(self.state.article_id, None)


class TagCommand(_Presence):
    """Tagging a passage: undo deletes the annotation, redo puts the same row back."""

    def __init__(
        self, project: Project, state: AnnotationState, text: str, changed: Changed, failed: Failed
    ) -> None:
        super().__init__(text, project, state, changed, failed)

    def do(self) -> None:
        self._create()

    def undo_it(self) -> None:
        self._remove()


class DeleteCommand(_Presence):
    """Deleting an annotation: undo puts the same row back (same id, label id, span, memo)."""

    def __init__(
        self, project: Project, state: AnnotationState, text: str, changed: Changed, failed: Failed
    ) -> None:
        super().__init__(text, project, state, changed, failed)

    def do(self) -> None:
        self._remove()

    def undo_it(self) -> None:
        self._create()


class EditCommand(_Command):
    """Relabel, memo or span: the annotation goes from *before* to *after* (same id)."""

    def __init__(
        self,
        text: str,
        project: Project,
        before: AnnotationState,
        after: AnnotationState,
        changed: Changed,
        failed: Failed,
    ) -> None:
        super().__init__(text, project, changed, failed)
        self.before, self.after = before, after

    def _apply(self, target: AnnotationState) -> None:
        tagging.apply_annotation_state(self.project, target)
        self._changed(target.article_id, target.id)

    def do(self) -> None:
        self._apply(self.after)

    def undo_it(self) -> None:
        self._apply(self.before)


def push_done(stack: QUndoStack, command: QUndoCommand) -> None:
    """Push a command whose first action has already been carried out."""
    stack.push(command)
