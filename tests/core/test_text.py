"""Normalisation of stored article text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.text import normalise_text, text_sha256


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
