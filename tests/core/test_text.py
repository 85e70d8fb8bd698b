"""Normalisation of stored article text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.text import find_all, normalise_text, text_sha256


def test_bom_crlf_cr_and_nfd() -> None:
    raw = "\ufeffCafe\u0301 line one\r\nline two\rline three\n"
    assert normalise_text(raw) == "Café line one\nline two\nline three\n"


def test_hash_is_of_the_utf8_text() -> None:
    # sha256("abc"), FIPS 180-2 appendix B.1.
    assert text_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@given(st.text())
def test_idempotent_and_nfc_without_cr(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)


def test_nul_and_other_controls_are_removed_tab_and_newline_kept() -> None:
    raw = "a\x00b\x01c\x1b[0md\x7fe\tf\ng\x1ah"
    assert normalise_text(raw) == "abc[0mde\tf\ngh"


def test_vertical_tab_and_form_feed_are_line_breaks() -> None:
    assert normalise_text("page one\x0cpage two\x0bline") == "page one\npage two\nline"


@given(st.text())
def test_no_control_character_but_tab_and_newline_survives(text: str) -> None:
    once = normalise_text(text)
    assert all(c in "\t\n" or not (c < " " or c == "\x7f") for c in once)
    assert not once.startswith("\ufeff")


def test_find_all_ignores_case_and_keeps_code_point_offsets() -> None:
    text = "Straße 😀 Sovereignty and\nsovereignty; SOVEREIGNTY"
    hits = find_all(text, "sovereignty")
    assert [text[a:b] for a, b in hits] == ["Sovereignty", "sovereignty", "SOVEREIGNTY"]
    assert hits[0] == (9, 20)  # the emoji is one code point
    assert find_all(text, "sovereignty and sovereignty") == [(9, 36)]  # across the line end
    assert find_all(text, "   ") == []
    assert find_all(text, "a.d") == []  # not a regular expression
