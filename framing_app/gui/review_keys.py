"""The disagreement review's keys, in one table: the window's shortcuts and the Help list.

The review window makes its shortcuts from :data:`REVIEW_KEYS` and
:data:`CODER_KEYS`, and Help ▸ Keyboard shortcuts lists them from the same
table (:func:`review_shortcut_rows`), so the list cannot drift from what
the keys do. Light on purpose (Qt's key sequences only): the Help menu
imports it without loading the review and its statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

REVIEW_WINDOW = "Review disagreements"

CODER_KEYS = "ABCDEFG"
"""Accept the first, second, … coder: the letter their button shows."""


@dataclass(frozen=True)
class ReviewKey:
    """A key of the review window: the slot it calls, its key sequences, what it does."""

    slot: str
    keys: tuple[str, ...]
    does: str


REVIEW_KEYS: tuple[ReviewKey, ...] = (
    ReviewKey("next", ("N", "Alt+Right"), "Next disagreement"),
    ReviewKey("previous", ("P", "Alt+Left"), "Previous disagreement"),
    ReviewKey("next_unresolved", ("Shift+N",), "Next disagreement not decided yet"),
    ReviewKey("accept_both", ("U",), "Accept every coder's passages here (both)"),
    ReviewKey("new_from_selection", ("S",), "New passage: the text selected in any pane"),
    ReviewKey("absent", ("X",), "Absent: no passage with the label here (or no answer)"),
    ReviewKey("close_article", ("Ctrl+Return",), "Close the article for the consensus…"),
    ReviewKey("cancel_listing", ("Esc",), "Stop listing the disagreements"),
)

UNDO_KEYS = (
    (("Ctrl+Z",), "Undo a decision (also Edit ▸ Undo in the coding window)"),
    (("Ctrl+Shift+Z", "Ctrl+Y"), "Redo a decision"),
)


def native(keys: tuple[str, ...]) -> str:
    """*keys* as this platform writes them, joined by "or" (as the Help list shows keys)."""
    return " or ".join(
        QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in keys
    )


def review_shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for every key of the review window, for Help ▸ Keyboard shortcuts."""
    coders = ", ".join(CODER_KEYS[:3]) + "…"
    rows = [(native(key.keys), key.does) for key in REVIEW_KEYS[:3]]
    rows.append((coders, "Accept the first, second, third… coder's passages (or answer)"))
    rows += [(native(key.keys), key.does) for key in REVIEW_KEYS[3:]]
    rows += [(native(keys), does) for keys, does in UNDO_KEYS]
    return [(keys, f"{REVIEW_WINDOW} ▸ {does}") for keys, does in rows]
