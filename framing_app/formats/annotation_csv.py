"""The annotation CSV: one row per coded passage, the researcher's analysis format.

The file is CSV as described by RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180):
comma-separated, CRLF record ends, fields quoted only when they hold a comma, a
double quote, CR or LF, and quotes inside a field doubled. A passage that spans
several lines therefore stays one quoted record. The header row is
:data:`~framing_app.core.records.ANNOTATION_COLUMNS`, in that order. Text is UTF-8.

Times are ISO 8601 (https://www.iso.org/iso-8601-date-and-time-format.html) in UTC,
always written as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (six fraction digits), so a
written time reads back exactly.

Two flavours:

* plain (default): what R, pandas and scripts read.
* Excel (``excel=True``): the file starts with a UTF-8 byte order mark so Excel
  recognises the encoding, and text cells that a spreadsheet would run as a formula
  are neutralised with a leading apostrophe, following the OWASP guidance on CSV
  injection (https://owasp.org/www-community/attacks/CSV_Injection): a cell must not
  begin with ``=``, ``+``, ``-``, ``@``, tab or carriage return. The file marks itself
  with a last column, :data:`EXCEL_MARKER_COLUMN`, holding ``yes`` in every row. The
  reader undoes the neutralisation only in a file so marked (or when told the
  flavour), so both flavours round-trip exactly.

The flavour is never guessed from a byte order mark: a plain file re-saved by an
editor that adds one (Notepad, many spreadsheets) keeps its apostrophes. An
unmarked file with a BOM and a cell the Excel rule would change (the Excel flavour
of version 0.1 had no marker) is refused with :class:`FlavourUnclearError` until
the flavour is given.

The neutralisation rule, chosen so that the round trip is exact: a text cell that
matches ``'*[=+\\-@\\t\\r]`` (any number of apostrophes, possibly none, then one of
the dangerous characters) gets one more apostrophe in front; no other cell is
touched. Reading an Excel-flavour file, a cell that matches ``'+[=+\\-@\\t\\r]``
loses its first apostrophe. So a memo ``=SUM(A1)`` is written ``'=SUM(A1)``, a memo
``'=SUM(A1)`` is written ``''=SUM(A1)``, and ``'tis`` is written as it is; each
reads back as it was.

Files are opened by the caller with ``newline=""`` and ``encoding="utf-8"``
(the csv module chooses the line ends itself; see the note in the :mod:`csv`
documentation).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Literal, TextIO

from framing_app.core.errors import InputFileError
from framing_app.core.names import InvalidNameError, clean_name
from framing_app.core.records import ANNOTATION_COLUMNS, AnnotationRow
from framing_app.core.timestamps import iso_utc
from framing_app.formats.csv_fields import allow_long_fields, check_width, too_long_field

__all__ = [
    "EXCEL_BOM",
    "EXCEL_MARKER_COLUMN",
    "Flavour",
    "FlavourUnclearError",
    "read_annotation_csv",
    "read_numbered_annotation_csv",
    "write_annotation_csv",
]

EXCEL_BOM = "\ufeff"
"""UTF-8 byte order mark (U+FEFF) that starts an Excel-flavour file."""

EXCEL_MARKER_COLUMN = "excel_escaped"
"""Last column of an Excel-flavour file: its cells were neutralised for spreadsheets."""

Flavour = Literal["plain", "excel"]


class FlavourUnclearError(InputFileError):
    """A file whose flavour decides what some cells say, and which does not say it."""


# First characters a spreadsheet may treat as the start of a formula (OWASP).
_FORMULA_STARTS = frozenset("=+-@\t\r")

_TEXT_COLUMNS = frozenset(
    {
        "article_external_id",
        "article_title",
        "article_sha256",
        "coder",
        "label",
        "text",
        "memo",
    }
)

# The ISO 8601 profile accepted in hand-made files: calendar date, extended
# format, a time of day with at least hours and minutes, optional fraction and
# an optional offset ("Z", "+hh", "+hhmm", "+hh:mm"). datetime.fromisoformat then
# checks the values (month 13, hour 24, ...).
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_INTEGER = re.compile(r"-?[0-9]+")
_NON_NEGATIVE = re.compile(r"[0-9]+")


# --------------------------------------------------------------------------- writing


def _neutralise(cell: str) -> str:
    """Prefix an apostrophe when ``cell`` matches ``'*[=+\\-@\\t\\r]`` (see the module doc)."""
    if cell and (
        cell[0] in _FORMULA_STARTS or (cell[0] == "'" and cell.lstrip("'")[:1] in _FORMULA_STARTS)
    ):
        return "'" + cell
    return cell


def _plain_fields(row: AnnotationRow) -> tuple[object, ...]:
    return (
        row.annotation_id,
        row.article_id,
        row.article_external_id,
        row.article_title,
        row.article_sha256,
        row.coder,
        row.label,
        row.start,
        row.end,
        row.text,
        row.memo,
        iso_utc(row.created_at),
        iso_utc(row.updated_at),
    )


def _excel_fields(row: AnnotationRow) -> tuple[object, ...]:
    plain = _plain_fields(row)
    cell = _neutralise
    return (
        plain[0],
        plain[1],
        cell(row.article_external_id),
        cell(row.article_title),
        cell(row.article_sha256),
        cell(row.coder),
        cell(row.label),
        plain[7],
        plain[8],
        cell(row.text),
        cell(row.memo),
        plain[11],
        plain[12],
    )


def write_annotation_csv(rows: Iterable[AnnotationRow], out: TextIO, *, excel: bool = False) -> int:
    """Write ``rows`` as an annotation CSV to ``out``; return the number of rows written.

    Promises: the header is ``ANNOTATION_COLUMNS`` in order (then, in the Excel
    flavour, :data:`EXCEL_MARKER_COLUMN`); records follow RFC 4180
    (CRLF ends, minimal quoting, doubled quotes); times are
    ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; for rows that pass the reader's checks,
    :func:`read_annotation_csv` returns rows equal to ``rows`` (times as
    ``datetime.UTC``). With ``excel=True`` the output starts with :data:`EXCEL_BOM` and
    text cells are neutralised against CSV injection (OWASP; see the module doc).

    ``out`` must be opened with ``newline=""`` (otherwise CRLF becomes CRCRLF on
    Windows) and, for a file, ``encoding="utf-8"``. Rows are written as they come,
    so a generator over a large query is not held in memory. A naive datetime
    raises ValueError.
    """
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if excel:
        out.write(EXCEL_BOM)
    writer.writerow((*ANNOTATION_COLUMNS, EXCEL_MARKER_COLUMN) if excel else ANNOTATION_COLUMNS)
    fields: Callable[[AnnotationRow], tuple[object, ...]] = (
        _excel_fields if excel else _plain_fields
    )
    writerow = writer.writerow
    count = 0
    if excel:
        for row in rows:
            writerow((*fields(row), "yes"))
            count += 1
        return count
    for row in rows:
        writerow(fields(row))
        count += 1
    return count


# --------------------------------------------------------------------------- reading


class _RowProblem(Exception):
    """A problem with one field; turned into InputFileError with the row number."""


def _restore(cell: str) -> str:
    """Undo :func:`_neutralise`: drop one apostrophe from ``'+[=+\\-@\\t\\r]...``."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in _FORMULA_STARTS:
        return cell[1:]
    return cell


def _parse_id(name: str, value: str) -> int:
    if value.isascii() and value.isdigit():  # the common case, without a regex
        return int(value)
    value = value.strip()
    if not value:
        return 0
    if not _INTEGER.fullmatch(value):
        raise _RowProblem(f"{name} {value!r} is not an integer")
    return int(value)


def _parse_offset(name: str, value: str) -> int:
    if value.isascii() and value.isdigit():
        return int(value)
    value = value.strip()
    if not _NON_NEGATIVE.fullmatch(value):
        raise _RowProblem(f"{name} {value!r} is not a non-negative integer")
    return int(value)


def _parse_time(name: str, value: str) -> datetime:
    if len(value) == 27 and value[-1] == "Z" and value[10] == "T":
        # The form the writer produces; anything odd in it falls through to
        # the checks below for a precise message.
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    value = value.strip()
    if not value:
        raise _RowProblem(f"{name} is empty; expected an ISO 8601 time")
    if not _ISO_DATETIME.fullmatch(value):
        raise _RowProblem(f"{name} {value!r} is not an ISO 8601 time like 2024-03-01T14:30:00Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _RowProblem(f"{name} {value!r} is not a valid time: {exc}") from None
    if parsed.tzinfo is None:
        # Hand-made files often omit the zone; the format's times are UTC.
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _non_empty(name: str, value: str) -> str:
    if not value.strip():
        raise _RowProblem(f"{name} is empty")
    return value


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            path,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from None


def _column_positions(path: Path, header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if name in ANNOTATION_COLUMNS and name in positions:
            raise InputFileError(path, f"column {name!r} appears more than once", row=1)
        positions.setdefault(name, index)
    missing = [name for name in ANNOTATION_COLUMNS if name not in positions]
    if missing:
        raise InputFileError(path, f"missing columns: {', '.join(missing)}", row=1)
    return {name: positions[name] for name in ANNOTATION_COLUMNS}


def _row_from_record(
    record: list[str], pick: Callable[[list[str]], tuple[str, ...]]
) -> AnnotationRow:
    """The row in *record*; *pick* returns its cells in ``ANNOTATION_COLUMNS`` order.

    Hot path of every import (hundreds of thousands of rows): the values as
    the writer produces them are taken with inline checks, and only unusual
    ones go through the parsers that explain what is wrong.
    """
    a_id, art_id, ext, title, sha, coder, label, s, e, txt, memo, cr, up = pick(record)
    start = int(s) if s.isdigit() and s.isascii() else _parse_offset("start", s)
    end = int(e) if e.isdigit() and e.isascii() else _parse_offset("end", e)
    if start >= end:
        raise _RowProblem(f"empty span: start {start} is not before end {end}")
    if txt == "":
        raise _RowProblem("text is empty")
    return AnnotationRow(
        int(a_id) if a_id.isdigit() and a_id.isascii() else _parse_id("annotation_id", a_id),
        int(art_id) if art_id.isdigit() and art_id.isascii() else _parse_id("article_id", art_id),
        ext,
        title,
        sha,
        _name(coder, "coder"),
        _name(label, "label"),
        start,
        end,
        txt,
        memo,
        _parse_time("created_at", cr),
        _parse_time("updated_at", up),
    )


@lru_cache(maxsize=4096)
def _name(name: str, what: str) -> str:
    """*name* cleaned by the one naming rule; cached, as a file repeats a few names."""
    if not name.strip():
        _non_empty(what, name)
    try:
        return clean_name(name, what)
    except InvalidNameError as exc:
        raise _RowProblem(str(exc)) from None


def read_annotation_csv(path: Path, flavour: Flavour | None = None) -> list[AnnotationRow]:
    """The rows of :func:`read_numbered_annotation_csv`, without their numbers."""
    return [row for _, row in read_numbered_annotation_csv(path, flavour)]


def read_numbered_annotation_csv(
    path: Path, flavour: Flavour | None = None
) -> list[tuple[int, AnnotationRow]]:
    """Read an annotation CSV written by :func:`write_annotation_csv`, either flavour.

    In the Excel flavour, neutralised text cells (OWASP CSV injection; see the
    module doc) are restored. The flavour is *flavour* when given; otherwise
    Excel when the header has :data:`EXCEL_MARKER_COLUMN`, else plain, except
    that a file starting with a byte order mark, without the marker, and with a
    text cell the Excel rule would change raises :class:`FlavourUnclearError`
    (it may be an unmarked Excel export of version 0.1). A leading byte order
    mark is dropped in either flavour. The header must
    hold all of ``ANNOTATION_COLUMNS`` (names compared after stripping whitespace,
    in any order; other columns are ignored). Records follow RFC 4180; a quote left
    open is an error rather than swallowing the rest of the file. Blank lines are
    skipped.

    Checks each row without a database: ids are integers (empty means 0); start and
    end are non-negative integers with start < end; text is not empty; coder and
    label names follow the naming rule and are returned cleaned
    (:func:`framing_app.core.names.clean_name`: trimmed, one space between words,
    one line, at most 200 characters); created_at and updated_at are ISO 8601
    date-times (``Z``, an offset, or no zone meaning UTC), returned as aware UTC.
    Whitespace around numbers and times is ignored; text cells are returned
    exactly as stored.

    Returns (row number, row) pairs in file order, so that callers checking the
    rows against a project can name the row as this function would. Raises
    :class:`InputFileError` naming the row (the header is row 1; a multi-line
    record counts as one row) and the problem.
    """
    allow_long_fields()
    # The file is read as a stream (twice as fast as parsing a decoded copy);
    # only a file that is not UTF-8 is decoded whole, to say where it fails.
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return _read_records(path, csv.reader(handle, strict=True), flavour)
    except UnicodeDecodeError:
        _decode(path)
        raise
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file: {exc.strerror or exc}") from None


def _read_records(
    path: Path, records: Iterator[list[str]], flavour: Flavour | None
) -> list[tuple[int, AnnotationRow]]:
    rows_read = 0  # records taken from the reader so far; the header is record 1
    try:
        header = next(records, None)
        if header is None:
            raise InputFileError(path, "the file is empty; expected a header row")
        rows_read = 1
        bom = header[0].startswith(EXCEL_BOM)
        if bom:
            header[0] = header[0][len(EXCEL_BOM) :]
        if flavour is None and EXCEL_MARKER_COLUMN in (name.strip() for name in header):
            flavour = "excel"
        excel = flavour == "excel"
        # Only an unmarked file with a BOM is in doubt: watch its text cells.
        undecided = flavour is None and bom
        positions = _column_positions(path, header)
        pick = itemgetter(*(positions[name] for name in ANNOTATION_COLUMNS))
        text_positions = [positions[name] for name in _TEXT_COLUMNS]
        width = len(header)
        result: list[tuple[int, AnnotationRow]] = []
        for record in records:
            rows_read += 1
            if not record:
                continue
            check_width(path, record, width, rows_read)
            if excel:
                for index in text_positions:
                    record[index] = _restore(record[index])
            elif undecided and any(_restore(record[i]) != record[i] for i in text_positions):
                raise FlavourUnclearError(
                    path,
                    "starts with a byte order mark but has no excel_escaped column, and a cell "
                    "begins with an apostrophe before = + - @: say whether it is an Excel-flavour "
                    "export (--excel: the apostrophe goes) or not (--plain: it stays)",
                    row=rows_read,
                )
            try:
                result.append((rows_read, _row_from_record(record, pick)))
            except _RowProblem as exc:
                raise InputFileError(path, str(exc), row=rows_read) from None
    except csv.Error as exc:
        # The reader failed inside the record after the last one it returned.
        reason = too_long_field(exc) or f"malformed CSV: {exc}"
        raise InputFileError(path, reason, row=rows_read + 1) from None
    return result
