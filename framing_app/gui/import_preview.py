"""The dialog that shows what importing another coder's annotations will do, before it is done.

The file has been read and checked (:func:`framing_app.services.annotation_import.preview_import`)
both ways, adding and replacing, so switching between them only changes the text shown:
the counts per coder, the coders and labels the file brings in, and the notes on rows that
look unintended. Import runs the import the way the dialog shows; Cancel changes nothing.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from framing_app.services.annotation_import import AnnotationImportReport

__all__ = ["ImportPreviewDialog", "report_lines"]


def report_lines(report: AnnotationImportReport) -> list[str]:
    """*report* as the lines the dialog (and the message after the import) shows."""
    lines = []
    for name, counts in report.coders.items():
        if report.replace:
            lines.append(
                f"{name}: {counts.added} added, {counts.changed} changed, "
                f"{counts.removed} removed ({counts.unchanged} unchanged)"
            )
        else:
            already = f"{counts.unchanged} already in the project"
            lines.append(f"{name}: {counts.added} added ({already})")
    if report.new_coders:
        lines.append(f"New coders: {', '.join(report.new_coders)}")
    if report.new_labels:
        lines.append(f"New labels for the codebook: {', '.join(report.new_labels)}")
    lines.extend(f"Note: {note}" for note in report.notes)
    return lines


class ImportPreviewDialog(QDialog):
    """Import / Cancel over the two previews; :attr:`replace` is the way the user chose."""

    def __init__(
        self,
        parent: QWidget | None,
        file_name: str,
        adding: AnnotationImportReport,
        replacing: AnnotationImportReport,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        self._reports = {False: adding, True: replacing}
        heading = QLabel(f"{file_name}: {adding.rows:,} row{'' if adding.rows == 1 else 's'}.")
        self.replace_box = QCheckBox("&Replace each coder's annotations on these articles")
        explanation = QLabel(
            "Replacing makes each coder's annotations on the articles the file covers "
            "exactly the file's rows, so a corrected file's relabelled and deleted "
            "annotations arrive. Without it, rows are only added."
        )
        explanation.setWordWrap(True)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setMinimumSize(560, 180)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.replace_box)
        layout.addWidget(explanation)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.replace_box.toggled.connect(self._show)
        self._show(False)

    @property
    def replace(self) -> bool:
        return self.replace_box.isChecked()

    def _show(self, replace: bool) -> None:
        self.summary.setPlainText("\n".join(report_lines(self._reports[replace])))
