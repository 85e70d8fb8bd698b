"""Long work off the GUI thread: a worker job, a cancellable progress dialog, messages.

A service call that may take long (importing a folder, exporting every
annotation) runs as a :class:`Job` in its own ``QThread``. The GUI thread
only receives signals (throttled progress, then one result) and so never
freezes. :func:`run_with_progress` wraps that in a window-modal
``QProgressDialog`` with a Cancel button and returns an :class:`Outcome`.

Messages (:func:`show_error`, :func:`show_information`) are opened
non-blocking (``QMessageBox.open()``): they are window-modal, so the user
must still dismiss them before going on, but nothing waits for them. Nothing
after a job's message depends on the user's answer, and the same code then
runs unchanged in the tests, which find the open box among
``QApplication.topLevelWidgets()`` instead of patching a hook.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from PySide6.QtCore import (
    Q_ARG,
    QCoreApplication,
    QEventLoop,
    QMetaObject,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton, QWidget

from framing_app.core.errors import Cancelled, FramingError
from framing_app.services.progress import CancelCheck, ProgressCallback

T = TypeVar("T")

_log = logging.getLogger(__name__)

# At most this many progress signals per second reach the GUI thread: a
# service may report 200,000 times, and every signal is a queued event the
# GUI thread must process; the eye cannot follow more than this anyway.
PROGRESS_SIGNALS_PER_SECOND = 20
# A job that ends sooner than this never shows its dialog, so quick actions
# do not flash a window at the user.
DIALOG_DELAY_MS = 300

Work = Callable[[ProgressCallback, CancelCheck], T]


class Job(QObject):
    """Runs ``work(progress, should_cancel)`` once, in a worker thread of its own.

    Exactly one of :attr:`succeeded` (the return value), :attr:`failed` (a
    one-line message) or :attr:`cancelled` is emitted, then :attr:`ended`,
    always. A :class:`FramingError` fails with its own message; any other
    exception is a bug: it is logged with its traceback and fails with
    ``"internal error: <type>: <message>"``.
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()

    def __init__(self, work: Work[object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        # An Event, not a bool attribute: set from the GUI thread and read
        # from the worker, it needs no lock and makes the intent plain.
        self._cancel_requested = threading.Event()
        self._thread: QThread | None = None
        self._min_interval = 1.0 / PROGRESS_SIGNALS_PER_SECOND
        self._last_time = float("-inf")
        self._last: tuple[int, int, str] | None = None

    def start(self) -> None:
        """Start the work in a new ``QThread`` (moveToThread); returns at once."""
        if self._thread is not None:
            raise RuntimeError("a Job runs only once")
        if self.parent() is not None:
            raise RuntimeError("a Job with a parent cannot move to its worker thread")
        thread = QThread()
        thread.setObjectName("framing-app job")
        self._thread = thread
        self.moveToThread(thread)
        thread.started.connect(self.run)
        self.ended.connect(thread.quit)
        thread.start()

    def wait(self) -> None:
        """Block until the worker thread has finished (after :attr:`ended`).

        Call it before the job is dropped: Qt aborts the program when a
        running ``QThread`` is destroyed.
        """
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()

    def cancel(self) -> None:
        """Ask the work to stop; safe from any thread. The service rolls back and raises."""
        self._cancel_requested.set()

    def cancel_requested(self) -> bool:
        """True once :meth:`cancel` was called: the work's ``should_cancel``."""
        return self._cancel_requested.is_set()

    @Slot()
    def run(self) -> None:
        """Run the work in the calling thread and emit its result (the thread's entry point)."""
        try:
            value = self._work(self._report, self.cancel_requested)
        except Cancelled:
            self.cancelled.emit()
        except FramingError as error:
            self.failed.emit(str(error))
        except Exception as error:
            _log.exception("background job failed")
            self.failed.emit(f"internal error: {type(error).__name__}: {error}")
        else:
            # A job that finished although Cancel was pressed did commit its
            # work: report what happened, not what was asked for.
            self.succeeded.emit(value)
        finally:
            app = QCoreApplication.instance()
            if app is not None:
                # Only the owning thread may push an object away; bring the
                # job home now so that it is destroyed in the GUI thread.
                self.moveToThread(app.thread())
            self.ended.emit()

    def _report(self, done: int, total: int, phase: str) -> None:
        """The work's progress callback: forwards at most ~20 reports per second.

        A new phase, and the end of a phase, always get through, so the
        dialog never sits on a stale "2,950 of 3,000" while the next phase
        starts.
        """
        now = time.monotonic()
        last = self._last
        new_phase = last is None or last[2] != phase
        phase_done = total > 0 and done >= total and (last is None or last[:2] != (done, total))
        if new_phase or phase_done or now - self._last_time >= self._min_interval:
            self._last_time = now
            self._last = (done, total, phase)
            # Through the meta-object rather than self.progressed.emit(): with
            # PySide6 6.12 on Python 3.11 every SignalInstance.emit() call
            # drops one reference to True (measured), and the interpreter
            # aborts when that count reaches zero, after a few thousand
            # emits. This is the one signal a long job emits thousands of times.
            QMetaObject.invokeMethod(
                self,
                "progressed",
                Qt.ConnectionType.DirectConnection,
                Q_ARG(int, done),
                Q_ARG(int, total),
                Q_ARG(str, phase),
            )


class JobAnnouncer(QObject):
    """Announces each job :func:`run_with_progress` starts, for whoever wants to watch.

    :attr:`started` carries the :class:`Job`, in the GUI thread, just before
    it starts, so a receiver can connect to its signals (a status bar
    showing activity; the tests, which cancel on the first progress report).
    """

    started = Signal(object)


job_announcer = JobAnnouncer()


@dataclass
class Outcome(Generic[T]):
    """How a job ended: its value, or a one-line error, or cancelled (all else None/False)."""

    value: T | None
    error: str | None
    cancelled: bool


def progress_text(label: str, done: int, total: int, phase: str) -> str:
    """The dialog's text: *label*, then e.g. "Reading files… 120 of 3,000"."""
    if not phase:
        return label
    what = phase[:1].upper() + phase[1:]
    line = f"{what}… {done:,} of {total:,}" if total > 0 else f"{what}…"
    return f"{label}\n\n{line}"


class _JobProgressDialog(QProgressDialog):
    """A progress dialog that stays up until the job has really ended.

    Cancel, Escape and closing the window only *ask* to cancel: the dialog
    remains (saying "Cancelling…") while the service rolls back, so the
    user cannot start another action on a half-finished project.
    """

    def __init__(self, parent: QWidget | None, title: str, label: str) -> None:
        super().__init__(label, "Cancel", 0, 0, parent)
        self.job_running = True
        self.setWindowTitle(title)
        # Window-modal: the rest of the application (another project window)
        # stays usable; without a parent there is no window to block.
        modality = Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        self.setWindowModality(modality)
        self.setMinimumDuration(DIALOG_DELAY_MS)
        self.setMinimumWidth(420)
        # Qt's own button, not one set with setCancelButton(): replacing it
        # loses the Escape shortcut (seen with Qt 6.12).
        button = self.findChild(QPushButton)
        assert button is not None, "QProgressDialog made with a cancel button text has one"
        self.cancel_button: QPushButton = button
        # Qt's own reaction to Cancel resets and hides the dialog at once;
        # run_with_progress connects its own instead.
        self.canceled.disconnect(self.cancel)
        self.setAutoReset(False)
        self.setAutoClose(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job_running:
            event.ignore()
            self.canceled.emit()
        else:
            super().closeEvent(event)


class _Collector(QObject):
    """Lives in the GUI thread: turns the job's queued signals into dialog updates, an outcome."""

    def __init__(self, dialog: _JobProgressDialog, label: str, loop: QEventLoop) -> None:
        super().__init__()
        self.dialog = dialog
        self.label = label
        self.loop = loop
        self.outcome: Outcome[object] | None = None
        self.cancelling = False

    @Slot(int, int, str)
    def on_progress(self, done: int, total: int, phase: str) -> None:
        if self.cancelling:
            return
        self.dialog.setLabelText(progress_text(self.label, done, total, phase))
        if total > 0:
            if self.dialog.maximum() != total:
                self.dialog.setRange(0, total)
            self.dialog.setValue(min(max(done, 0), total))
        elif self.dialog.maximum() != 0:
            self.dialog.setRange(0, 0)  # a busy bar: the total is not known

    @Slot(object)
    def on_succeeded(self, value: object) -> None:
        self.outcome = Outcome(value, None, False)

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.outcome = Outcome(None, message, False)

    @Slot()
    def on_cancelled(self) -> None:
        self.outcome = Outcome(None, None, True)

    @Slot()
    def on_ended(self) -> None:
        self.loop.quit()

    @Slot()
    def show_if_running(self) -> None:
        if self.dialog.job_running:
            self.dialog.show()


def run_with_progress(
    parent: QWidget | None,
    title: str,
    label: str,
    work: Callable[[ProgressCallback, CancelCheck], T],
) -> Outcome[T]:
    """Run *work* in a worker thread behind a cancellable progress dialog; return how it ended.

    The dialog (window-modal over *parent*) appears only if the work takes
    longer than :data:`DIALOG_DELAY_MS`; its text is *label* followed by the
    current phase and counts. The GUI thread keeps processing events
    meanwhile (a local event loop), so windows repaint and timers fire.
    Cancel asks the work to stop and waits until it has: the outcome is then
    ``cancelled`` (the service rolled back), or the value if the work had
    already finished. The worker thread has always ended when this returns.
    """
    dialog = _JobProgressDialog(parent, title, label)
    loop = QEventLoop()
    collector = _Collector(dialog, label, loop)
    job = Job(work)

    def request_cancel() -> None:
        collector.cancelling = True
        job.cancel()
        dialog.setLabelText("Cancelling…")
        dialog.cancel_button.setEnabled(False)

    dialog.canceled.connect(request_cancel)
    job.progressed.connect(collector.on_progress)
    job.succeeded.connect(collector.on_succeeded)
    job.failed.connect(collector.on_failed)
    job.cancelled.connect(collector.on_cancelled)
    job.ended.connect(collector.on_ended)
    # Qt's own delayed show restarts whenever the range changes; this timer
    # guarantees the dialog appears for a job that reports nothing for long.
    QTimer.singleShot(DIALOG_DELAY_MS, collector.show_if_running)
    dialog.setValue(0)
    try:
        job_announcer.started.emit(job)
        job.start()
        loop.exec()
    finally:
        # Whatever ended the wait (normally the job; else an exception such
        # as KeyboardInterrupt), never return with the thread still running:
        # Qt aborts the program when a running QThread is destroyed.
        if collector.outcome is None:
            job.cancel()
        job.wait()
        dialog.job_running = False
        # reset() stops Qt's own delayed-show timer, which would otherwise
        # show the finished dialog over a question asked next (a nested event
        # loop, where the deleteLater below has not happened yet).
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()
    outcome = collector.outcome
    if outcome is None:
        return Outcome(None, "internal error: the job ended without a result", False)
    # The value is what *work* returned, hence a T.
    return cast("Outcome[T]", outcome)


# Boxes opened without a parent would be garbage-collected (and vanish) at
# once; they are kept here until closed.
_open_boxes: set[QMessageBox] = set()


def show_message(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    message: str,
    detail: str = "",
) -> QMessageBox:
    """Open a message box with *message* as its text and return it at once (non-blocking).

    The box is window-modal over *parent* (application-modal without one)
    and deletes itself when closed. *detail* is the smaller second text.
    """
    box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, parent)
    # A message quotes the user's files ("<title>Foo" from an HTML page):
    # never let Qt guess that it is rich text.
    box.setTextFormat(Qt.TextFormat.PlainText)
    if detail:
        box.setInformativeText(detail)
    # Paths in messages are long and have no spaces to wrap at; let the
    # user copy them into a file manager or a bug report.
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        _open_boxes.add(box)
        box.finished.connect(lambda _result: _open_boxes.discard(box))
    box.open()
    return box


def show_error(parent: QWidget | None, title: str, message: str, detail: str = "") -> None:
    """Show a one-line error *message* (never a traceback) in a critical box; non-blocking."""
    show_message(parent, QMessageBox.Icon.Critical, title, message, detail)


def show_information(parent: QWidget | None, title: str, message: str, detail: str = "") -> None:
    """Show a short information *message*; non-blocking."""
    show_message(parent, QMessageBox.Icon.Information, title, message, detail)
