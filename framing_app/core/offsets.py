"""Conversion between code-point offsets (the store) and UTF-16 offsets (Qt).

The store counts Unicode code points, so ``text[start:end]`` in Python is the
passage. Qt's QString counts UTF-16 code units, in which every character
outside the Basic Multilingual Plane (emoji, many CJK extension characters)
takes two units. The GUI converts with these functions at its boundary.
"""

from __future__ import annotations

from bisect import bisect_right


class Utf16Index:
    """Converts offsets for one text in O(log n) per call after O(n) set-up."""

    def __init__(self, text: str) -> None:
        # Code-point positions of the non-BMP characters, ascending.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # UTF-16 position of each of those characters.
        self._astral_u16 = [cp + n for n, cp in enumerate(self._astral)]
        self._length = len(text)

    def to_utf16(self, offset: int) -> int:
        """UTF-16 offset of code-point *offset* (0 <= offset <= len(text))."""
        if not 0 <= offset <= self._length:
            raise ValueError(f"offset {offset} outside 0..{self._length}")
        return offset + bisect_right(self._astral, offset - 1)

    def to_code_points(self, offset16: int) -> int:
        """Code-point offset of UTF-16 *offset16*.

        An offset that falls between the two halves of a surrogate pair is
        moved back to the start of that character, so a selection never
        splits a character.
        """
        total16 = self._length + len(self._astral)
        if not 0 <= offset16 <= total16:
            raise ValueError(f"UTF-16 offset {offset16} outside 0..{total16}")
        # Number of astral characters that start strictly before offset16 ...
        n = bisect_right(self._astral_u16, offset16 - 1)
        if n and self._astral_u16[n - 1] == offset16 - 1:
            # ... offset16 is inside the pair of astral character n-1.
            return self._astral[n - 1]
        return offset16 - n


def utf16_to_code_points(text: str, offset16: int) -> int:
    """One-off form of :meth:`Utf16Index.to_code_points`."""
    return Utf16Index(text).to_code_points(offset16)


def code_points_to_utf16(text: str, offset: int) -> int:
    """One-off form of :meth:`Utf16Index.to_utf16`."""
    return Utf16Index(text).to_utf16(offset)
