"""Many articles in one table (.csv, .tsv), one article per row.

This is how article collections usually arrive: exported from a spreadsheet,
a news database or a scraping script.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from framing_app.core.errors import InputFileError
from framing_app.core.records import ANNOTATION_COLUMNS, ArticleDraft
from framing_app.core.text import normalise_text
from framing_app.formats.csv_fields import allow_long_fields, too_long_field
from framing_app.formats.dates import parse_publication_date
from framing_app.formats.decoding import read_text
from framing_app.formats.plain_text import TITLE_LIMIT, first_line_title

# Column role -> the header names that fill it (compared stripped and case-folded).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title", "headline"),
    "text": ("text", "body", "content"),
    "date": ("date", "published", "publication_date"),
    "source": ("source", "outlet", "publisher"),
    "url": ("url", "link"),
}
_DELIMITERS = ",;\t"


@dataclass(frozen=True)
class ExportFormat:
    """A table this program writes that must not be imported as articles.

    An annotation export has a ``text`` column (the coded passage), so
    without this check every coded passage in it became an article.
    """

    name: str  # "an annotation export", as the message says it
    columns: tuple[str, ...]  # the header the program writes
    advice: str  # what to do with it instead; ``{path}`` is the file, quoted for a shell


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "an annotation export",
        ANNOTATION_COLUMNS,
        "merge it with `framing-app import-annotations {path}`",
    ),
)
"""Every table the program exports; a new export format is one more line here."""


_LONE_CR = re.compile(r"\r(?!\n)")


def read_article_table(path: Path, encoding: str | None = None) -> list[ArticleDraft]:
    """Read the articles in the .csv or .tsv file *path*, one per row, in file order.

    Format: a header row, then one row per article, quoted as in RFC 4180
    (fields may hold the delimiter, doubled quotes and line breaks). A .tsv file
    is tab-separated; in a .csv file the delimiter is the one of ``,`` ``;`` or
    tab that splits the header row into the most columns (Excel in much of
    Europe writes ``;``), ``,`` when that cannot be told.

    Columns, matched by header name stripped and in any case (other columns are
    ignored): ``id``; ``title`` or ``headline``; ``text``, ``body`` or
    ``content`` (required); ``date``, ``published`` or ``publication_date``;
    ``source``, ``outlet`` or ``publisher``; ``url`` or ``link``.

    Row numbers in messages and in ``origin`` count records as a spreadsheet
    shows them: the header is row 1, the first article row 2 (a record with
    line breaks inside a quoted field is one row). Blank rows are skipped.

    Each article: text normalised (:func:`framing_app.core.text.normalise_text`);
    external id the id value, else ``"<file stem>:<row>"``; title the title
    value, else the text's first line (at most 200 characters); date as ISO
    8601 when recognised (:func:`framing_app.formats.dates.parse_publication_date`),
    else as given; empty values None.

    Raises :class:`InputFileError` when the file cannot be read or decoded, has
    no header or no article rows, is one of the program's own exports
    (:data:`EXPORT_FORMATS`; the message names the command that reads it), has
    no text column or two columns for one role, when a row is malformed, has
    a different number of fields than the header or an empty text, or when
    one id is given to two different texts (a row repeating an earlier one
    exactly, id and text, is dropped).
    """
    allow_long_fields()
    if encoding is None:
        streamed = _read_streamed(path)
        if streamed is not None:
            return streamed
    # Each field is normalised on its own (below); normalising the whole file
    # first would double the work. The csv module reads LF and CRLF row ends
    # but not the lone CR of old Mac files, which only those files pay for.
    text = read_text(path, encoding).removeprefix("\ufeff")
    if _LONE_CR.search(text):
        text = normalise_text(text)
    if not text.strip():
        raise InputFileError(path, "the file holds no text")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    return _parse(path, reader)


class _NotPlain(Exception):
    """The streamed reading met something only the careful path handles."""


def _read_streamed(path: Path) -> list[ArticleDraft] | None:
    """The fast path for plain UTF-8 tables: parse while reading, no decoded copy.

    Returns None, having read nothing into the result, for a file that is not
    plain UTF-8 with LF or CRLF row ends (a decode error, a lone CR, a NUL, a
    CSV error): the careful path then reads it, detects its encoding and gives
    the precise message. Row errors (an empty text, ...) are final either way.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first_line = handle.readline()
            if not first_line.strip() or (first_line.endswith("\r") and "\r\n" not in first_line):
                return None
            handle.seek(0)
            delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(first_line)
            return _parse(path, csv.reader(handle, delimiter=delimiter, strict=True), streamed=True)
    except (UnicodeDecodeError, OSError, _NotPlain):
        return None


def _parse(
    path: Path, reader: Iterator[list[str]], *, streamed: bool = False
) -> list[ArticleDraft]:
    row_number = 0
    header: list[str] | None = None
    columns: dict[str, int] = {}
    articles: list[ArticleDraft] = []
    first_of_id: dict[str, tuple[int, str]] = {}  # external id -> (row, text)
    while True:
        row_number += 1
        try:
            row = next(reader, None)
        except csv.Error as error:
            too_long = too_long_field(error)
            if too_long is not None:
                # Final on either path: re-reading would only hold it all in memory.
                raise InputFileError(path, too_long, row=row_number) from None
            if streamed:
                raise _NotPlain from None
            raise InputFileError(path, f"malformed table row: {error}", row=row_number) from None
        if row is None:
            break
        if header is None:
            if not any(field and not field.isspace() for field in row):
                raise InputFileError(path, "the first row must name the columns", row=row_number)
            header = row
            columns = _match_columns(path, header)
            continue
        if not any(field and not field.isspace() for field in row):
            continue
        if len(row) != len(header):
            raise InputFileError(
                path,
                f"the row has {len(row)} fields but the header has {len(header)}",
                row=row_number,
            )
        article = _article(path, row, columns, row_number)
        earlier = first_of_id.get(article.external_id)
        if earlier is not None:
            earlier_row, earlier_text = earlier
            if earlier_text != article.text:
                raise InputFileError(
                    path,
                    f"id '{article.external_id}' is given to row {earlier_row} and "
                    f"row {row_number} with different texts",
                    row=row_number,
                )
            continue
        first_of_id[article.external_id] = (row_number, article.text)
        articles.append(article)
    if not articles:
        raise InputFileError(path, "the table has a header row but no articles")
    return articles


def _sniff_delimiter(text: str) -> str:
    """The delimiter of ``,`` ``;`` tab that splits the header row into the most columns.

    csv.Sniffer is not used: on a single line every candidate that occurs at
    all is "consistent", and it then prefers ``,``, so "Titel;Text;Datum, Zeit"
    would be read as comma-separated. Header names seldom hold a delimiter.
    """
    end = text.find("\n")
    header_line = text if end < 0 else text[:end]
    best, best_count = ",", 1
    for delimiter in _DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def export_format_of(header: Sequence[str]) -> ExportFormat | None:
    """The entry of :data:`EXPORT_FORMATS` whose header *header* holds, or None.

    Names are compared as column roles are (stripped, in any case), in any
    order, a byte order mark ignored, because a spreadsheet may have reordered,
    re-saved or extended the file. Every column of the export must be there:
    an article table may share a few of its names (``text``, ``coder``), not
    all of them, and a file holding them all is what the named command is for.
    """
    names = {name.replace("\ufeff", "").strip().casefold() for name in header}
    for known in EXPORT_FORMATS:
        if all(column.casefold() in names for column in known.columns):
            return known
    return None


def _refuse_exports(path: Path, header: Sequence[str]) -> None:
    known = export_format_of(header)
    if known is not None:
        shown = ", ".join(known.columns[:3])
        raise InputFileError(
            path,
            f"this is {known.name} (columns {shown}, …), not an article table; "
            + known.advice.format(path=shlex.quote(str(path))),
        )


def _match_columns(path: Path, header: Sequence[str]) -> dict[str, int]:
    """Role -> index of the header column that fills it."""
    # Before the roles: an export without a text column would otherwise be
    # told so, which is true but sends the user the wrong way.
    _refuse_exports(path, header)
    role_of_name = {name: role for role, names in COLUMN_NAMES.items() for name in names}
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        role = role_of_name.get(name.strip().casefold())
        if role is None:
            continue
        if role in columns:
            raise InputFileError(
                path,
                f"columns '{header[columns[role]].strip()}' and '{name.strip()}' both give "
                f"the {role}; keep one of them",
                row=1,
            )
        columns[role] = index
    if "text" not in columns:
        found = ", ".join(f"'{name.strip()}'" for name in header)
        expected = ", ".join(COLUMN_NAMES["text"])
        raise InputFileError(
            path, f"no text column (one of: {expected}); the columns are {found}", row=1
        )
    return columns


def _article(
    path: Path, row: Sequence[str], columns: dict[str, int], row_number: int
) -> ArticleDraft:
    def value(role: str) -> str:
        index = columns.get(role)
        return "" if index is None else row[index].strip()

    text = normalise_text(row[columns["text"]])
    if not text or text.isspace():
        raise InputFileError(path, "the text is empty", row=row_number)
    title = normalise_text(" ".join(value("title").split()))
    return ArticleDraft(
        external_id=value("id") or f"{path.stem}:{row_number}",
        title=title or first_line_title(text, TITLE_LIMIT),
        text=text,
        source=normalise_text(value("source")) or None,
        published=parse_publication_date(value("date")),
        url=value("url") or None,
        origin=f"{path}, row {row_number}",
    )
