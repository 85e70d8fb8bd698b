"""Turning the bytes of an article file into text.

Researchers collect articles from many places: newer tools write UTF-8, Word
and Notepad on Windows write UTF-16 with a byte-order mark or an ANSI code
page (Windows-1252 in Western Europe and the Americas), database exports write
whatever their server used. This module decides which one a file is in.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer

from framing_app.core.errors import InputFileError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Single-byte code pages a news article may plausibly be in. Multi-byte Asian
# encodings are left out on purpose: given short Western text, charset-normalizer
# happily reports them (a German sentence came back as big5hkscs), and files in
# those encodings can still be read by naming the encoding explicitly.
LEGACY_CODE_PAGES: tuple[str, ...] = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8_r",
    "iso8859_15",
)

# Two candidates whose mess ratios differ by less than this are equally good.
_CHAOS_EPSILON = 0.01
# ... and among those, coherence (how well the letters fit a language) must beat
# the Windows-1252 reading by more than this to win. Coherence on a sentence or
# two is noisy (a "£" made Windows-1250 look 0.02 more English than 1252), but
# a Turkish or Lithuanian text does score clearly higher in its own code page.
_COHERENCE_MARGIN = 0.05

# C0 control characters that never occur in text (tab, LF, VT, FF, CR and the
# DOS end-of-file mark 0x1A are left out: old text files do contain those).
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1A)) | {0x1B, 0x1C, 0x1D}
_BINARY_SAMPLE = 65536

# Windows-1252 leaves five bytes undefined; like the WHATWG Encoding Standard,
# read them as the C1 controls of the same number instead of failing.
_CP1252_HIGH = {
    byte: bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(0x80, 0xA0)
}
_CP1252_UNDEFINED = bytes(byte for byte, char in _CP1252_HIGH.items() if char == chr(byte))
_CP1252_TABLE = str.maketrans({chr(byte): char for byte, char in _CP1252_HIGH.items()})


def read_bytes(path: Path) -> bytes:
    """Return the content of the file *path*.

    An operating-system failure (no such file, permission denied, a folder)
    raises :class:`InputFileError` with the system's reason.
    """
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputFileError(path, os_reason(error)) from None


def read_text(path: Path, encoding: str | None = None) -> str:
    """Return the text of the file *path*, decoded by :func:`decode_bytes` (not normalised)."""
    return decode_bytes(read_bytes(path), path, encoding)


def os_reason(error: OSError) -> str:
    """Return the system's reason for *error* as a message fragment ("permission denied")."""
    reason = error.strerror or str(error)
    return reason[:1].lower() + reason[1:]


def sniff_bom(data: bytes) -> str | None:
    """Return the Python codec named by a leading byte-order mark, or None without one."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def codec_name(encoding: str) -> str | None:
    """Return Python's canonical name for an encoding label ("Latin-1" -> "iso8859-1").

    None when Python knows no such encoding.
    """
    try:
        return codecs.lookup(encoding.strip()).name
    except LookupError:
        return None


def reject_binary(data: bytes, path: Path) -> None:
    """Raise :class:`InputFileError` when *data* (not UTF-16/32) looks like a binary file.

    A NUL byte anywhere is taken as binary (no 8-bit or UTF-8 text holds one, and
    PDF, images, zip-based office files nearly always do). Otherwise the first
    64 KiB are binary when more than 2 % of their bytes (and at least four) are
    control characters that text never uses.
    """
    sample = data[:_BINARY_SAMPLE]
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    if b"\x00" in data or (controls >= 4 and controls * 50 > len(sample)):
        raise InputFileError(path, "looks like a binary file, not text")


def _decode_cp1252(data: bytes) -> str:
    """Decode *data* as Windows-1252, never failing (WHATWG's "windows-1252" decoder)."""
    return data.decode("latin-1").translate(_CP1252_TABLE)


def decode_bytes(data: bytes, path: Path, encoding: str | None = None) -> str:
    """Return the text held by *data*, the content of the file *path*.

    With *encoding*, the bytes are decoded strictly in that encoding; an unknown
    encoding name or a byte that is invalid in it raises :class:`InputFileError`
    naming the file, the encoding and the byte offset.

    Without it, the encoding is decided in this order:

    1. a byte-order mark: UTF-8 (``utf-8-sig``), UTF-16 LE/BE, UTF-32 LE/BE;
    2. a NUL byte or many control bytes: the file is rejected as binary;
    3. strict UTF-8 (ASCII included), which almost never decodes anything else
       by accident;
    4. a legacy single-byte code page (:data:`LEGACY_CODE_PAGES`) ranked by
       charset-normalizer, preferring Windows-1252; see :func:`guess_code_page`.

    The result is not normalised: a BOM read explicitly (``utf-8``) is kept,
    line ends are as in the file. Pass it to
    :func:`framing_app.core.text.normalise_text`.
    """
    if encoding is not None:
        return _decode_explicit(data, path, encoding)
    bom_codec = sniff_bom(data)
    if bom_codec is not None:
        try:
            return data.decode(bom_codec)
        except UnicodeDecodeError as error:
            raise InputFileError(path, _decode_failure(data, bom_codec, error)) from None
    reject_binary(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    code_page = guess_code_page(data)
    if code_page == "cp1252":
        return _decode_cp1252(data)
    try:
        return data.decode(code_page)
    except UnicodeDecodeError:
        return _decode_cp1252(data)


def guess_code_page(data: bytes) -> str:
    """Return the single-byte code page *data* (not valid UTF-8) is most likely in.

    charset-normalizer ranks each code page by how "messy" the decoded text
    looks (``chaos``) and how well its letters fit a language (``coherence``).
    On a sentence or two, several code pages decode an ordinary Western text
    with no mess at all, and its own first pick is then arbitrary: a French
    phrase with an en dash, curly quotes and a euro sign came back as cp1250,
    a German sentence as big5hkscs when all encodings were allowed. Since
    Windows-1252 is by far the most common legacy encoding of the articles this
    program reads, it is chosen whenever it is among the best candidates: those
    within ``_CHAOS_EPSILON`` of the least chaos and within
    ``_COHERENCE_MARGIN`` of the best coherence among them, counting a
    candidate whose bytes decode the same in cp1252 (``could_be_from_charset``).
    Otherwise the best candidate wins (so Russian, Greek or Turkish text is
    read in its own code page); with no candidate at all, cp1252. The five
    bytes cp1252 leaves undefined are left out of the ranking: charset-normalizer
    rules out a code page for one stray byte it cannot decode, and read a German
    text holding one 0x81 as KOI8-R.

    The trade-off: a short Polish or Czech text is often read as cp1252 too
    (nearly every byte is defined there, and coherence on a sentence cannot
    tell the languages apart); such files should be saved as UTF-8 or read
    with an explicit encoding.
    """
    probe = data.translate(None, _CP1252_UNDEFINED)
    matches = list(charset_normalizer.from_bytes(probe, cp_isolation=list(LEGACY_CODE_PAGES)))
    if not matches:
        return "cp1252"
    least_chaos = min(match.chaos for match in matches)
    calm = [match for match in matches if match.chaos <= least_chaos + _CHAOS_EPSILON]
    best_coherence = max(match.coherence for match in calm)
    best = [match for match in calm if match.coherence >= best_coherence - _COHERENCE_MARGIN]
    if any("cp1252" in match.could_be_from_charset for match in best):
        return "cp1252"
    # sorted() is stable, so equal candidates keep charset-normalizer's order.
    best.sort(key=lambda match: (match.chaos, -match.coherence))
    return best[0].encoding


def _decode_explicit(data: bytes, path: Path, encoding: str) -> str:
    codec = codec_name(encoding)
    if codec is None:
        raise InputFileError(path, f"unknown encoding '{encoding}'")
    if not codec.startswith(("utf-16", "utf-32")):
        reject_binary(data, path)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise InputFileError(path, _decode_failure(data, encoding, error)) from None


def _decode_failure(data: bytes, encoding: str, error: UnicodeDecodeError) -> str:
    byte = data[error.start]
    return f"cannot be decoded as {encoding}: byte 0x{byte:02x} at offset {error.start} is invalid"
