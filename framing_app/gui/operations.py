"""One path for every change the GUI makes to a project (Anki's ``CollectionOp`` shape).

A view never changes the project and then tells its neighbours by hand. It
asks :class:`Operations` to run a service call; the call commits (or is
refused), a refusal is shown one way, and what changed is announced once,
as ``changed(Changes, initiator)``. The article list, the reader, the coding
panel and the codebook editor subscribe and redraw only what the
:class:`~framing_app.core.changes.Changes` says concerns them. Undo and
redo steps and another program's changes come down the same signal.

*initiator* is whoever asked (a widget, an undo step, :data:`OUTSIDE`): a
view that already shows the result of its own action can skip the redraw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError
from framing_app.gui.background import show_error


class Changing(Protocol):
    """A service's answer that says what it changed."""

    @property
    def changes(self) -> Changes: ...


R = TypeVar("R", bound=Changing | Changes)

OUTSIDE = "outside"
"""The initiator of changes another program made to the project."""

ErrorShower = Callable[[str, str], None]


class Operations(QObject):
    """Runs service calls for one window and announces what they changed.

    Errors go to one place: a dialog over *window* with the action's title,
    unless the caller (a form with its own message line) passes ``on_error``.
    """

    changed = Signal(object, object)  # Changes, initiator
    refused = Signal(str)  # a one-line message: an undo/redo step could not be applied

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def run(
        self,
        title: str,
        action: Callable[[], R],
        *,
        initiator: object = None,
        on_error: ErrorShower | None = None,
    ) -> R | None:
        """Run *action* (one committed service call); None when it was refused.

        A refusal (:class:`FramingError`) is shown and nothing is announced;
        anything else escapes to the crash reporter, as a bug should.
        """
        try:
            result = action()
        except FramingError as error:
            (on_error or self.show_error)(title, str(error))
            return None
        # A service that only changes things answers with the Changes itself.
        self.announce(result if isinstance(result, Changes) else result.changes, initiator)
        return result

    def announce(self, changes: Changes, initiator: object = None) -> None:
        """Tell every view that *changes* happened (if anything did)."""
        if changes:
            self.changed.emit(changes, initiator)

    def show_error(self, title: str, message: str) -> None:
        show_error(self._window, title, message)

    def refuse(self, message: str) -> None:
        """An undo or redo step was refused by the project: say so, once."""
        self.refused.emit(message)
        show_error(self._window, "Undo", message)
