"""The reliability matrix CSV: what R's irr, the krippendorff package and ReCal read.

(Interface agreed before implementation; see issue 8, "Reports".) Columns:
``unit``, an optional ``item``, then one column per coder named by the
header; an empty cell is a missing value. UTF-8, RFC 4180
(https://www.rfc-editor.org/rfc/rfc4180).

Reading (:func:`read_matrix`):

* a leading byte order mark is dropped; the text must be UTF-8;
* the header is ``unit``, optionally ``item``, then at least two coder
  columns (``unit`` and ``item`` are matched ignoring case and surrounding
  spaces). Coder names follow the naming rule of every coder name
  (:func:`framing_app.core.names.clean_name`) and may not repeat (compared
  case-insensitively, as everywhere);
* every row has as many fields as the header; blank lines are skipped;
* a cell is taken without its surrounding spaces, and a cell left empty
  (or holding only spaces) is a missing value, stored as ``""``. Nothing
  else means missing: R's ``NA`` is a value like any other, so write
  missing values as empty cells (``write.csv(..., na = "")``);
* without an ``item`` column every row belongs to the one item
  :data:`ALL_ITEMS`; with one, rows are grouped by item (an item's rows need
  not be together) and items keep the order in which they first appear;
* a unit may appear once per item; the unit and item cells are kept as
  written (not trimmed) and may not be empty.

Every refusal is an :class:`~framing_app.core.errors.InputFileError` naming
the file and, where there is one, the row (the header is row 1; a record
that spans several lines counts as one row, as in the annotation CSV).

Writing (:func:`write_matrix`): the header ``unit,item,<coders>`` and one row
per unit and item, ended by CRLF as RFC 4180 and the annotation CSV writer
do; quoting only where a cell needs it. The stream must be opened with
``newline=""``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from framing_app.core.errors import InputFileError
from framing_app.core.limits import MAX_MATRIX_FILE_BYTES, megabytes
from framing_app.core.names import InvalidNameError, clean_name, name_key
from framing_app.formats.csv_fields import allow_long_fields, check_width, too_long_field
from framing_app.formats.decoding import os_reason

__all__ = ["ALL_ITEMS", "LINE_END", "MatrixItem", "read_matrix", "write_matrix"]

ALL_ITEMS = "(all)"
"""The item of every row of a file without an ``item`` column."""

LINE_END = "\r\n"
"""Record end of a written matrix (RFC 4180; the annotation CSV writes the same)."""

UNIT_COLUMN = "unit"
ITEM_COLUMN = "item"
_HEADER_SHAPE = "the header is unit, an optional item, then one column per coder"


@dataclass(frozen=True)
class MatrixItem:
    """One variable of the matrix: its rows, as the file's text ("" is missing)."""

    item: str  # "(all)" when the file has no item column
    coders: tuple[str, ...]
    units: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]  # one tuple per unit, one cell per coder


# --------------------------------------------------------------------------- reading


def read_matrix(path: Path) -> list[MatrixItem]:
    """The items of the matrix file *path*, in the order they first appear.

    Promises what the module docstring says; raises
    :class:`~framing_app.core.errors.InputFileError` naming *path* (and the
    row) for a file that is larger than
    :data:`~framing_app.core.limits.MAX_MATRIX_FILE_BYTES`, not UTF-8, not
    CSV, has a wrong header, fewer than two coder columns, a row of another
    width than the header, an empty unit or item, a unit twice in one item,
    or no rows.
    """
    path = Path(path)
    _check_size(path)
    allow_long_fields()
    try:
        # A file that is not UTF-8 fails while being streamed; only then is it
        # read whole, to say where.
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _read_records(path, csv.reader(handle, strict=True))
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except OSError as error:
        raise InputFileError(path, f"cannot read the file: {os_reason(error)}") from None


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputFileError(path, f"cannot read the file: {os_reason(error)}") from None
    if size > MAX_MATRIX_FILE_BYTES:
        raise InputFileError(
            path,
            f"is {megabytes(size)}, more than the {megabytes(MAX_MATRIX_FILE_BYTES)} "
            "allowed for a reliability matrix; is it really one?",
        )


def _not_utf8(path: Path) -> InputFileError:
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return InputFileError(
            path,
            f"not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); "
            "save it as UTF-8 (in Excel: 'CSV UTF-8')",
        )
    except OSError as error:
        return InputFileError(path, f"cannot read the file: {os_reason(error)}")
    return InputFileError(path, "not UTF-8 text")  # pragma: no cover - the stream said so


class _Item:
    """The rows of one item while the file is read."""

    __slots__ = ("first_row", "units", "values")

    def __init__(self) -> None:
        self.units: list[str] = []
        self.values: list[tuple[str, ...]] = []
        self.first_row: dict[str, int] = {}


def _read_records(path: Path, records: Iterator[list[str]]) -> list[MatrixItem]:
    rows_read = 0  # records taken from the reader so far; the header is record 1
    try:
        header = next(records, None)
        if header is None:
            raise InputFileError(path, f"the file is empty; {_HEADER_SHAPE}")
        rows_read = 1
        coders, has_item = _read_header(path, header)
        width = len(header)
        first_value = 2 if has_item else 1
        items: dict[str, _Item] = {}
        # One string object per distinct cell: a matrix repeats a few values
        # millions of times.
        cells: dict[str, str] = {}
        for record in records:
            rows_read += 1
            if not record:
                continue
            check_width(path, record, width, rows_read)
            unit = record[0]
            if not unit.strip():
                raise InputFileError(path, "the unit is empty", row=rows_read)
            name = record[1] if has_item else ALL_ITEMS
            if not name.strip():
                raise InputFileError(path, "the item is empty", row=rows_read)
            item = items.get(name)
            if item is None:
                item = items[name] = _Item()
            first = item.first_row.setdefault(unit, rows_read)
            if first != rows_read:
                where = f" of item {name!r}" if has_item else ""
                raise InputFileError(
                    path,
                    f"unit {unit!r}{where} appears again (first in row {first}); "
                    "a unit has one row per item",
                    row=rows_read,
                )
            values = []
            for cell in record[first_value:]:
                value = cell.strip()
                values.append(cells.setdefault(value, value))
            item.units.append(unit)
            item.values.append(tuple(values))
    except csv.Error as error:
        # The reader failed inside the record after the last one it returned.
        reason = too_long_field(error) or f"malformed CSV: {error}"
        raise InputFileError(path, reason, row=rows_read + 1) from None
    if not items:
        raise InputFileError(path, "no rows after the header; the matrix has no units")
    return [
        MatrixItem(name, coders, tuple(item.units), tuple(item.values))
        for name, item in items.items()
    ]


def _read_header(path: Path, header: list[str]) -> tuple[tuple[str, ...], bool]:
    """The coder names of *header* (cleaned) and whether it has an item column."""

    def refuse(reason: str) -> InputFileError:
        return InputFileError(path, reason, row=1)

    keys = [cell.strip().casefold() for cell in header]
    if not any(keys):
        raise refuse(f"the header row is empty; {_HEADER_SHAPE}")
    if keys[0] != UNIT_COLUMN:
        raise refuse(f"the first column is {header[0]!r}, not 'unit'; {_HEADER_SHAPE}")
    has_item = len(keys) > 1 and keys[1] == ITEM_COLUMN
    first_coder = 2 if has_item else 1
    coders: list[str] = []
    seen: dict[str, int] = {}
    for column, raw in enumerate(header[first_coder:], start=first_coder + 1):
        if keys[column - 1] in (UNIT_COLUMN, ITEM_COLUMN):
            place = "first column" if keys[column - 1] == UNIT_COLUMN else "second column"
            raise refuse(
                f"column {column} is {raw.strip()!r}, which can only be the {place}; "
                f"{_HEADER_SHAPE}"
            )
        try:
            name = clean_name(raw, "coder")
        except InvalidNameError as error:
            raise refuse(f"column {column}: {error}") from None
        key = name_key(name)
        if key in seen:
            raise refuse(
                f"coder {name!r} has two columns ({seen[key]} and {column}); "
                "names are compared ignoring case"
            )
        seen[key] = column
        coders.append(name)
    if len(coders) < 2:
        raise refuse(
            f"the header names {len(coders)} coder column(s); agreement needs at least 2 "
            f"({_HEADER_SHAPE})"
        )
    return tuple(coders), has_item


# --------------------------------------------------------------------------- writing


def write_matrix(items: Iterable[MatrixItem], out: TextIO) -> int:
    """Write *items* (all with the same coders) with an ``item`` column; returns the rows.

    Promises: the header ``unit,item,<coders>``, then each item's units in
    order, CRLF record ends, minimal RFC 4180 quoting; :func:`read_matrix`
    returns *items* again when they are what it could have returned (coder
    names clean and distinct, units distinct and not empty within an item,
    item names not empty, cells without surrounding spaces, at least one
    unit per item). *out* must be opened with ``newline=""``. Rows are
    written as they come. Raises ``ValueError`` for no items at all (the
    header needs the coders), items with different coders, or a row whose
    cells do not match the coders.
    """
    writer = csv.writer(out, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    coders: tuple[str, ...] | None = None
    count = 0
    for item in items:
        if coders is None:
            coders = item.coders
            writer.writerow((UNIT_COLUMN, ITEM_COLUMN, *coders))
        elif item.coders != coders:
            raise ValueError(
                f"item {item.item!r} has coders {item.coders!r}, the matrix {coders!r}"
            )
        if len(item.units) != len(item.values):
            raise ValueError(
                f"item {item.item!r} has {len(item.units)} units but {len(item.values)} rows"
            )
        for unit, values in zip(item.units, item.values, strict=True):
            if len(values) != len(coders):
                raise ValueError(
                    f"unit {unit!r} of item {item.item!r} has {len(values)} cells "
                    f"for {len(coders)} coders"
                )
            writer.writerow((unit, item.item, *values))
            count += 1
    if coders is None:
        raise ValueError("no items to write: the coders of the header come from the items")
    return count
