"""Articles saved as plain text (.txt) or Markdown (.md), one article per file."""

from __future__ import annotations

import re
from pathlib import Path

from framing_app.core.errors import InputFileError
from framing_app.core.records import ArticleDraft
from framing_app.core.text import normalise_text
from framing_app.formats.dates import to_iso_date
from framing_app.formats.decoding import read_text

TITLE_LIMIT = 200
"""Longest title taken from an article's first line (a whole paragraph may sit on one line)."""

# A date at the start of a file name, as corpora are often named:
# "2011-04-26_npr_budget.txt", "2012-07_globalpost.md".
_STEM_DATE = re.compile(r"(\d{4}-\d{2}(?:-\d{2})?)(?!\d)(?!-\d)")
_MARKDOWN_HEADING = re.compile(r"#{1,6}(?=\s|$)")


def read_plain_text(path: Path, encoding: str | None = None) -> ArticleDraft:
    """Read the article in the .txt or .md file *path*.

    The text is the whole file, decoded (:func:`framing_app.formats.decoding.decode_bytes`,
    *encoding* if given) and normalised. The title is the first non-blank line,
    stripped and cut to :data:`TITLE_LIMIT` characters; in a .md file, the
    marks of a heading ("# ") are dropped from it. The external id is the file
    stem; the publication date and the outlet come from the stem
    (:func:`published_from_stem`, :func:`outlet_from_stem`).

    Raises :class:`InputFileError` when the file cannot be read or decoded, or
    holds only whitespace.
    """
    text = normalise_text(read_text(path, encoding))
    if not text.strip():
        raise InputFileError(path, "the file holds no text")
    title = first_line_title(text)
    if path.suffix.lower() == ".md":
        title = _MARKDOWN_HEADING.sub("", title, count=1).strip() or title
    return ArticleDraft(
        external_id=path.stem,
        title=title,
        text=text,
        published=published_from_stem(path.stem),
        source=outlet_from_stem(path.stem),
        origin=str(path),
    )


def first_line_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """Return the first non-blank line of *text*, whitespace collapsed, cut to *limit* characters.

    "" when *text* is blank.
    """
    for line in text.splitlines():
        title = " ".join(line.split())
        if title:
            return title[:limit].rstrip()
    return ""


def published_from_stem(stem: str) -> str | None:
    """Return the ISO date a file stem starts with ("2011-04-26_npr" -> "2011-04-26"), else None.

    Year-month stems ("2012-07_globalpost") give "2012-07"; a date that does
    not exist ("2011-13-01_x") gives None, as does a bare year, which is as
    likely an id as a date.
    """
    match = _STEM_DATE.match(stem)
    if match is None:
        return None
    return to_iso_date(match.group(1))


# DATE_OUTLET_SLUG: a date, then a short name of letters, digits, dots or
# hyphens, then at least one more part (the slug): "2011-04-26_npr_china-talks".
_STEM_OUTLET = re.compile(r"\d{4}-\d{2}(?:-\d{2})?_([A-Za-z][A-Za-z0-9.\-]{0,39})_.")


def outlet_from_stem(stem: str) -> str | None:
    """The outlet a file stem names after its date ("2011-04-26_npr_china-talks" -> "npr").

    Only for stems of the form DATE_OUTLET_SLUG, the naming the sample corpus
    and many scraping tools use: a stem with one part after the date
    ("2011-04-26_china-talks") names no outlet, and one without a date is an
    id, not a pattern. None otherwise.
    """
    if published_from_stem(stem) is None:
        return None
    match = _STEM_OUTLET.match(stem)
    return match.group(1) if match else None
