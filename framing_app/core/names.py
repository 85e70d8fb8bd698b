"""The one rule for coder and label names, on every path a name comes in by.

A name is what a researcher reads in a menu, a CSV column and a reliability
table, and what two coders' files are merged on. So ``'sovereignty '``,
``'Sovereignty'`` and ``'sovereignty'`` must be one label, and a name must fit
on one line of a menu: names are cleaned once, the same way, whether they come
from the command line, an annotation CSV, a codebook JSON, a dialog or a merge,
and compared case-insensitively.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TypeVar

from framing_app.core.errors import FramingError

MAX_NAME_LENGTH = 200
"""Longest name in characters (code points); the schema's column width."""

# Joiners are invisible but meaningful inside words of Indic and Arabic-script
# languages and in emoji sequences; every other format character (zero-width
# space, direction marks, the BOM) only makes two equal-looking names differ.
_ALLOWED_FORMAT = frozenset("\u200c\u200d")

T = TypeVar("T")


class InvalidNameError(FramingError):
    """A coder or label name breaks the naming rule."""


def clean_name(name: str, what: str) -> str:
    """Return *name* as it is stored: NFC, trimmed, runs of white space as one space.

    *what* ("label", "coder") is used in messages. Raises :class:`InvalidNameError`
    with one line for a name that is empty after cleaning, holds a control
    character (a line break or tab included: a name is one line), an invisible
    format character other than ZWJ/ZWNJ, an unpaired surrogate, or is longer
    than :data:`MAX_NAME_LENGTH` characters. Unicode Standard Annex #15 (NFC)
    makes a precomposed and a decomposed "é" the same name.
    """
    for char in name:
        category = unicodedata.category(char)
        if category == "Cc":
            raise InvalidNameError(
                f"{what} name {_shown(name)} contains a control character "
                f"(U+{ord(char):04X}); a name is one line of text"
            )
        if category == "Cs" or (category == "Cf" and char not in _ALLOWED_FORMAT):
            raise InvalidNameError(
                f"{what} name {_shown(name)} contains an invisible or invalid character "
                f"(U+{ord(char):04X})"
            )
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise InvalidNameError(f"a {what} name cannot be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidNameError(
            f"{what} name {_shown(cleaned)} is {len(cleaned):,} characters long; "
            f"the limit is {MAX_NAME_LENGTH}"
        )
    return cleaned


def name_key(name: str) -> str:
    """The key two names are compared by: the cleaned name, case-folded (Unicode §5.18).

    Case folding, not lower-casing, so that "STRASSE" and "straße" match.
    """
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def find_by_name(items: Iterable[tuple[str, T]], name: str) -> T | None:
    """The value paired with the name equal to *name* by :func:`name_key`, or None."""
    key = name_key(name)
    for existing, value in items:
        if name_key(existing) == key:
            return value
    return None


def _shown(name: str) -> str:
    """*name* for a one-line message: quoted, line breaks and invisibles escaped, cut when long."""
    return repr(name[:40] + ("…" if len(name) > 40 else ""))
