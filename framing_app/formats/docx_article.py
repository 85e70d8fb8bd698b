"""Articles saved as Word documents (.docx), one article per file, read with python-docx."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from framing_app.core.errors import InputFileError
from framing_app.core.records import ArticleDraft
from framing_app.core.text import normalise_text
from framing_app.formats.decoding import read_bytes
from framing_app.formats.plain_text import TITLE_LIMIT, first_line_title, published_from_stem

# What python-docx (through zipfile and lxml) raises on a file that is not a
# Word document: not a zip, a zip without the Office parts, a package of
# another content type (an .xlsx renamed), broken XML (lxml's XMLSyntaxError
# is a SyntaxError).
_NOT_A_DOCUMENT = (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, SyntaxError)


def read_docx(path: Path) -> ArticleDraft:
    """Read the article in the Word document *path*.

    Text: the paragraphs of the body and the text of its tables, in document
    order, one paragraph per Word paragraph (a table cell's paragraphs included;
    a merged cell counted once), joined by a blank line ("\\n\\n"); empty
    paragraphs are dropped. Headers, footers, footnotes, comments and text boxes
    are not read.

    Title: the document's Title property when set, else the first line of the
    text. External id: the file stem. Published: a date the stem starts with
    (:func:`framing_app.formats.plain_text.published_from_stem`), not the
    document's creation time, which is when the file was made, not the article.

    Raises :class:`InputFileError` when the file cannot be read, is not a Word
    document, or holds no text.
    """
    data = read_bytes(path)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [text for text in _block_texts(document.iter_inner_content()) if text.strip()]
        core_title = document.core_properties.title or ""
    except _NOT_A_DOCUMENT as error:
        raise InputFileError(path, f"not a readable .docx file: {error}") from None
    if not paragraphs:
        raise InputFileError(path, "the file holds no text")
    text = normalise_text("\n\n".join(paragraphs))
    title = " ".join(normalise_text(core_title).split())[:TITLE_LIMIT].rstrip()
    return ArticleDraft(
        external_id=path.stem,
        title=title or first_line_title(text),
        text=text,
        published=published_from_stem(path.stem),
        origin=str(path),
    )


def _block_texts(blocks: Iterator[Paragraph | Table]) -> Iterator[str]:
    """The text of each paragraph in *blocks*, walking into tables (and tables in cells)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            continue
        # A cell spanning several columns or rows appears once per grid position
        # it covers; its <w:tc> element identifies it (python-docx has no public
        # identity for cells). The elements are kept so their ids stay unique.
        seen: dict[int, object] = {}
        for row in block.rows:
            for cell in row.cells:
                element = cell._tc
                if id(element) in seen:
                    continue
                seen[id(element)] = element
                yield from _block_texts(cell.iter_inner_content())
