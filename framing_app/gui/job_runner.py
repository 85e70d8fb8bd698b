"""One background ``Job`` at a time, for a window that stays usable meanwhile.

:class:`JobRunner` runs a service call off the GUI thread and turns the
job's signals, which arrive queued from the worker thread, into its own,
ignoring those of a job it has let go. Unlike
:func:`~framing_app.gui.background.run_with_progress` it opens no modal
dialog: the Agreement window and the disagreement review show progress
themselves, and the automatic backups (:mod:`framing_app.gui.backup_timer`)
show none.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from framing_app.gui.background import Job, job_announcer
from framing_app.services.progress import CancelCheck, ProgressCallback

Work = Callable[[ProgressCallback, CancelCheck], object]


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
