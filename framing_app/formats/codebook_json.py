"""Codebook files: the labels and questions of a project as a JSON document (RFC 8259).

The document::

    {
      "format": "framing-app codebook",
      "version": 1,
      "labels": [
        {"name": "Economic", "definition": "...", "color": "#1F77B4",
         "shortcut": "1", "archived": false},
        ...
      ],
      "questions": [
        {"name": "tone", "level": "ordinal",
         "options": ["negative", "neutral", "positive"],
         "definition": "...", "archived": false},
        ...
      ]
    }

The list order is the codebook order. ``"questions"`` (the article-level
questions, :mod:`framing_app.core.questions`) may be absent: a file written
before questions existed reads as a codebook without questions.

Files are UTF-8, indented, with non-ASCII characters written as themselves
(not ``\\u`` escapes) and a trailing newline, so they read well in an editor
and diff well in version control.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from framing_app.core.errors import InputFileError
from framing_app.core.names import InvalidNameError, clean_name, name_key
from framing_app.core.questions import InvalidQuestionError, QuestionSpec, checked_question
from framing_app.core.records import LabelSpec
from framing_app.core.text import lone_surrogate

__all__ = [
    "CODEBOOK_FORMAT",
    "CODEBOOK_VERSION",
    "Codebook",
    "read_codebook",
    "read_codebook_file",
    "write_codebook",
]

CODEBOOK_FORMAT = "framing-app codebook"
"""Value of the document's ``"format"`` key."""

CODEBOOK_VERSION = 1
"""The newest document version this program reads and the one it writes."""

# LabelSpec is a slots dataclass, so its class attributes are slot descriptors,
# not the defaults; take the default colour from an instance.
_DEFAULT_COLOR = LabelSpec(name="default").color

_HEX_COLOR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")


class _Invalid(Exception):
    """A codebook problem; the reader adds the path, the writer raises ValueError."""


def _color(where: str, value: object) -> str:
    if not isinstance(value, str) or not _HEX_COLOR.fullmatch(value):
        raise _Invalid(f"{where}: color {value!r} is not a #RRGGBB hex colour")
    digits = value[1:].upper()
    if len(digits) == 3:
        digits = "".join(d + d for d in digits)
    return "#" + digits


def _label(where: str, entry: object) -> LabelSpec:
    """Check one ``labels`` entry and return it as a LabelSpec (name cleaned by
    :func:`framing_app.core.names.clean_name`, colour normalised to upper-case
    #RRGGBB). Unknown keys are ignored."""
    if not isinstance(entry, dict):
        raise _Invalid(f"{where}: expected an object with a name")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Invalid(f"{where}: has no name (a non-empty string)")
    try:
        name = clean_name(name, "label")
    except InvalidNameError as exc:
        raise _Invalid(f"{where}: {exc}") from None
    definition = entry.get("definition", "")
    if not isinstance(definition, str):
        raise _Invalid(f"{where}: definition must be a string")
    bad = lone_surrogate(definition)
    if bad is not None:
        raise _Invalid(
            f"{where}: definition holds an unpaired surrogate (U+{ord(definition[bad]):04X}), "
            "which is not text"
        )
    color = _color(where, entry.get("color", _DEFAULT_COLOR))
    shortcut = entry.get("shortcut")
    if shortcut is not None and not isinstance(shortcut, str):
        raise _Invalid(f"{where}: shortcut must be a string or null, not {shortcut!r}")
    if shortcut is not None and lone_surrogate(shortcut) is not None:
        raise _Invalid(f"{where}: shortcut holds an invalid character (an unpaired surrogate)")
    if shortcut is not None and not shortcut.strip():
        raise _Invalid(f"{where}: shortcut is empty; use null for no shortcut")
    archived = entry.get("archived", False)
    if not isinstance(archived, bool):
        raise _Invalid(f"{where}: archived must be true or false, not {archived!r}")
    return LabelSpec(
        name=name,
        definition=definition,
        color=color,
        shortcut=shortcut,
        archived=archived,
    )


def _labels(entries: Sequence[object]) -> list[LabelSpec]:
    """Check every entry and the rules across entries (unique names and shortcuts,
    both compared case-insensitively after stripping whitespace)."""
    labels: list[LabelSpec] = []
    names: dict[str, int] = {}
    shortcuts: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"label {number}"
        label = _label(where, entry)
        key = name_key(label.name)
        if key in names:
            raise _Invalid(f"{where}: name {label.name!r} is already used by label {names[key]}")
        names[key] = number
        if label.shortcut is not None:
            key = label.shortcut.strip().casefold()
            if key in shortcuts:
                raise _Invalid(
                    f"{where}: shortcut {label.shortcut!r} is already used by "
                    f"label {shortcuts[key]}"
                )
            shortcuts[key] = number
        labels.append(label)
    return labels


def _entry(label: LabelSpec) -> dict[str, object]:
    return {
        "name": label.name,
        "definition": label.definition,
        "color": label.color,
        "shortcut": label.shortcut,
        "archived": label.archived,
    }


def _question(where: str, entry: object) -> QuestionSpec:
    """Check one ``questions`` entry (the rules of :mod:`framing_app.core.questions`).

    Options are strings, or numbers for an interval or ratio question.
    Unknown keys are ignored.
    """
    if not isinstance(entry, dict):
        raise _Invalid(f"{where}: expected an object with a name")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Invalid(f"{where}: has no name (a non-empty string)")
    level = entry.get("level", "nominal")
    if not isinstance(level, str):
        raise _Invalid(f"{where}: level must be a string, not {level!r}")
    options = entry.get("options", [])
    if not isinstance(options, list):
        raise _Invalid(f"{where}: options must be a list")
    texts: list[str] = []
    for option in options:
        if isinstance(option, bool) or not isinstance(option, str | int | float):
            raise _Invalid(f"{where}: option {option!r} is not a string or a number")
        text = str(option)
        if lone_surrogate(text) is not None:
            raise _Invalid(f"{where}: an option holds an unpaired surrogate, which is not text")
        texts.append(text)
    definition = entry.get("definition", "")
    if not isinstance(definition, str) or lone_surrogate(definition) is not None:
        raise _Invalid(f"{where}: definition must be text (a string)")
    archived = entry.get("archived", False)
    if not isinstance(archived, bool):
        raise _Invalid(f"{where}: archived must be true or false, not {archived!r}")
    try:
        return checked_question(name, level, texts, definition, archived)
    except InvalidQuestionError as exc:
        raise _Invalid(f"{where}: {exc}") from None


def _questions(entries: Sequence[object]) -> list[QuestionSpec]:
    """Check every question and that their names are unique (ignoring case)."""
    questions: list[QuestionSpec] = []
    names: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"question {number}"
        question = _question(where, entry)
        key = name_key(question.name)
        if key in names:
            raise _Invalid(
                f"{where}: name {question.name!r} is already used by question {names[key]}"
            )
        names[key] = number
        questions.append(question)
    return questions


def _question_entry(question: QuestionSpec) -> dict[str, object]:
    return {
        "name": question.name,
        "level": question.level,
        "options": list(question.options),
        "definition": question.definition,
        "archived": question.archived,
    }


def write_codebook(
    labels: Sequence[LabelSpec], out: TextIO, questions: Sequence[QuestionSpec] = ()
) -> None:
    """Write ``labels`` (in codebook order) as a codebook JSON document to ``out``.

    Promises: the output is JSON (RFC 8259) with ``ensure_ascii=False``, 2-space
    indentation and a trailing newline; ``out`` should be opened with
    ``encoding="utf-8"``. Names are written stripped and colours as upper-case
    ``#RRGGBB``; otherwise :func:`read_codebook` returns ``labels`` unchanged.

    Labels that :func:`read_codebook` would reject (an empty or duplicate name, a
    colour that is not hex, a duplicate or blank shortcut) raise ValueError and
    nothing is written, so every written codebook can be read back.
    """
    try:
        checked = _labels([_entry(label) for label in labels])
        asked = _questions([_question_entry(question) for question in questions])
    except _Invalid as exc:
        raise ValueError(f"cannot write codebook: {exc}") from None
    document: dict[str, object] = {
        "format": CODEBOOK_FORMAT,
        "version": CODEBOOK_VERSION,
        "labels": [_entry(label) for label in checked],
    }
    if asked:
        document["questions"] = [_question_entry(question) for question in asked]
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _parse(path: Path) -> object:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        # utf-8-sig: editors on Windows may add a byte order mark, which RFC 8259
        # allows parsers to ignore.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            path, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None


@dataclass(frozen=True)
class Codebook:
    """A codebook file's labels and questions, each in codebook order."""

    labels: list[LabelSpec]
    questions: list[QuestionSpec]


def read_codebook_file(path: Path) -> Codebook:
    """Read a codebook JSON document: its labels (see :func:`read_codebook`) and questions.

    ``"questions"``, when present, is a list; each question is an object
    with a non-empty string ``name`` (unique among the questions, ignoring
    case), ``level`` (nominal, ordinal, interval or ratio; default nominal),
    ``options`` (a list of strings, or numbers for interval and ratio;
    default none), ``definition`` and ``archived``, checked by
    :func:`framing_app.core.questions.checked_question`. All or nothing:
    one bad question raises :class:`InputFileError` naming the file and the
    question's 1-based position ("question 2: ..."), as for labels.
    """
    labels, document = _read(path)
    entries = document.get("questions", [])
    if not isinstance(entries, list):
        raise InputFileError(path, '"questions" must be a list of questions')
    try:
        return Codebook(labels, _questions(entries))
    except _Invalid as exc:
        raise InputFileError(path, str(exc)) from None


def read_codebook(path: Path) -> list[LabelSpec]:
    """Read a codebook JSON document; return its labels in codebook order.

    Checks: the file is UTF-8 JSON (RFC 8259; a byte order mark is ignored), an
    object whose ``"format"`` is ``"framing-app codebook"`` and whose ``"version"``
    is an integer from 1 to :data:`CODEBOOK_VERSION`; ``"labels"`` is a list; every
    label is an object with a non-empty string ``name`` (stripped), unique among
    the labels ignoring case; ``definition`` a string (default ""); ``color`` a hex
    colour ``#RRGGBB`` or ``#RGB``, returned as upper-case ``#RRGGBB`` (default
    ``LabelSpec``'s grey); ``shortcut`` a non-blank string or null (default null),
    unique ignoring case; ``archived`` a boolean (default false). Unknown keys, at
    the top level or in a label, are ignored so that newer minor additions still
    load.

    Raises :class:`InputFileError` naming the problem and, for a label, its 1-based
    position ("label 3: ...").
    """
    return _read(path)[0]


def _read(path: Path) -> tuple[list[LabelSpec], dict[str, object]]:
    document = _parse(path)
    if not isinstance(document, dict):
        raise InputFileError(path, "not a codebook: expected a JSON object at the top")
    if document.get("format") != CODEBOOK_FORMAT:
        raise InputFileError(path, f'not a codebook: "format" must be "{CODEBOOK_FORMAT}"')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputFileError(path, f'"version" must be a positive integer, not {version!r}')
    if version > CODEBOOK_VERSION:
        raise InputFileError(
            path,
            f"codebook version {version} is newer than this program reads "
            f"({CODEBOOK_VERSION}); update framing-app",
        )
    entries = document.get("labels")
    if not isinstance(entries, list):
        raise InputFileError(path, '"labels" must be a list of labels')
    try:
        return _labels(entries), document
    except _Invalid as exc:
        raise InputFileError(path, str(exc)) from None
