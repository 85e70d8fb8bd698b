"""The disagreement review's buttons and keys: stepping, deciding, closing.

The row under the panes: Previous and Next, one "Accept alice's (A)" button
per coder, Accept both, New from selection, Absent, and Close article. Its
shortcuts come from the one key table (:mod:`framing_app.gui.review_keys`)
and act anywhere in the review window (they belong to this row, a child of
the window, with Qt's default window context). The buttons never take the
focus, so the keys stay with the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from framing_app.gui.review_keys import CODER_KEYS, REVIEW_KEYS


class ReviewButtons(QWidget):
    """The row (see the module docstring); *actions* are the window's slots by name."""

    def __init__(
        self,
        actions: Mapping[str, Callable[[], object]],
        accept: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.slots = actions
        self.accept = accept
        self.coder_buttons: list[QPushButton] = []
        self._coder_shortcuts: list[QShortcut] = []
        self.previous_button = self._button("◀ &Previous", "previous")
        self.next_button = self._button("&Next ▶", "next")
        self.both_button = self._button("Accept both", "accept_both")
        self.absent_button = self._button("Absent", "absent")
        self.new_button = self._button("New from selection", "new_from_selection")
        self.close_button = self._button("Close article…", "close_article")
        self.coders_row = QHBoxLayout()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addSpacing(16)
        row.addLayout(self.coders_row)
        for button in (self.both_button, self.new_button, self.absent_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        for spec in REVIEW_KEYS:
            for key in spec.keys:
                QShortcut(QKeySequence(key), self, actions[spec.slot])

    def _button(self, text: str, slot: str) -> QPushButton:
        """A button calling the action *slot*, its keys (from the key table) on it."""
        keys = ", ".join(next(spec.keys for spec in REVIEW_KEYS if spec.slot == slot))
        button = QPushButton(f"{text} ({keys})" if len(keys) <= 2 else text)
        button.setToolTip(f"{text.replace('&', '')} ({keys})")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        action = self.slots[slot]
        button.clicked.connect(lambda _checked=False: action())
        return button

    def set_coders(self, coders: Sequence[str]) -> None:
        """One "Accept …'s" button and key (A, B, C…) per coder, in the coders' order."""
        for shortcut in self._coder_shortcuts:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        for button in self.coder_buttons:
            self.coders_row.removeWidget(button)
            button.deleteLater()
        self.coder_buttons, self._coder_shortcuts = [], []
        for coder, key in zip(coders, CODER_KEYS, strict=False):
            accept = partial(self.accept, coder)
            button = QPushButton(f"Accept {coder}'s ({key})")
            button.setToolTip(f"Accept {coder}'s passages or answer here ({key})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, accept=accept: accept())
            self._coder_shortcuts.append(QShortcut(QKeySequence(key), self, accept))
            self.coder_buttons.append(button)
            self.coders_row.addWidget(button)
        self.both_button.setText("Accept all (U)" if len(coders) > 2 else "Accept both (U)")

    def enable(self, *, deciding: bool, spans: bool, previous: bool, following: bool) -> None:
        """Enable what applies: decisions on a disagreement, passages (not a question), steps."""
        for button in (*self.coder_buttons, self.absent_button, self.close_button):
            button.setEnabled(deciding)
        self.both_button.setEnabled(deciding and spans)
        self.new_button.setEnabled(deciding and spans)
        self.previous_button.setEnabled(previous)
        self.next_button.setEnabled(following)
