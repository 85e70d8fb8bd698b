"""Undoable coding actions. Each redo()/undo() is one committed service call.

The first action is carried out *before* the command is pushed (see
:func:`push_done`): a refused action (a span the coder already tagged, a
locked database) raises with a message for a dialog instead of being lost
inside ``QUndoStack.push``, which cannot pass a Python exception on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from framing_app.core.errors import FramingError
from framing_app.services import tagging
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationInfo

# Called after every redo/undo with the article and annotation concerned
# (annotation None when it no longer exists), so the window can show it.
Changed = Callable[[int, int | None], None]
# Called with the message when an undo/redo is refused by the project
# (e.g. another program changed the annotation meanwhile).
Failed = Callable[[str], None]


class _Handle:
    """The current id of an annotation that undo may delete and restore."""

    def __init__(self, info: AnnotationInfo) -> None:
        self.info = info


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
        self._guard(self.do)

    def undo(self) -> None:
        self._guard(self.undo_it)

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except FramingError as error:
            self.setObsolete(True)
            self._failed(str(error))

    def do(self) -> None:
        raise NotImplementedError

    def undo_it(self) -> None:
        raise NotImplementedError


class TagCommand(_Command):
    def __init__(self, project: Project, info: AnnotationInfo, changed: Changed, failed: Failed):
        super().__init__(f"Tag “{info.label}”", project, changed, failed)
        self.handle = _Handle(info)

    def do(self) -> None:
        self.handle.info = tagging.restore_annotation(self.project, self.handle.info)
        self._changed(self.handle.info.article_id, self.handle.info.id)

    def undo_it(self) -> None:
        tagging.delete_annotation(self.project, self.handle.info.id)
        self._changed(self.handle.info.article_id, None)


class DeleteCommand(_Command):
    def __init__(self, project: Project, info: AnnotationInfo, changed: Changed, failed: Failed):
        super().__init__(f"Delete “{info.label}” annotation", project, changed, failed)
        self.handle = _Handle(info)

    def do(self) -> None:
        tagging.delete_annotation(self.project, self.handle.info.id)
        self._changed(self.handle.info.article_id, None)

    def undo_it(self) -> None:
        self.handle.info = tagging.restore_annotation(self.project, self.handle.info)
        self._changed(self.handle.info.article_id, self.handle.info.id)


class EditCommand(_Command):
    """Relabel, memo or span: the annotation goes from *before* to *after*."""

    def __init__(
        self,
        text: str,
        project: Project,
        before: AnnotationInfo,
        after: AnnotationInfo,
        changed: Changed,
        failed: Failed,
    ) -> None:
        super().__init__(text, project, changed, failed)
        self.before, self.after = before, after

    def _apply(self, target: AnnotationInfo) -> None:
        tagging.update_annotation(
            self.project,
            target.id,
            label=target.label,
            memo=target.memo,
            span=(target.start, target.end),
        )
        self._changed(target.article_id, target.id)

    def do(self) -> None:
        self._apply(self.after)

    def undo_it(self) -> None:
        self._apply(self.before)


def push_done(stack: QUndoStack, command: QUndoCommand) -> None:
    """Push a command whose first action has already been carried out."""
    stack.push(command)
