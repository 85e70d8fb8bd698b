"""Normalisation of article text.

Annotations point into the stored text by code-point offsets, so the text is
normalised exactly once, on import, and never changes afterwards.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_BOM = "\ufeff"


def normalise_text(text: str) -> str:
    """Return *text* as it is stored: no leading BOM, LF line ends, Unicode NFC.

    CRLF and lone CR become LF (so offsets do not depend on the platform that
    wrote the file); NFC (Unicode Standard Annex #15) makes a precomposed
    "é" and "e" + combining acute the same text, with the same offsets and hash.
    """
    if text.startswith(_BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
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
