"""Snapping a selection to whole words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.spans import snap_to_words

TEXT = "China’s foreign ministry said: “We oppose interference.”  Done."


def _snap(passage_start: int, passage_end: int) -> str:
    s, e = snap_to_words(TEXT, passage_start, passage_end)
    return TEXT[s:e]


def test_partial_words_grow_to_whole_words() -> None:
    start = TEXT.index("ina")
    end = TEXT.index("reign") + 2
    assert _snap(start, end) == "China’s foreign"


def test_surrounding_white_space_is_trimmed() -> None:
    start = TEXT.index(" ministry")
    assert _snap(start, start + len(" ministry ")) == "ministry"


def test_selected_punctuation_is_kept() -> None:
    start = TEXT.index("“We")
    end = TEXT.index("interference.”") + len("interference.”")
    assert _snap(start, end) == "“We oppose interference.”"


def test_white_space_only_is_unchanged() -> None:
    start = TEXT.index("  Done")
    assert snap_to_words(TEXT, start, start + 2) == (start, start + 2)


def test_emoji_and_cjk_are_words_or_not_as_unicode_says() -> None:
    text = "人权 😀 talks"
    assert snap_to_words(text, 0, 1) == (0, 2)  # CJK letters are alphanumeric
    assert snap_to_words(text, 3, 4) == (3, 4)  # an emoji stays as selected


def test_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="outside"):
        snap_to_words("abc", 2, 5)


@given(st.text(min_size=1), st.data())
def test_snapped_span_covers_the_selection_minus_edge_space(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    s, e = snap_to_words(text, start, end)
    assert 0 <= s < e <= len(text)
    core = text[start:end].strip()
    if core:
        # Every non-space character selected is still inside the snapped span.
        first = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        last = end - (len(text[start:end]) - len(text[start:end].rstrip()))
        assert s <= first
        assert last <= e
        assert not text[s].isspace()
        assert not text[e - 1].isspace()
