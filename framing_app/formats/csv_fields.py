"""Settings and checks shared by the CSV readers."""

from __future__ import annotations

import csv
from pathlib import Path

from framing_app.core.errors import InputFileError
from framing_app.core.limits import MAX_ARTICLE_CHARS

# The csv module refuses fields over 128 KiB by default; a long report, or a
# passage that is a whole long article, is legitimate. A field longer than the
# longest article allowed is not, and the limit stops the reader before it
# holds a gigabyte-long cell in memory.
FIELD_LIMIT = MAX_ARTICLE_CHARS
FIELD_LIMIT_MESSAGE = "field larger than field limit"


def allow_long_fields() -> None:
    """Set the csv module's field size limit (process-wide) to the longest article."""
    csv.field_size_limit(FIELD_LIMIT)


def too_long_field(error: Exception) -> str | None:
    """The message for a csv error that is a cell over the limit, else None."""
    if FIELD_LIMIT_MESSAGE in str(error):
        return (
            f"a cell is longer than {FIELD_LIMIT:,} characters, the limit for one article "
            "(a quote left open, or not an article table?)"
        )
    return None


def check_width(path: Path, record: list[str], width: int, row: int) -> None:
    """Refuse a ragged row: every record has as many fields as the header."""
    if len(record) != width:
        raise InputFileError(
            path, f"expected {width} fields as in the header, found {len(record)}", row=row
        )
