"""A save dialog pointed at the project (a slip of the mouse) never destroys it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui.codebook_editor import CodebookEditor
from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook, tagging
from framing_app.services.articles import list_articles
from framing_app.services.project import Project


@pytest.fixture
def window(qtbot: QtBot, sample_project: Project, tmp_path: Path) -> Iterator[MainWindow]:
    first = list_articles(sample_project)[0]
    tagging.annotate(
        sample_project,
        coder="alice",
        article=first.external_id,
        label="sovereignty",
        start=0,
        end=5,
    )
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(sample_project, "alice", settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_args, **_kw: (str(path), ""))
    )


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_export_dialog_onto_the_project_shows_an_error(
    qtbot: QtBot,
    window: MainWindow,
    sample_project: Project,
    monkeypatch: pytest.MonkeyPatch,
    excel: bool,
) -> None:
    assert sample_project.path is not None
    before = sample_project.path.read_bytes()
    _choose(monkeypatch, sample_project.path)

    window.export(excel=excel)

    def error_box() -> QMessageBox:
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        assert len(boxes) == 1
        return boxes[0]

    qtbot.waitUntil(lambda: error_box() is not None)
    box = error_box()
    assert box.icon() == QMessageBox.Icon.Critical
    assert box.text() == (
        f"{sample_project.path}: is the open project's database; choose another file name"
    )
    box.close()
    assert sample_project.path.read_bytes() == before
    assert list_articles(sample_project)[0].annotations_by_coder == {"alice": 1}


def test_codebook_export_onto_the_project_shows_an_error(
    qtbot: QtBot, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert project.path is not None
    before = project.path.read_bytes()
    dialog = CodebookEditor(project)
    qtbot.addWidget(dialog)
    _choose(monkeypatch, project.path)

    dialog.export_button.click()

    assert "open project's database" in dialog.message_label.text()
    assert project.path.read_bytes() == before
    assert [label.name for label in codebook.list_labels(project)] == [
        "sovereignty",
        "double standards",
        "universal rights",
    ]
