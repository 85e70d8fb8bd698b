"""What the coding window does with the shown article: show it, tag, edit, delete, move on.

:class:`CodingWindow` is the half of the main window that codes: the reader's
highlights and the coding panel follow the operations' ``changed`` signal
(:meth:`CodingWindow._follow_changes`), and every coding action is one operation
and one undo step holding ids. :class:`~framing_app.gui.main_window.MainWindow`
adds the menus, the toolbar, settings, files and projects around it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QComboBox, QMainWindow, QMessageBox

from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError
from framing_app.core.names import name_key
from framing_app.core.records import CodingStatus
from framing_app.core.spans import snap_to_words
from framing_app.gui.article_list import ArticleListPane
from framing_app.gui.coding_panel import CodingPanel
from framing_app.gui.find_bar import FindBar
from framing_app.gui.operations import Operations
from framing_app.gui.reader import Highlight, ReaderPane
from framing_app.gui.undo_commands import (
    AnswerCommand,
    DeleteCommand,
    EditCommand,
    KnownVersions,
    TagCommand,
    push_done,
    state_of,
)
from framing_app.services import (
    answers,
    article_browser,
    article_removal,
    articles,
    coding_status,
    tagging,
)
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationInfo

NO_ARTICLES_TEXT = "No articles yet: File ▸ Import articles…, or File ▸ Open sample articles."


class CodingWindow(QMainWindow):
    """The coding half of the main window (see the module's docstring).

    The attributes below are made by :class:`MainWindow`'s constructor.
    """

    project: Project
    settings: QSettings
    coder: str
    ops: Operations
    undo_stack: QUndoStack
    versions: KnownVersions
    article_id: int | None
    compare_coder: str | None
    article_list: ArticleListPane
    reader: ReaderPane
    find_bar: FindBar
    panel: CodingPanel
    snap_action: QAction
    compare_box: QComboBox
    _annotations: list[AnnotationInfo]
    _highlights: dict[AnnotationInfo, Highlight]
    _label_colors: dict[str, str]
    _label_names: dict[int, str]

    def _remember(self, key: str, value: object) -> None:
        """Store a setting now: a session killed without closing keeps it."""
        self.settings.setValue(key, value)
        self.settings.sync()

    # -- showing an article -------------------------------------------------
    def show_article(self, article_id: int) -> None:
        try:
            article = articles.get_article(self.project, article_id)
        except FramingError as error:
            self.ops.show_error("Article", str(error))
            return
        self.article_id = article.id
        self._remember(f"article/{self.project.location}", article.id)
        meta = " · ".join(
            part
            for part in (
                article.source,
                article.published,
                article.external_id,
                f"{len(article.text):,} characters",
            )
            if part
        )
        self.reader.show_article(article.title, meta, article.text)
        self.find_bar.article_changed()
        self.refresh_annotations()
        self.refresh_answers()

    def refresh_annotations(self, select: int | None = None) -> None:
        """Re-read this article's annotations and show them (after any change)."""
        if self.article_id is None:
            return
        self._annotations = tagging.list_annotations(self.project, self.article_id)
        self._highlights = {
            info: self._highlights[info] for info in self._annotations if info in self._highlights
        }
        if select is not None and not any(
            a.id == select and a.coder == self.coder for a in self._annotations
        ):
            select = None  # gone, or another coder's
        self._show_annotations(select)

    def _show_annotations(self, select: int | None = None, *, lists_later: bool = False) -> None:
        """Paint the reader from ``self._annotations``; fill the panel now or after the paint.

        After a tag the coder waits for the highlight, not for the list
        beside it: *lists_later* paints first and rebuilds the annotation
        list (hundreds of rows) on the next turn of the event loop.
        """
        mine = [a for a in self._annotations if a.coder == self.coder]
        others = [a for a in self._annotations if a.coder == self.compare_coder]
        self.reader.view.set_highlights(
            [self._highlight(a) for a in mine], [self._highlight(a) for a in others]
        )
        if select is not None:
            self.reader.view.select_annotation(select, scroll=False)
        if lists_later:
            QTimer.singleShot(0, lambda: self._fill_panel(select))
        else:
            self._fill_panel(select)

    def _fill_panel(self, select: int | None) -> None:
        mine = [a for a in self._annotations if a.coder == self.coder]
        self.panel.set_annotations(mine, self._label_colors)
        if select is not None:
            self.panel.select_annotation(select, emit=False)

    def _highlight(self, info: AnnotationInfo) -> Highlight:
        # Cached: after each tag the reader gets all of the article's
        # highlights again, hundreds on a densely coded article.
        found = self._highlights.get(info)
        if found is None:
            found = Highlight(
                info.id,
                info.start,
                info.end,
                self._label_colors.get(info.label, "#999999"),
                info.label,
                info.coder,
                info.memo,
            )
            self._highlights[info] = found
        return found

    def _annotation_selected(self, annotation_id: int) -> None:
        self.reader.view.select_annotation(annotation_id if annotation_id >= 0 else None)

    def _annotation_clicked(self, annotation_id: int) -> None:
        self.panel.select_annotation(annotation_id, emit=False)
        self.reader.view.select_annotation(annotation_id, scroll=False)

    def _follow_changes(self, changes: Changes, initiator: object) -> None:
        """The reader and the coding panel follow *changes* (after the codebook did).

        A tag this window has painted already (*initiator* is the reader) is
        not re-read; an undo or redo step brings its article into view.
        """
        stepped = changes.coded or changes.answered
        if isinstance(initiator, QUndoCommand) and len(stepped) == 1:
            (article_id,) = stepped
            if article_id != self.article_id:
                self.article_list.select_article(article_id)
                if article_id != self.article_id:
                    self.show_article(article_id)
        if initiator is not self.reader and (
            changes.settings or changes.touches_article(self.article_id)
        ):
            one = next(iter(changes.annotations)) if len(changes.annotations) == 1 else None
            self.refresh_annotations(select=one)
        if changes.touches_answers(self.article_id):
            self.refresh_answers()

    # -- coding actions -----------------------------------------------------
    def _label_id(self, label: int | str, title: str) -> int | None:
        """The id of *label* (an id, or a name as the codebook was last read)."""
        if isinstance(label, int):
            return label
        found = next((i for i, name in self._label_names.items() if name == label), None)
        if found is None:
            self.ops.show_error(title, f"no label named '{label}' in the codebook")
        return found

    def tag(self, label: int | str) -> None:
        """Tag the reader's selection with *label*, an id or a name (snapped to words if asked)."""
        label_id = self._label_id(label, "Tag")
        if label_id is None:
            return
        span = self.reader.view.selection()
        if self.article_id is None or span is None:
            self.statusBar().showMessage(
                "Select a passage in the text first, then choose a label.", 4000
            )
            return
        start, end = span
        if self.snap_action.isChecked():
            start, end = snap_to_words(self.reader.view.text(), start, end)
        name = self._label_names.get(label_id)
        existing = next(
            (
                info
                for info in self._annotations
                if (info.start, info.end, info.label) == (start, end, name)
                and name_key(info.coder) == name_key(self.coder)
            ),
            None,
        )
        if existing is not None:
            # Not an error worth a dialog: show the annotation the coder already has.
            self.reader.view.clear_selection()
            self.panel.select_annotation(existing.id)
            self.reader.view.select_annotation(existing.id)
            self.statusBar().showMessage(
                f"This passage is already tagged “{name}”: that annotation is selected.", 5000
            )
            return
        article_id = self.article_id
        info = self.ops.run(
            "Tag",
            lambda: tagging.annotate(
                self.project,
                coder=self.coder,
                article=article_id,
                label_id=label_id,
                start=start,
                end=end,
            ),
            # The reader paints the new tag itself, below, before anything else.
            initiator=self.reader,
        )
        if info is None:
            return
        made = state_of(info, label_id)
        self.versions.left(made)
        push_done(
            self.undo_stack,
            TagCommand(f"Tag “{info.label}”", self.project, self.ops, made, self.versions),
        )
        self._annotations.append(info)
        # The selection collapses so the coder sees the label's colour at once.
        self.reader.view.clear_selection()
        # Only the new highlight is laid on; the lists follow after the paint.
        self.reader.view.add_highlight(self._highlight(info))
        self.reader.view.select_annotation(info.id, scroll=False)
        QTimer.singleShot(0, lambda: self._fill_panel(info.id))

    # -- article-level questions ---------------------------------------------
    def refresh_answers(self) -> None:
        """Show this coder's answers about the shown article (only theirs: blind-safe)."""
        box = self.panel.questions_box
        box.setEnabled(self.article_id is not None)
        if self.article_id is None:
            box.set_answers({})
            return
        try:
            box.set_answers(answers.article_answers(self.project, self.article_id, self.coder))
        except FramingError:  # the article was deleted meanwhile; the list follows
            box.set_answers({})

    def answer_question(self, question_id: int, value: str) -> None:
        """Set (or, with "", clear) this coder's answer as one committed, undoable step."""
        if self.article_id is None:
            return
        article_id, coder = self.article_id, self.coder
        box = self.panel.questions_box
        change = self.ops.run(
            "Answer",
            lambda: (
                answers.set_answer(
                    self.project, coder=coder, article=article_id, question=question_id, value=value
                )
                if value
                else answers.clear_answer(
                    self.project, coder=coder, article=article_id, question=question_id
                )
            ),
            initiator=box,
        )
        if change is None:
            self.refresh_answers()  # refused: the stored answer again
            return
        if not change.changed:
            return
        text = (
            f"Answer “{change.question}”: {change.value}"
            if change.value is not None
            else f"Clear the answer to “{change.question}”"
        )
        push_done(self.undo_stack, AnswerCommand(text, self.project, self.ops, change))

    def focus_questions(self) -> None:
        """Put the keyboard focus on the first question (Coding ▸ Answer questions)."""
        if not self.panel.questions_box.focus_first():
            message = (
                "The codebook has no questions (framing-app question add)."
                if not self.panel.questions_box.editors
                else "Open an article first."
            )
            self.statusBar().showMessage(message, 4000)

    def _shown_version(self, annotation_id: int) -> int | None:
        """The version of the annotation as this window shows it: an edit is made to that one.

        On a shared server a teammate may have changed it since it was shown;
        the services then refuse the edit instead of overwriting theirs.
        """
        return next((a.version for a in self._annotations if a.id == annotation_id), None)

    def _current(self, annotation_id: int) -> tagging.AnnotationState | None:
        try:
            return tagging.annotation_state(self.project, annotation_id)
        except FramingError as error:
            self.ops.show_error("Annotation", str(error))
            self.refresh_annotations()
            return None

    def _edit(
        self,
        text: str,
        annotation_id: int,
        *,
        label_id: int | None = None,
        memo: str | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        """Change one annotation as an undoable step; what is not given stays."""
        before = self._current(annotation_id)
        if before is None:
            return
        start, end = span if span is not None else (before.start, before.end)
        wanted = replace(
            before,
            label_id=before.label_id if label_id is None else label_id,
            memo=before.memo if memo is None else memo,
            start=start,
            end=end,
        )
        shown = self._shown_version(annotation_id)
        after = self.ops.run(
            text,
            lambda: tagging.apply_annotation_state(self.project, wanted, expect_version=shown),
        )
        if after is None:
            self.refresh_annotations(select=annotation_id)  # the stored values again
            return
        self.versions.left(after)
        push_done(
            self.undo_stack, EditCommand(text, self.project, self.ops, before, after, self.versions)
        )

    def relabel(self, annotation_id: int, label: int | str) -> None:
        label_id = self._label_id(label, "Relabel")
        if label_id is None:
            return
        name = self._label_names.get(label_id, f"label {label_id}")
        self._edit(f"Relabel as “{name}”", annotation_id, label_id=label_id)

    def set_memo(self, annotation_id: int, memo: str) -> None:
        self._edit("Edit memo", annotation_id, memo=memo)

    def span_to_selection(self, annotation_id: int) -> None:
        span = self.reader.view.selection()
        if span is None:
            self.statusBar().showMessage("Select the new passage in the text first.", 4000)
            return
        start, end = span
        if self.snap_action.isChecked():
            start, end = snap_to_words(self.reader.view.text(), start, end)
        self._edit("Change span", annotation_id, span=(start, end))

    def delete_annotation(self, annotation_id: int) -> None:
        state = self._current(annotation_id)
        if state is None:
            return
        shown = self._shown_version(annotation_id)
        info = self.ops.run(
            "Delete",
            lambda: tagging.delete_annotation(self.project, annotation_id, expect_version=shown),
        )
        if info is None:
            self.refresh_annotations(select=annotation_id)  # as it is now
        else:
            text = f"Delete “{info.label}” annotation"
            self.versions.pop(annotation_id, None)
            push_done(
                self.undo_stack, DeleteCommand(text, self.project, self.ops, state, self.versions)
            )

    def delete_selected(self) -> None:
        selected = self.panel.selected_annotation()
        if selected is not None:
            self.delete_annotation(selected)

    def set_status(self, status: CodingStatus) -> None:
        if self.article_id is None:
            return
        article_id = self.article_id
        self.ops.run(
            "Status",
            lambda: coding_status.set_status(self.project, self.coder, status, [article_id]),
        )

    def mark_done_and_next(self) -> None:
        if self.article_id is None:
            return
        self.set_status(CodingStatus.DONE)
        self.go(forward=True, unfinished=True)

    def go(self, forward: bool, unfinished: bool = False) -> None:
        target = self.article_list.neighbour(forward, unfinished)
        if target is None:
            message = "Every article is done." if unfinished else "No more articles this way."
            self.statusBar().showMessage(message, 5000)
            return
        self.article_list.select_article(target)

    def delete_current_article(self) -> None:
        """Delete the shown article with everything coded on it, once the user confirms.

        Not undoable: the confirmation says what goes instead. The undo
        history stays: a step on the deleted article's annotations is refused
        with a message when it comes up, the others still apply.
        """
        if self.article_id is None:
            self.statusBar().showMessage("No article to delete.", 4000)
            return
        article_id = self.article_id
        try:
            preview = article_removal.preview_removal(self.project, [article_id])
        except FramingError as error:
            self.ops.show_error("Delete article", str(error))
            return
        if not self._confirm_removal(preview):
            return
        # Read while the article still has its place in the list's order.
        target = self.article_list.neighbour(forward=True, unfinished_only=False)
        if target is None:
            target = self.article_list.neighbour(forward=False, unfinished_only=False)
        removed = self.ops.run(
            "Delete article",
            lambda: article_removal.delete_articles(self.project, [article_id], expect=preview),
        )
        if removed is None:
            return
        self.article_id = None
        self._annotations = []
        if target is None or not self.article_list.select_article(target):
            self.panel.set_annotations([], self._label_colors)
            self.refresh_answers()
            _done, total = article_browser.progress(self.project, None)
            self.reader.clear(NO_ARTICLES_TEXT if total == 0 else "No article selected.")

    def _confirm_removal(self, removal: article_removal.ArticleRemoval) -> bool:
        """True when the user agrees to delete what *removal* lists (default: No)."""
        names = ", ".join(f"“{a.title}” ({a.external_id})" for a in removal.articles)
        if removal.annotations:
            coders_ = ", ".join(f"{c} {n}" for c, n in removal.annotations_by_coder.items())
            plural = "s" if removal.annotations != 1 else ""
            goes = f" with its {removal.annotations} annotation{plural} ({coders_})"
        else:
            goes = " (it has no annotations)"
        if removal.answers:
            goes += f" and {removal.answers} answer{'s' if removal.answers != 1 else ''}"
        answer = QMessageBox.question(
            self,
            "Delete article",
            f"Delete the article {names}{goes}?\n\nThis cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
