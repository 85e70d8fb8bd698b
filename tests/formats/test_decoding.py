"""Deciding the encoding of an article file: BOMs, UTF-8, legacy code pages, binary files."""

# Typographic quotes and dashes and non-Latin letters are what these tests are about.
# ruff: noqa: RUF001

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from framing_app.core.errors import InputFileError
from framing_app.formats.decoding import decode_bytes, guess_code_page, read_bytes, read_text

PATH = Path("corpus/article.txt")

# Realistic sentences using the characters cp1252 has and Latin-1 lacks (€ “ ” – …)
# and the letters of Western European languages.
CP1252_SENTENCES = [
    "Café naïve – “quoted” € résumé.",
    "The senator’s “reform” – costing €3bn – was criticised…",
    "Critics say the £2bn – or roughly €2.3bn – scheme is “too little, too late”.",
    "L’été dernier, le ministre a déclaré : « Nous économiserons 5 € par élève. »",
    "Les députés ont adopté le texte ; l’opposition dénonce un « passage en force ».",
    "Die Straße war voller Menschen, die über das Wetter sprachen – „schön“ sagte man.",
    "Laut Ministerium kostet die Maßnahme rund 1,2 Milliarden € pro Jahr – mehr als geplant.",
    "Größere Maßnahmen für die Flüchtlinge wurden am Freitag beschlossen.",
    "El presidente afirmó que la economía española crecerá un 2 % este año.",
]


def test_utf8_without_bom() -> None:
    text = "Zürich: 気候 🌍 – done"
    assert decode_bytes(text.encode("utf-8"), PATH) == text


def test_utf8_with_bom_drops_the_bom() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "Café €".encode(), PATH) == "Café €"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(codec: str) -> None:
    text = "Grüße – 北京 🎉\r\nline two"
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[codec]
    assert decode_bytes(bom + text.encode(codec), PATH) == text


@pytest.mark.parametrize("sentence", CP1252_SENTENCES)
def test_windows_1252_sentences(sentence: str) -> None:
    data = sentence.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the legacy path is really taken
    assert decode_bytes(data, PATH) == sentence


def test_windows_1252_is_preferred_when_candidates_tie() -> None:
    # charset-normalizer's own first pick for this text is cp1250 ("naďve").
    assert guess_code_page("Café naïve – “quoted” € résumé.".encode("cp1252")) == "cp1252"


@pytest.mark.parametrize(
    ("codec", "sentence"),
    [
        ("cp1251", "Правительство объявило о новых мерах поддержки экономики страны."),
        ("cp1253", "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία."),
        ("cp1254", "Başbakan, İstanbul’daki toplantıda açıklama yaptı."),
    ],
)
def test_other_code_pages_still_win_when_clearly_better(codec: str, sentence: str) -> None:
    assert decode_bytes(sentence.encode(codec), PATH) == sentence


@pytest.mark.parametrize(
    "text",
    [
        "Caf\xe9 \x81 ok",
        # Once read as KOI8-R: the stray byte had ruled cp1252 out.
        "Die Stra\xdfe war voller Menschen, die \xfcber das Wetter sprachen \x81.",
    ],
)
def test_bytes_undefined_in_cp1252_do_not_fail(text: str) -> None:
    # 0x81 is undefined in cp1252; it is read as U+0081, as browsers do.
    assert decode_bytes(text.encode("latin-1"), PATH) == text


def test_result_is_not_normalised() -> None:
    assert decode_bytes(b"one\r\ntwo\rthree", PATH) == "one\r\ntwo\rthree"


def test_explicit_encoding_overrides_detection() -> None:
    # Valid UTF-8, but the user says it is Windows-1252: their word wins.
    assert decode_bytes("café".encode(), PATH, encoding="cp1252") == "cafÃ©"
    russian = "Новости дня"
    assert decode_bytes(russian.encode("koi8_r"), PATH, encoding="KOI8-R") == russian


def test_explicit_utf16_without_bom() -> None:
    assert decode_bytes("abc é".encode("utf-16-le"), PATH, encoding="utf-16-le") == "abc é"


def test_wrong_explicit_encoding_names_file_encoding_and_offset() -> None:
    data = "Straße".encode("cp1252")
    with pytest.raises(InputFileError) as caught:
        decode_bytes(data, PATH, encoding="utf-8")
    assert caught.value.path == PATH
    message = str(caught.value)
    assert message.startswith(f"{PATH}: cannot be decoded as utf-8: byte 0xdf at offset 4")


def test_unknown_explicit_encoding() -> None:
    with pytest.raises(InputFileError) as caught:
        decode_bytes(b"abc", PATH, encoding="klingon-8")
    assert str(caught.value) == f"{PATH}: unknown encoding 'klingon-8'"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        "no BOM: UTF-16 text".encode("utf-16-le"),
        b"text with \x01\x02\x03\x04\x05\x06 control bytes",
    ],
)
def test_binary_content_is_rejected(data: bytes) -> None:
    with pytest.raises(InputFileError) as caught:
        decode_bytes(data, PATH)
    assert str(caught.value) == f"{PATH}: looks like a binary file, not text"


def test_binary_content_is_rejected_with_a_single_byte_explicit_encoding() -> None:
    with pytest.raises(InputFileError, match="binary"):
        decode_bytes(b"abc\x00def", PATH, encoding="cp1252")


def test_a_tab_and_form_feed_are_text() -> None:
    assert decode_bytes(b"a\tb\x0cc\x1a", PATH) == "a\tb\x0cc\x1a"


def test_read_text_from_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Zoë’s “café” – €5".encode("cp1252"))
    assert read_text(path) == "Zoë’s “café” – €5"


def test_read_bytes_reports_the_system_reason(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_bytes(tmp_path / "missing.txt")
    assert str(caught.value) == f"{tmp_path / 'missing.txt'}: no such file or directory"
    with pytest.raises(InputFileError) as caught:
        read_bytes(tmp_path)
    assert caught.value.reason == "is a directory"
