"""Units of analysis: an article's stored text cut into paragraphs, sentences or characters.

Every unit is a span ``(start, end)`` of code-point offsets into the stored
text, end exclusive, the offsets annotations use (``text[start:end]`` in
Python), so a unit and a coder's passage are compared without any
conversion. The rules (issue 8, "Units of analysis"):

* **Paragraphs** are separated by blank lines: one or more lines that hold
  nothing but white space (a line ends at LF, the only line end a stored
  text has: see :func:`framing_app.core.text.normalise_text`; white space is
  what ``str.isspace`` says, so a line of spaces, tabs or no-break spaces is
  blank). A paragraph's span leaves out its leading and trailing white
  space; a text without blank lines is one paragraph, and a text of white
  space only has none.
* **Sentences** are found inside each paragraph (a sentence never crosses a
  blank line) by syntok's segmenter (https://github.com/fnl/syntok, the
  version pinned in ``pyproject.toml``), plus one rule of ours for Chinese
  and Japanese, which syntok does not split: a sentence also ends after an
  ideographic full stop (U+3002), a fullwidth exclamation or question mark
  (U+FF01, U+FF1F) or a halfwidth ideographic full stop (U+FF61), with any
  closing quotes and brackets right after them. Only where each sentence
  *starts* is taken from the splitter; each sentence then runs to the next
  one's start, less white space at both ends. So whatever the splitter does
  to its tokens, the sentences of a paragraph hold every one of its other
  characters exactly once, at their stored offsets.
* **Characters**: every code point is a unit, white space and line breaks
  included (annotations are exact spans, and whether a coder's passage took
  in the space after a word is part of what was coded). Code points, not
  user-perceived characters: an emoji with a skin tone is two units, as it
  is two offsets in the store.

Pure and deterministic: the same text always gives the same units (for one
version of syntok, which is why it is pinned exactly).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import threading
from array import array
from collections import OrderedDict
from itertools import chain

from syntok import segmenter  # type: ignore[import-untyped]

Span = tuple[int, int]

SENTENCE_SPLITTER = "syntok"
"""The distribution whose segmenter finds sentences (pinned exactly in ``pyproject.toml``)."""

_BRACKET_SKIP = 70
"""syntok's own default: how long a bracketed passage may be and still not end a sentence.

Passed on every call because syntok keeps the setting in a class attribute
that any other caller could change.
"""

# One paragraph, from its first to its last character that is not white
# space: lines joined by single line breaks, none of them blank. ([^\S\n] is
# white space other than LF; Python's \s is str.isspace.) One match per
# paragraph, line by line, rather than a split and two strips per paragraph:
# a corpus has hundreds of thousands of paragraphs.
_PARAGRAPH = re.compile(
    r"""
    \S (?: [^\n]* \S )?           # the first line, trimmed
    (?:
        [^\S\n]* \n               # the end of a line ...
        (?! [^\S\n]* \n )         # ... not followed by a blank line
        [^\S\n]* \S (?: [^\n]* \S )?  # the next line, trimmed
    )*
    """,
    re.VERBOSE,
)

# Full stop, exclamation and question marks of Chinese and Japanese text
# (ideographic, fullwidth, halfwidth), then any closing quotes and brackets.
_CJK_SENTENCE_END = re.compile(
    "[\u3002\uff01\uff1f\uff61]+"
    "[\u201d\u2019\u300d\u300f\u3011\u3015\u3017\u3019\u301b\u300b\u3009"
    "\uff09\uff3d\uff5d\uff63\"')\\]]*"
)


def sentence_splitter() -> str:
    """The sentence splitter and its installed version, e.g. ``"syntok 1.4.4"``, for reports."""
    try:
        return f"{SENTENCE_SPLITTER} {importlib.metadata.version(SENTENCE_SPLITTER)}"
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return SENTENCE_SPLITTER


def paragraph_spans(text: str) -> list[Span]:
    """The paragraphs of *text*, in order (see the module docstring).

    Spans are disjoint, in ascending order, never empty, and neither start
    nor end with white space.
    """
    return [match.span() for match in _PARAGRAPH.finditer(text)]


def sentence_spans(text: str) -> list[Span]:
    """The sentences of *text*, paragraph by paragraph (see the module docstring).

    Spans are disjoint, in ascending order, never empty, neither start nor
    end with white space, and each lies inside one paragraph of
    :func:`paragraph_spans`; the characters of a paragraph that are not
    white space are each in exactly one of its sentences.

    The splitter reads about 2 MB of text a second, so the sentences of the
    most recent texts are remembered (by a 128-bit BLAKE2 digest of the
    text, never by a Python hash, which could collide): the Agreement
    window's second report and the disagreement review after it do not cut
    the same articles again. The result is the same either way.
    """
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _SENTENCES_LOCK:  # reports and the review may cut texts in two threads at once
        found = _SENTENCES.get(key)
        if found is not None:
            _SENTENCES.move_to_end(key)
    if found is not None:
        return [(int(found[i]), int(found[i + 1])) for i in range(0, len(found), 2)]
    spans: list[Span] = []
    for start, end in paragraph_spans(text):
        spans.extend(_sentences_of_paragraph(text, start, end))
    with _SENTENCES_LOCK:
        _SENTENCES[key] = array("q", chain.from_iterable(spans))
        while len(_SENTENCES) > _SENTENCES_KEPT:
            _SENTENCES.popitem(last=False)
    return spans


# The texts whose sentences are remembered: enough for a study's corpus
# (20,000 articles of 4 KB hold about 60 sentences each: some 20 MB).
_SENTENCES_KEPT = 25_000
_SENTENCES: OrderedDict[bytes, array[int]] = OrderedDict()
_SENTENCES_LOCK = threading.Lock()


def character_spans(text: str) -> list[Span]:
    """Every code point of *text* as its own unit: ``(i, i + 1)`` for each offset i."""
    return [(offset, offset + 1) for offset in range(len(text))]


def _add_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    """Append ``text[start:end]`` less its white space at both ends, unless nothing is left."""
    piece = text[start:end]
    kept = piece.lstrip()
    if not kept:
        return
    first = start + len(piece) - len(kept)
    spans.append((first, first + len(kept.rstrip())))


def _sentences_of_paragraph(text: str, start: int, end: int) -> list[Span]:
    paragraph = text[start:end]
    starts = {0}
    # analyze() keeps the tokens' offsets into the string it is given (it
    # neither joins hyphenated words nor expands "n't", unlike process()).
    for chunk in segmenter.analyze(paragraph, bracket_skip_len=_BRACKET_SKIP):
        for sentence in chunk:
            if sentence:
                offset = sentence[0].offset
                # A splitter's offset outside the paragraph would be a bug of
                # the splitter; it must not move a unit off the text.
                if isinstance(offset, int) and 0 < offset < len(paragraph):
                    starts.add(offset)
    for match in _CJK_SENTENCE_END.finditer(paragraph):
        if match.end() < len(paragraph):
            starts.add(match.end())
    bounds = sorted(starts)
    spans: list[Span] = []
    for begin, finish in zip(bounds, [*bounds[1:], len(paragraph)], strict=True):
        _add_trimmed(spans, text, start + begin, start + finish)
    return spans
