"""Long work off the GUI thread: progress, cancel, errors, on real projects and files.

The message boxes are real and non-blocking (``open()``), so the tests read
them from ``QApplication.topLevelWidgets()``. Cancelling is deterministic: a
receiver connected to the job's ``progressed`` signal with a
``BlockingQueuedConnection`` clicks the dialog's Cancel button while the
worker waits in ``emit()``, so the cancel lands before the work goes on.
"""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Slot
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from framing_app.core.errors import InputFileError
from framing_app.gui.background import (
    DIALOG_DELAY_MS,
    PROGRESS_SIGNALS_PER_SECOND,
    Job,
    job_announcer,
    run_with_progress,
    show_error,
)
from framing_app.gui.file_jobs import (
    export_annotations_interactive,
    import_annotations_interactive,
    import_articles_interactive,
)
from framing_app.services import tagging
from framing_app.services.annotation_export import export_annotations
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article, list_articles
from framing_app.services.progress import CancelCheck, ProgressCallback
from framing_app.services.project import Project

# Generous: a worker that never ends must fail the test, not hang it.
WAIT_S = 20


# -- helpers ------------------------------------------------------------------


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    """A shown top-level widget standing in for the main window."""
    widget = QWidget()
    widget.setWindowTitle("framing-app")
    widget.resize(640, 420)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def open_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def only_box() -> QMessageBox:
    boxes = open_boxes()
    assert len(boxes) == 1, [b.text() for b in boxes]
    return boxes[0]


def write_corpus(folder: Path, count: int) -> Path:
    """*count* small, distinct .txt articles in *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"a{i:05d}.txt").write_text(
            f"Article {i}\n\nThe spokesperson spoke of sovereignty, item {i}.\n", encoding="utf-8"
        )
    return folder


class CancelOnFirstProgress(QObject):
    """Clicks the progress dialog's Cancel button when the first progress report arrives."""

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window = window
        self.how = "button"  # or "escape", or "close" (the window's close button)
        self.clicked = False
        self.label_before = ""
        self.label_after = ""
        self.dialog_visible = False

    @Slot(object)
    def watch(self, job: Job) -> None:
        job.progressed.connect(self.cancel, Qt.ConnectionType.BlockingQueuedConnection)

    @Slot(int, int, str)
    def cancel(self, _done: int, _total: int, _phase: str) -> None:
        if self.clicked:
            return
        dialog = self.window.findChild(QProgressDialog)
        assert dialog is not None
        button = dialog.findChild(QPushButton)
        assert button is not None
        self.label_before = dialog.labelText()
        if self.how == "button":
            button.click()
        else:
            dialog.show()  # as the user sees it, even if the job is young
            if self.how == "escape":
                # Escape is a window shortcut: it needs the dialog active.
                dialog.activateWindow()
                QApplication.processEvents()
                QTest.keyClick(dialog, Qt.Key.Key_Escape)
            else:
                dialog.close()
        self.clicked = True
        self.label_after = dialog.labelText()
        self.dialog_visible = dialog.isVisible()


@pytest.fixture
def canceller(window: QWidget) -> Iterator[CancelOnFirstProgress]:
    watcher = CancelOnFirstProgress(window)
    job_announcer.started.connect(watcher.watch)
    yield watcher
    job_announcer.started.disconnect(watcher.watch)


def poll(interval_ms: int, step: Callable[[], None]) -> QTimer:
    """A started timer calling *step* in the GUI thread every *interval_ms*."""
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(step)
    timer.start()
    return timer


class Recorder(QObject):
    """Collects a job's signals in the GUI thread."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.reports: list[tuple[int, int, str]] = []
        self.results: list[tuple[str, object]] = []
        self.ended = False
        job.progressed.connect(self.on_progress)
        job.succeeded.connect(self.on_succeeded)
        job.failed.connect(self.on_failed)
        job.cancelled.connect(self.on_cancelled)
        job.ended.connect(self.on_ended)

    @Slot(int, int, str)
    def on_progress(self, done: int, total: int, phase: str) -> None:
        self.reports.append((done, total, phase))

    @Slot(object)
    def on_succeeded(self, value: object) -> None:
        self.results.append(("succeeded", value))

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.results.append(("failed", message))

    @Slot()
    def on_cancelled(self) -> None:
        self.results.append(("cancelled", None))

    @Slot()
    def on_ended(self) -> None:
        self.ended = True


def run_job(qtbot: QtBot, work: Callable[[ProgressCallback, CancelCheck], object]) -> Recorder:
    job = Job(work)
    recorder = Recorder(job)
    job.start()
    qtbot.waitUntil(lambda: recorder.ended, timeout=WAIT_S * 1000)
    job.wait()
    return recorder


# -- the Job ------------------------------------------------------------------


def test_job_runs_off_the_gui_thread_and_throttles_progress(qtbot: QtBot) -> None:
    """200,000 progress calls reach the GUI thread as at most ~20 signals a second."""
    calls = 200_000
    seen: dict[str, float | int] = {}

    def work(progress: ProgressCallback, _should_cancel: CancelCheck) -> str:
        seen["thread"] = threading.get_ident()
        started = time.monotonic()
        for done in range(1, calls + 1):
            progress(done, calls, "counting")
        seen["seconds"] = time.monotonic() - started
        return "counted"

    recorder = run_job(qtbot, work)

    assert seen["thread"] != threading.get_ident()
    assert recorder.results == [("succeeded", "counted")]
    assert recorder.reports[0] == (1, calls, "counting")
    assert recorder.reports[-1] == (calls, calls, "counting")  # the end always gets through
    # One per interval, plus the first and the last.
    assert len(recorder.reports) <= seen["seconds"] * PROGRESS_SIGNALS_PER_SECOND + 3


def test_progress_signals_do_not_wear_down_true(qtbot: QtBot) -> None:
    """Thousands of progress signals leave ``True``'s reference count alone.

    PySide6 6.12's ``SignalInstance.emit()`` drops a reference to ``True`` per
    call on Python 3.11, and the interpreter aborts when the count reaches
    zero; the job emits progress another way. Alternating phases defeat the
    throttle, so every report here is a signal.
    """
    reports = 3000

    def work(progress: ProgressCallback, _should_cancel: CancelCheck) -> None:
        for done in range(reports):
            progress(done, reports, "odd" if done % 2 else "even")

    before = sys.getrefcount(True)
    recorder = run_job(qtbot, work)
    assert len(recorder.reports) == reports
    assert sys.getrefcount(True) > before - reports // 3


def test_job_reports_framing_error_message(qtbot: QtBot) -> None:
    def work(_progress: ProgressCallback, _should_cancel: CancelCheck) -> None:
        raise InputFileError(Path("bad.csv"), "missing columns: text", row=1)

    assert run_job(qtbot, work).results == [("failed", "bad.csv, row 1: missing columns: text")]


def test_job_cancel_flag_reaches_the_work(qtbot: QtBot) -> None:
    from framing_app.services.progress import check_cancel

    def work(_progress: ProgressCallback, should_cancel: CancelCheck) -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            check_cancel(should_cancel, "counting")
            time.sleep(0.001)

    job = Job(work)
    recorder = Recorder(job)
    job.start()
    job.cancel()
    qtbot.waitUntil(lambda: recorder.ended, timeout=WAIT_S * 1000)
    job.wait()
    assert recorder.results == [("cancelled", None)]


# -- run_with_progress --------------------------------------------------------


def test_dialog_shows_title_phase_and_counts(qtbot: QtBot, window: QWidget, tmp_path: Path) -> None:
    """A job that outlasts the delay gets a visible dialog whose label follows the progress."""
    seen = threading.Event()
    observed: dict[str, object] = {}

    def work(progress: ProgressCallback, _should_cancel: CancelCheck) -> str:
        progress(120, 3000, "reading files")
        assert seen.wait(WAIT_S), "the dialog never showed the progress"
        return "read"

    def look() -> None:
        dialog = window.findChild(QProgressDialog)
        if dialog is None or not dialog.isVisible() or "120" not in dialog.labelText():
            return
        observed.update(
            title=dialog.windowTitle(),
            label=dialog.labelText(),
            value=dialog.value(),
            maximum=dialog.maximum(),
            modality=dialog.windowModality(),
            image=dialog.grab().save(str(tmp_path / "progress.png")),
        )
        seen.set()

    timer = poll(20, look)
    started = time.monotonic()
    outcome = run_with_progress(window, "Import articles", "Importing articles from news", work)
    timer.stop()

    assert outcome.value == "read"
    assert outcome.error is None
    assert not outcome.cancelled
    assert time.monotonic() - started >= DIALOG_DELAY_MS / 1000
    assert observed["title"] == "Import articles"
    assert observed["label"] == "Importing articles from news\n\nReading files… 120 of 3,000"
    assert (observed["value"], observed["maximum"]) == (120, 3000)
    assert observed["modality"] == Qt.WindowModality.WindowModal
    assert observed["image"] is True
    # The dialog is gone afterwards.
    assert not any(w.isVisible() for w in window.findChildren(QProgressDialog))


def test_quick_job_never_shows_the_dialog(qtbot: QtBot, window: QWidget) -> None:
    shown: list[bool] = []

    def look() -> None:
        shown.extend(d.isVisible() for d in window.findChildren(QProgressDialog))

    timer = poll(1, look)
    outcome = run_with_progress(window, "Quick", "Quick", lambda progress, _cancel: 42)
    timer.stop()
    assert outcome.value == 42
    assert not any(shown)


def test_the_dialog_stays_hidden_while_a_question_follows_the_job(
    qtbot: QtBot, window: QWidget
) -> None:
    """Seen in a real window: a question asked right after a job (a nested event
    loop, as QMessageBox.exec runs) had the finished job's progress dialog pop up
    over it, because Qt's own delayed-show timer was still running."""
    seen: list[bool] = []
    values: list[int | None] = []

    def menu_action() -> None:
        # Run from an event-loop slot, as a menu action is, then ask: the
        # question's loop is nested, so the finished dialog is not deleted yet.
        values.append(run_with_progress(window, "Quick", "Quick", lambda _p, _c: 42).value)
        question = QEventLoop()
        QTimer.singleShot(
            DIALOG_DELAY_MS * 2,
            lambda: seen.extend(d.isVisible() for d in window.findChildren(QProgressDialog)),
        )
        QTimer.singleShot(DIALOG_DELAY_MS * 3, question.quit)
        question.exec()

    QTimer.singleShot(0, menu_action)
    qtbot.waitUntil(lambda: bool(values) and bool(seen), timeout=5000)
    assert values == [42]
    assert seen
    assert not any(seen)


def test_without_parent_the_dialog_is_application_modal(qtbot: QtBot) -> None:
    seen = threading.Event()
    modality: list[Qt.WindowModality] = []

    def work(progress: ProgressCallback, _should_cancel: CancelCheck) -> str:
        progress(1, 2, "waiting")
        assert seen.wait(WAIT_S)
        return "done"

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                modality.append(widget.windowModality())
                seen.set()

    timer = poll(20, look)
    outcome = run_with_progress(None, "Alone", "No window", work)
    timer.stop()
    assert outcome.value == "done"
    assert modality[0] == Qt.WindowModality.ApplicationModal


def test_gui_keeps_processing_events_during_a_long_job(qtbot: QtBot, window: QWidget) -> None:
    """A timer in the GUI thread keeps firing while the worker computes for a second."""
    ticks: list[float] = []

    def work(progress: ProgressCallback, _should_cancel: CancelCheck) -> int:
        # Pure Python: holds the GIL as much as any service does.
        total, deadline, n = 0, time.monotonic() + 1.0, 0
        while time.monotonic() < deadline:
            total += sum(range(1000))
            n += 1
            progress(n, 0, "computing")
        return total

    timer = poll(20, lambda: ticks.append(time.monotonic()))
    started = time.monotonic()
    outcome = run_with_progress(window, "Compute", "Computing", work)
    ended = time.monotonic()
    timer.stop()

    assert outcome.value is not None
    during = [t for t in ticks if started <= t <= ended]
    assert len(during) >= 15, f"only {len(during)} timer ticks in {ended - started:.2f} s"
    gaps = [b - a for a, b in zip([started, *during], [*during, ended], strict=True)]
    assert max(gaps) < 0.5, f"the GUI thread stalled for {max(gaps):.2f} s"


def test_unexpected_exception_is_an_internal_error_not_a_crash(
    qtbot: QtBot, window: QWidget, caplog: pytest.LogCaptureFixture
) -> None:
    def work(_progress: ProgressCallback, _should_cancel: CancelCheck) -> float:
        return 1 / 0

    with caplog.at_level(logging.ERROR, logger="framing_app.gui.background"):
        outcome = run_with_progress(window, "Oops", "Dividing", work)

    assert outcome.error == "internal error: ZeroDivisionError: division by zero"
    assert outcome.value is None
    assert not outcome.cancelled
    # The traceback goes to the log, not to the user.
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


@pytest.mark.parametrize("how", ["button", "escape", "close"])
def test_cancel_rolls_back_and_keeps_the_dialog_until_the_job_ends(
    qtbot: QtBot,
    window: QWidget,
    project: Project,
    tmp_path: Path,
    canceller: CancelOnFirstProgress,
    how: str,
) -> None:
    """Cancel, Escape and closing the dialog all ask the job to stop; the dialog stays meanwhile."""
    canceller.how = how
    folder = write_corpus(tmp_path / "news", 300)

    def work(progress: ProgressCallback, should_cancel: CancelCheck) -> object:
        return import_articles(project, [folder], progress=progress, should_cancel=should_cancel)

    outcome = run_with_progress(window, "Import articles", "Importing", work)

    assert outcome.cancelled
    assert outcome.value is None
    assert outcome.error is None
    assert "1 of 300" in canceller.label_before
    assert canceller.label_after == "Cancelling…"
    if how != "button":
        assert canceller.dialog_visible
    assert list_articles(project) == []


def test_show_error_without_parent_does_not_block(qtbot: QtBot) -> None:
    message = "news/<b>x</b>.html: the file holds no text"
    show_error(None, "Import failed", message)
    box = only_box()
    assert box.text() == message
    assert box.textFormat() == Qt.TextFormat.PlainText  # shown as written, not as HTML
    assert box.icon() == QMessageBox.Icon.Critical
    box.close()
    qtbot.waitUntil(lambda: not open_boxes())


# -- the interactive use cases ------------------------------------------------


def test_import_articles_interactive_reports_counts(
    qtbot: QtBot, window: QWidget, project: Project, tmp_path: Path
) -> None:
    folder = write_corpus(tmp_path / "news", 3)
    (folder / "copy.txt").write_bytes((folder / "a00001.txt").read_bytes())

    report = import_articles_interactive(window, project, [folder])

    assert report is not None
    assert len(report.added) == 3
    assert len(list_articles(project)) == 3
    box = only_box()
    assert box.windowTitle() == "Import finished"
    assert box.text() == "Imported 3 articles from 4 files; 1 duplicate skipped."
    assert box.icon() == QMessageBox.Icon.Information


def test_cancelled_import_of_2000_files_leaves_project_empty(
    qtbot: QtBot,
    window: QWidget,
    project: Project,
    tmp_path: Path,
    canceller: CancelOnFirstProgress,
) -> None:
    folder = write_corpus(tmp_path / "news", 2000)

    report = import_articles_interactive(window, project, [folder])

    assert report is None
    assert canceller.clicked
    assert "Reading files… 1 of 2,000" in canceller.label_before
    assert list_articles(project) == []
    assert open_boxes() == []  # a cancel needs no message


def test_unreadable_file_names_the_file_and_changes_nothing(
    qtbot: QtBot, window: QWidget, project: Project, tmp_path: Path
) -> None:
    folder = write_corpus(tmp_path / "news", 5)
    (folder / "b-broken.docx").write_bytes(b"this is not a zip archive")

    report = import_articles_interactive(window, project, [folder])

    assert report is None
    box = only_box()
    assert box.windowTitle() == "Import failed"
    assert box.icon() == QMessageBox.Icon.Critical
    assert box.text().startswith(str(folder / "b-broken.docx") + ": not a readable .docx file")
    assert "Traceback" not in box.text() + box.informativeText()
    assert box.informativeText() == (
        f"Nothing was imported; the project {project.location} is unchanged."
    )
    assert list_articles(project) == []


def test_locked_database_is_a_clear_error_and_a_retry_works(
    qtbot: QtBot, window: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wait 0.1 s for the lock, not 10: the test is about the message.
    monkeypatch.setattr("framing_app.store.engine.BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "locked.sqlite"
    folder = write_corpus(tmp_path / "news", 3)
    with Project.open(path=path) as project:
        other_program = sqlite3.connect(path, isolation_level=None)
        other_program.execute("BEGIN IMMEDIATE")
        try:
            assert import_articles_interactive(window, project, [folder]) is None
        finally:
            other_program.rollback()
            other_program.close()
        box = only_box()
        assert "database is locked" in box.text()
        assert "another program is writing to this project" in box.text()
        assert str(path) in box.informativeText()
        box.close()
        qtbot.waitUntil(lambda: not open_boxes())
        assert list_articles(project) == []

        report = import_articles_interactive(window, project, [folder])
        assert report is not None
        assert len(list_articles(project)) == 3


PASSAGES = [
    ("alice", "a00000", "sovereignty", "spoke of sovereignty"),
    ("alice", "a00001", "double standards", "The spokesperson"),
    ("bob", "a00002", "universal rights", "item 2"),
]


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """Three articles, three annotations by two coders."""
    import_articles(project, [write_corpus(tmp_path / "news", 3)])
    for coder, article, label, passage in PASSAGES:
        start = get_article(project, article).text.index(passage)
        tagging.annotate(
            project,
            coder=coder,
            article=article,
            label=label,
            start=start,
            end=start + len(passage),
        )
    return project


@pytest.fixture
def other_project(tmp_path: Path) -> Iterator[Project]:
    """A second project holding the same three articles and no annotations."""
    with Project.open(path=tmp_path / "other.sqlite") as opened:
        import_articles(opened, [tmp_path / "news"])
        yield opened


def test_export_then_import_annotations_interactive(
    qtbot: QtBot, window: QWidget, coded: Project, other_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "annotations.csv"

    assert export_annotations_interactive(window, coded, out, excel=False) == 3
    box = only_box()
    assert box.text() == f"Exported 3 annotations to {out}."
    box.close()
    qtbot.waitUntil(lambda: not open_boxes())
    with out.open(encoding="utf-8", newline="") as handle:
        assert [row["text"] for row in csv.DictReader(handle)] == [p[3] for p in PASSAGES]

    report = import_annotations_interactive(window, other_project, out)

    assert report is not None
    assert report.added == 3
    box = only_box()
    assert box.text() == "Imported 3 annotations from annotations.csv; 0 duplicates skipped."
    assert box.informativeText() == "New coders: alice, bob."
    counts = {a.external_id: a.annotations_by_coder for a in list_articles(other_project)}
    assert counts == {"a00000": {"alice": 1}, "a00001": {"alice": 1}, "a00002": {"bob": 1}}


def test_export_for_one_coder_in_excel_flavour(
    qtbot: QtBot, window: QWidget, coded: Project, tmp_path: Path
) -> None:
    out = tmp_path / "bob.csv"
    assert export_annotations_interactive(window, coded, out, excel=True, coders=["bob"]) == 1
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert only_box().text() == f"Exported 1 annotation to {out}."


def test_export_to_missing_folder_names_the_file(
    qtbot: QtBot, window: QWidget, coded: Project, tmp_path: Path
) -> None:
    out = tmp_path / "no such folder" / "annotations.csv"
    assert export_annotations_interactive(window, coded, out, excel=False) is None
    box = only_box()
    assert box.windowTitle() == "Export failed"
    assert box.text().startswith(f"{out}: cannot write")
    assert not out.exists()


def test_rejected_annotation_csv_names_the_row_and_imports_nothing(
    qtbot: QtBot, window: QWidget, coded: Project, other_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "annotations.csv"
    assert export_annotations_interactive(window, coded, out, excel=False) == 3
    only_box().close()
    qtbot.waitUntil(lambda: not open_boxes())
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    text_column = rows[0].index("text")
    rows[2][text_column] = "The spokesman"  # the second annotation: row 3 of the file
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)

    assert import_annotations_interactive(window, other_project, out) is None

    box = only_box()
    assert box.windowTitle() == "Import failed"
    assert box.text().startswith(f"{out}, row 3: text does not match article 'a00001'")
    assert all(not a.annotations_by_coder for a in list_articles(other_project))


@pytest.mark.parametrize(
    ("answer", "memo"),
    [
        (QMessageBox.StandardButton.No, "'=kept as typed"),
        (QMessageBox.StandardButton.Yes, "=kept as typed"),
        (QMessageBox.StandardButton.Cancel, None),
    ],
    ids=["plain", "excel", "cancel"],
)
def test_an_annotation_file_in_doubt_makes_the_user_say_its_flavour(
    qtbot: QtBot,
    window: QWidget,
    coded: Project,
    other_project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: QMessageBox.StandardButton,
    memo: str | None,
) -> None:
    """A BOM and "'=..." without the excel_escaped column: the program asks, never guesses."""
    out = tmp_path / "annotations.csv"
    assert export_annotations_interactive(window, coded, out, excel=False) == 3
    only_box().close()
    qtbot.waitUntil(lambda: not open_boxes())
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("memo")] = "'=kept as typed"
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    asked: list[str] = []

    def exec_(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box.text())
        return answer

    monkeypatch.setattr(QMessageBox, "exec", exec_)

    report = import_annotations_interactive(window, other_project, out)

    assert asked == ["Was annotations.csv exported “for Excel” by framing-app?"]
    if memo is None:
        assert report is None
        assert all(not a.annotations_by_coder for a in list_articles(other_project))
    else:
        assert report is not None
        assert report.added == 3
        buffer = io.StringIO()
        export_annotations(other_project, buffer)
        back = list(csv.DictReader(io.StringIO(buffer.getvalue())))
        assert back[0]["memo"] == memo
