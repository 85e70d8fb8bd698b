"""What an agreement report can be asked for in a project, and where its results are written.

The Agreement window offers the project's coders (the consensus coder
apart: its annotations are the adjudicated gold standard, not one more
coder's judgement, so comparing it with the coders measures accuracy, not
reliability) and writes the report's table and chart only to a file the
user named, through :func:`~framing_app.services.output_files.output_file`
(never over a database; a file appears only when complete).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from framing_app.services.agreement_report import AgreementReport
from framing_app.services.agreement_table import write_report_csv
from framing_app.services.output_files import output_file
from framing_app.services.project import Project
from framing_app.store.models import Annotation, Coder, CodingStatusRow

_DONE = "done"


@dataclass(frozen=True)
class CoderChoice:
    """A coder as the agreement controls list them."""

    name: str
    consensus: bool  # holds adjudicated decisions; not offered by default
    annotations: int
    done: int  # articles this coder marked done


def agreement_coders(project: Project) -> list[CoderChoice]:
    """Every coder of *project* by name, with the consensus flag and what they have coded."""
    with project.db.read() as session:
        annotations = (
            select(func.count())
            .where(Annotation.coder_id == Coder.id)
            .correlate(Coder)
            .scalar_subquery()
        )
        done = (
            select(func.count())
            .where(CodingStatusRow.coder_id == Coder.id, CodingStatusRow.status == _DONE)
            .correlate(Coder)
            .scalar_subquery()
        )
        query = select(Coder.name, Coder.consensus, annotations, done).order_by(Coder.name)
        return [
            CoderChoice(name, bool(consensus), int(count), int(finished))
            for name, consensus, count, finished in session.execute(query)
        ]


def write_report_csv_file(report: AgreementReport, path: Path, project: Project | None) -> int:
    """Write *report* as the CSV of :func:`~framing_app.services.agreement_table.write_report_csv`.

    Returns the rows written. Refuses a database (the open project's or any
    other) and replaces *path* only when the file is complete.
    """
    with output_file(path, project, newline="") as out:
        return write_report_csv(report, out)


def write_image_file(data: bytes, path: Path, project: Project | None) -> int:
    """Write the image bytes *data* (a PNG or SVG made by the caller) to *path*; the bytes.

    The same guarantees as :func:`write_report_csv_file`.
    """
    with output_file(path, project, newline="") as out:
        # The stream is text; an image is bytes. Nothing was written to the
        # text layer, so its buffer takes the bytes directly.
        out.flush()
        return out.buffer.write(data)
