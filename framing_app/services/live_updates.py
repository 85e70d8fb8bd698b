"""What teammates change on a shared server, as it happens: PostgreSQL ``LISTEN``/``NOTIFY``.

The server's triggers (:mod:`framing_app.store.server_notify`) send one
notification per committed statement that changed the project, naming the
table, the articles and rows touched, the login, and the client that did it.
:class:`ServerListener` listens on a connection of its own, in a thread, and
turns each notification into the :class:`~framing_app.core.changes.Changes`
that local edits produce, so a window redraws a teammate's tag exactly as
it redraws its own. Notifications of this program's own commits are skipped
(they were announced locally already). After a lost connection it
reconnects and reports :meth:`Changes.all`, since what was sent meanwhile is lost.

Presence: :func:`say_here` tells everyone listening which article this login
has open; :class:`Presence` remembers what it heard, for a while.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy import text

from framing_app.core.changes import Changes
from framing_app.services.project import Project
from framing_app.store.engine import libpq_url
from framing_app.store.server_notify import CHANGES_CHANNEL, PRESENCE_CHANNEL, client_id

# How long the thread gathers notifications before passing them on (and
# looks whether it was asked to stop): well under the second a teammate's
# change may take to show.
POLL_SECONDS = 0.1
# Waits before reconnecting after the server went away: short first, then longer.
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)
# A window says where it is this often; silence for PRESENCE_TIMEOUT means gone.
PRESENCE_INTERVAL_SECONDS = 30.0
PRESENCE_TIMEOUT_SECONDS = 75.0


def changes_of(payload: str) -> Changes | None:
    """The :class:`Changes` a change notification stands for (None: not one of ours)."""
    try:
        note = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(note, dict):
        return None
    if note.get("all"):
        return Changes.all()
    table = note.get("t")
    articles = frozenset(int(a) for a in note.get("a") or () if a is not None)
    rows = frozenset(int(i) for i in note.get("i") or () if i is not None)
    if table == "annotation":
        return Changes(articles=articles, coded=articles, annotations=rows)
    if table == "answer":
        return Changes(articles=articles, answered=articles)
    if table in ("coding_status", "adjudication_decision"):
        return Changes(articles=articles)
    if table == "article":
        return Changes(article_set=True)
    if table in ("label", "question"):
        return Changes(codebook=True)
    if table == "coder":
        return Changes(coders=True)
    if table == "assignment":
        return Changes(assignments=True)
    if table == "project_setting":
        return Changes(settings=True)
    return Changes.all()


@dataclass(frozen=True)
class Sighting:
    login: str
    article_id: int | None
    seen: float  # time.monotonic()


class Presence:
    """Who has which article open, as their windows last said (thread-safe)."""

    def __init__(self, me: str | None = None) -> None:
        self._me = me
        self._seen: dict[str, Sighting] = {}
        self._lock = threading.Lock()

    def heard(self, login: str, article_id: int | None, now: float | None = None) -> None:
        with self._lock:
            self._seen[login] = Sighting(
                login, article_id, time.monotonic() if now is None else now
            )

    def working_on(self, now: float | None = None) -> dict[int, list[str]]:
        """Article id -> the other logins that have it open now, by name."""
        now = time.monotonic() if now is None else now
        found: dict[int, list[str]] = {}
        with self._lock:
            for sighting in self._seen.values():
                if sighting.login == self._me or sighting.article_id is None:
                    continue
                if now - sighting.seen > PRESENCE_TIMEOUT_SECONDS:
                    continue
                found.setdefault(sighting.article_id, []).append(sighting.login)
        return {article: sorted(logins) for article, logins in found.items()}


def say_here(project: Project, article_id: int | None) -> None:
    """Tell the other windows on the server that this login has *article_id* open (None: none)."""
    if project.path is not None:
        return
    with project.db.write() as session:  # a notification is sent when its transaction commits
        session.execute(text("SELECT framing_here(:article)"), {"article": article_id})


class ServerListener:
    """Listens for a server project's change and presence notifications in a thread of its own.

    *on_changes* and *on_presence* are called from that thread: a GUI hands
    them to its own thread (a queued signal) before touching widgets.
    """

    def __init__(
        self,
        project: Project,
        on_changes: Callable[[Changes], None],
        on_presence: Callable[[str, int | None], None] | None = None,
    ) -> None:
        if project.path is not None:
            raise ValueError("only a server project sends notifications")
        self._url = libpq_url(project.db.engine.url)
        self._me = client_id(project.db.engine)
        self._on_changes = on_changes
        self._on_presence = on_presence
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="framing-app listener", daemon=True)

    def start(self, wait: float = 10.0) -> bool:
        """Start listening; True once the first ``LISTEN`` is in place (within *wait* seconds)."""
        self._thread.start()
        return self._ready.wait(wait)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                    conn.execute(f"LISTEN {PRESENCE_CHANNEL}")
                    if failures:
                        # Whatever was sent while the connection was down is lost.
                        self._on_changes(Changes.all())
                    failures = 0
                    self._ready.set()
                    while not self._stop.is_set():
                        # What arrives within one short wait goes out as one
                        # Changes: a teammate's import of many statements
                        # redraws a window once, not once per statement.
                        heard = Changes()
                        for note in conn.notifies(timeout=POLL_SECONDS):
                            heard = heard | self._dispatch(note.channel, note.payload)
                        if heard:
                            self._on_changes(heard)
            except psycopg.Error:
                failures += 1
                pause = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS)) - 1]
                self._stop.wait(pause)

    def _dispatch(self, channel: str, payload: str) -> Changes:
        """Presence goes out at once; the Changes a change notification stands for are returned."""
        try:
            note = json.loads(payload)
        except ValueError:
            return Changes()
        if not isinstance(note, dict):
            return Changes()
        if channel == PRESENCE_CHANNEL:
            if self._on_presence is not None and isinstance(note.get("u"), str):
                article = note.get("a")
                self._on_presence(note["u"], int(article) if article is not None else None)
            return Changes()
        if note.get("o") == self._me:
            return Changes()  # this program's own commit: announced where it was made
        return changes_of(payload) or Changes()
