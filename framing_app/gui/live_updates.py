"""A server project's live updates in the window: teammates' changes and who is where.

:class:`~framing_app.services.live_updates.ServerListener` hears the
server's notifications in a thread of its own; this object carries them
into the GUI thread (Qt queues a signal emitted from another thread) and
hands the changes to the window, which announces them through the same
``Operations.changed`` path as local edits. It also tells the server, when
the article changes and every half minute, which article this window has
open, and keeps the article list's "open now by" names current.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, QTimer, Signal

from framing_app.core.errors import FramingError
from framing_app.services.live_updates import (
    PRESENCE_INTERVAL_SECONDS,
    Presence,
    ServerListener,
    say_here,
)
from framing_app.services.project import Project
from framing_app.services.server_identity import server_identity


class LiveUpdates(QObject):
    """Listens while the window is open; emits ``heard`` (Changes) and ``present`` (dict)."""

    heard = Signal(object)  # Changes, in the GUI thread
    present = Signal(object)  # {article id: [logins]}
    _presence_heard = Signal(str, object)  # from the listener's thread

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project = project
        identity = server_identity(project)
        self._presence = Presence(identity.login if identity is not None else None)
        self._article: int | None = None
        self._listener = ServerListener(project, self.heard.emit, self._presence_heard.emit)
        self._presence_heard.connect(self._on_presence)
        self._timer = QTimer(self)
        self._timer.setInterval(int(PRESENCE_INTERVAL_SECONDS * 1000))
        self._timer.timeout.connect(self._tick)

    def start(self) -> bool:
        """Start listening (True once listening) and say where this window is."""
        listening = self._listener.start()
        self._timer.start()
        self._say()
        return listening

    def stop(self) -> None:
        self._timer.stop()
        self._article = None
        self._say()  # "gone": the others' lists drop this login at once
        self._listener.stop()

    def show_article(self, article_id: int | None) -> None:
        if article_id != self._article:
            self._article = article_id
            self._say()

    def _say(self) -> None:
        # Presence is a courtesy: a refused or lost notification changes no data.
        with contextlib.suppress(FramingError):
            say_here(self._project, self._article)

    def _on_presence(self, login: str, article_id: object) -> None:
        self._presence.heard(login, article_id if isinstance(article_id, int) else None)
        self.present.emit(self._presence.working_on())

    def _tick(self) -> None:
        self._say()
        self.present.emit(self._presence.working_on())  # forget the silent ones
