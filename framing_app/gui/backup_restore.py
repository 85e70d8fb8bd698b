"""File > Back up now… and File > Restore from backup…: the backups dialog, and running them.

The dialog lists the project's rolling backups newest first (local time,
size, file name), and offers another file (a backup made with ``--out``,
the one taken before a schema upgrade). Restore asks once more, then runs
:func:`framing_app.services.backups.restore` off the GUI thread (a progress
dialog shows if it takes a while) and announces what changed through the
window's :class:`~framing_app.gui.operations.Operations`: every view
reloads. The message that follows names the backup of the project as it was
before the restore: restoring that one undoes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from framing_app.core.errors import FramingError
from framing_app.gui.background import run_with_progress, show_information
from framing_app.gui.operations import Operations
from framing_app.services import backups
from framing_app.services.progress import CancelCheck, ProgressCallback
from framing_app.services.project import Project

__all__ = ["RestoreDialog", "back_up_now", "open_restore_dialog", "restore_backup"]

BACKUP_TITLE = "Back up now"
RESTORE_TITLE = "Restore from backup"
COLUMNS = ("Made", "Size", "File")


def size_text(size: int) -> str:
    """*size* bytes for people: "812 KB", "19.7 MB"."""
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000)):,} KB"
    return f"{size / 1000 / 1000:,.1f} MB"


def made_text(info: backups.BackupInfo) -> str:
    """When *info* was made, in local time."""
    return info.made.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class RestoreDialog(QDialog):
    """The backups of a project, newest first; :attr:`chosen` is the file to restore."""

    def __init__(self, parent: QWidget | None, project: Project) -> None:
        super().__init__(parent)
        self.setWindowTitle(RESTORE_TITLE)
        self.project = project
        self.chosen: Path | None = None
        self.backups = backups.list_backups(project)
        heading = QLabel(
            "Choose the backup to restore. Restoring replaces everything in this project with "
            "what the backup holds; the project as it is now is backed up first, so restoring "
            "that backup takes you back."
        )
        heading.setWordWrap(True)
        folder = QLabel(f"Backups in {backups.backup_folder(project)}")
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        folder.setWordWrap(True)
        self.table = QTableWidget(len(self.backups), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(self.backups):
            size = QTableWidgetItem(size_text(info.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate(
                (QTableWidgetItem(made_text(info)), size, QTableWidgetItem(info.path.name))
            ):
                item.setToolTip(str(info.path))
                self.table.setItem(row, column, item)
        self.table.setMinimumSize(560, 240)
        self.empty = QLabel(
            "No backups yet: they are made when the project is opened and every few minutes "
            "of work (File ▸ Back up now makes one at once)."
        )
        self.empty.setWordWrap(True)
        self.empty.setVisible(not self.backups)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.other_button = QPushButton("&Other file…")
        buttons.addButton(self.other_button, QDialogButtonBox.ButtonRole.ActionRole)
        # An action, not the box's accept: the dialog closes only once the user confirmed.
        self.restore_button = buttons.addButton("&Restore…", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setDefault(True)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._restore_selected)
        self.other_button.clicked.connect(self._choose_other)
        buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(self._selected() is not None)
        )
        self.table.doubleClicked.connect(lambda _index: self._restore_selected())
        layout = QVBoxLayout(self)
        for widget in (heading, folder, self.table, self.empty, buttons):
            layout.addWidget(widget)
        if self.backups:
            self.table.selectRow(0)

    def _selected(self) -> backups.BackupInfo | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.backups[min(rows)] if rows else None

    def _restore_selected(self) -> None:
        info = self._selected()
        if info is not None and self.confirm(
            f"Restore the backup made {made_text(info)} ({size_text(info.size)})?"
        ):
            self.chosen = info.path
            self.accept()

    def _choose_other(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Restore another backup file",
            str(backups.backup_folder(self.project).parent),
            "framing-app project (*.sqlite);;All files (*)",
        )
        if name and self.confirm(f"Restore {name}?"):
            self.chosen = Path(name)
            self.accept()

    def confirm(self, question: str) -> bool:
        """Ask *question* (default: No), saying what a restore does."""
        answer = QMessageBox.question(
            self,
            RESTORE_TITLE,
            f"{question}\n\nEverything in this project is replaced by what the backup holds. "
            "The project as it is now is backed up first: restoring that backup undoes this.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def open_restore_dialog(
    parent: QWidget,
    ops: Operations,
    project: Project,
    on_restored: Callable[[backups.RestoreResult], None] | None = None,
) -> RestoreDialog | None:
    """File > Restore from backup…: open the dialog (non-blocking); None for a server project.

    Restoring from it runs :func:`restore_backup`; *on_restored* follows a
    restore that was made.
    """
    try:
        dialog = RestoreDialog(parent, project)
    except FramingError as error:
        ops.show_error(RESTORE_TITLE, str(error))
        return None

    def accepted() -> None:
        chosen = dialog.chosen
        dialog.deleteLater()
        if chosen is not None:
            result = restore_backup(parent, ops, project, chosen)
            if result is not None and on_restored is not None:
                on_restored(result)

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def restore_backup(
    parent: QWidget, ops: Operations, project: Project, path: Path
) -> backups.RestoreResult | None:
    """Restore *path* into *project* with progress; announce it and say how to go back.

    None when it was refused (the message says why; the project is unchanged).
    """

    def work(_progress: ProgressCallback, _cancel: CancelCheck) -> backups.RestoreResult:
        return backups.restore(project, path)

    outcome = run_with_progress(parent, RESTORE_TITLE, f"Restoring {path.name}", work)
    if outcome.error is not None:
        ops.show_error(RESTORE_TITLE, outcome.error)
        return None
    result = outcome.value
    if result is None:
        return None
    ops.announce(result.changes)
    upgraded = (
        f" Its schema ({result.upgraded_from}) was older: it was upgraded on the way in; "
        "the backup file itself is unchanged."
        if result.upgraded_from is not None
        else ""
    )
    show_information(
        parent,
        "Restored",
        f"The project now holds what {path.name} holds.{upgraded}",
        detail=f"The project as it was before is backed up in {result.before}. To go back, "
        f"restore that backup ({result.before.name}, the newest in File ▸ Restore from "
        "backup…).",
    )
    return result


def back_up_now(parent: QWidget, ops: Operations, project: Project) -> Path | None:
    """File > Back up now…: a rolling backup at once, then where it is. None if it failed."""

    def work(_progress: ProgressCallback, _cancel: CancelCheck) -> Path:
        return backups.backup_now(project)

    outcome = run_with_progress(parent, BACKUP_TITLE, "Backing up the project", work)
    if outcome.error is not None:
        ops.show_error(BACKUP_TITLE, outcome.error)
        return None
    if outcome.value is not None:
        show_information(
            parent,
            "Backed up",
            f"The project is backed up in {outcome.value.name}.",
            detail=f"{outcome.value}\n\nFile ▸ Restore from backup… restores it.",
        )
    return outcome.value
