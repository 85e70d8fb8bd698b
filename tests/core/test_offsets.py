"""Code points (store) against UTF-16 units (Qt)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.offsets import Utf16Index, code_points_to_utf16, utf16_to_code_points


def _u16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(st.text())
def test_round_trip_at_every_offset(text: str) -> None:
    index = Utf16Index(text)
    for offset in range(len(text) + 1):
        u16 = index.to_utf16(offset)
        assert u16 == _u16_len(text[:offset])
        assert index.to_code_points(u16) == offset


def test_emoji_and_flags_count_two_units_each() -> None:
    text = "a😀b🇨🇳c𠀀"
    assert [code_points_to_utf16(text, i) for i in range(len(text) + 1)] == [
        0,
        1,
        3,
        4,
        6,
        8,
        9,
        11,
    ]


def test_offset_inside_a_surrogate_pair_moves_to_the_character_start() -> None:
    text = "x😀y"
    assert utf16_to_code_points(text, 2) == 1
    assert utf16_to_code_points(text, 3) == 2


def test_out_of_range() -> None:
    with pytest.raises(ValueError, match="outside"):
        Utf16Index("ab").to_utf16(3)
    with pytest.raises(ValueError, match="outside"):
        Utf16Index("😀").to_code_points(3)
