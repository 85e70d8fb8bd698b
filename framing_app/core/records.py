"""Plain records passed between the layers (formats, services, front ends).

They carry values only: no database identity beyond plain ids, no Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article read from a file, before it is stored.

    ``text`` is already normalised (:func:`framing_app.core.text.normalise_text`).
    ``external_id`` is the id the source gives (a CSV id column, a file stem).
    ``published`` is an ISO 8601 date, possibly partial ("2012-07"), or the
    source's own wording when it is not recognisable as a date.
    """

    external_id: str
    title: str
    text: str
    source: str | None = None
    published: str | None = None
    url: str | None = None
    origin: str = ""  # file (and row) it came from, for messages


@dataclass(frozen=True, slots=True)
class LabelSpec:
    """A codebook entry as it travels in codebook files."""

    name: str
    definition: str = ""
    color: str = "#999999"
    shortcut: str | None = None
    archived: bool = False


class CodingStatus(enum.StrEnum):
    """A coder's progress on one article."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"


ANNOTATION_COLUMNS: tuple[str, ...] = (
    "annotation_id",
    "article_id",
    "article_external_id",
    "article_title",
    "article_sha256",
    "coder",
    "label",
    "start",
    "end",
    "text",
    "memo",
    "created_at",
    "updated_at",
)


class AnnotationRow(NamedTuple):
    """One row of the annotation CSV (see ``ANNOTATION_COLUMNS``).

    Offsets are 0-based, end-exclusive code points of the article's stored
    text; times are timezone-aware UTC. A NamedTuple rather than a frozen
    dataclass: imports and exports build hundreds of thousands of them, and a
    tuple is built in C.
    """

    annotation_id: int
    article_id: int
    article_external_id: str
    article_title: str
    article_sha256: str
    coder: str
    label: str
    start: int
    end: int
    text: str
    memo: str
    created_at: datetime
    updated_at: datetime
