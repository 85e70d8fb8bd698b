"""The GUI's file use cases: import and export behind a progress dialog, then a message.

Each function takes paths the caller has already chosen (the main window
owns the file dialogs), runs the service off the GUI thread with
:func:`~framing_app.gui.background.run_with_progress`, and tells the user
how it went: a short information message on success, an error dialog with
the service's one-line message (which names the file, the row and the
reason) on failure, nothing on cancel. They return the service's result, or
None when nothing was done. Services are all or nothing, so after a failure
or a cancel the project is exactly as it was, and the messages say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from framing_app.gui.background import Outcome, run_with_progress, show_error, show_information
from framing_app.gui.import_preview import ImportPreviewDialog, report_lines
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.annotation_import import (
    AnnotationImportReport,
    Flavour,
    FlavourUnclearError,
    import_annotations,
    preview_import,
)
from framing_app.services.article_import import ArticleImportReport, import_articles
from framing_app.services.progress import CancelCheck, ProgressCallback, check_cancel
from framing_app.services.project import Project

T = TypeVar("T")

# The services name their phases with one plain word; the dialog says what
# is being counted.
_ARTICLE_PHASES = {"reading": "reading files", "saving": "saving articles"}
_ANNOTATION_IMPORT_PHASES = {"saving": "saving annotations"}
_EXPORT_PHASES = {"exporting": "writing annotations"}


def import_articles_interactive(
    parent: QWidget, project: Project, paths: list[Path]
) -> ArticleImportReport | None:
    """Import the articles in *paths* (files and folders) with progress; None unless it succeeded.

    On success an information message gives the counts of articles, files
    and duplicates.
    """

    def work(progress: ProgressCallback, should_cancel: CancelCheck) -> ArticleImportReport:
        return import_articles(
            project,
            paths,
            progress=_renamed_phases(progress, _ARTICLE_PHASES),
            should_cancel=should_cancel,
        )

    outcome = run_with_progress(parent, "Import articles", _importing_label(paths), work)
    report = _settled(parent, project, "Import failed", "Nothing was imported", outcome)
    if report is not None:
        show_information(
            parent,
            "Import finished",
            f"Imported {_count(len(report.added), 'article')} from "
            f"{_count(report.files, 'file')}; "
            f"{_count(len(report.duplicates), 'duplicate')} skipped.",
        )
    return report


@dataclass(frozen=True)
class AnnotationImportChoice:
    """How the user chose to import an annotation file, after seeing what it would do."""

    flavour: Flavour | None
    replace: bool


def choose_annotation_import(
    parent: QWidget, project: Project, path: Path, flavour: Flavour | None = None
) -> AnnotationImportChoice | None:
    """Show what importing *path* would do, adding or replacing; the user's choice, or None.

    The file is read and checked both ways with progress (nothing is written),
    then :class:`~framing_app.gui.import_preview.ImportPreviewDialog` shows the
    counts per coder, the new coders and labels and the notes. A file that
    fails the checks shows the same error the import would; a file whose
    flavour is unclear makes the user say which it is first. None on Cancel.
    """

    def work(
        _progress: ProgressCallback, should_cancel: CancelCheck
    ) -> tuple[AnnotationImportReport, AnnotationImportReport] | FlavourUnclearError:
        try:
            adding = preview_import(project, path, flavour=flavour)
            check_cancel(should_cancel, "preview")
            return adding, preview_import(project, path, flavour=flavour, replace=True)
        except FlavourUnclearError as unclear:
            return unclear

    outcome = run_with_progress(parent, "Import annotations", f"Reading {path.name}", work)
    if isinstance(outcome.value, FlavourUnclearError):
        chosen = ask_flavour(parent, path, outcome.value)
        if chosen is None:
            return None
        return choose_annotation_import(parent, project, path, chosen)
    reports = _settled(parent, project, "Import failed", "Nothing was imported", outcome)
    if not isinstance(reports, tuple):
        return None
    dialog = ImportPreviewDialog(parent, path.name, *reports)
    if dialog.exec() != ImportPreviewDialog.DialogCode.Accepted:
        return None
    return AnnotationImportChoice(flavour, dialog.replace)


def import_annotations_interactive(
    parent: QWidget,
    project: Project,
    path: Path,
    flavour: Flavour | None = None,
    *,
    replace: bool = False,
) -> AnnotationImportReport | None:
    """Merge the annotation CSV *path* into the project with progress; None unless it succeeded.

    *replace* makes each coder's annotations on the articles the file covers
    exactly the file's rows (see
    :func:`~framing_app.services.annotation_import.import_annotations`).
    On success an information message gives the counts, and the coders and
    labels the file brought in. A file whose flavour is unclear (see
    :class:`~framing_app.formats.annotation_csv.FlavourUnclearError`) makes the
    user say which it is, then is imported as they said.
    """

    def work(
        progress: ProgressCallback, should_cancel: CancelCheck
    ) -> AnnotationImportReport | FlavourUnclearError:
        try:
            return import_annotations(
                project,
                path,
                flavour=flavour,
                replace=replace,
                progress=_renamed_phases(progress, _ANNOTATION_IMPORT_PHASES),
                should_cancel=should_cancel,
            )
        except FlavourUnclearError as unclear:
            # Handed back as a value: the question is asked on the GUI thread.
            return unclear

    label = f"Importing annotations from {path.name}"
    outcome = run_with_progress(parent, "Import annotations", label, work)
    if isinstance(outcome.value, FlavourUnclearError):
        chosen = ask_flavour(parent, path, outcome.value)
        if chosen is None:
            return None
        return import_annotations_interactive(parent, project, path, chosen, replace=replace)
    report = _settled(parent, project, "Import failed", "Nothing was imported", outcome)
    if isinstance(report, AnnotationImportReport) and report.replace:
        show_information(
            parent,
            "Import finished",
            f"Replaced the annotations of {_count(len(report.coders), 'coder')} from {path.name}.",
            detail="\n".join(report_lines(report)),
        )
        return report
    if isinstance(report, AnnotationImportReport):
        news = [
            f"New {what}: {', '.join(names)}."
            for what, names in (("coders", report.new_coders), ("labels", report.new_labels))
            if names
        ]
        show_information(
            parent,
            "Import finished",
            f"Imported {_count(report.added, 'annotation')} from {path.name}; "
            f"{_count(report.duplicates, 'duplicate')} skipped.",
            detail=" ".join(news),
        )
        return report
    return None


def export_annotations_interactive(
    parent: QWidget,
    project: Project,
    path: Path,
    *,
    excel: bool,
    coders: list[str] | None = None,
) -> int | None:
    """Export the annotations (of *coders*, if given) to the CSV *path*; the row count, or None.

    *excel* writes the spreadsheet flavour. The file is replaced only when
    complete, so a failed or cancelled export leaves any older file intact.
    """

    def work(progress: ProgressCallback, should_cancel: CancelCheck) -> int:
        return export_annotations_to_file(
            project,
            path,
            coders=coders,
            excel=excel,
            progress=_renamed_phases(progress, _EXPORT_PHASES),
            should_cancel=should_cancel,
        )

    label = f"Exporting annotations to {path.name}"
    outcome = run_with_progress(parent, "Export annotations", label, work)
    count = _settled(parent, project, "Export failed", "No file was written", outcome)
    if count is not None:
        show_information(
            parent, "Export finished", f"Exported {_count(count, 'annotation')} to {path}."
        )
    return count


def ask_flavour(parent: QWidget, path: Path, unclear: FlavourUnclearError) -> Flavour | None:
    """Ask whether *path* is an Excel-flavour export; None when the user cancels."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Import annotations",
        f"Was {path.name} exported “for Excel” by framing-app?",
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    row = f"row {unclear.row}" if unclear.row is not None else "a row"
    box.setInformativeText(
        f"The file starts like an Excel export but does not say so, and in {row} a cell "
        "begins with an apostrophe before = + - or @.\n\n"
        "Yes: it is an Excel export; the apostrophe that protected the cell goes.\n"
        "No: it is a plain file; every cell is kept as it is."
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Yes:
        return "excel"
    if answer == QMessageBox.StandardButton.No:
        return "plain"
    return None


def _settled(
    parent: QWidget, project: Project, title: str, consequence: str, outcome: Outcome[T]
) -> T | None:
    """The outcome's value; after an error, shows it (naming the project too) and returns None."""
    if outcome.error is not None:
        # The service's message names the input file; a storage failure
        # ("database is locked") does not name the project, so say which.
        show_error(
            parent,
            title,
            outcome.error,
            detail=f"{consequence}; the project {project.location} is unchanged.",
        )
        return None
    return outcome.value


def _renamed_phases(progress: ProgressCallback, names: Mapping[str, str]) -> ProgressCallback:
    """*progress*, with the service's phase words replaced by what the user sees counted."""

    def renamed(done: int, total: int, phase: str) -> None:
        progress(done, total, names.get(phase, phase))

    return renamed


def _importing_label(paths: list[Path]) -> str:
    if len(paths) == 1:
        return f"Importing articles from {paths[0].name or paths[0]}"
    return f"Importing articles from {len(paths):,} files and folders"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
