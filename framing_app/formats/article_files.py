"""Finding article files in what the user picked, and reading each with its reader."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from framing_app.core.errors import InputFileError
from framing_app.core.limits import MAX_ARTICLE_FILE_BYTES, MAX_TABLE_FILE_BYTES, megabytes
from framing_app.core.records import ArticleDraft
from framing_app.core.text import undecodable
from framing_app.formats.article_table import read_article_table
from framing_app.formats.decoding import os_reason
from framing_app.formats.docx_article import read_docx
from framing_app.formats.html_article import read_html
from framing_app.formats.plain_text import read_plain_text

ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".docx", ".csv", ".tsv")
"""File name suffixes of the files articles are imported from (compared in any case)."""

_TABLE_SUFFIXES = (".csv", ".tsv")

_READERS: dict[str, Callable[[Path, str | None], list[ArticleDraft]]] = {
    ".txt": lambda path, encoding: [read_plain_text(path, encoding)],
    ".md": lambda path, encoding: [read_plain_text(path, encoding)],
    ".html": lambda path, encoding: [read_html(path, encoding)],
    ".htm": lambda path, encoding: [read_html(path, encoding)],
    # A .docx file is zipped XML that declares its own encoding.
    ".docx": lambda path, _encoding: [read_docx(path)],
    ".csv": read_article_table,
    ".tsv": read_article_table,
}


def find_article_files(paths: Sequence[Path]) -> list[Path]:
    """Return the article files named by *paths* (files and folders), each once.

    A file given directly is taken when its suffix is one of
    :data:`ARTICLE_SUFFIXES`, hidden or not. A folder is walked recursively in
    a fixed order (entries sorted by name, ignoring case, folders entered where
    they sort), taking files with those suffixes and skipping hidden files and
    folders (name starting with ".") and Office lock files ("~$..."); links to
    folders are not followed, so a link loop cannot trap the walk. A file
    reached twice is listed where it is first reached.

    Raises :class:`InputFileError` for a path that does not exist, a file given
    directly with another suffix, or a folder that cannot be listed.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates: Iterator[Path] = _walk(path)
        elif path.is_file():
            _check_suffix(path)
            candidates = iter((path,))
        elif path.exists():
            raise InputFileError(path, "not a file or folder")
        else:
            raise InputFileError(path, "no such file or folder")
        for candidate in candidates:
            identity = candidate.resolve()
            if identity not in seen:
                seen.add(identity)
                found.append(candidate)
    return found


def read_article_file(path: Path, encoding: str | None = None) -> list[ArticleDraft]:
    """Return the articles in the file *path*, read by the reader for its suffix.

    One article for .txt, .md, .html, .htm and .docx files, one per row for
    .csv and .tsv. *encoding* names the encoding of text files (ignored for
    .docx); without it, the encoding is detected
    (:func:`framing_app.formats.decoding.decode_bytes`).

    Raises :class:`InputFileError` for an unsupported suffix, a file the
    system cannot read (with its reason, "permission denied"), or content its
    reader rejects.
    """
    _check_suffix(path)
    _check_name(path)
    _check_size(path)
    reader = _READERS[path.suffix.lower()]
    try:
        return reader(path, encoding)
    except OSError as error:
        # The readers report failures to read the file themselves; this is for
        # anything a library opens on its own.
        raise InputFileError(path, os_reason(error)) from None


def _check_name(path: Path) -> None:
    """Refuse a file whose name is not UTF-8: it becomes the article's id, which must be text.

    Such names come from old archives and Windows file systems mounted with
    another code page; Python hands their bytes over as lone surrogates (PEP 383).
    """
    bad = undecodable(path.name)
    if bad is not None:
        raise InputFileError(path, f"the file name is not valid UTF-8 ({bad}); rename the file")


def _check_size(path: Path) -> None:
    """Refuse a file too large to be what it claims before any of it is read."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputFileError(path, os_reason(error)) from None
    table = path.suffix.lower() in _TABLE_SUFFIXES
    limit = MAX_TABLE_FILE_BYTES if table else MAX_ARTICLE_FILE_BYTES
    if size > limit:
        what = "an article table" if table else "one article"
        raise InputFileError(
            path,
            f"is {megabytes(size)}, more than the {megabytes(limit)} allowed for {what}; "
            "is it really an article file?",
        )


def _check_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "(no suffix)"
        raise InputFileError(
            path, f"unsupported file type {shown}; supported: {', '.join(ARTICLE_SUFFIXES)}"
        )


def _walk(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir(), key=lambda entry: (entry.name.casefold(), entry.name))
    except OSError as error:
        raise InputFileError(folder, f"cannot list the folder: {os_reason(error)}") from None
    for entry in entries:
        if entry.name.startswith((".", "~$")):
            continue
        if entry.is_dir():
            if not entry.is_symlink():
                yield from _walk(entry)
        elif entry.is_file() and entry.suffix.lower() in ARTICLE_SUFFIXES:
            yield entry
