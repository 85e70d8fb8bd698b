"""Articles saved from the web as HTML (.html, .htm), one article per file.

The article's main text is taken with trafilatura, an extraction library made
for news pages (Barbaresi, "Trafilatura: A Web Scraping Library and Command-Line
Tool for Text Discovery and Extraction", ACL 2021): menus, cookie banners,
share buttons, "Most read" lists, related links and footers are left out. Pages
where it finds no main text are read whole, as a browser lays them out
(:mod:`framing_app.formats.html_page_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from configparser import ConfigParser
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.settings import use_config

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
from framing_app.formats.html_page_text import PageText, collapse
from framing_app.formats.plain_text import TITLE_LIMIT, first_line_title, published_from_stem

# The same prescan a browser does (WHATWG HTML, "prescan a byte stream"),
# simplified: a charset in a <meta charset> or <meta http-equiv content> tag.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_PRESCAN_BYTES = 65536

# Stored text never changes once annotations point into it, so everything that
# shapes the extracted text is set here rather than left to the library's
# defaults (which a release may change; pyproject.toml also pins the minor release).
_SETTINGS = {
    # Below this many characters the main-text candidate is checked against
    # the library's backup extractors: the library's default, written down.
    "MIN_EXTRACTED_SIZE": "250",
    # Any text at all counts as a main text; less than that means the fallback.
    "MIN_OUTPUT_SIZE": "1",
    "MIN_OUTPUT_COMM_SIZE": "1",
    # No cap on the size of the page: a long article is never cut or dropped.
    "MAX_TREE_SIZE": "",
    "MAX_FILE_SIZE": "20000000",
    "MIN_FILE_SIZE": "10",
    # Only used by the library's own command line; 0 turns its timer off.
    "EXTRACTION_TIMEOUT": "0",
}
_EXTRACTION: dict[str, Any] = {
    # Balanced between precision and recall: favouring precision drops short
    # paragraphs (a one-sentence quote, a dateline), which news text is full of;
    # favouring recall lets "Most read" lists and related links back in.
    "favor_precision": False,
    "favor_recall": False,
    # fast=False: when the main heuristics find little, the library compares
    # its result with its readability and jusText extractors (both bundled,
    # nothing downloaded) and keeps the better one.
    "fast": False,
    # Readers' comments are not the article.
    "include_comments": False,
    # Tables in a news article carry what it reports (results, figures).
    "include_tables": True,
    # Plain text: no image placeholders, no link targets, no markdown marks.
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    # The library's deduplication remembers paragraphs across calls in a
    # process-wide cache: the same page would lose text depending on what was
    # read before it.
    "deduplicate": False,
    # No language filter: every language is imported.
    "target_language": None,
}
# Metadata is only used for the title; the date search of the library (which
# compares with today's date) is kept short and independent of the clock.
_DATE_SEARCH = {"extensive_search": False, "original_date": True, "max_date": "2099-12-31"}
# Elements of the library's output (its XML-TEI-like tree) that end a paragraph.
# <lb/> (a <br>) ends one too, as in the whole-page reader.
_TREE_BLOCKS = frozenset(
    {"body", "doc", "div", "head", "p", "quote", "list", "item", "table", "row", "code", "lb"}
)
_TREE_CELLS = frozenset({"cell"})
# " | ", " - ", " – ", " — ", " · ", " • ", " :: ", " / ", " » " before a site name
# ("Talks resume | The Guardian"); a colon is not one: headlines use it
# ("Explainer: what is at stake").
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•/»]|::)\s+")
# A <title>'s last segment counts as a site name only if it is short.
_SITE_NAME_WORDS = 4
_SITE_NAME_CHARS = 40
# The headline is put first in the text unless one of this many leading paragraphs is it.
_HEADLINE_WINDOW = 3


def read_html(path: Path, encoding: str | None = None) -> ArticleDraft:
    """Read the article in the HTML file *path*.

    Text: the page's main text as trafilatura finds it (options pinned in
    ``_EXTRACTION``), in paragraphs joined by a blank line ("\\n\\n"): each
    paragraph, heading, list item, quote, table row and line break (<br>) ends
    one; inside one, runs of whitespace collapse to a space, except in code
    blocks (<pre>); table cells in a row are separated by a space. The page's
    visible headline (an <h1> that is the title) comes first, added when none
    of the main text's first three paragraphs is it, as the first line of a
    .txt article is its headline.
    A page without a main text is read whole instead (see
    :class:`framing_app.formats.html_page_text.PageText`). The same bytes
    always give the same text.

    Title: the title trafilatura finds (og:title, the headline in the page, the
    <title>), else the <title>, else the first <h1>, else the first line of the
    text; without a trailing site name (" | The Guardian", " - Reuters",
    " – BBC News": one the page names in its metadata, or the <title>'s last segment).
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
    # Normalised first, so that a <pre> written with CRLF line ends is read
    # the same as one written with LF.
    markup = normalise_text(_decode_page(data, path, encoding))
    page = PageText()
    page.feed(markup)
    page.close()
    metadata = trafilatura.extract_metadata(markup, date_config=dict(_DATE_SEARCH))
    site_names = _site_names(page)
    title = _clean_title([metadata.title, page.title, page.first_h1], site_names)
    paragraphs = _main_text(markup) or page.paragraphs()
    if not paragraphs:
        raise InputFileError(path, "the file holds no text")
    if title and title == page.first_h1 and title not in paragraphs[:_HEADLINE_WINDOW]:
        paragraphs.insert(0, title)
    text = normalise_text("\n\n".join(paragraphs))
    published = parse_publication_date(page.published_time or page.time_datetime)
    return ArticleDraft(
        external_id=path.stem,
        title=title[:TITLE_LIMIT].rstrip() or first_line_title(text),
        text=text,
        source=collapse(page.site_name) or None,
        published=published if published is not None else published_from_stem(path.stem),
        url=page.canonical_url or page.og_url or None,
        origin=str(path),
    )


def _main_text(markup: str) -> list[str]:
    """The paragraphs of the page's main text, or none when there is none."""
    tree = trafilatura.load_html(markup)
    if tree is None:
        return []
    # <template> holds markup a browser never shows, but lxml parses it as
    # content. (The library's prune_xpath option would do this, but it also
    # changes how the rest of the page is read.)
    for template in list(tree.iter("template")):
        template.drop_tree()
    document = trafilatura.bare_extraction(tree, config=_config(), **_EXTRACTION)
    body = getattr(document, "body", None)
    if body is None:
        return []
    paragraphs = _tree_paragraphs(body)
    if len("".join(paragraphs)) < int(_SETTINGS["MIN_EXTRACTED_SIZE"]):
        # When its extractors find little, the library may return its
        # "baseline": the page's text dumped without paragraphs. That is no
        # main text; the whole-page reader does the same job keeping paragraphs.
        baseline_body, _, _ = trafilatura.baseline(tree)
        if paragraphs == _tree_paragraphs(baseline_body):
            return []
    return paragraphs


def _tree_paragraphs(body: Any) -> list[str]:
    paragraphs = _TreeParagraphs()
    paragraphs.walk(body, in_code=False)
    return paragraphs.finish()


def _config() -> ConfigParser:
    config = use_config()
    for key, value in _SETTINGS.items():
        config.set("DEFAULT", key, value)
    return config


class _TreeParagraphs:
    """Paragraphs of trafilatura's output tree, by the whole-page reader's rules."""

    def __init__(self) -> None:
        self._paragraphs: list[str] = []
        self._current: list[str] = []
        self._current_is_code = False

    def walk(self, element: Any, in_code: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag:  # comments and processing instructions: only their tail is text
            block = tag in _TREE_BLOCKS
            in_code = in_code or tag == "code"
            if block:
                self._end()
            elif tag in _TREE_CELLS:
                self._current.append(" ")
            self._add(element.text, in_code)
            for child in element:
                self.walk(child, in_code)
            if block:
                self._end()
        self._add(element.tail, in_code)

    def finish(self) -> list[str]:
        self._end()
        return self._paragraphs

    def _add(self, text: str | None, in_code: bool) -> None:
        if text:
            self._current.append(text)
            self._current_is_code = self._current_is_code or in_code

    def _end(self) -> None:
        raw = "".join(self._current)
        # Code keeps its layout, as <pre> does in the whole-page reader.
        paragraph = raw.strip("\n").rstrip() if self._current_is_code else collapse(raw)
        if paragraph.strip():
            self._paragraphs.append(paragraph)
        self._current = []
        self._current_is_code = False


def _site_names(page: PageText) -> list[str]:
    """Names the page gives its site, to be cut from the end of a title.

    Not the library's own site name: it guesses one from the title itself.
    """
    names = [collapse(page.site_name)]
    segments = _TITLE_SEPARATOR.split(page.title)
    last = segments[-1].strip() if len(segments) > 1 else ""
    # Site names are names: short and capitalised ("Reuters", "BBC News"), unlike
    # the second half of a headline ("Budget cuts - the crisis deepens").
    short = len(last) <= _SITE_NAME_CHARS and len(last.split()) <= _SITE_NAME_WORDS
    if short and (last[:1].isupper() or last[:1].isdigit()):
        names.append(last)
    return [name for name in names if name]


def _clean_title(candidates: Iterable[str | None], site_names: list[str]) -> str:
    """The first candidate that is not just a site name, without a trailing one."""
    known = {name.casefold() for name in site_names}
    for candidate in candidates:
        title = _strip_site_name(collapse(candidate or ""), known)
        if title and title.casefold() not in known:
            return title
    return ""


def _strip_site_name(title: str, site_names: set[str]) -> str:
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if separators:
        last = separators[-1]
        if title[last.end() :].strip().casefold() in site_names and last.start() > 0:
            return title[: last.start()].rstrip()
    return title


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
