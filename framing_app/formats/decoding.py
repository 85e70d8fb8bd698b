"""Turning the bytes of an article file into text.

Researchers collect articles from many places: newer tools write UTF-8, Word
and Notepad on Windows write UTF-16 with a byte-order mark or an ANSI code
page (Windows-1252 in Western Europe and the Americas, GBK in mainland China,
Big5 in Taiwan, Shift_JIS in Japan, ...), database exports write whatever their
server used. This module reads a file's bytes and decides which one it is in: byte
order marks, binary files and UTF-8 here, the legacy code pages in
:mod:`framing_app.formats.legacy_encodings`, which refuses rather than guess.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from framing_app.core.errors import InputFileError
from framing_app.formats.legacy_encodings import (
    CANDIDATE_ENCODINGS,
    decode_legacy,
    detect_encoding,
)

__all__ = [
    "CANDIDATE_ENCODINGS",
    "codec_name",
    "decode_bytes",
    "detect_encoding",
    "os_reason",
    "read_bytes",
    "read_text",
    "reject_binary",
    "sniff_bom",
]

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# C0 control characters that never occur in text (tab, LF, VT, FF, CR and the
# DOS end-of-file mark 0x1A are left out: old text files do contain those).
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1A)) | {0x1B, 0x1C, 0x1D}
_BINARY_SAMPLE = 65536


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
    4. one of the legacy encodings :data:`CANDIDATE_ENCODINGS`, chosen by
       :func:`~framing_app.formats.legacy_encodings.detect_encoding`, which
       raises :class:`InputFileError` ("cannot tell the encoding of this file;
       give --encoding (it could be gb18030 or cp950)") rather than guess when
       the bytes read plausibly in more than one.

    Windows-1252 is read as the WHATWG Encoding Standard's "windows-1252"
    decoder does: its five undefined bytes become the C1 controls of the same
    number. The result is not normalised: a BOM read explicitly (``utf-8``) is
    kept, line ends are as in the file. Pass it to
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
    return decode_legacy(data, path)


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
