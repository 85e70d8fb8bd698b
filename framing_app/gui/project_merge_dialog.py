"""File > Merge project…: what merging another coder's project would do, then the merge.

The other project is read and the merge planned both ways, adding and
replacing, off the GUI thread and without writing anything
(:func:`framing_app.services.project_merge.preview_both`); the dialog shows
the counts per kind, the new coders, labels and questions, the notes, and
the conflicts. Merge is offered only for a way without conflicts; it runs
the merge off the GUI thread behind a progress dialog, then announces what
changed through the window's :class:`~framing_app.gui.operations.Operations`.
Cancel, a conflict found at the last moment, or an error leave the project
as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from framing_app.gui.background import run_with_progress, show_error, show_information
from framing_app.gui.operations import Operations
from framing_app.services.progress import CancelCheck, ProgressCallback
from framing_app.services.project import Project
from framing_app.services.project_merge import (
    KINDS,
    MergeConflictError,
    MergeReport,
    merge_project,
    preview_both,
)

__all__ = ["MergePreviewDialog", "choose_and_merge", "detail_lines", "run_merge", "start_merge"]

TITLE = "Merge project"
COLUMNS = ("added", "unchanged", "replaced", "removed", "conflicts")
_PHASES = {
    "reading": "reading the other project",
    "articles": "saving articles",
    "annotations": "saving annotations",
}


def detail_lines(report: MergeReport) -> list[str]:
    """New names and notes of *report*, one line each (the conflicts are shown apart)."""
    lines = []
    if report.upgraded_from is not None:
        lines.append(
            f"Its schema ({report.upgraded_from}) is older than this version's: it was read "
            "through an upgraded temporary copy; the file itself is unchanged."
        )
    for what, names in (
        ("coders", report.new_coders),
        ("labels", report.new_labels),
        ("questions", report.new_questions),
    ):
        if names:
            lines.append(f"New {what}: {', '.join(names)}")
    lines.extend(f"Note: {note}" for note in report.notes)
    return lines


class MergePreviewDialog(QDialog):
    """Merge / Cancel over the two previews; :attr:`replace` is the way the user chose."""

    def __init__(
        self, parent: QWidget | None, path: Path, adding: MergeReport, replacing: MergeReport
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self._reports = {False: adding, True: replacing}
        heading = QLabel(f"Merge {path.name} into this project?")
        heading.setWordWrap(True)
        self.replace_box = QCheckBox("&Replace the work of its coders on its articles")
        explanation = QLabel(
            "Without it, the other project's work is added beside this project's: nothing here "
            "is removed, a coding status takes the more advanced of the two, and an answer "
            "with another value is a conflict. Replacing makes the annotations, answers and "
            "status of each of its coders on its articles exactly the other project's."
        )
        explanation.setWordWrap(True)
        self.table = QTableWidget(len(KINDS), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setVerticalHeaderLabels(list(KINDS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.table.verticalHeader().length() + 40)
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.conflicts = QPlainTextEdit()
        self.conflicts.setReadOnly(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMinimumSize(560, 80)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (
            heading,
            self.replace_box,
            explanation,
            self.table,
            self.conflict_label,
            self.conflicts,
            self.details,
            buttons,
        ):
            layout.addWidget(widget)
        self.replace_box.toggled.connect(self._show)
        self._show(False)

    @property
    def replace(self) -> bool:
        return self.replace_box.isChecked()

    @property
    def report(self) -> MergeReport:
        """The preview of the way shown."""
        return self._reports[self.replace]

    def _show(self, replace: bool) -> None:
        report = self._reports[replace]
        for row, kind in enumerate(KINDS):
            for column, what in enumerate(COLUMNS):
                self.table.setItem(
                    row, column, QTableWidgetItem(f"{getattr(report.counts[kind], what):,}")
                )
        conflicts = report.conflicts
        self.conflicts.setPlainText("\n".join(conflicts))
        self.conflicts.setVisible(bool(conflicts))
        if conflicts:
            n = len(conflicts)
            self.conflict_label.setText(
                f"{n} conflict{'' if n == 1 else 's'}: the merge is refused until "
                f"{'it is' if n == 1 else 'they are'} settled in one of the projects."
            )
        elif not report.written:
            self.conflict_label.setText("This project has everything already: nothing to merge.")
        else:
            self.conflict_label.setText("")
        self.conflict_label.setVisible(bool(conflicts) or not report.written)
        self.details.setPlainText("\n".join(detail_lines(report)))
        self.merge_button.setEnabled(not conflicts and report.written > 0)


def choose_and_merge(parent: QWidget, ops: Operations, project: Project) -> None:
    """Ask for the other project's file, then :func:`start_merge`."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Merge another coder's project", "", "framing-app project (*.sqlite);;All files (*)"
    )
    if name:
        start_merge(parent, ops, project, Path(name))


def start_merge(
    parent: QWidget, ops: Operations, project: Project, path: Path
) -> MergePreviewDialog | None:
    """Preview merging *path* and open the dialog (non-blocking); Merge there runs it.

    None when the preview failed (an error message is shown: not a project,
    a newer schema, this project itself…) or was cancelled.
    """

    def work(
        _progress: ProgressCallback, _should_cancel: CancelCheck
    ) -> tuple[MergeReport, MergeReport]:
        return preview_both(project, path)

    outcome = run_with_progress(parent, TITLE, f"Reading {path.name}", work)
    if outcome.error is not None:
        show_error(
            parent,
            TITLE,
            outcome.error,
            detail=f"Nothing was merged; the project {project.location} is unchanged.",
        )
        return None
    if outcome.value is None:
        return None
    dialog = MergePreviewDialog(parent, path, *outcome.value)

    def accepted() -> None:
        replace = dialog.replace
        dialog.deleteLater()
        run_merge(parent, ops, project, path, replace=replace)

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def run_merge(
    parent: QWidget, ops: Operations, project: Project, path: Path, *, replace: bool
) -> MergeReport | None:
    """Merge *path* into *project* with progress; announce and report it. None unless it merged."""

    def work(
        progress: ProgressCallback, should_cancel: CancelCheck
    ) -> MergeReport | MergeConflictError:
        def renamed(done: int, total: int, phase: str) -> None:
            progress(done, total, _PHASES.get(phase, phase))

        try:
            return merge_project(
                project, path, replace=replace, progress=renamed, should_cancel=should_cancel
            )
        except MergeConflictError as refused:
            # Handed back as a value: its conflicts are listed on the GUI thread.
            return refused

    outcome = run_with_progress(parent, TITLE, f"Merging {path.name}", work)
    unchanged = f"Nothing was merged; the project {project.location} is unchanged."
    if isinstance(outcome.value, MergeConflictError):
        conflicts = "\n".join(outcome.value.report.conflicts)
        show_error(parent, TITLE, str(outcome.value), detail=f"{unchanged}\n\n{conflicts}")
        return None
    if outcome.error is not None:
        show_error(parent, TITLE, outcome.error, detail=unchanged)
        return None
    report = outcome.value
    if report is None:
        return None
    ops.announce(report.changes)
    counts = {
        what: sum(getattr(kind, what) for kind in report.counts.values())
        for what in ("added", "replaced", "removed")
    }
    show_information(
        parent,
        "Merge finished",
        f"Merged {path.name}: {counts['added']:,} rows added, {counts['replaced']:,} replaced, "
        f"{counts['removed']:,} removed.",
        detail="\n".join(detail_lines(report)),
    )
    return report
