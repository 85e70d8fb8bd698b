"""The naming rule for coders and labels (framing_app.core.names)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.names import (
    MAX_NAME_LENGTH,
    InvalidNameError,
    clean_name,
    find_by_name,
    name_key,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("sovereignty ", "sovereignty"),
        ("  double \u00a0  standards\u3000", "double standards"),
        ("e\u0301conomie", "\u00e9conomie"),  # NFC
        ("\u0928\u094d\u200d\u092f", "\u0928\u094d\u200d\u092f"),  # ZWJ kept in Devanagari
        ("x" * MAX_NAME_LENGTH, "x" * MAX_NAME_LENGTH),
    ],
)
def test_names_are_trimmed_collapsed_and_composed(raw: str, clean: str) -> None:
    assert clean_name(raw, "label") == clean


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "a label name cannot be empty"),
        (" \u00a0 ", "a label name cannot be empty"),
        ("a\nb", "contains a control character (U+000A)"),
        ("a\tb", "contains a control character (U+0009)"),
        ("a\x00", "contains a control character (U+0000)"),
        ("a\x85", "contains a control character (U+0085)"),
        ("a\u200bb", "invisible or invalid character (U+200B)"),
        ("\ufeffa", "invisible or invalid character (U+FEFF)"),
        ("a\ud800", "invisible or invalid character (U+D800)"),
        ("x" * (MAX_NAME_LENGTH + 1), "is 201 characters long; the limit is 200"),
        ("x" * 100_000, "is 100,000 characters long; the limit is 200"),
    ],
)
def test_bad_names_are_refused_with_one_line(raw: str, problem: str) -> None:
    with pytest.raises(InvalidNameError) as caught:
        clean_name(raw, "label")
    message = str(caught.value)
    assert problem in message
    assert "\n" not in message
    assert len(message) < 200


def test_names_match_case_insensitively_with_full_case_folding() -> None:
    names = [("sovereignty", 1), ("Straße", 2)]
    assert find_by_name(names, "SOVEREIGNTY ") == 1
    assert find_by_name(names, "STRASSE") == 2
    assert find_by_name(names, "sovereign") is None
    assert name_key("Double  Standards") == name_key("double standards")


@given(st.text())
def test_cleaning_is_idempotent(raw: str) -> None:
    try:
        once = clean_name(raw, "coder")
    except InvalidNameError:
        return
    assert clean_name(once, "coder") == once
    assert unicodedata.is_normalized("NFC", once)
    assert once == once.strip()
    assert "  " not in once
