"""Size limits on what is imported, checked before a file is read whole.

A news article is a few thousand to a few hundred thousand characters; a
file far larger than any article is a mistake (a database dump, a disk
image renamed .txt) that would otherwise be read whole into memory and fail
deep inside the database ("string or blob too big", SQLite's 1 GB default
SQLITE_MAX_LENGTH). These limits refuse it up front, with the limit in the
message. The README's "Importing articles" section states them.
"""

from __future__ import annotations

MAX_ARTICLE_CHARS = 20_000_000
"""Longest article text, in characters (code points), from any source."""

MAX_ARTICLE_FILE_BYTES = 20 * 1024 * 1024
"""Largest .txt, .md, .html, .htm or .docx file read as one article (20 MiB)."""

MAX_TABLE_FILE_BYTES = 1024 * 1024 * 1024
"""Largest .csv/.tsv article table (1 GiB: tens of thousands of long articles)."""

MAX_MATRIX_FILE_BYTES = 512 * 1024 * 1024
"""Largest reliability matrix .csv read (512 MiB: millions of units, all held in memory)."""


def megabytes(size: int) -> str:
    """*size* in bytes as a short figure for messages ("20 MB", "1.1 GB")."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.0f} MB" if size >= 1024**2 else f"{size:,} bytes"
