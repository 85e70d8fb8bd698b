"""The coding workbench: article list, reader, coding panel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QSplitter,
    QToolBar,
)

from framing_app import __version__
from framing_app.core.changes import Changes
from framing_app.core.errors import FramingError
from framing_app.core.permissions import LeadAction
from framing_app.core.records import CodingStatus
from framing_app.gui.article_list import ArticleListPane
from framing_app.gui.backup_restore import back_up_now, open_restore_dialog
from framing_app.gui.backup_timer import BackupTimer
from framing_app.gui.codebook_editor import CodebookEditor
from framing_app.gui.coding_panel import CodingPanel
from framing_app.gui.coding_window import NO_ARTICLES_TEXT, CodingWindow
from framing_app.gui.connect_dialog import ConnectDialog
from framing_app.gui.file_jobs import (
    choose_annotation_import,
    export_annotations_interactive,
    import_annotations_interactive,
    import_articles_interactive,
)
from framing_app.gui.find_bar import FindBar
from framing_app.gui.help_dialogs import GuideDialog, ShortcutsDialog, shortcut_rows, show_about
from framing_app.gui.live_updates import LiveUpdates
from framing_app.gui.operations import OUTSIDE, Operations
from framing_app.gui.project_merge_dialog import choose_and_merge
from framing_app.gui.reader import Highlight, ReaderPane
from framing_app.gui.undo_commands import KnownVersions
from framing_app.services import (
    backups,
    codebook,
    coders,
    project_settings,
    questions,
)
from framing_app.services.project import Project, is_server_url
from framing_app.services.sample_corpus import sample_folder
from framing_app.services.server_identity import lead_refusal, server_identity
from framing_app.services.tagging import AnnotationInfo

ARTICLES = LeadAction.ARTICLES
DEFAULT_FONT_POINTS = 13.0
OUTSIDE_CHECK_MS = 3000


class MainWindow(CodingWindow):
    """One open project, coded by one coder at a time."""

    def __init__(
        self,
        project: Project,
        coder: str,
        settings: QSettings,
        open_project: Callable[..., object] | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.coder = coders.add_coder(project, coder).name
        self.settings = settings
        self.ops = Operations(self)
        self._open_project = open_project
        self.article_id: int | None = None
        self._annotations: list[AnnotationInfo] = []  # the shown article's, every coder's
        self._highlights: dict[AnnotationInfo, Highlight] = {}
        self.compare_coder: str | None = None
        self.undo_stack = QUndoStack(self)
        # What this window's own steps left each annotation at (see KnownVersions).
        self.versions = KnownVersions()
        self._label_colors: dict[str, str] = {}
        self._label_names: dict[int, str] = {}  # by label id, for step names
        self._label_shortcuts: list[QShortcut] = []

        self.article_list = ArticleListPane(project, self)
        self.reader = ReaderPane(self)
        self.find_bar = FindBar(self.reader.view, self.reader)
        self.reader.add_below(self.find_bar)
        self.panel = CodingPanel(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.article_list)
        self.splitter.addWidget(self.reader)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([400, 720, 360])
        self.setCentralWidget(self.splitter)
        self.progress_label = QLabel()
        self.statusBar().addPermanentWidget(self.progress_label)

        self._build_actions()
        self._build_toolbar()
        self._connect()
        self._blind = False
        self._apply_blind_coding()
        self.reload_codebook()
        # Another program (a teammate's import, the CLI, a second window) may
        # change the project: look every few seconds and when the window is
        # activated again; the check is one PRAGMA on an idle connection.
        self.project.changed_elsewhere()  # the baseline
        self._outside_change_waiting = False
        self._backup_failure_shown = False
        self._outside_timer = QTimer(self)
        self._outside_timer.setInterval(OUTSIDE_CHECK_MS)
        self._outside_timer.timeout.connect(self.check_outside_changes)
        self._outside_timer.start()
        # A rolling backup of the project as opened, then every few minutes of work.
        self.backup_timer = BackupTimer(project, self)
        self.backup_timer.backed_up.connect(
            lambda path: self.statusBar().showMessage(f"Backed up to {Path(path).name}.", 4000)
        )
        self.backup_timer.failed.connect(self._automatic_backup_failed)
        self.ops.changed.connect(self.backup_timer.follow_changes)
        self.backup_timer.start()
        # On a server, teammates' changes arrive as notifications, at once.
        self._heard = Changes()
        self.live: LiveUpdates | None = None
        if project.path is None:
            self.live = LiveUpdates(project, self)
            self.live.heard.connect(self._heard_from_server)
            self.live.present.connect(self.article_list.model.set_present)
            self.live.start()
        self.article_list.set_coder(self.coder)
        self._restore_settings()
        self._update_title()
        if not self.article_list.select_article(self._first_article()):
            # No article remembered: start where there is work left.
            first = self.article_list.neighbour(forward=True, unfinished_only=True)
            if first is None or not self.article_list.select_article(first):
                self.reader.clear(NO_ARTICLES_TEXT)

    # -- construction -------------------------------------------------------
    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _lead_only(self, action: QAction, what: LeadAction) -> QAction:
        """Disable *action* for a coder on a server, with the reason as its tooltip.

        The server refuses the action anyway (row-level security); the window
        says so before the coder tries. Read once: a role changes only when a
        lead changes it, and the database keeps enforcing it meanwhile.
        """
        refusal = lead_refusal(self.project, what)
        if refusal is not None:
            action.setEnabled(False)
            action.setToolTip(refusal[0].upper() + refusal[1:] + ".")
            self.lead_only_actions.append(action)
        return action

    def _build_actions(self) -> None:
        self.lead_only_actions: list[QAction] = []
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New project…", self.new_project, QKeySequence.StandardKey.New)
        self._action(
            file_menu, "&Open project…", self.choose_project, QKeySequence.StandardKey.Open
        )
        self._action(file_menu, "&Connect to server…", self.connect_to_server)
        self.recent_menu = file_menu.addMenu("Recent projects")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        lead = self._lead_only
        lead(self._action(file_menu, "&Import articles…", self.import_files, "Ctrl+I"), ARTICLES)
        lead(self._action(file_menu, "Import a &folder of articles…", self.import_folder), ARTICLES)
        lead(self._action(file_menu, "Open the &sample articles", self.import_sample), ARTICLES)
        file_menu.addSeparator()
        self._action(
            file_menu, "&Export annotations (CSV)…", lambda: self.export(excel=False), "Ctrl+E"
        )
        self._action(file_menu, "Export annotations for E&xcel…", lambda: self.export(excel=True))
        lead(
            self._action(
                file_menu, "Import &another coder's annotations…", self.import_annotations
            ),
            LeadAction.OTHERS_WORK,
        )
        lead(
            self._action(
                file_menu, "&Merge project…", lambda: choose_and_merge(self, self.ops, self.project)
            ),
            LeadAction.MERGE,
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Back up now…", self.back_up_now)
        lead(
            self._action(file_menu, "Res&tore from backup…", self.restore_from_backup),
            LeadAction.RESTORE,
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self.delete_action = self._action(
            edit_menu,
            "&Delete selected annotation",
            self.delete_selected,
            QKeySequence.StandardKey.Delete,
        )
        self.snap_action = QAction("&Snap selections to whole words", self, checkable=True)
        self.snap_action.toggled.connect(lambda on: self._remember("coding/snap_words", on))
        self.snap_action.toggled.connect(self._set_snapping)
        edit_menu.addAction(self.snap_action)

        coding_menu = bar.addMenu("&Coding")
        self._action(
            coding_menu, "Mark &done and go to next", self.mark_done_and_next, "Ctrl+Return"
        )
        self._action(coding_menu, "&Next article", lambda: self.go(forward=True), "Ctrl+PgDown")
        self._action(coding_menu, "&Previous article", lambda: self.go(forward=False), "Ctrl+PgUp")
        self._action(
            coding_menu,
            "Next &unfinished article",
            lambda: self.go(True, unfinished=True),
            "Ctrl+U",
        )
        status_menu = coding_menu.addMenu("Set &status")
        for status in CodingStatus:
            status_menu.addAction(
                status.value.replace("-", " ").capitalize(),
                partial(self.set_status, status),
            )
        coding_menu.addSeparator()
        # Ctrl+F finds in the article, as in every reader and editor coders
        # know; the article list's filter moves to Ctrl+L.
        self._action(
            coding_menu, "&Find in article…", self.find_bar.open_bar, QKeySequence.StandardKey.Find
        )
        self._action(
            coding_menu, "Find &next", self.find_bar.find_next, QKeySequence.StandardKey.FindNext
        )
        self._action(
            coding_menu,
            "Find &previous",
            self.find_bar.find_previous,
            QKeySequence.StandardKey.FindPrevious,
        )
        self._action(coding_menu, "Filter &articles…", self.article_list.focus_filter, "Ctrl+L")
        self._action(coding_menu, "Answer &questions", self.focus_questions, "Ctrl+Shift+A")
        # Escape in the filter clears it (and so shows every article again).
        clear_filter = QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self.article_list.filter_edit,
            self.article_list.filter_edit.clear,
        )
        clear_filter.setContext(Qt.ShortcutContext.WidgetShortcut)
        coding_menu.addSeparator()
        self._action(coding_menu, "A&greement…", self.show_agreement, "Ctrl+Shift+G")
        lead(
            self._action(
                coding_menu, "&Review disagreements…", lambda: self.open_review(), "Ctrl+Shift+R"
            ),
            LeadAction.ADJUDICATE,
        )

        article_menu = bar.addMenu("&Article")
        self.delete_article_action = self._action(
            article_menu, "&Delete…", self.delete_current_article
        )
        lead(self.delete_article_action, ARTICLES)

        view_menu = bar.addMenu("&View")
        self._action(
            view_menu, "&Larger text", lambda: self.zoom(1), QKeySequence.StandardKey.ZoomIn
        )
        self._action(
            view_menu, "&Smaller text", lambda: self.zoom(-1), QKeySequence.StandardKey.ZoomOut
        )

        codebook_menu = bar.addMenu("Code&book")
        lead(
            self._action(codebook_menu, "&Edit codebook…", self.edit_codebook, "Ctrl+Shift+B"),
            LeadAction.CODEBOOK,
        )
        self.blind_action = QAction("&Blind coding", self, checkable=True)
        self.blind_action.setToolTip(
            "For the whole project: while coding, nobody sees another coder's "
            "annotations or counts (the Compare with layer is off)"
        )
        self.blind_action.triggered.connect(self._set_blind_coding)
        codebook_menu.addAction(self.blind_action)
        lead(self.blind_action, LeadAction.SETTINGS)
        self.show_sample_action = QAction("Show the reliability &sample", self, checkable=True)
        self.show_sample_action.setToolTip(
            "For the whole project: mark the articles of the reliability sample in the "
            "article list (never while blind coding is on)"
        )
        self.show_sample_action.triggered.connect(self._set_show_sample)
        codebook_menu.addAction(self.show_sample_action)
        lead(self.show_sample_action, LeadAction.SETTINGS)
        for menu in (file_menu, coding_menu, article_menu, codebook_menu):
            menu.setToolTipsVisible(True)  # a disabled action says why

        help_menu = bar.addMenu("&Help")
        self._action(
            help_menu,
            "&Keyboard shortcuts…",
            self.show_shortcuts,
            "F1",
        )
        self._action(help_menu, "&How to code…", lambda: GuideDialog(self).exec())
        self._action(
            help_menu, "&About framing-app…", lambda: show_about(self, self.project.location)
        )

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Coder", self)
        toolbar.setObjectName("coder-toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(" Coder: "))
        self.coder_box = QComboBox()
        self.coder_box.setMinimumContentsLength(14)
        self.coder_box.activated.connect(self._coder_chosen)
        toolbar.addWidget(self.coder_box)
        if (identity := server_identity(self.project)) is not None:
            # The server knows who is coding: the login, not a name to pick.
            self.coder_box.setEnabled(False)
            self.coder_box.setToolTip(f"On a server you code as your login, {identity.login}.")
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Compare with: "))
        self.compare_box = QComboBox()
        self.compare_box.setMinimumContentsLength(14)
        self.compare_box.setToolTip("Show another coder's annotations as dashed lines (read-only)")
        self.compare_box.activated.connect(self._compare_chosen)
        toolbar.addWidget(self.compare_box)
        self.addToolBar(toolbar)
        self._fill_coder_boxes()

    def _connect(self) -> None:
        # The list first: a view reacting to a change may then ask it for neighbours.
        self.ops.changed.connect(self.article_list.follow_changes)
        self.ops.changed.connect(self._on_changed)
        self.ops.refused.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self.article_list.article_selected.connect(self.show_article)
        self.article_list.progress_changed.connect(self.progress_label.setText)
        self.panel.label_chosen.connect(self.tag)
        self.panel.annotation_selected.connect(self._annotation_selected)
        self.panel.relabel_requested.connect(self.relabel)
        self.panel.memo_edited.connect(self.set_memo)
        self.panel.span_to_selection_requested.connect(self.span_to_selection)
        self.panel.delete_requested.connect(self.delete_annotation)
        self.panel.mark_done_requested.connect(self.mark_done_and_next)
        self.panel.questions_box.answer_requested.connect(self.answer_question)
        self.reader.view.annotation_clicked.connect(self._annotation_clicked)

    # -- settings -----------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        sizes = self.settings.value("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        self.snap_action.setChecked(
            # On unless the person turned it off: a partial word stored by
            # accident is a silent error in the data (issue 7, defect 5).
            str(self.settings.value("coding/snap_words", "true")).lower() == "true"
        )
        self._set_snapping(self.snap_action.isChecked())
        try:
            self.font_points = float(str(self.settings.value("reader/font_points")))
        except ValueError:
            self.font_points = DEFAULT_FONT_POINTS
        self.reader.set_font_size(self.font_points)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("coding/snap_words", self.snap_action.isChecked())
        self.settings.setValue("reader/font_points", self.font_points)
        self.settings.setValue(f"coder/{self.project.location}", self.coder)
        if self.article_id is not None:
            self.settings.setValue(f"article/{self.project.location}", self.article_id)
        self.settings.sync()

    def check_outside_changes(self) -> None:
        """Show what another program changed in the project: lists, codebook, annotations.

        Deferred while the coder is typing a memo or a number, which a reload would reset.
        """
        if self.project.changed_elsewhere():
            self._outside_change_waiting = True
        if not self._outside_change_waiting or self.panel.memo_edit.hasFocus():
            return
        if self.panel.questions_box.editing():
            return
        # A server says precisely what changed; a project file only that something did.
        changes = self._heard or Changes.all()
        self._heard = Changes()
        self._outside_change_waiting = False
        try:
            self.ops.announce(changes, OUTSIDE)
        except FramingError as error:
            # Re-reading failed (the server went away, the file is locked):
            # say so once; the next change or reconnection reloads everything.
            self.statusBar().showMessage(f"Could not show the latest changes: {error}", 8000)

    def _heard_from_server(self, changes: Changes) -> None:
        """A teammate's committed change: shown now, or once the coder stops typing."""
        self._heard = self._heard | changes
        self._outside_change_waiting = True
        self.check_outside_changes()

    def show_article(self, article_id: int) -> None:
        super().show_article(article_id)
        if self.live is not None:
            self.live.show_article(self.article_id)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_outside_changes()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The project may be closed next: no more looking for outside changes,
        # no more backups, and none still being written.
        self._outside_timer.stop()
        self.backup_timer.stop()
        if self.live is not None:
            self.live.stop()
            self.live = None
        self.save_settings()
        super().closeEvent(event)

    def _first_article(self) -> int:
        last = self.settings.value(f"article/{self.project.location}")
        return int(last) if last is not None else -1

    # -- coders -------------------------------------------------------------
    def _fill_coder_boxes(self) -> None:
        names = [c.name for c in coders.list_coders(self.project)]
        self.coder_box.blockSignals(True)
        self.coder_box.clear()
        self.coder_box.addItems(names)
        self.coder_box.addItem("New coder…")
        self.coder_box.setCurrentText(self.coder)
        self.coder_box.blockSignals(False)
        self.compare_box.blockSignals(True)
        self.compare_box.clear()
        self.compare_box.addItem("(nobody)")
        self.compare_box.addItems([n for n in names if n != self.coder])
        self.compare_box.setCurrentText(self.compare_coder or "(nobody)")
        self.compare_box.blockSignals(False)

    def _coder_chosen(self, index: int) -> None:
        name = self.coder_box.itemText(index)
        if index == self.coder_box.count() - 1:
            name, ok = QInputDialog.getText(self, "New coder", "Name of the new coder:")
            if not ok or not name.strip():
                self.coder_box.setCurrentText(self.coder)
                return
        self.switch_coder(name)

    def switch_coder(self, name: str) -> None:
        """Code as *name* (created if new); the undo history belongs to the previous coder."""
        added = self.ops.run("Coder", lambda: coders.add_coder(self.project, name))
        if added is None:
            return
        self.coder = added.name
        self.undo_stack.clear()
        self._remember(f"coder/{self.project.location}", self.coder)
        if self.compare_coder == self.coder:
            self.compare_coder = None
            self._fill_coder_boxes()
        self.article_list.set_coder(self.coder)
        self._update_title()
        self.refresh_annotations()
        self.refresh_answers()

    def _set_blind_coding(self, on: bool) -> None:
        if (
            self.ops.run(
                "Blind coding", lambda: project_settings.set_blind_coding(self.project, on)
            )
            is None
        ):
            self.blind_action.setChecked(self._blind)

    def _set_show_sample(self, on: bool) -> None:
        changes = self.ops.run(
            "Reliability sample", lambda: project_settings.set_show_sample(self.project, on)
        )
        if changes is None:
            self.show_sample_action.setChecked(not on)

    def _apply_blind_coding(self) -> None:
        """Show or hide other coders' work as the project's blind-coding switch says."""
        self._blind = project_settings.blind_coding(self.project)
        self.blind_action.setChecked(self._blind)
        # The list marks the sample itself (ArticleListPane); the menu shows the switch.
        self.show_sample_action.setChecked(project_settings.show_sample(self.project))
        self.compare_box.setEnabled(not self._blind)
        if self._blind:
            self.compare_coder = None
            self.compare_box.setCurrentIndex(0)
            self.compare_box.setToolTip(
                "Blind coding is on for this project (Codebook ▸ Blind coding): "
                "other coders' annotations are hidden"
            )
        else:
            self.compare_box.setToolTip(
                "Show another coder's annotations as dashed lines (read-only)"
            )

    def _compare_chosen(self, index: int) -> None:
        self.compare_coder = None if index == 0 else self.compare_box.itemText(index)
        self.refresh_annotations()

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.coder} — {self.project.location} — framing-app {__version__}")

    # -- codebook -----------------------------------------------------------
    def reload_codebook(self, *, refresh: bool = True) -> None:
        """Re-read the labels (names, colours, keys) and, unless told not to, the article's tags."""
        labels = codebook.list_labels(self.project)
        self._label_colors = {label.name: label.color for label in labels}
        self._label_names = {label.id: label.name for label in labels}
        self._highlights = {}  # colours may have changed
        self.panel.set_labels(labels)
        self.panel.questions_box.set_questions(questions.list_questions(self.project))
        for shortcut in self._label_shortcuts:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        self._label_shortcuts = []
        for label in labels:
            if label.archived or not label.shortcut:
                continue
            # Shortcuts live on the reader: typing a digit in the memo field or
            # the filter box must not tag anything.
            shortcut = QShortcut(QKeySequence(label.shortcut), self.reader.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda ident=label.id: self.tag(ident))
            self._label_shortcuts.append(shortcut)
        if refresh:
            self.refresh_annotations()

    def edit_codebook(self) -> None:
        editor = CodebookEditor(
            self.project,
            self,
            ops=self.ops,
            undo_stack=self.undo_stack,
            # Blind coding: the uses beside each label are this coder's only.
            counts_of=self.coder if self._blind else None,
        )
        editor.exec()
        # A child of the window: without this every opening would leave one behind.
        editor.deleteLater()

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        """Redraw what *changes* concerns: blind coding, codebook, coders, then the article.

        The article list follows the same signal by itself.
        """
        if changes.everything or changes.settings:
            self._apply_blind_coding()
        if changes.everything or changes.codebook:
            self.reload_codebook(refresh=False)
        if changes.everything or changes.coders:
            self._fill_coder_boxes()
        self._follow_changes(changes, initiator)
        if initiator == OUTSIDE:
            self.statusBar().showMessage("Another program changed this project: updated.", 4000)

    def _set_snapping(self, on: bool) -> None:
        self.reader.view.snap_words = on

    def show_agreement(self) -> None:
        """Open (or bring forward) the non-modal Agreement window; it follows ``ops.changed``."""
        # Imported on first use: the statistics load numpy, which start-up need not wait for.
        from framing_app.gui.agreement_window import AgreementWindow
        from framing_app.gui.review_opening import connect_agreement

        window = self.findChild(AgreementWindow)
        if window is None:
            window = AgreementWindow(self.project, self, self.ops)
            connect_agreement(window, self.open_review)
        window.show()
        window.raise_()
        window.activateWindow()

    def open_review(
        self,
        coders: Sequence[str] | None = None,
        unit: str = "paragraph",
        label: str | None = None,
        **options: object,
    ) -> None:
        """Coding ▸ Review disagreements…: the non-modal review window (on these coders)."""
        from framing_app.gui.review_opening import open_review

        open_review(self, self.project, self.ops, self.undo_stack, coders, unit, label, **options)

    def show_shortcuts(self) -> None:
        """Every shortcut the window has now: its actions', then the codebook's label keys."""
        keys = [
            (label.shortcut, label.name)
            for label in codebook.list_labels(self.project, include_archived=False)
            if label.shortcut
        ]
        ShortcutsDialog(shortcut_rows(self.menuBar(), keys), self).exec()

    def zoom(self, step: int) -> None:
        self.font_points = min(28.0, max(8.0, self.font_points + step))
        self.reader.set_font_size(self.font_points)
        self._remember("reader/font_points", self.font_points)

    # -- files --------------------------------------------------------------
    def import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            "Import articles",
            "",
            "Articles (*.txt *.md *.html *.htm *.docx *.csv *.tsv);;All files (*)",
        )
        if names:
            self._import([Path(n) for n in names])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles")
        if folder:
            self._import([Path(folder)])

    def import_sample(self) -> None:
        with sample_folder() as folder:
            self._import([folder])

    def _import(self, paths: list[Path]) -> None:
        report = import_articles_interactive(self, self.project, paths)
        if report is not None:
            self.ops.announce(report.changes)
            if self.article_id is None and report.added:
                self.article_list.select_article(report.added[0].id)

    def export(self, excel: bool) -> None:
        default = f"annotations{'-excel' if excel else ''}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export annotations", default, "CSV (*.csv)")
        if name:
            export_annotations_interactive(self, self.project, Path(name), excel=excel)

    def import_annotations(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import another coder's annotations", "", "CSV (*.csv)"
        )
        if not name:
            return
        choice = choose_annotation_import(self, self.project, Path(name))
        if choice is None:
            return
        path, flavour = Path(name), choice.flavour
        report = import_annotations_interactive(
            self, self.project, path, flavour, replace=choice.replace
        )
        if report is not None:
            self.ops.announce(report.changes)

    # -- backups ------------------------------------------------------------
    def back_up_now(self) -> None:
        if back_up_now(self, self.ops, self.project) is not None:
            self.backup_timer.mark_backed_up()

    def restore_from_backup(self) -> None:
        open_restore_dialog(self, self.ops, self.project, self._restored)

    def _restored(self, _result: backups.RestoreResult) -> None:
        # The undo history holds ids of the project as it was: they may name
        # nothing, or something else, in the restored one.
        self.undo_stack.clear()
        # The restored project may not know this window's coder yet.
        self.ops.run("Coder", lambda: coders.add_coder(self.project, self.coder))
        self._fill_coder_boxes()
        self.backup_timer.mark_backed_up()

    def _automatic_backup_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Automatic backup failed: {message}", 30000)
        if not self._backup_failure_shown:  # once: the next tick tries again
            self._backup_failure_shown = True
            self.ops.show_error("Automatic backup", message)

    # -- projects -----------------------------------------------------------
    def new_project(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "New project", "", "framing-app project (*.sqlite)"
        )
        if name:
            self._switch_project(Path(name).with_suffix(".sqlite"))

    def choose_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", "framing-app project (*.sqlite);;All files (*)"
        )
        if name:
            self._switch_project(Path(name))

    def connect_to_server(self) -> None:
        """File ▸ Connect to server…: open a team server's project in this window's place."""
        dialog = ConnectDialog(self.settings, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or self._open_project is None:
            return
        choice = dialog.choice()
        self.save_settings()
        self._open_project(None, choice.url, password=choice.password, remember=choice.remember)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for entry in recent_projects(self.settings):
            if is_server_url(entry):
                self.recent_menu.addAction(entry, partial(self._switch_server, entry))
                continue
            self.recent_menu.addAction(entry, partial(self._switch_project, Path(entry)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _switch_project(self, path: Path) -> None:
        if self._open_project is not None:
            self.save_settings()
            self._open_project(path)

    def _switch_server(self, url: str) -> None:
        if self._open_project is not None:
            self.save_settings()
            self._open_project(None, url)


def recent_projects(settings: QSettings) -> list[str]:
    value = settings.value("projects/recent", [])
    if isinstance(value, str):  # QSettings gives a lone string for a one-item list
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def remember_project(settings: QSettings, location: str) -> None:
    recent = [location, *[r for r in recent_projects(settings) if r != location]][:8]
    settings.setValue("projects/recent", recent)
    settings.setValue("projects/last", location)
