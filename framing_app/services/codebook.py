"""The project's codebook: listing, editing, and exchanging it as JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, false, func, select, update
from sqlalchemy.orm import Session

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, FramingError, InputFileError
from framing_app.core.names import find_by_name, name_key
from framing_app.core.records import LabelSpec
from framing_app.core.text import NUL_REFUSED, holds_nul
from framing_app.formats.codebook_json import read_codebook_file, write_codebook
from framing_app.services.lookup import clean_name, label_by_name
from framing_app.services.output_files import output_file
from framing_app.services.project import Project
from framing_app.services.questions import import_question_specs, list_questions
from framing_app.store.models import Annotation, Coder, Label

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class LabelInfo:
    id: int
    name: str
    definition: str
    color: str
    shortcut: str | None
    position: int
    archived: bool
    annotations: int

    @property
    def changes(self) -> Changes:
        return Changes(codebook=True)


@dataclass(frozen=True)
class CodebookImportReport:
    added: list[str]
    updated: list[str]
    questions_added: list[str] = field(default_factory=list)
    questions_updated: list[str] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        return Changes(codebook=True)


def list_labels(
    project: Project, *, include_archived: bool = True, coder: str | None = None
) -> list[LabelInfo]:
    """The codebook in its order, with each label's number of annotations.

    With *coder* (compared as names are), ``annotations`` counts only that
    coder's, 0 for a coder the project does not know: what a coder may see
    while blind coding is on (:func:`~framing_app.services.project_settings.blind_coding`).
    """
    with project.db.read() as session:
        return _labels(session, include_archived, coder)


def _labels(
    session: Session, include_archived: bool = True, coder: str | None = None
) -> list[LabelInfo]:
    counted = select(func.count()).where(Annotation.label_id == Label.id)
    if coder is not None:
        pairs = [(name, ident) for name, ident in session.execute(select(Coder.name, Coder.id))]
        coder_id = find_by_name(pairs, coder)
        counted = counted.where(
            Annotation.coder_id == coder_id if coder_id is not None else false()
        )
    n = counted.correlate(Label).scalar_subquery()
    query = select(Label, n).order_by(Label.position, Label.id)
    if not include_archived:
        query = query.where(Label.archived.is_(False))
    return [
        LabelInfo(
            lab.id,
            lab.name,
            lab.definition,
            lab.color,
            lab.shortcut,
            lab.position,
            lab.archived,
            count,
        )
        for lab, count in session.execute(query).all()
    ]


def export_codebook(project: Project, path: Path) -> int:
    """Write the whole codebook (archived labels and questions too) to the JSON file *path*.

    Returns the number of labels written.

    Whole or not at all, and never over a database (see
    :func:`~framing_app.services.output_files.output_file`).
    """
    specs = [
        LabelSpec(lab.name, lab.definition, lab.color, lab.shortcut, lab.archived)
        for lab in list_labels(project)
    ]
    asked = [question.spec for question in list_questions(project)]
    with output_file(Path(path), project, newline="\n") as out:
        write_codebook(specs, out, asked)
    return len(specs)


def import_codebook(project: Project, path: Path) -> CodebookImportReport:
    """Merge the codebook in *path* into the project, all or nothing.

    Labels are matched by name: a known label takes the file's definition,
    colour, shortcut, archived flag and place; a new one is added. Labels the
    file does not mention are kept, after the file's labels. A shortcut the
    file gives that a label outside the file already uses is refused. The
    file's questions are merged the same way
    (:func:`~framing_app.services.questions.import_question_specs`).
    """
    document = read_codebook_file(path)
    specs = document.labels
    texts = [(f"label '{s.name}': definition", s.definition) for s in specs]
    texts += [(f"label '{s.name}': shortcut", s.shortcut or "") for s in specs]
    texts += [(f"question '{q.name}': definition", q.definition) for q in document.questions]
    for what, text in texts:
        if holds_nul(text):
            raise InputFileError(path, f"{what} {NUL_REFUSED}")
    with project.db.write() as session:
        # Names match as everywhere else: cleaned and case-folded (core.names).
        existing = {name_key(lab.name): lab for lab in session.scalars(select(Label))}
        in_file = {name_key(s.name) for s in specs}
        held = {
            lab.shortcut: lab.name
            for key, lab in existing.items()
            if key not in in_file and lab.shortcut
        }
        for spec in specs:
            if spec.shortcut and spec.shortcut in held:
                raise InputFileError(
                    path,
                    f"shortcut '{spec.shortcut}' of label '{spec.name}' is already used "
                    f"by label '{held[spec.shortcut]}' in this project",
                )
        # Free the file's labels' shortcuts first so that swapping two
        # shortcuts does not trip the unique constraint half-way.
        in_file_ids = [lab.id for key, lab in existing.items() if key in in_file]
        session.execute(update(Label).where(Label.id.in_(in_file_ids)).values(shortcut=None))
        session.flush()
        report = CodebookImportReport(added=[], updated=[])
        for position, spec in enumerate(specs):
            label = existing.get(name_key(spec.name))
            if label is None:
                label = Label(name=spec.name)
                session.add(label)
                report.added.append(spec.name)
            else:
                report.updated.append(spec.name)
            label.definition = spec.definition
            label.color = spec.color
            label.shortcut = spec.shortcut
            label.archived = spec.archived
            label.position = position
        others = sorted(
            (lab for key, lab in existing.items() if key not in in_file),
            key=lambda lab: (lab.position, lab.id),
        )
        for offset, label in enumerate(others, start=len(specs)):
            label.position = offset
        asked = import_question_specs(session, path, document.questions)
        report.questions_added.extend(asked.added)
        report.questions_updated.extend(asked.updated)
    return report


def add_label(
    project: Project,
    name: str,
    *,
    definition: str = "",
    color: str = "#999999",
    shortcut: str | None = None,
) -> LabelInfo:
    """Add a label at the end of the codebook."""
    with project.db.write() as session:
        name = clean_name(name, "label")
        _check_free(session, name=name, shortcut=shortcut)
        last = session.scalar(select(func.max(Label.position)))
        label = Label(
            name=name,
            definition=definition,
            color=checked_color(color),
            shortcut=shortcut or None,
            position=(last if last is not None else -1) + 1,
            archived=False,
        )
        session.add(label)
        session.flush()
        return LabelInfo(
            label.id, name, definition, label.color, label.shortcut, label.position, False, 0
        )


def update_label(
    project: Project,
    name: str,
    *,
    new_name: str | None = None,
    definition: str | None = None,
    color: str | None = None,
    shortcut: str | None = None,
    clear_shortcut: bool = False,
    archived: bool | None = None,
) -> None:
    """Change a label; a rename keeps every annotation (they point to the label's id)."""
    with project.db.write() as session:
        label = label_by_name(session, name)
        if new_name is not None:
            new_name = clean_name(new_name, "label")
            if name_key(new_name) != name_key(label.name):
                _check_free(session, name=new_name)
            label.name = new_name
        if definition is not None:
            label.definition = definition
        if color is not None:
            label.color = checked_color(color)
        if clear_shortcut:
            label.shortcut = None
        elif shortcut is not None and shortcut != label.shortcut:
            _check_free(session, shortcut=shortcut)
            label.shortcut = shortcut
        if archived is not None:
            label.archived = archived


def move_label(project: Project, name: str, position: int) -> None:
    """Put the label at *position* (0-based) in the codebook order."""
    with project.db.write() as session:
        labels = list(session.scalars(select(Label).order_by(Label.position, Label.id)))
        label = label_by_name(session, name)
        labels.remove(label)
        labels.insert(max(0, min(position, len(labels))), label)
        for index, each in enumerate(labels):
            each.position = index


def label_use_by_coder(project: Project, name: str) -> dict[str, int]:
    """How many annotations each coder has with the label *name*, coders by name."""
    with project.db.read() as session:
        label = label_by_name(session, name)
        rows = session.execute(
            select(Coder.name, func.count())
            .join(Annotation, Annotation.coder_id == Coder.id)
            .where(Annotation.label_id == label.id)
            .group_by(Coder.name)
            .order_by(Coder.name)
        ).all()
        return {coder: count for coder, count in rows}


def delete_label(project: Project, name: str, *, with_annotations: bool = False) -> int:
    """Delete a label; returns how many annotations went with it.

    A label in use is only deleted with ``with_annotations=True`` (the user
    confirmed after being told how many annotations would go).
    """
    with project.db.write() as session:
        label = label_by_name(session, name)
        used = session.scalar(select(func.count()).where(Annotation.label_id == label.id)) or 0
        if used and not with_annotations:
            raise ConflictError(
                f"label '{label.name}' is used by {used} annotation(s); "
                "archive it, or delete it together with them"
            )
        session.execute(delete(Annotation).where(Annotation.label_id == label.id))
        session.delete(label)
        return used


def _check_free(session: Session, *, name: str | None = None, shortcut: str | None = None) -> None:
    if name is not None:
        taken = find_by_name([(n, n) for n in session.scalars(select(Label.name))], name)
        if taken is not None:
            raise ConflictError(f"the codebook already has a label named '{taken}'")
    if shortcut:
        holder = session.scalar(select(Label.name).where(Label.shortcut == shortcut))
        if holder is not None:
            raise ConflictError(f"shortcut '{shortcut}' is already used by label '{holder}'")


def checked_color(color: str) -> str:
    """*color* as stored (``#RRGGBB`` upper case), or :class:`FramingError`."""
    if not _COLOR.fullmatch(color):
        raise FramingError(f"colour '{color}' is not of the form #RRGGBB")
    return color.upper()
