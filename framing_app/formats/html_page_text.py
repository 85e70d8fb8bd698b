"""The whole of an HTML page read with the standard library's parser: paragraphs and metadata.

:mod:`framing_app.formats.html_article` takes an article's text from here only
for pages whose main text the extraction library cannot find; the metadata
(site name, canonical URL, dates, <title>, first <h1>) is read here for every page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


class PageText(HTMLParser):
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
        return collapse("".join(self._title_parts))

    @property
    def first_h1(self) -> str:
        return collapse("".join(self._h1_parts))

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
        paragraph = raw.removeprefix("\n").rstrip() if self._current_is_pre else collapse(raw)
        if paragraph.strip():
            self._paragraphs.append(paragraph)
        self._current = []
        self._current_is_pre = False


def collapse(text: str) -> str:
    return _HTML_SPACE.sub(" ", text).strip(" ")
