"""The Agreement window: inter-coder reliability of the project, computed off the GUI thread.

Non-modal (Coding ▸ Agreement…). The user chooses coders, unit, overlap
rule, labels, articles and the bootstrap (``agreement_controls``) and
presses Compute; the services build the reliability data and the report in
a background job (``agreement_runner``; progress and Cancel in the window,
which stays usable meanwhile). The window shows the CLI's ``agreement``
table (``agreement_table_model.ReportModel``), a chart of alpha per label
(``agreement_chart.AlphaChart``), the per-article breakdown of one variable
(an extra view: the pooled figure is the estimate) and the articles used
and left out (``agreement_pages``). The table exports as CSV, the chart as
PNG and SVG, each only to a file the user named.

The window reads only through services. It follows the operations layer's
``changed`` signal: a change to annotations, statuses, the codebook or the
coders marks the figures *out of date* (never recomputed by itself: a large
report with a bootstrap takes a while) and refreshes the choices.

For the disagreement review: :attr:`AgreementWindow.reviewRequested`
carries the chosen item (a label, or ``(all labels)``), and
:meth:`AgreementWindow.shown_request` says which coders, unit and articles
the shown figures are of; the "Review disagreements…" button stays disabled
until :meth:`AgreementWindow.set_review_available` is called.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.changes import Changes
from framing_app.gui.agreement_chart import AlphaChart
from framing_app.gui.agreement_controls import AgreementControls, AgreementRequest
from framing_app.gui.agreement_export import export_chart, export_table
from framing_app.gui.agreement_pages import ArticlesPage, BreakdownPage, notes_html, summary_text
from framing_app.gui.agreement_runner import (
    Computed,
    Work,
    breakdown_work,
    report_work,
)
from framing_app.gui.agreement_table_model import WARNING_SIGN, ReportModel, count
from framing_app.gui.background import progress_text, show_error
from framing_app.gui.job_runner import JobRunner
from framing_app.gui.operations import Operations
from framing_app.services import codebook, questions
from framing_app.services.agreement_breakdown import ArticleBreakdown
from framing_app.services.agreement_options import (
    agreement_coders,
)
from framing_app.services.agreement_report import AgreementReport
from framing_app.services.project import Project
from framing_app.services.reliability_units import OVERALL

OUT_OF_DATE = f"{WARNING_SIGN} Out of date: the project changed after these figures were computed."
_BREAKDOWN_TAB = 2


class AgreementWindow(QWidget):
    """The window (see the module docstring)."""

    computed = Signal(object)  # AgreementReport
    breakdown_computed = Signal(object)  # ArticleBreakdown
    failed = Signal(str)
    cancelled = Signal()
    outdated = Signal()
    reviewRequested = Signal(str)  # the item: a label, or "(all labels)"

    def __init__(
        self, project: Project, parent: QWidget | None = None, ops: Operations | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.project = project
        self.setWindowTitle(f"Agreement — {project.location}")
        self.runner = JobRunner(self)
        self._computed: Computed | None = None
        self._breakdown_for: tuple[int, str] | None = None
        self._breakdown_wanted = False
        self._changed_while_running = False
        self._review_available = False
        self.stale = False
        self._build()
        self.runner.progressed.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.idle.connect(self._on_idle)
        self.refresh_choices()
        if ops is not None:
            ops.changed.connect(self.follow_changes)
        if parent is not None:
            # The project may close with its window: stop the work first.
            parent.installEventFilter(self)
        self.resize(1180, 720)

    # -- construction -----------------------------------------------------------

    def _build(self) -> None:
        self.controls = AgreementControls()
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.compute_button = QPushButton("&Compute")
        self.compute_button.setToolTip("Compute the agreement (Ctrl+Return)")
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compute_button, 1)
        buttons.addWidget(self.cancel_button)
        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 6, 0)
        side.addWidget(scroll, 1)
        side.addLayout(buttons)
        side.addWidget(self.progress)
        side.addWidget(self.status_label)
        left.setMinimumWidth(250)

        self.summary_label = QLabel("Choose the coders and the unit, then press Compute.")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stale_label = QLabel(f"{OUT_OF_DATE} Press Compute to update them.")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet(
            "QLabel { background: #fbefc5; color: #4d3800; border: 1px solid #d4a72c;"
            " padding: 4px; }"
        )
        self.stale_label.setVisible(False)

        self.model = ReportModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Agreement per label")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # Compact rows: a codebook of fifteen labels fits without scrolling.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.notes = QTextBrowser()
        self.notes.setOpenLinks(False)
        table_page = QSplitter(Qt.Orientation.Vertical)
        table_page.addWidget(self.table)
        table_page.addWidget(self.notes)
        table_page.setStretchFactor(0, 3)
        table_page.setStretchFactor(1, 2)
        self.notes.setMinimumHeight(90)

        self.chart = AlphaChart()
        self.breakdown = BreakdownPage()
        self.breakdown.item_box.currentIndexChanged.connect(lambda _i: self._want_breakdown())
        self.articles = ArticlesPage()
        self.tabs = QTabWidget()
        self.tabs.addTab(table_page, "&Table")
        self.tabs.addTab(self.chart, "C&hart")
        self.tabs.addTab(self.breakdown, "&Per article (extra view)")
        self.tabs.addTab(self.articles, "&Articles used")
        self.tabs.currentChanged.connect(lambda _i: self._want_breakdown())

        self.csv_button = QPushButton("Export table (CSV)…")
        self.csv_button.clicked.connect(self.export_csv)
        self.png_button = QPushButton("Export chart (PNG)…")
        self.png_button.clicked.connect(lambda: self.export_chart("png"))
        self.svg_button = QPushButton("Export chart (SVG)…")
        self.svg_button.clicked.connect(lambda: self.export_chart("svg"))
        self.review_button = QPushButton("Review disagreements…")
        self.review_button.setEnabled(False)
        self.review_button.setToolTip("Step through the units where the coders differ")
        self.review_button.clicked.connect(lambda: self.reviewRequested.emit(self.selected_item()))
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        for button in (self.csv_button, self.png_button, self.svg_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.review_button)
        bottom.addWidget(close)

        right = QWidget()
        main = QVBoxLayout(right)
        main.setContentsMargins(6, 0, 0, 0)
        main.addWidget(self.summary_label)
        main.addWidget(self.stale_label)
        main.addWidget(self.tabs, 1)
        main.addLayout(bottom)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([290, 890])
        root = QVBoxLayout(self)
        root.addWidget(splitter)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.compute)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape)
        self._show_results()

    # -- choices and changes ------------------------------------------------------

    def refresh_choices(self) -> None:
        """Re-read the coders and labels on offer (checks are kept)."""
        self.controls.set_coders(agreement_coders(self.project))
        self.controls.set_labels(
            [(label.name, label.archived) for label in codebook.list_labels(self.project)],
            [(q.name, q.level, q.archived) for q in questions.list_questions(self.project)],
        )

    def follow_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Mark the figures out of date when what they were computed from changed."""
        if changes.everything or changes.coders or changes.codebook:
            self.refresh_choices()
        # Everything but the project's settings (blind coding) feeds a report.
        touches = (
            changes.everything
            or changes.article_set
            or changes.articles
            or changes.coded
            or changes.annotations
            or changes.answered
            or changes.codebook
            or changes.coders
            or changes.assignments
        )
        if not touches:
            return
        if self.runner.running():
            self._changed_while_running = True
        if self._computed is not None:
            self._set_stale(True)

    def _set_stale(self, stale: bool) -> None:
        self.stale = stale
        self.stale_label.setVisible(stale)
        self.model.set_stale(stale)
        self.breakdown.model.stale = stale
        self.chart.set_note(OUT_OF_DATE if stale else "")
        if stale:
            self.outdated.emit()

    # -- computing ----------------------------------------------------------------

    def compute(self) -> None:
        """Start computing what the controls ask for (nothing while a computation runs)."""
        if self.runner.running():
            return
        request = self.controls.request()
        if isinstance(request, str):
            self.status_label.setText(request)
            return
        self._changed_while_running = False
        self._run(report_work(self.project, request), "Computing the agreement")

    def _want_breakdown(self) -> None:
        """Compute the per-article view when its tab is shown and its variable changed."""
        computed, item = self._computed, self.breakdown.chosen()
        if computed is None or item is None or self.tabs.currentIndex() != _BREAKDOWN_TAB:
            return
        if computed.items is None:
            self.breakdown.note.setText(
                "Agreement per article is not available at the span unit: unitizing alpha is "
                "computed over the articles' passages, pooled."
            )
            return
        key = (id(computed), item)
        if key == self._breakdown_for:
            return
        if self.runner.running():
            self._breakdown_wanted = True
            return
        self._breakdown_for = key
        items = computed.items
        self._run(breakdown_work(self.project, items, item), f"Per article on {item}")

    def _run(self, work: Work, label: str) -> None:
        self.runner.start(work, label)
        self.compute_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.breakdown.item_box.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status_label.setText(f"{label}…")

    def cancel(self) -> None:
        """Ask the running computation to stop (it stops between variables)."""
        if self.runner.running():
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling…")

    def _on_progress(self, done: int, total: int, phase: str) -> None:
        self.status_label.setText(progress_text(self.runner.label, done, total, phase))
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def _on_succeeded(self, value: object) -> None:
        if isinstance(value, Computed):
            self._computed = value
            self._breakdown_for = None
            self._show_results()
            self._set_stale(self._changed_while_running)
            self.status_label.setText(f"Computed {count(len(value.report.rows), 'row')}.")
            self.computed.emit(value.report)
        elif isinstance(value, ArticleBreakdown):
            self.breakdown.show_breakdown(value, self.stale)
            self.status_label.setText(f"Per article: {count(len(value.rows), 'article')}.")
            self.breakdown_computed.emit(value)

    def _on_failed(self, message: str) -> None:
        self._breakdown_for = None
        self.status_label.setText(message)
        show_error(self, "Agreement", message)
        self.failed.emit(message)

    def _on_cancelled(self) -> None:
        self._breakdown_for = None
        self.status_label.setText("Cancelled; the figures shown are unchanged.")
        self.cancelled.emit()

    def _on_idle(self) -> None:
        self.compute_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.breakdown.item_box.setEnabled(True)
        self.progress.setVisible(False)
        if self._breakdown_wanted:
            self._breakdown_wanted = False
            self._want_breakdown()

    # -- showing ------------------------------------------------------------------

    def report(self) -> AgreementReport | None:
        return None if self._computed is None else self._computed.report

    def shown_request(self) -> AgreementRequest | None:
        """The choices the shown figures were computed with (None before the first)."""
        return None if self._computed is None else self._computed.request

    def _show_results(self) -> None:
        report = self.report()
        self.model.set_report(report)
        self.chart.set_report(report)
        self.breakdown.set_report(report)
        self.articles.set_report(report)
        for button in (self.csv_button, self.png_button, self.svg_button):
            button.setEnabled(report is not None)
        self.set_review_available(self._review_available)
        if report is None:
            self.notes.setHtml("")
            return
        self.table.resizeColumnsToContents()
        self.summary_label.setText(summary_text(report))
        self.notes.setHtml(notes_html(report))
        self._want_breakdown()

    # -- review -------------------------------------------------------------------

    def set_review_available(self, available: bool) -> None:
        """Enable "Review disagreements…" (the review window connects :attr:`reviewRequested`)."""
        self._review_available = available
        self.review_button.setEnabled(available and self._computed is not None)

    def selected_item(self) -> str:
        """The item of the selected table row, else ``(all labels)``."""
        rows = self.table.selectionModel().selectedRows()
        if rows and self.model.report is not None:
            return self.model.row(rows[0].row()).item
        return OVERALL

    # -- export -------------------------------------------------------------------

    def export_csv(self) -> Path | None:
        """Ask for a file and write the table as CSV; the file written, or None."""
        report = self.report()
        path = None if report is None else export_table(self, self.project, report)
        if path is not None:
            self.status_label.setText(f"Wrote the table to {path}.")
        return path

    def export_chart(self, kind: str) -> Path | None:
        """Ask for a file and write the chart as ``png`` or ``svg``; the file, or None."""
        report = self.report()
        path = (
            None if report is None else export_chart(self, self.project, report, self.chart, kind)
        )
        if path is not None:
            self.status_label.setText(f"Wrote the chart to {path}.")
        return path

    # -- closing ------------------------------------------------------------------

    def _escape(self) -> None:
        if self.runner.running():
            self.cancel()
        else:
            self.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Close:
            self.close()
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Never leave a worker reading a project that may close next.
        self.runner.stop()
        super().closeEvent(event)
