"""Normalisation of article text.

Annotations point into the stored text by code-point offsets, so the text is
normalised exactly once, on import, and never changes afterwards.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_BOM = "\ufeff"


# C0 controls other than tab, LF and CR (handled above), and DEL. A NUL ends
# a C string: a passage holding one is cut short by the next program that
# reads the export. Vertical tab and form feed are line and page breaks
# (Unicode Standard Annex #14 class BK) and become LF; the rest go.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
_BREAKS = frozenset("\x0b\x0c")


def _control(match: re.Match[str]) -> str:
    return "\n" if match.group() in _BREAKS else ""


def normalise_text(text: str) -> str:
    """Return *text* as it is stored: no leading BOM, LF line ends, no control codes, NFC.

    CRLF and lone CR become LF (so offsets do not depend on the platform that
    wrote the file); vertical tab and form feed become LF, and the other C0
    control characters (NUL included) and DEL are removed, tab and LF kept;
    NFC (Unicode Standard Annex #15) makes a precomposed "é" and "e" +
    combining acute the same text, with the same offsets and hash.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(text):
        text = _CONTROLS.sub(_control, text)
    # After the controls, so that no removed character can uncover a BOM that
    # a second normalisation would then remove (idempotence).
    if text.startswith(_BOM):
        text = text.lstrip(_BOM)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 encoding of *text* (the stored, normalised text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def excerpt(text: str, width: int) -> str:
    """*text* on one line (runs of white space as one space), cut to *width* with "…"."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# A string from JSON ("\\ud800"), or from a command-line argument that was not
# valid UTF-8 (Python's surrogateescape, PEP 383), can hold a code point from
# the surrogate range, which no UTF encoding can store.
_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int | None:
    """Index of the first unpaired surrogate code point in *text*, or None if it has none."""
    found = _SURROGATE.search(text)
    return found.start() if found else None


NUL_REFUSED = "holds a NUL character (U+0000), which a project cannot store"


def holds_nul(text: str) -> bool:
    """Whether *text* holds U+0000; a memo, definition or shortcut holding one is refused.

    PostgreSQL's text types cannot store it, and a project file must hold only
    what a server project can (it may be merged or pushed into one). Article
    texts never keep one (:func:`normalise_text`); names refuse every control
    character (:func:`framing_app.core.names.clean_name`).
    """
    return "\x00" in text


def undecodable(text: str) -> str | None:
    """What in *text* is not text, for a message ("byte 0xe9 at character 3"), or None.

    A byte that was not valid UTF-8 in a file name or a command-line argument
    arrives as U+DC80-U+DCFF (PEP 383's surrogateescape) and is named as that
    byte; any other unpaired surrogate is named as a code point.
    """
    at = lone_surrogate(text)
    if at is None:
        return None
    code = ord(text[at])
    what = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
    return f"{what} at character {at}"


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every (start, end) of *needle* in *text*, ignoring case; offsets in code points.

    Matching is Python's ``re.IGNORECASE``, a character-by-character simple
    case folding, so each hit's offsets are those of the stored text (full
    case folding would turn "ß" into "ss" and shift every offset after it).
    Hits do not overlap; white space in *needle* matches any run of white space,
    as a passage copied from elsewhere may wrap differently.
    """
    words = needle.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(word) for word in words)
    return [match.span() for match in re.finditer(pattern, text, re.IGNORECASE)]
