"""Property tests beyond the format and offset tests: what editors, spreadsheets and Qt do.

``tests/formats/test_annotation_csv.py`` already round-trips arbitrary rows in
both flavours and searches densely over apostrophes and formula characters in
the Excel flavour; ``tests/core/test_offsets.py`` round-trips every code-point
offset of arbitrary text. These add what those leave out: a plain file an
editor re-saved with a byte order mark, formula-like starts in every text
column of both flavours with arbitrary text after them, names spaced with
Unicode spaces, and, for offsets, text dense in emoji and astral characters with
every UTF-16 offset (inside surrogate pairs too) mapped back.
"""

from __future__ import annotations

import codecs
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing_app.core.errors import InputFileError
from framing_app.core.offsets import Utf16Index, code_points_to_utf16, utf16_to_code_points
from framing_app.core.records import AnnotationRow
from framing_app.formats.annotation_csv import read_annotation_csv, write_annotation_csv

# Any code point UTF-8 can encode. Built from integers rather than
# st.characters() so that the first run does not spend seconds building
# hypothesis's Unicode category table (the too_slow health check).
any_char = (
    st.integers(min_value=0, max_value=0x10FFFF)
    .filter(lambda c: not 0xD800 <= c <= 0xDFFF)
    .map(chr)
)
# The starts a spreadsheet runs as a formula, and the apostrophes that escape them.
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "''=", "'-", "'\t", "\r\n"]
formula_like = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(FORMULA_STARTS),
    st.lists(any_char, max_size=8).map("".join),
)
cells = st.one_of(formula_like, st.lists(any_char, max_size=10).map("".join))
# Letters, digits, punctuation and symbols (emoji included): what a name is made of.
# Taken from a list: most code points are unassigned, so filtering any_char is slow.
NAME_CHARS = [
    chr(c)
    for block in (range(0x21, 0x2500), range(0x3000, 0x3100), range(0x4E00, 0x4F00))
    for c in block
    if unicodedata.category(chr(c))[0] in "LNPS"
] + ["😀", "🌏", "👍", "𠀀", "\U0001d400"]
name_char = st.sampled_from(NAME_CHARS)
words = st.lists(st.lists(name_char, min_size=1, max_size=6).map("".join), min_size=1, max_size=4)
# Clean names: one ASCII space between words, NFC. They must come back as they are.
clean_names = (
    words.map(lambda ws: unicodedata.normalize("NFC", " ".join(ws)))
    .filter(lambda name: name == " ".join(name.split()))
    .map(lambda name: name[:200])
)
# Spaces a name pasted from a web page or a word processor may hold.
UNICODE_SPACES = [" ", "\u00a0", "\u2002", "\u2003", "\u2009", "\u202f", "\u205f", "\u3000"]
spaces = st.lists(st.sampled_from(UNICODE_SPACES), min_size=1, max_size=3).map("".join)
T0 = datetime(2024, 3, 1, 14, 30, 5, 123456, tzinfo=UTC)


@st.composite
def rows(draw: st.DrawFn) -> AnnotationRow:
    start = draw(st.integers(min_value=0, max_value=10**6))
    return AnnotationRow(
        annotation_id=draw(st.integers(min_value=0, max_value=10**9)),
        article_id=draw(st.integers(min_value=0, max_value=10**9)),
        article_external_id=draw(cells),
        article_title=draw(cells),
        article_sha256=draw(cells),
        coder=draw(clean_names),
        label=draw(clean_names),
        start=start,
        end=start + draw(st.integers(min_value=1, max_value=10**4)),
        text=draw(cells.filter(bool)),
        memo=draw(cells),
        created_at=T0,
        updated_at=draw(st.datetimes(timezones=st.just(UTC))),
    )


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example (a folder per example costs more than the example)."""
    return tmp_path_factory.mktemp("properties")


def write(path: Path, written: list[AnnotationRow], *, excel: bool) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        write_annotation_csv(written, out, excel=excel)
    return path


@settings(max_examples=200, deadline=None)
@given(written=st.lists(rows(), min_size=1, max_size=4), excel=st.booleans())
def test_formula_like_cells_round_trip_in_both_flavours(
    scratch: Path, written: list[AnnotationRow], excel: bool
) -> None:
    """Every text column, either flavour: '=x', "'=x", "''-x", '@x' come back as written."""
    path = write(scratch / "a.csv", written, excel=excel)
    assert read_annotation_csv(path) == written


@settings(max_examples=150, deadline=None)
@given(written=st.lists(rows(), min_size=1, max_size=4))
def test_plain_file_resaved_with_a_bom_never_loses_an_apostrophe(
    scratch: Path, written: list[AnnotationRow]
) -> None:
    """Notepad and spreadsheets add a byte order mark on saving; that does not make a file Excel's.

    Reading the re-saved plain file gives the rows as written, or (when a cell
    could be read either way) refuses it with a message; it never strips an
    apostrophe the researcher typed (defect 11).
    """
    path = write(scratch / "a.csv", written, excel=False)
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    refusal = None
    try:
        back = read_annotation_csv(path)
    except InputFileError as refused:
        refusal = str(refused)
    if refusal is None:
        assert back == written
    else:
        assert "a.csv" in refusal
        assert "\n" not in refusal


@settings(max_examples=100, deadline=None)
@given(
    row=rows(),
    parts=st.lists(st.tuples(spaces, clean_names), min_size=1, max_size=3),
    tail=spaces,
    excel=st.booleans(),
)
def test_names_spaced_with_unicode_spaces_come_back_with_single_spaces(
    scratch: Path,
    row: AnnotationRow,
    parts: list[tuple[str, str]],
    tail: str,
    excel: bool,
) -> None:
    """'\\u00a0sovereignty\\u3000 claims ' is the label 'sovereignty claims' (defect 8).

    Names are trimmed and their runs of white space, Unicode spaces included,
    become one space, whichever flavour carried them.
    """
    spaced = "".join(space + name for space, name in parts) + tail
    row = row._replace(coder=spaced, label=spaced)
    path = write(scratch / "a.csv", [row], excel=excel)
    (back,) = read_annotation_csv(path)
    expected = " ".join(spaced.split())
    assert (back.coder, back.label) == (expected, expected)
    assert back._replace(coder=spaced, label=spaced) == row


# --------------------------------------------------------------------------- offsets

# Emoji (with skin tones, joiners and flags), astral CJK, the ends of the
# planes, a combining accent, a byte order mark: what counts two UTF-16 units
# or sits next to something that does.
TRICKY = ["a", "é", "中", "😀", "👍🏽", "👩‍👩‍👧", "🇨🇳", "𠀀", "\U00010000", "\U0010ffff"]
TRICKY += ["e\u0301", "\ufeff", "\uffff", "\n"]
emoji_texts = st.lists(st.one_of(st.sampled_from(TRICKY), any_char), max_size=40).map("".join)


def utf16_units(text: str) -> bytes:
    return text.encode("utf-16-le")


@settings(max_examples=300, deadline=None)
@given(text=emoji_texts)
def test_every_utf16_offset_maps_to_the_start_of_its_character(text: str) -> None:
    """Qt may report any UTF-16 offset, inside a surrogate pair too; it never splits a character."""
    index = Utf16Index(text)
    boundaries = {index.to_utf16(offset) for offset in range(len(text) + 1)}
    previous = 0
    for offset16 in range(len(utf16_units(text)) // 2 + 1):
        offset = index.to_code_points(offset16)
        assert offset >= previous  # a later position never maps to an earlier character
        previous = offset
        start16 = index.to_utf16(offset)
        if offset16 in boundaries:
            assert start16 == offset16
        else:
            # Inside the pair of character *offset*: back to its first unit.
            assert start16 == offset16 - 1
            assert ord(text[offset]) > 0xFFFF


@settings(max_examples=300, deadline=None)
@given(text=emoji_texts, data=st.data())
def test_a_stored_passage_is_the_same_passage_in_qt(text: str, data: st.DataObject) -> None:
    """The reader paints text[start:end] by UTF-16 offsets: the same characters, both ways."""
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    start16, end16 = code_points_to_utf16(text, start), code_points_to_utf16(text, end)
    assert utf16_units(text)[2 * start16 : 2 * end16].decode("utf-16-le") == text[start:end]
    assert (utf16_to_code_points(text, start16), utf16_to_code_points(text, end16)) == (start, end)
