"""File > Import another coder's annotations: the report is shown before anything is written."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui.import_preview import ImportPreviewDialog
from framing_app.gui.main_window import MainWindow
from framing_app.services import tagging
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project

TEXT = "Beijing rejects the criticism. Washington insists on universal rights.\n"


def _tag(project: Project, coder: str, label: str, passage: str) -> int:
    start = TEXT.index(passage)
    return tagging.annotate(
        project, coder=coder, article="a", label=label, start=start, end=start + len(passage)
    ).id


def _annotations(project: Project) -> list[tuple[int, str, str, int, int]]:
    return sorted(
        (a.id, a.coder, a.label, a.start, a.end)
        for coder in ("alice", "bob")
        for a in tagging.list_annotations(project, "a", coder)
    )


@pytest.fixture
def corrected(project: Project, tmp_path: Path) -> Path:
    """Alice tagged two passages; her corrected file relabels one and drops the other."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    import_articles(project, [folder])
    _tag(project, "alice", "sovereignty", "Beijing rejects the criticism.")
    _tag(project, "alice", "universal rights", "universal rights")
    _tag(project, "bob", "sovereignty", "Beijing rejects the criticism.")
    path = tmp_path / "alice.csv"
    export_annotations_to_file(project, path, coders=["alice"])
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    rows[0]["label"] = "double standards"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(rows[0])
    return path


@pytest.fixture
def window(
    qtbot: QtBot, project: Project, corrected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(project, "alice", settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(corrected), "CSV (*.csv)")
    )
    yield win
    win.close()


def _message_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_the_report_is_shown_before_the_import_and_replace_keeps_ids(
    qtbot: QtBot, window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _annotations(project)
    shown: list[str] = []

    def answer(dialog: ImportPreviewDialog) -> int:
        # Nothing has been written while the dialog is open.
        assert _annotations(project) == before
        shown.append(dialog.summary.toPlainText())
        qtbot.mouseClick(dialog.replace_box, Qt.MouseButton.LeftButton)
        shown.append(dialog.summary.toPlainText())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", answer)
    window.import_annotations()

    assert shown == [
        "alice: 1 added (0 already in the project)\n"
        "Note: row 2: alice already tagged 0-30 in article 'a' as 'sovereignty'; this adds "
        "'double standards' beside it (replacing the coder's annotations would relabel it "
        "instead)",
        "alice: 0 added, 1 changed, 1 removed (0 unchanged)",
    ]
    kept = before[0][0]
    assert _annotations(project) == [
        (kept, "alice", "double standards", 0, 30),
        before[2],
    ]
    qtbot.waitUntil(lambda: len(_message_boxes()) == 1)
    box = _message_boxes()[0]
    assert box.text() == "Replaced the annotations of 1 coder from alice.csv."
    assert box.informativeText() == "alice: 0 added, 1 changed, 1 removed (0 unchanged)"


def test_cancel_in_the_report_imports_nothing(
    qtbot: QtBot, window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _annotations(project)
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda _: QDialog.DialogCode.Rejected)
    window.import_annotations()
    assert _annotations(project) == before
    assert _message_boxes() == []
