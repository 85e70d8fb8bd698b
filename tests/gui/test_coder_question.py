"""Who is coding: nothing pre-selected, an empty or bad name is said, Cancel opens nothing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from framing_app.gui.app import CODER_PROMPT, ask_coder, coder_dialog
from framing_app.services import coders
from framing_app.services.project import Project


def _when_asked(steps: list[Callable[[QInputDialog], None]]) -> list[str]:
    """Answer the modal question step by step; returns the label shown at each step."""
    seen: list[str] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, act)
            return
        seen.append(dialog.labelText())
        steps.pop(0)(dialog)
        if steps:
            QTimer.singleShot(20, act)

    QTimer.singleShot(0, act)
    return seen


def test_no_coder_is_preselected(qtbot: QtBot) -> None:
    """Issue 7, defect 6: a new coder pressing Enter coded as the first known coder."""
    dialog = coder_dialog(None, ["alice", "bob"])
    qtbot.addWidget(dialog)
    assert dialog.comboBoxItems() == ["alice", "bob"]
    assert dialog.textValue() == ""


def test_an_empty_or_bad_name_is_said_and_asked_again(qtbot: QtBot, project: Project) -> None:
    coders.add_coder(project, "alice")

    def type_(text: str) -> Callable[[QInputDialog], None]:
        def step(dialog: QInputDialog) -> None:
            dialog.setTextValue(text)
            dialog.accept()

        return step

    seen = _when_asked([type_(""), type_("x" * 300), type_("  Carol  ")])
    assert ask_coder(None, project) == "Carol"
    assert seen[0] == CODER_PROMPT
    assert seen[1].startswith("Type your name (or pick it from the list)")
    assert "the limit is 200" in seen[2]


def test_cancel_gives_no_coder(qtbot: QtBot, project: Project) -> None:
    _when_asked([lambda dialog: dialog.reject()])
    assert ask_coder(None, project) is None
    assert coders.list_coders(project) == []
