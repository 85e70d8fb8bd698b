"""The disagreement review's controls: what is compared, and the listing's progress.

One row of choices (the coders, the unit, the label or question shown, all
articles or not, whether to move on after a decision) with the progress
"12 of 40 resolved" at its end, and below it a row that shows while the
disagreements are being listed in the background: what is being done, a
busy bar, and Cancel. Widgets only: they say what the user chose through
signals, and the review window does the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from framing_app.gui.background import progress_text
from framing_app.services.disagreements import ReviewUnit

ALL_LABELS = "All labels"
UNIT_CHOICES = [unit.value for unit in ReviewUnit]


class ReviewControls(QWidget):
    """The choices above the panes and the listing's busy row (see the module docstring)."""

    coderToggled = Signal(str, bool)
    unitChosen = Signal(str)
    labelChosen = Signal()
    allArticlesToggled = Signal(bool)
    codersMenuShown = Signal()
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coders_button = QPushButton("choose…")
        self.coders_button.setToolTip("The coders compared (two or more)")
        self.coders_menu = QMenu(self)
        self.coders_menu.aboutToShow.connect(self.codersMenuShown)
        self.coders_button.setMenu(self.coders_menu)
        self.unit_box = QComboBox()
        self.unit_box.addItems(UNIT_CHOICES)
        self.unit_box.setToolTip(
            "article, paragraph, sentence: the label is present for one coder and absent for "
            "another (the agreement report's rule); span: passages not tagged identically"
        )
        self.unit_box.activated.connect(
            lambda _i: self.unitChosen.emit(self.unit_box.currentText())
        )
        self.label_box = QComboBox()
        self.label_box.setMinimumContentsLength(12)
        self.label_box.activated.connect(lambda _i: self.labelChosen.emit())
        self.all_articles = QCheckBox("All articles")
        self.all_articles.setToolTip("Every article, not only those every coder marked done")
        self.all_articles.toggled.connect(self.allArticlesToggled)
        self.advance_box = QCheckBox("Next after deciding")
        self.advance_box.setToolTip("Show the next disagreement after each decision")
        self.advance_box.setChecked(True)
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("Progress")
        choices = QHBoxLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        for widget in (
            QLabel("Coders:"),
            self.coders_button,
            QLabel("Unit:"),
            self.unit_box,
            QLabel("Label:"),
            self.label_box,
            self.all_articles,
            self.advance_box,
        ):
            choices.addWidget(widget)
        choices.addStretch(1)
        choices.addWidget(self.progress_label)

        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setAccessibleName("Listing the disagreements")
        self.busy_bar.setMaximumWidth(240)
        self.busy_bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel (Esc)")
        self.cancel_button.setToolTip("Stop listing the disagreements")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(lambda _checked=False: self.cancelRequested.emit())
        self.busy_row = QWidget()
        busy = QHBoxLayout(self.busy_row)
        busy.setContentsMargins(0, 0, 0, 0)
        busy.addWidget(self.busy_label)
        busy.addWidget(self.busy_bar)
        busy.addWidget(self.cancel_button)
        busy.addStretch(1)
        self.busy_row.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(choices)
        layout.addWidget(self.busy_row)

    # -- what is chosen -------------------------------------------------------------

    def fill_coders(self, everyone: Sequence[str], chosen: Sequence[str]) -> list[str]:
        """Offer *everyone* in the coders menu, *chosen* ticked; the names offered."""
        self.coders_menu.clear()
        for name in everyone:
            action = self.coders_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in chosen)
            action.toggled.connect(lambda on, name=name: self.coderToggled.emit(name, on))
        return list(everyone)

    def show_choice(self, coders: Sequence[str], unit: str) -> None:
        self.coders_button.setText(", ".join(coders) or "choose…")
        self.unit_box.setCurrentText(unit)

    def set_all_articles(self, on: bool) -> None:
        """Tick "All articles" without announcing it (the caller lists again itself)."""
        self.all_articles.blockSignals(True)
        self.all_articles.setChecked(on)
        self.all_articles.blockSignals(False)

    def current_label(self) -> str | None:
        """The label or ``Question: NAME`` chosen, None for all of them."""
        text = self.label_box.currentText()
        return None if not text or text == ALL_LABELS else text

    def set_labels(self, names: Sequence[str], wanted: str | None) -> None:
        """Offer *names* (and "All labels"), *wanted* chosen when it is among them."""
        self.label_box.blockSignals(True)
        self.label_box.clear()
        self.label_box.addItem(ALL_LABELS)
        self.label_box.addItems(list(names))
        if wanted is not None and self.label_box.findText(wanted) >= 0:
            self.label_box.setCurrentText(wanted)
        self.label_box.blockSignals(False)

    def show_progress_of_review(self, resolved: int, total: int, *, listed: bool = True) -> None:
        """ "12 of 40 resolved" (nothing while there is no listing)."""
        self.progress_label.setText(f"<b>{resolved} of {total} resolved</b>" if listed else "")

    # -- listing --------------------------------------------------------------------

    def set_busy(self, label: str | None) -> None:
        """Show the busy row saying *label* (a busy bar, Cancel); None hides it."""
        self.busy_row.setVisible(label is not None)
        self.cancel_button.setEnabled(label is not None)
        self.busy_bar.setRange(0, 0)
        self.busy_label.setText(f"{label}…" if label else "")
        # The choices wait for the listing (or its Cancel): a new one would list again.
        for widget in (self.coders_button, self.unit_box, self.label_box, self.all_articles):
            widget.setEnabled(label is None)

    def show_listing_progress(self, label: str, done: int, total: int, phase: str) -> None:
        """What the listing is doing: "Comparing the coders' passages… 120 of 2,000"."""
        self.busy_label.setText(progress_text(label, done, total, phase).replace("\n\n", ": "))
        if total > 0:
            self.busy_bar.setRange(0, total)
            self.busy_bar.setValue(min(done, total))
        else:
            self.busy_bar.setRange(0, 0)

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.busy_label.setText("Cancelling…")
