"""Adjusting a selected span to whole words."""

from __future__ import annotations

# Characters that belong to a word besides letters and digits: apostrophes
# (China's, China’s), hyphens inside compounds, and the underscore.
_JOINERS = frozenset("'’-_\u00ad")


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch in _JOINERS


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``text[start:end]`` to whole words and trim white space at its edges.

    A span that starts or ends inside a word grows to include that word; white
    space at either end is dropped; punctuation that is selected stays. Spans
    are code-point offsets, end exclusive. A span holding only white space is
    returned unchanged (there is no word to snap to).
    """
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}-{end} outside 0..{len(text)}")
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s == e:
        return start, end
    if _in_word(text[s]):
        while s > 0 and _in_word(text[s - 1]):
            s -= 1
    if _in_word(text[e - 1]):
        while e < len(text) and _in_word(text[e]):
            e += 1
    return s, e
