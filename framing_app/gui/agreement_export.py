"""Writing the Agreement window's table (CSV) and chart (PNG, SVG) to a file the user names.

The user names the file in a save dialog (which asks before replacing an
existing one); the services then refuse a database (the open project's or
any other) and write the file whole or not at all
(:mod:`framing_app.services.agreement_options`). A refusal or a failure is
shown in one error box, naming the file; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageWriter
from PySide6.QtWidgets import QFileDialog, QWidget

from framing_app.core.errors import FramingError
from framing_app.gui.agreement_chart import AlphaChart
from framing_app.gui.background import show_error
from framing_app.services.agreement_options import write_image_file, write_report_csv_file
from framing_app.services.agreement_report import AgreementReport
from framing_app.services.project import Project

CHART_FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}


def ask_save_path(
    parent: QWidget, project: Project, title: str, name: str, pattern: str
) -> Path | None:
    """The file the user chose (with *name*'s suffix when they typed none), or None."""
    folder = project.path.parent if project.path is not None else Path.home()
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(folder / name), pattern)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix else path.with_suffix(Path(name).suffix)


def default_name(report: AgreementReport, suffix: str) -> str:
    """``agreement-paragraph.csv`` and the like."""
    return f"agreement-{report.unit or 'report'}.{suffix}"


def export_table(parent: QWidget, project: Project, report: AgreementReport) -> Path | None:
    """Ask for a file and write *report* as CSV there; the file, or None."""
    name = default_name(report, "csv")
    path = ask_save_path(parent, project, "Export agreement table", name, "CSV (*.csv)")
    if path is None:
        return None
    try:
        write_report_csv_file(report, path, project)
    except FramingError as error:
        show_error(parent, "Export failed", str(error), detail="No file was written.")
        return None
    return path


def export_chart(
    parent: QWidget, project: Project, report: AgreementReport, chart: AlphaChart, kind: str
) -> Path | None:
    """Ask for a file and write *chart* there as ``png`` or ``svg``; the file, or None."""
    name = default_name(report, kind)
    path = ask_save_path(parent, project, "Export agreement chart", name, CHART_FORMATS[kind])
    if path is None:
        return None
    data = encode_png(chart.image()) if kind == "png" else chart.svg_bytes()
    try:
        write_image_file(data, path, project)
    except FramingError as error:
        show_error(parent, "Export failed", str(error), detail="No file was written.")
        return None
    return path


def encode_png(image: QImage) -> bytes:
    """*image* encoded as PNG."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode the image: {writer.errorString()}")
    buffer.close()
    return bytes(buffer.data().data())
