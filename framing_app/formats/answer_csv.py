"""The answer CSV: one row per coder, article and article-level question.

CSV as RFC 4180 describes it (comma-separated, CRLF record ends, minimal
quoting, doubled quotes), UTF-8, with the header :data:`ANSWER_COLUMNS` in
that order; the same conventions as the annotation CSV
(:mod:`framing_app.formats.annotation_csv`), so that pandas and R read both
the same way and a script can join them on ``article_id``/``coder``.

The reader accepts the columns in any order (other columns are ignored), a
leading byte order mark, and blank lines; ``article_id`` and
``article_title`` may be empty (they are informative: articles are matched
by ``article_external_id`` and ``article_sha256``, at least one of which
must be given).

Files are opened by the caller with ``newline=""`` and ``encoding="utf-8"``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple, TextIO

from framing_app.core.errors import InputFileError
from framing_app.core.names import InvalidNameError, clean_name
from framing_app.formats.csv_fields import allow_long_fields, check_width, too_long_field

__all__ = ["ANSWER_COLUMNS", "AnswerRow", "read_answer_csv", "write_answer_csv"]

ANSWER_COLUMNS: tuple[str, ...] = (
    "article_id",
    "article_external_id",
    "article_title",
    "article_sha256",
    "coder",
    "question",
    "answer",
)

_BOM = "\ufeff"


class AnswerRow(NamedTuple):
    """One row of the answer CSV (see :data:`ANSWER_COLUMNS`); *article_id* 0 when empty."""

    article_id: int
    article_external_id: str
    article_title: str
    article_sha256: str
    coder: str
    question: str
    answer: str


def write_answer_csv(rows: Iterable[AnswerRow], out: TextIO) -> int:
    """Write the header and *rows* to *out*; returns the number of rows.

    :func:`read_answer_csv` reads back rows equal to those written, provided
    they follow its rules (names cleaned, answers on one line and trimmed).
    """
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(ANSWER_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


class _RowProblem(Exception):
    """A problem with one cell; turned into an InputFileError with the row."""


def read_answer_csv(path: Path) -> list[tuple[int, AnswerRow]]:
    """The rows of the answer CSV *path*, each with its row number (the header is row 1).

    Checks, without a database: the file is UTF-8 CSV with every column of
    :data:`ANSWER_COLUMNS` (each once); each row has as many cells as the
    header; ``article_id`` is empty or a whole number; an article is named
    by ``article_external_id`` or ``article_sha256``; ``coder`` and
    ``question`` follow the naming rule (returned cleaned, see
    :func:`framing_app.core.names.clean_name`); ``answer`` is not empty
    (returned with its white space tidied to single spaces). Raises
    :class:`InputFileError` naming the file, the row and the problem.
    """
    allow_long_fields()
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return _records(path, csv.reader(handle, strict=True))
    except UnicodeDecodeError as error:
        raise InputFileError(
            path,
            f"not UTF-8 text (byte 0x{error.object[error.start]:02x}); "
            "save it as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from None
    except OSError as error:
        raise InputFileError(path, f"cannot read the file: {error.strerror or error}") from None


def _records(path: Path, records: Iterator[list[str]]) -> list[tuple[int, AnswerRow]]:
    number = 0
    try:
        header = next(records, None)
        if header is None:
            raise InputFileError(path, "the file is empty; expected a header row")
        number = 1
        if header and header[0].startswith(_BOM):
            header[0] = header[0][len(_BOM) :]
        positions = _positions(path, header)
        rows: list[tuple[int, AnswerRow]] = []
        for record in records:
            number += 1
            if not record or record == [""]:
                continue
            check_width(path, record, len(header), number)
            try:
                rows.append((number, _row([record[i] for i in positions])))
            except _RowProblem as problem:
                raise InputFileError(path, str(problem), row=number) from None
    except csv.Error as error:
        reason = too_long_field(error) or f"malformed CSV: {error}"
        raise InputFileError(path, reason, row=number + 1) from None
    return rows


def _positions(path: Path, header: list[str]) -> list[int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if name in ANSWER_COLUMNS and name in found:
            raise InputFileError(path, f"column {name!r} appears more than once", row=1)
        found.setdefault(name, index)
    missing = [name for name in ANSWER_COLUMNS if name not in found]
    if missing:
        hint = ""
        if "label" in found and "start" in found:
            hint = " (this looks like an annotation CSV: use import-annotations)"
        raise InputFileError(path, f"missing columns: {', '.join(missing)}{hint}", row=1)
    return [found[name] for name in ANSWER_COLUMNS]


def _row(cells: list[str]) -> AnswerRow:
    article_id, external, title, sha, coder, question, answer = cells
    ident = article_id.strip()
    if ident and not (ident.isascii() and ident.isdigit()):
        raise _RowProblem(f"article_id {article_id!r} is not a whole number")
    if not external.strip() and not sha.strip():
        raise _RowProblem("no article_external_id and no article_sha256: which article is it?")
    value = " ".join(answer.split())
    if not value:
        raise _RowProblem("answer is empty (leave the row out for no answer)")
    return AnswerRow(
        int(ident) if ident else 0,
        external.strip(),
        title,
        sha.strip().lower(),
        _name(coder, "coder"),
        _name(question, "question"),
        value,
    )


def _name(name: str, what: str) -> str:
    if not name.strip():
        raise _RowProblem(f"{what} is empty")
    try:
        return clean_name(name, what)
    except InvalidNameError as error:
        raise _RowProblem(str(error)) from None
