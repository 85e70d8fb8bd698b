"""Articles saved from the web as HTML (.html, .htm), one article per file.

The readable text is taken with the standard library's :class:`html.parser.HTMLParser`,
as a browser would lay it out in paragraphs, without page styling.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from framing_app.core.errors import InputFileError
from framing_app.core.records import ArticleDraft
from framing_app.core.text import normalise_text
from framing_app.formats.dates import parse_publication_date
from framing_app.formats.decoding import (
    codec_name,
    decode_bytes,
    read_bytes,
    reject_binary,
    sniff_bom,
)
from framing_app.formats.plain_text import TITLE_LIMIT, first_line_title, published_from_stem

# Elements whose content is never article text.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "svg", "math"})
# Elements that start and end a paragraph (HTML's block-level and line-breaking elements).
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
_CELLS = frozenset({"td", "th"})
# HTML collapses ASCII whitespace only: a no-break space (&nbsp;) stays.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# The same prescan a browser does (WHATWG HTML, "prescan a byte stream"),
# simplified: a charset in a <meta charset> or <meta http-equiv content> tag.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_PRESCAN_BYTES = 65536


def read_html(path: Path, encoding: str | None = None) -> ArticleDraft:
    """Read the article in the HTML file *path*.

    Text: what a reader sees, in paragraphs joined by a blank line ("\\n\\n").
    Block elements (p, div, h1-h6, li, br, tr, blockquote, pre, ...) end a
    paragraph; inside one, runs of whitespace collapse to a space, except in
    <pre>; character references are decoded; the content of script, style,
    noscript, template, svg, math and head is dropped. Table cells in a row are
    separated by a space.

    Title: the <title>, else the first <h1>, else the first line of the text.
    Source: ``<meta property="og:site_name">``. URL: ``<link rel="canonical">``,
    else ``<meta property="og:url">``. Published: ``<meta
    property="article:published_time">``, else the first ``<time datetime>``,
    else a date the file stem starts with, as ISO 8601 when recognised
    (:func:`framing_app.formats.dates.parse_publication_date`). External id:
    the file stem.

    Encoding: *encoding* if given; otherwise a byte-order mark or valid UTF-8;
    otherwise the charset the page declares in a <meta> tag (ISO-8859-1 and
    ASCII meaning Windows-1252, as in browsers); otherwise detection
    (:func:`framing_app.formats.decoding.decode_bytes`).

    Raises :class:`InputFileError` when the file cannot be read or decoded, or
    shows no text.
    """
    data = read_bytes(path)
    page = _ArticlePage()
    # Normalised first, so that a <pre> written with CRLF line ends is read
    # the same as one written with LF.
    page.feed(normalise_text(_decode_page(data, path, encoding)))
    page.close()
    paragraphs = page.paragraphs()
    if not paragraphs:
        raise InputFileError(path, "the file holds no text")
    text = normalise_text("\n\n".join(paragraphs))
    title = (page.title or page.first_h1)[:TITLE_LIMIT].rstrip()
    published = parse_publication_date(page.published_time or page.time_datetime)
    return ArticleDraft(
        external_id=path.stem,
        title=title or first_line_title(text),
        text=text,
        source=_collapse(page.site_name) or None,
        published=published if published is not None else published_from_stem(path.stem),
        url=page.canonical_url or page.og_url or None,
        origin=str(path),
    )


def _decode_page(data: bytes, path: Path, encoding: str | None) -> str:
    if encoding is not None or sniff_bom(data) is not None:
        return decode_bytes(data, path, encoding)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        reject_binary(data, path)
        return text
    declared = _declared_codec(data)
    if declared is not None:
        reject_binary(data, path)
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            # The declaration is wrong (pages are often re-saved in another
            # encoding without updating it): detect instead.
            pass
    return decode_bytes(data, path)


def _declared_codec(data: bytes) -> str | None:
    """The Python codec of the charset declared in a <meta> tag, if usable."""
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    if match is None:
        return None
    codec = codec_name(match.group(1).decode("ascii"))
    if codec is None or codec.startswith(("utf-16", "utf-32")):
        # A page that could be prescanned is not UTF-16; browsers also ignore it.
        return None
    if codec in {"ascii", "latin-1", "iso8859-1"}:
        # The WHATWG Encoding Standard maps these labels to windows-1252, and
        # pages labelled so do use its curly quotes and dashes (0x80-0x9F).
        return "cp1252"
    return codec


class _ArticlePage(HTMLParser):
    """Collects paragraphs and metadata while the page is fed to it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._paragraphs: list[str] = []
        self._current: list[str] = []
        self._current_is_pre = False
        self._skipping: list[str] = []  # open elements whose content is dropped
        self._pre_depth = 0
        self._in_title = False
        self._in_first_h1 = False
        self._seen_h1 = False
        self._title_parts: list[str] = []
        self._h1_parts: list[str] = []
        self.site_name = ""
        self.canonical_url = ""
        self.og_url = ""
        self.published_time = ""
        self.time_datetime = ""

    @property
    def title(self) -> str:
        return _collapse("".join(self._title_parts))

    @property
    def first_h1(self) -> str:
        return _collapse("".join(self._h1_parts))

    def paragraphs(self) -> list[str]:
        self._end_paragraph()
        return list(self._paragraphs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta":
            self._meta(attributes)
        elif tag == "link":
            if "canonical" in attributes.get("rel", "").lower().split() and not self.canonical_url:
                self.canonical_url = attributes.get("href", "").strip()
        elif tag == "time" and not self.time_datetime:
            self.time_datetime = attributes.get("datetime", "").strip()
        if tag == "body" or (tag in _BLOCKS and self._skipping == ["head"]):
            # The body starts, even when a sloppy page never closed its <head>.
            self._close_skipped("head")
        if tag in _SKIPPED:
            self._skipping.append(tag)
            return
        if tag == "title" and set(self._skipping) <= {"head"}:
            self._in_title = True
        if self._skipping:
            return
        if tag in _BLOCKS:
            self._end_paragraph()
            if tag == "pre":
                self._pre_depth += 1
            elif tag == "h1" and not self._seen_h1:
                self._seen_h1 = self._in_first_h1 = True
        elif tag in _CELLS:
            self._current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._close_skipped(tag)
            return
        if tag == "title":
            self._in_title = False
        if self._skipping:
            return
        if tag in _BLOCKS:
            self._end_paragraph()
            if tag == "pre" and self._pre_depth:
                self._pre_depth -= 1
            elif tag == "h1":
                self._in_first_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)
            return
        if self._skipping:
            return
        if self._in_first_h1:
            self._h1_parts.append(data)
        self._current.append(data)
        if self._pre_depth:
            self._current_is_pre = True

    def _meta(self, attributes: dict[str, str]) -> None:
        key = (attributes.get("property") or attributes.get("name") or "").strip().lower()
        content = attributes.get("content", "").strip()
        if key == "og:site_name" and not self.site_name:
            self.site_name = content
        elif key == "og:url" and not self.og_url:
            self.og_url = content
        elif key == "article:published_time" and not self.published_time:
            self.published_time = content

    def _close_skipped(self, tag: str) -> None:
        if tag in self._skipping:
            # Elements left open inside it (an unclosed <svg> child) close with it.
            del self._skipping[len(self._skipping) - 1 - self._skipping[::-1].index(tag) :]

    def _end_paragraph(self) -> None:
        raw = "".join(self._current)
        # As in browsers, a newline right after <pre> is not part of the text.
        paragraph = raw.removeprefix("\n").rstrip() if self._current_is_pre else _collapse(raw)
        if paragraph.strip():
            self._paragraphs.append(paragraph)
        self._current = []
        self._current_is_pre = False


def _collapse(text: str) -> str:
    return _HTML_SPACE.sub(" ", text).strip(" ")
