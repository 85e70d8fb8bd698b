"""Listing the review's disagreements off the GUI thread, one listing at a time.

Listing runs the agreement report's inclusion rule and compares every coded
article unit by unit; at the sentence unit over thousands of articles that
takes seconds (syntok cuts each article). :class:`ReviewLister` runs
:func:`~framing_app.gui.disagreement_list.list_review` as a background
:class:`~framing_app.gui.background.Job` (through the Agreement window's
:class:`~framing_app.gui.job_runner.JobRunner`: progress signals,
a cancel flag, one job at a time), so the window keeps repainting and can
offer Cancel. A new request while one runs cancels it and runs next: only
the listing of the last request is announced.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal

from framing_app.gui.disagreement_list import Listing, ReviewRequest, list_review
from framing_app.gui.job_runner import JobRunner
from framing_app.services.progress import CancelCheck, ProgressCallback
from framing_app.services.project import Project

LISTING = "Listing the disagreements"


class ReviewLister(QObject):
    """Lists disagreements in the background (see the module docstring).

    After :meth:`request`, :attr:`busy` True; once the worker has ended,
    :attr:`busy` False, then exactly one of :attr:`listed` (a
    :class:`~framing_app.gui.disagreement_list.Listing`), :attr:`failed`
    (a one-line message) or :attr:`cancelled` for the last request.
    :attr:`progressed` relays the job's progress.
    """

    listed = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    progressed = Signal(int, int, str)
    busy = Signal(bool)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.runner = JobRunner(self)
        self._pending: ReviewRequest | None = None
        self._outcome: Callable[[], object] | None = None
        self.runner.progressed.connect(self.progressed)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.idle.connect(self._on_idle)

    def running(self) -> bool:
        return self.runner.running()

    def request(self, request: ReviewRequest) -> None:
        """List *request*'s disagreements (after cancelling the listing under way, if any)."""
        if self.runner.running():
            self._pending = request
            self.runner.cancel()
            return
        self._start(request)

    def cancel(self) -> None:
        """Stop the listing under way; :attr:`cancelled` follows (unless it had just ended)."""
        self._pending = None
        self.runner.cancel()

    def stop(self) -> None:
        """Cancel and wait for the worker (before the project may close); nothing is announced."""
        self._pending = None
        self.runner.stop()
        self._outcome = None

    def _start(self, request: ReviewRequest) -> None:
        project = self.project

        def work(progress: ProgressCallback, should_cancel: CancelCheck) -> Listing:
            return list_review(project, request, progress, should_cancel)

        self.runner.start(work, LISTING)
        self.busy.emit(True)

    # The outcome is announced once the worker has ended (:attr:`busy` False
    # first), so that whoever hears it finds the lister idle.

    def _on_succeeded(self, value: object) -> None:
        if isinstance(value, Listing):
            self._outcome = partial(self.listed.emit, value)

    def _on_failed(self, message: str) -> None:
        self._outcome = partial(self.failed.emit, message)

    def _on_cancelled(self) -> None:
        self._outcome = self.cancelled.emit

    def _on_idle(self) -> None:
        pending, self._pending = self._pending, None
        outcome, self._outcome = self._outcome, None
        if pending is not None:
            self._start(pending)  # the outcome was of a request given up
            return
        self.busy.emit(False)
        if outcome is not None:
            outcome()
