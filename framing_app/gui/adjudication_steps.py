"""The review's decisions as undo steps, and the confirmation before an article is closed.

:class:`AdjudicationStep` holds what a decision created and deleted (ids and
values, :class:`~framing_app.services.adjudication_record.Adjudication`:
annotations, answers and decision rows alike); undo and
redo go through the services, which refuse a step whose annotations were
changed since (the step is then dropped and the refusal shown, as every
step of :mod:`framing_app.gui.undo_commands`).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from framing_app.core.changes import Changes
from framing_app.gui.operations import Operations
from framing_app.gui.undo_commands import Step
from framing_app.services.adjudication_close import ClosePlan
from framing_app.services.adjudication_record import (
    Adjudication,
    redo_adjudication,
    undo_adjudication,
)
from framing_app.services.project import Project

# Absent decisions listed in the confirmation before "… and N more".
SHOWN_ABSENT = 12


class AdjudicationStep(Step):
    """One decision of the review: undo removes what it made and puts back what it replaced."""

    def __init__(self, project: Project, ops: Operations, record: Adjudication) -> None:
        super().__init__(record.title, project, ops)
        self.record = record

    def do(self) -> Changes:
        return redo_adjudication(self.project, self.record)

    def undo_it(self) -> Changes:
        return undo_adjudication(self.project, self.record)


def confirm_close(
    parent: QWidget, plan: ClosePlan, title: str, consensus: str, then: Callable[[], None]
) -> QMessageBox:
    """Ask before closing: what the consensus takes over, and which disagreements become absent.

    Non-blocking, as every message of the program (see :mod:`framing_app.gui.background`):
    *then* runs when the user confirms.
    """
    lines = [f"{escape(label)} {start}–{end}" for label, start, end in plan.absent]
    lines += [f"question {escape(name)}: no answer" for name in plan.unanswered]
    absent = "".join(f"<li>{line}</li>" for line in lines[:SHOWN_ABSENT])
    if len(lines) > SHOWN_ABSENT:
        absent += f"<li>… and {len(lines) - SHOWN_ABSENT} more</li>"
    agreed = len(plan.agreed)
    answers = "".join(
        f"<li>{escape(answer.question)}: {escape(answer.value)}</li>" for answer in plan.answers
    )
    box = QMessageBox(parent)
    box.setWindowTitle("Close article")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<p>Close <i>{escape(title)}</i> for {escape(consensus)}? The consensus takes over "
        f"{agreed} passage{'' if agreed == 1 else 's'} the coders agree on"
        + (" and the answers they agree on" if answers else "")
        + ", and its status becomes done: the labels are absent wherever it has no "
        "passage.</p>"
        + (f"<p>Answers taken over:</p><ul>{answers}</ul>" if answers else "")
        + (f"<p>Decided absent:</p><ul>{absent}</ul>" if absent else "")
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Ok).setText("Close article")
    box.setDefaultButton(QMessageBox.StandardButton.Ok)

    def finished(result: int) -> None:
        box.deleteLater()
        if result == QMessageBox.StandardButton.Ok:
            then()

    box.finished.connect(finished)
    box.open()
    return box
