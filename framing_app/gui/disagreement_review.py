"""The disagreement review: step through the units where coders differ and settle each.

Non-modal (Coding ▸ Review disagreements…, or :func:`open_review` from the
Agreement window). The window lists the disagreements of the chosen coders
at a unit (:func:`framing_app.gui.disagreement_list.list_review`) in a
background job, with a busy bar and Cancel (the sentence unit over
thousands of articles takes seconds), filters them by label or question,
and shows one at a time: the article in one read-only pane per coder, that
coder's passages with the label painted in its colour, the unit marked
beside its lines, the panes scrolling together, and a last pane with what
the consensus coder has there (:mod:`framing_app.gui.review_display`).

Decisions (:mod:`framing_app.gui.review_decisions`) are one service call and
one undo step each, on the main window's stack. The keys are one table
(:mod:`framing_app.gui.review_keys`), also listed by Help ▸ Keyboard
shortcuts. The window follows ``Operations.changed``: a change to the
articles shown re-reads the consensus's decisions there; anything larger
(another program, the codebook) lists again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.changes import Changes
from framing_app.gui.disagreement_list import Item, Key, Listing, ReviewList
from framing_app.gui.disagreement_panes import CoderPane, sync_scrolling
from framing_app.gui.operations import Operations
from framing_app.gui.review_buttons import ReviewButtons
from framing_app.gui.review_controls import ReviewControls
from framing_app.gui.review_decisions import ReviewDecisions
from framing_app.gui.review_display import (
    decision_text,
    heading,
    nothing_message,
    show_answers,
    show_passages,
)
from framing_app.gui.review_keys import REVIEW_KEYS, UNDO_KEYS
from framing_app.gui.review_listing import LISTING, ReviewLister
from framing_app.services import articles, codebook, tagging
from framing_app.services.adjudication import Choice
from framing_app.services.answer_disagreements import AnswerDisagreement
from framing_app.services.disagreements import (
    DEFAULT_CONSENSUS,
    Disagreement,
    ReviewUnit,
    independent_coders,
)
from framing_app.services.project import Project


class DisagreementReview(QWidget):
    """The window (see the module docstring)."""

    listed = Signal()  # a listing arrived and is shown
    listing_failed = Signal(str)
    listing_cancelled = Signal()

    def __init__(
        self,
        project: Project,
        ops: Operations,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        *,
        consensus: str = DEFAULT_CONSENSUS,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.project = project
        self.ops = ops
        self.undo_stack = undo_stack
        self.setWindowTitle(f"Review disagreements — {project.location}")
        self.review = ReviewList(project, consensus)
        self.lister = ReviewLister(project, self)
        self._wanted: tuple[str | None, Key | None] = (None, None)
        # Why nothing is listed (listing, cancelled, failed), shown instead of the heading.
        self._status: str | None = None
        self._texts: dict[int, str] = {}
        self._colors: dict[int, str] = {}
        self.panes: list[CoderPane] = []
        self._build()
        self.decisions = ReviewDecisions(
            self, project, ops, undo_stack, self.review, self._after_decision
        )
        self.lister.progressed.connect(partial(self.controls.show_listing_progress, LISTING))
        self.lister.listed.connect(self._on_listed)
        self.lister.failed.connect(self._on_failed)
        self.lister.cancelled.connect(self._on_cancelled)
        self.lister.busy.connect(self._on_busy)
        ops.changed.connect(self.follow_changes)
        if parent is not None:
            # The project may close with its window: stop listing first.
            parent.installEventFilter(self)
        self.resize(1280, 800)

    @property
    def coders(self) -> tuple[str, ...]:
        return self.review.coders

    @property
    def unit(self) -> ReviewUnit:
        return self.review.unit

    @property
    def items(self) -> list[Item]:
        """The disagreements shown (on the chosen label or question), in review order."""
        return self.review.items

    @property
    def index(self) -> int:
        return self.review.index

    @index.setter
    def index(self, value: int) -> None:
        self.review.index = value

    @property
    def label_box(self) -> QComboBox:
        return self.controls.label_box

    @property
    def progress_label(self) -> QLabel:
        return self.controls.progress_label

    @property
    def advance_box(self) -> QCheckBox:
        return self.controls.advance_box

    # -- construction ---------------------------------------------------------------

    def _build(self) -> None:
        self.controls = ReviewControls()
        self.controls.codersMenuShown.connect(
            lambda: self.controls.fill_coders(independent_coders(self.project), self.coders)
        )
        self.controls.coderToggled.connect(self._toggle_coder)
        self.controls.unitChosen.connect(
            lambda unit: self.set_comparison(self.coders, unit, self.current_label())
        )
        self.controls.labelChosen.connect(self._filter_label)
        self.controls.allArticlesToggled.connect(lambda _on: self.reload())
        self.controls.cancelRequested.connect(self.cancel_listing)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.decision_label = QLabel()
        self.decision_label.setWordWrap(True)
        self.decision_label.setTextFormat(Qt.TextFormat.RichText)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)

        actions = {spec.slot: getattr(self, spec.slot) for spec in REVIEW_KEYS}
        self.buttons = ReviewButtons(actions, self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.controls)
        layout.addWidget(self.heading)
        layout.addWidget(self.decision_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)
        undo = self.undo_stack.createUndoAction(self, "Undo")
        redo = self.undo_stack.createRedoAction(self, "Redo")
        for action, (keys, _does) in zip((undo, redo), UNDO_KEYS, strict=True):
            action.setShortcuts([QKeySequence(key) for key in keys])
        self.addActions([undo, redo])

    def _toggle_coder(self, name: str, on: bool) -> None:
        chosen = [c for c in self.coders if c != name] + ([name] if on else [])
        self.set_comparison(chosen, self.unit.value, self.current_label())

    def _build_panes(self) -> None:
        for pane in self.panes:
            pane.setParent(None)
            pane.deleteLater()
        self.panes = [CoderPane(coder) for coder in self.coders]
        self.panes.append(CoderPane(f"{self.review.consensus} (decided)"))
        for pane in self.panes:
            self.splitter.addWidget(pane)
        self.splitter.setSizes([1] * len(self.panes))
        sync_scrolling(self.panes)
        self.buttons.set_coders(self.coders)

    # -- what is compared, listed in the background ---------------------------------

    def set_comparison(
        self,
        coders: Sequence[str],
        unit: str,
        label: str | None = None,
        *,
        all_articles: bool | None = None,
        overlap: str | None = None,
        articles: str | None = None,
    ) -> None:
        """Compare *coders* at *unit* (``character`` is reviewed as ``span``), on *label*."""
        self.review.coders = tuple(coders)
        self.review.unit = ReviewUnit("span" if unit == "character" else unit)
        if overlap is not None:
            self.review.overlap = overlap
        if articles is not None:
            # The Agreement window's choice: "all" is the checkbox, the others its default off.
            self.review.article_set = None if articles == "all" else articles
            all_articles = articles == "all"
        if all_articles is not None:
            self.controls.set_all_articles(all_articles)
        self.controls.show_choice(self.coders, self.unit.value)
        self._build_panes()
        self.reload(label=label)

    def current_label(self) -> str | None:
        return self.controls.current_label()

    def reload(self, *, label: str | None = None, keep: bool = True) -> None:
        """List the disagreements again (in the background), then stay on the one shown."""
        current = self.current()
        if current is None and self.lister.running():
            wanted, shown = self._wanted  # asked again while listing: what was asked then
        else:
            wanted, shown = self.current_label(), None if current is None else current.key
        self._wanted = (wanted if label is None else label, shown if keep else None)
        self._colors = {entry.id: entry.color for entry in codebook.list_labels(self.project)}
        self.review.all_articles = self.controls.all_articles.isChecked()
        self.review.clear()
        if len(self.coders) < 2:
            self.lister.cancel()
            self.controls.set_labels([], self._wanted[0])
        else:
            self.lister.request(self.review.request())
            self._status = ""  # the busy row says what is being done
        self.show_current()

    def cancel_listing(self) -> None:
        """Stop the listing under way (Esc, Cancel): nothing is shown until asked again."""
        if self.lister.running():
            self.lister.cancel()
            self.controls.cancelling()

    def _on_busy(self, busy: bool) -> None:
        self.controls.set_busy(LISTING if busy else None)
        self.show_current()

    def _on_listed(self, listing: Listing) -> None:
        if listing.request != self.review.request():
            return  # the comparison changed meanwhile; its own listing follows
        self.review.apply(listing)
        self._status = None
        wanted, shown = self._wanted
        self.controls.set_labels(self.review.names, wanted)
        self._filter_label(shown)
        self.listed.emit()

    def _on_failed(self, message: str) -> None:
        self._status = f"The disagreements could not be listed: {escape(message)}"
        self.show_current()
        self.ops.show_error("Review disagreements", message)
        self.listing_failed.emit(message)

    def _on_cancelled(self) -> None:
        self._status = "Listing cancelled: choose the coders, the unit or the articles again."
        self.show_current()
        self.listing_cancelled.emit()

    def _filter_label(self, keep: Key | None = None) -> None:
        self.review.choose(self.current_label(), keep)
        self.show_current()

    # -- stepping -------------------------------------------------------------------

    def current(self) -> Item | None:
        return self.review.current()

    def next(self) -> None:
        if self.index + 1 < len(self.items):
            self.index += 1
            self.show_current()

    def previous(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.show_current()

    def next_unresolved(self) -> None:
        """The next disagreement the consensus has not decided (from the start after the last)."""
        found = self.review.next_unsettled()
        if found is not None:
            self.index = found
            self.show_current()

    def show_current(self) -> None:
        item = self.current()
        self.controls.show_progress_of_review(*self.review.progress(), listed=self.review.loaded)
        self.buttons.enable(
            deciding=item is not None and not self.lister.running(),
            spans=isinstance(item, Disagreement),
            previous=self.index > 0,
            following=0 <= self.index < len(self.items) - 1,
        )
        if item is None:
            for pane in self.panes:
                pane.clear()
            message = nothing_message(
                len(self.coders),
                self.review.loaded,
                self.unit.value,
                self.current_label(),
                self.review.articles,
            )
            status = self._status if len(self.coders) >= 2 else None
            self.heading.setText(message if status is None else status)
            self.decision_label.setText("")
            return
        text = self._texts.get(item.article_id)
        if text is None:
            text = articles.get_article(self.project, item.article_id).text
            self._texts[item.article_id] = text
        color = "#999999"
        if isinstance(item, AnswerDisagreement):
            show_answers(self.panes, item, text)
        else:
            color = self._colors.get(item.label_id, color)
            annotations = [
                a
                for a in tagging.list_annotations(self.project, item.article_id)
                if a.label == item.label
            ]
            show_passages(self.panes, item, text, annotations, color, self.review.consensus)
        self.heading.setText(heading(item, self.index, len(self.items), color))
        self.decision_label.setText(
            f"<b>{escape(self.review.consensus)}:</b> {escape(decision_text(item, text))}"
        )

    # -- deciding -------------------------------------------------------------------

    def accept(self, coder: str) -> None:
        self._decide(Choice.accept(coder))

    def accept_both(self) -> None:
        self._decide(Choice.both())

    def absent(self) -> None:
        self._decide(Choice.none())

    def new_from_selection(self) -> None:
        if not isinstance(self.current(), Disagreement):
            return
        selection = next(
            (span for pane in self.panes if (span := pane.view.selection()) is not None), None
        )
        if selection is None:
            self.ops.show_error(
                "New passage", "Select the passage in one of the panes first, then press S."
            )
            return
        self._decide(Choice.new(*selection))

    def close_article(self) -> None:
        """Close the shown article for the consensus, after saying what that decides."""
        if not self.lister.running():
            self.decisions.close_article(self.current())

    def _decide(self, choice: Choice) -> None:
        if not self.lister.running():  # the keys wait for the listing
            self.decisions.decide(self.current(), choice)

    def _after_decision(self, article_id: int, move_on: bool) -> None:
        self.review.refresh({article_id})
        if move_on and self.advance_box.isChecked() and self.index + 1 < len(self.items):
            self.index += 1
        self.show_current()

    # -- following the project ------------------------------------------------------

    def follow_changes(self, changes: Changes, initiator: object) -> None:
        """Redraw after any change: list again if the coders' work may differ, else re-read."""
        if initiator is self or not self.isVisible():
            return
        # A coder added (the consensus coder, made by a first decision) changes no
        # comparison; the codebook or another program may change any.
        if changes.everything or changes.codebook:
            if self.review.loaded or self.lister.running():
                self.reload()
            return
        touched = (changes.coded | changes.articles | changes.answered) & self.review.article_ids()
        if touched and self.review.loaded:
            self.review.refresh(touched)
            self.show_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Close:
            self.close()
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Never leave a worker reading a project that may close next.
        self.lister.stop()
        self._texts.clear()
        super().closeEvent(event)
