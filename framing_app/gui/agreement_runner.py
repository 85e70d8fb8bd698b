"""The Agreement window's work off the GUI thread, one background ``Job`` at a time.

:func:`report_work` and :func:`breakdown_work` are the service calls the
window runs (they capture plain values only, never a widget);
:class:`JobRunner` runs one of them at a time and turns the job's signals,
which arrive queued from the worker thread, into its own, ignoring those of
a job it has let go. Unlike :func:`~framing_app.gui.background.run_with_progress`
it opens no modal dialog: the window shows the progress and its own Cancel,
and stays usable meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from framing_app.gui.agreement_controls import AgreementRequest
from framing_app.gui.background import Job, job_announcer
from framing_app.services.agreement_breakdown import ArticleBreakdown, article_breakdown
from framing_app.services.agreement_report import (
    AgreementReport,
    project_report,
    report_from_items,
)
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel
from framing_app.services.project import Project
from framing_app.services.reliability_units import (
    OverlapRule,
    ReliabilityItems,
    Unit,
    build_items,
)

Work = Callable[[ProgressCallback, CancelCheck], object]


@dataclass(frozen=True)
class Computed:
    """What one Compute produced: the request, the reliability data and the report.

    *items* is None at the span unit, which has no units x coders matrix.
    """

    request: AgreementRequest
    items: ReliabilityItems | None
    report: AgreementReport


def report_work(project: Project, request: AgreementRequest) -> Work:
    """The reliability data and report of *request* (``build_items``, ``report_from_items``)."""

    def work(progress: ProgressCallback, should_cancel: CancelCheck) -> Computed:
        progress(0, 0, "reading the coders' work")
        check_cancel(should_cancel, "agreement report")
        if request.unit == Unit.SPAN:
            report = project_report(
                project,
                request.coders,
                request.unit,
                labels=request.labels,
                questions=request.questions,
                articles=request.articles,
                bootstrap=request.bootstrap,
                seed=request.seed,
                progress=progress,
                should_cancel=should_cancel,
            )
            return Computed(request, None, report)
        items = build_items(
            project,
            request.coders,
            Unit(request.unit),
            labels=request.labels,
            questions=request.questions,
            articles=request.articles,
            overlap=OverlapRule(request.overlap),
        )
        check_cancel(should_cancel, "agreement report")
        report = report_from_items(
            items,
            bootstrap=request.bootstrap,
            seed=request.seed,
            progress=progress,
            should_cancel=should_cancel,
        )
        return Computed(request, items, report)

    return work


def breakdown_work(project: Project, items: ReliabilityItems, item: str) -> Work:
    """Agreement per article on *item* (service ``article_breakdown``)."""

    def work(progress: ProgressCallback, should_cancel: CancelCheck) -> ArticleBreakdown:
        return article_breakdown(
            project, items, item, progress=progress, should_cancel=should_cancel
        )

    return work


class JobRunner(QObject):
    """Runs one job at a time; emits its progress and outcome, then :attr:`idle`.

    Exactly one of :attr:`succeeded`, :attr:`failed` and :attr:`cancelled`
    follows :meth:`start`, then :attr:`idle` once the worker thread has
    ended. :meth:`stop` cancels and waits for the worker (before the
    project may close); the stopped job's outcome is then dropped.
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        # Stopped jobs, kept alive until their last (queued) signal has arrived:
        # a slot must never meet a sender that Python has already deleted.
        self._retired: list[Job] = []
        self.label = ""

    def running(self) -> bool:
        return self._job is not None

    def start(self, work: Work, label: str) -> bool:
        """Start *work* (False, and nothing started, while another job runs)."""
        if self._job is not None:
            return False
        job = Job(work)
        # Bound slots of this object (which lives in the GUI thread), so the
        # worker's signals arrive queued in the GUI thread.
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.ended.connect(self._on_ended)
        self._job = job
        self.label = label
        job_announcer.started.emit(job)
        job.start()
        return True

    def cancel(self) -> None:
        """Ask the running job to stop (the services stop between variables or articles)."""
        if self._job is not None:
            self._job.cancel()

    def stop(self) -> None:
        """Cancel the running job and wait for its thread to end; its outcome is dropped."""
        job = self._job
        if job is not None:
            job.cancel()
            job.wait()
            self._job = None
            self._retired.append(job)
            self.idle.emit()

    def _mine(self) -> bool:
        return self._job is not None and self.sender() == self._job

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, phase: str) -> None:
        if self._mine() and not self._job.cancel_requested():  # type: ignore[union-attr]
            self.progressed.emit(done, total, phase)

    @Slot(object)
    def _on_succeeded(self, value: object) -> None:
        if self._mine():
            self.succeeded.emit(value)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self._mine():
            self.failed.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._mine():
            self.cancelled.emit()

    @Slot()
    def _on_ended(self) -> None:
        job = self._job
        sender = self.sender()
        if sender in self._retired:
            self._retired.remove(sender)
            return
        if job is None or sender != job:
            return
        job.wait()
        self._job = None
        self.idle.emit()
