"""Telling which legacy encoding the bytes of a text file are in, or saying it cannot.

Files without a byte order mark that are not UTF-8 were written in an ANSI
code page: Windows-1252 in Western Europe and the Americas, GBK in mainland
China, Big5 in Taiwan, Shift_JIS in Japan, ... A text read in the wrong one is
mojibake for good (article text never changes after import, because
annotations point into it), while a refusal costs the researcher one
``--encoding``: so this module refuses whenever the evidence is weak.

The legacy encodings considered (:data:`CANDIDATE_ENCODINGS`) are the Windows
code pages 1250-1257, KOI8-R and KOI8-U, ISO-8859-15, GB18030 (which reads GBK
and GB2312), Big5, Shift_JIS, EUC-JP and EUC-KR. Windows-1258 (Vietnamese) and
the other ISO-8859 parts are left out: their files are rare, and each more
candidate is one more way to misread a short Western text. The rules are in
:func:`detect_encoding`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import chardet

from framing_app.core.errors import InputFileError


@dataclass(frozen=True)
class _Family:
    """One legacy encoding a file may be in.

    *codecs* are Python codecs tried in order, the first that decodes the bytes
    giving the reading (a superset after the common form: Big5-HKSCS after
    Windows' Big5); *scored_as* are chardet's names for it; *latin* marks the
    single-byte code pages of Latin-script languages, whose readings of one file
    differ in a few letters only; *multi_byte* the East Asian encodings.
    """

    codecs: tuple[str, ...]
    scored_as: tuple[str, ...]
    latin: bool = False
    multi_byte: bool = False


# Windows-1252 first: it is the default when the evidence cannot separate it
# from its Latin neighbours (see _windows_1252_default). Windows' own variants
# of the East Asian encodings come first because Windows wrote most such files:
# cp932 and cp949 add characters to Shift_JIS and EUC-KR and read every common
# one the same; cp950 reads the interpunct of Taiwanese names (0xA145) as U+2027.
# Python's GB18030 codec reads every GBK byte pair as its gbk codec does.
_FAMILIES: tuple[_Family, ...] = (
    _Family(("cp1252",), ("cp1252",), latin=True),
    _Family(("cp1250",), ("cp1250",), latin=True),
    _Family(("cp1254",), ("cp1254",), latin=True),
    _Family(("cp1257",), ("cp1257",), latin=True),
    _Family(("iso8859_15",), ("iso8859-15",), latin=True),
    _Family(("cp1251",), ("cp1251",)),
    _Family(("koi8_r",), ("koi8-r",)),
    _Family(("koi8_u",), ("koi8-u",)),
    _Family(("cp1253",), ("cp1253",)),
    _Family(("cp1255",), ("cp1255",)),
    _Family(("cp1256",), ("cp1256",)),
    _Family(("gb18030",), ("gb18030",), multi_byte=True),
    _Family(("cp950", "big5hkscs"), ("big5hkscs",), multi_byte=True),
    _Family(("cp932",), ("cp932", "shift_jis_2004"), multi_byte=True),
    _Family(("euc_jp", "euc_jis_2004"), ("euc_jis_2004",), multi_byte=True),
    _Family(("cp949",), ("cp949", "euc_kr"), multi_byte=True),
)
# The codecs a file without a BOM that is not UTF-8 may be read in.
CANDIDATE_ENCODINGS: tuple[str, ...] = tuple(
    codec for family in _FAMILIES for codec in family.codecs
)

# The decision is made on the first 64 KiB: more adds time, not certainty.
_SAMPLE_BYTES = 65536
# Readings scored at least this fraction of the best one are as good as it:
# chardet's scores are cosine similarities of byte-pair profiles, dominated by
# the ASCII a text shares in every reading, so on Latin-script news the right
# code page typically scores 1.5-3 times its neighbours, not 10 times.
_NEAR = 0.8
# A file is taken for one in an encoding with a stray byte invalid in it when
# at most this many bytes are, each among at least _DAMAGE_RATIO non-ASCII ones.
_MAX_DAMAGE = 2
_DAMAGE_RATIO = 40
# A reading chosen on scores alone must hold at least this many non-ASCII
# characters: on fewer ("中華民國", "İzmir") the scores are noise.
_MIN_EVIDENCE = 6
# What Windows-1252 reads, where another Latin code page reads something else,
# in files that really are Windows-1252: the letters of the Western European
# languages and the fractions and spacing accents ISO-8859-15 replaced. Left
# out are the Icelandic letters (Ð ð Ý ý Þ þ), which is where Windows-1254 has
# Turkish ones (Ğ ğ İ, dotless i, Ş ş), and the currency sign ¤, where ISO-8859-15 has €.
_CP1252_PLAUSIBLE = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜßàáâãäåæçèéêëìíîïñòóôõöøùúûüÿŠŒŽšœžŸªº¼½¾\u00b4¨\u00b8¦"
)

# Marks of mojibake (see _mojibake_marks). Characters that do touch letters in
# real text: degrees and powers (20 °C, km²), trade marks, the section sign and
# the acute accent typed as an apostrophe.
_MAY_TOUCH_LETTERS = frozenset("°²³™®©§\u00b4")
# Characters that join or end words in real text: apostrophes, middle dots in
# names (Catalan l·l, 約翰‧史密斯, ジョン・スミス), the ellipsis.
_MAY_JOIN_WORDS = frozenset("’‘\u02bc`·•‧・…")
_ALPHABETS = frozenset(
    {"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "GEORGIAN", "THAI"}
)
# From the CJK radicals on: ideographs, kana, hangul, CJK punctuation, full-width forms.
_CJK_START = 0x2E80
# East Asian punctuation and symbols, which sit between letters in CJK text ("、", "「").
_CJK_MARKS = re.compile("[\u2e80-\u33ff\ufe30-\ufe4f\uff00-\uffef]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_C1_CONTROLS = re.compile("[\x80-\x9f]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]+")

# Windows-1252 leaves five bytes undefined; like the WHATWG Encoding Standard,
# read them as the C1 controls of the same number instead of failing.
_CP1252_HIGH = {
    byte: bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(0x80, 0xA0)
}
_CP1252_UNDEFINED = bytes(byte for byte, char in _CP1252_HIGH.items() if char == chr(byte))
_CP1252_TABLE = str.maketrans({chr(byte): char for byte, char in _CP1252_HIGH.items()})
# Read as C1 controls by Windows-1252; no mark of mojibake, as a stray byte
# would make one in every reading that does not leave it out.
_CP1252_UNDEFINED_TEXT = frozenset(_CP1252_UNDEFINED.decode("latin-1"))
_CP1252_UNDEFINED_CHARS = str.maketrans(dict.fromkeys(_CP1252_UNDEFINED.decode("latin-1")))
# What a short Windows-1252 text holds besides ASCII: Western letters, the
# typographic punctuation and signs of news text, and the undefined bytes.
_WESTERN_TEXT = (
    _CP1252_PLAUSIBLE
    | frozenset("’‘“”„–—…€£«»°·¡¿§©®™\u00a0\u00ad")
    | frozenset(_CP1252_UNDEFINED.decode("latin-1"))
)


def decode_cp1252(data: bytes) -> str:
    """Decode *data* as Windows-1252, never failing (WHATWG's "windows-1252" decoder)."""
    return data.decode("latin-1").translate(_CP1252_TABLE)


def detect_encoding(data: bytes, path: Path) -> str:
    """Return the legacy encoding (a Python codec) the file *path* is in; *data* is not UTF-8.

    Raises :class:`InputFileError` rather than guess. The rules, each working
    on what the one before leaves:

    1. **Strict decoding.** Each of :data:`CANDIDATE_ENCODINGS` must decode the
       bytes without error and (but for Windows-1252, read as WHATWG does) into
       no C1 control character, which no text holds; multi-byte encodings
       rarely survive another encoding's bytes. Encodings reading the same text
       are one reading. An encoding in which only one or two bytes among many
       non-ASCII ones are invalid stays a candidate, as a *damaged* reading.
    2. **Marks of mojibake** (see :func:`_mojibake_marks`): a symbol touching a
       letter ("Rz¹d"), punctuation inside a word, letters of two alphabets
       touching ("Cafй"), an East Asian character touching a Latin letter
       ("senator抯"). A reading with more than twice as many as the cleanest
       one, and at least two more, is dropped.
    3. **Scores.** chardet 7 (a byte-pair model per language and encoding)
       scores each reading on the first 64 KiB from the first non-ASCII byte;
       each mark more than the cleanest reading has halves its score.
    4. **A clear winner.** The best reading wins when no other scores within
       ``_NEAR`` of it and it holds at least ``_MIN_EVIDENCE`` non-ASCII
       characters (fewer will do for a Windows-1252 reading made only of
       Western letters and typographic signs, "It’s over."). A damaged
       winner is reported: the file is in that encoding but for the byte
       named, and reading it in another would turn it all into mojibake.
    5. **Windows-1252 by default.** When the readings within ``_NEAR`` of the
       best are Windows-1252 and other Latin code pages that differ from it
       only where Windows-1252 reads a Western European letter (``naïve`` as
       ``naďve`` in Windows-1250), Windows-1252 wins: it is by far the commonest
       legacy encoding of the articles this program reads, and on a sentence
       of French, German or Spanish those code pages score alike.

    Anything else is refused as "cannot tell the encoding of this file; give
    --encoding (it could be gb18030 or cp950)", naming the candidates by codec
    names ``--encoding`` takes. A file longer than the sample is decoded whole
    in the encoding chosen; a byte invalid in it past the sample is reported.
    """
    return _detect(data, path).codec


@dataclass
class _Reading:
    """The text some of the candidate encodings make of the same bytes."""

    text: str
    codec: str
    families: list[_Family] = field(default_factory=list)
    score: float = 0.0
    marks: int = 0
    # The offset of the first byte invalid in *codec*, for a damaged reading
    # (see _read_damaged), whose chardet score is taken on *probe*.
    damage: int = -1
    probe: bytes = b""

    def includes(self, codec: str) -> bool:
        return any(codec in family.codecs for family in self.families)


def _detect(data: bytes, path: Path) -> _Reading:
    whole = len(data) <= _SAMPLE_BYTES
    start = 0
    if whole:
        sample = data
    else:
        # The evidence is in the non-ASCII bytes: start the sample at the line
        # holding the first. All before it is ASCII, which every candidate reads
        # alike and which no multi-byte character can straddle.
        found = _HIGH_BYTE.search(data)
        first = found.start() if found is not None else 0
        start = data.rfind(b"\n", max(0, first - 4096), first) + 1 or max(0, first - 4096)
        sample = data[start : start + _SAMPLE_BYTES]
        whole = start == 0 and len(sample) == len(data)
    reading = _choose(_readings(sample, whole, start), path, data)
    if whole:
        return reading
    for family in reading.families:
        decoded = _read(data, family, final=True)
        if decoded is not None:
            return _Reading(decoded[1], decoded[0], [family])
    # Reading the rest in another encoding than its first 64 KiB would turn the
    # whole text into mojibake for one bad byte: name the byte instead.
    try:
        data.decode(reading.codec)
    except UnicodeDecodeError as error:
        raise _invalid_byte(path, data, reading.codec, error.start) from None
    raise InputFileError(
        path, f"reads as {reading.codec} but holds C1 control characters, which no text has"
    )


def _read(data: bytes, family: _Family, *, final: bool) -> tuple[str, str] | None:
    """(codec, text) of the first of *family*'s codecs that decodes *data*, or None.

    With *final* false, *data* is the start of a longer file and may end inside
    a multi-byte character, which is then left out.
    """
    for codec in family.codecs:
        if codec == "cp1252":
            return codec, decode_cp1252(data)
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        try:
            text = decoder.decode(data, final=final)
        except UnicodeDecodeError:
            continue
        if not _C1_CONTROLS.search(text):
            return codec, text
    return None


def _readings(sample: bytes, whole: bool, offset: int) -> list[_Reading]:
    """The distinct readings of *sample*, scored, with their marks of mojibake.

    *sample* starts at byte *offset* of the file; *whole* says it is all of it.
    """
    readings: dict[str, _Reading] = {}
    damaged: list[_Reading] = []
    for family in _FAMILIES:
        decoded = _read(sample, family, final=whole)
        if decoded is not None:
            codec, text = decoded
            reading = readings.setdefault(text, _Reading(text, codec))
            reading.families.append(family)
        else:
            damaged_reading = _read_damaged(sample, family, final=whole)
            if damaged_reading is not None:
                damaged_reading.damage += offset
                damaged.append(damaged_reading)
    families = [family for reading in readings.values() for family in reading.families]
    scores = _scores(sample, families)
    for reading in readings.values():
        reading.score = max(scores.get(family, 0.0) for family in reading.families)
    for reading in damaged:
        (family,) = reading.families
        reading.score = _chardet_scores(reading.probe, [family]).get(family, 0.0)
    every = [*readings.values(), *damaged]
    for reading in every:
        reading.marks = _mojibake_marks(reading.text)
    return every


def _read_damaged(sample: bytes, family: _Family, *, final: bool) -> _Reading | None:
    """The reading of *sample* in *family* without the one or two bytes invalid in it.

    A file in one encoding with a stray byte (a Windows-1251 text holding 0x98,
    a GBK text cut in the middle of a character) must not be read in another
    encoding that happens to accept every byte: it is kept as a candidate,
    which :func:`_choose` reports rather than returns. None when more bytes
    are invalid, or too many for the non-ASCII ones around them.
    """
    codec = family.codecs[0]
    texts: list[str] = []
    kept: list[bytes] = []
    invalid: list[int] = []
    start = 0
    while len(invalid) <= _MAX_DAMAGE:
        try:
            texts.append(codecs.getincrementaldecoder(codec)().decode(sample[start:], final=final))
        except UnicodeDecodeError as error:
            invalid.append(start + error.start)
            texts.append(sample[start : invalid[-1]].decode(codec))
            kept.append(sample[start : invalid[-1]])
            start += error.end
            continue
        kept.append(sample[start:])
        text = "".join(texts)
        evidence = len(sample) - len(_HIGH_BYTES.sub(b"", sample))
        if not invalid or _C1_CONTROLS.search(text) or evidence < _DAMAGE_RATIO * len(invalid):
            return None
        return _Reading(text, codec, [family], damage=invalid[0], probe=b"".join(kept))
    return None


def _scores(sample: bytes, families: Sequence[_Family]) -> dict[_Family, float]:
    """chardet's confidence in each of *families* for *sample*."""
    single_byte = [family for family in families if not family.multi_byte]
    multi_byte = [family for family in families if family.multi_byte]
    # chardet rules Windows-1252 out for one byte it leaves undefined (a German
    # text with a stray 0x81 once came out as KOI8-R); the single-byte code
    # pages are scored without those bytes, which no multi-byte one can lose.
    probe = sample.translate(None, _CP1252_UNDEFINED)
    scores = _chardet_scores(probe, single_byte)
    scores.update(_chardet_scores(sample, multi_byte))
    return scores


def _chardet_scores(data: bytes, families: Sequence[_Family]) -> dict[_Family, float]:
    if not families or not data:
        return {}
    names = sorted({name for family in families for name in family.scored_as})
    # When none of them fits, chardet answers its no-match encoding with a made-up
    # confidence of 0.1: make that ASCII, which is no candidate here.
    results = chardet.detect_all(
        data,
        ignore_threshold=True,
        include_encodings=[*names, "ascii"],
        no_match_encoding="ascii",
        compat_names=False,
    )
    confidence: dict[str, float] = {}
    for result in results:
        if result["encoding"] is not None:
            name = codecs.lookup(result["encoding"]).name
            confidence[name] = max(confidence.get(name, 0.0), result["confidence"])
    return {
        family: max(confidence.get(codecs.lookup(name).name, 0.0) for name in family.scored_as)
        for family in families
    }


def _choose(readings: list[_Reading], path: Path, data: bytes) -> _Reading:
    """The reading the rules of :func:`detect_encoding` choose, or InputFileError."""
    cleanest = min(reading.marks for reading in readings)
    plausible = [r for r in readings if r.marks <= cleanest + max(1, cleanest)]
    for reading in plausible:
        reading.score /= 2 ** (reading.marks - cleanest)
    plausible.sort(key=lambda reading: reading.score, reverse=True)
    best = plausible[0]
    if len(plausible) == 1 and best.damage < 0:
        return best
    near = [r for r in plausible if r.score >= _NEAR * best.score]
    if len(near) > 1:
        default = _windows_1252_default(near)
        if default is not None:
            return default
        raise _cannot_tell(path, near)
    if _non_ascii(best.text) < _MIN_EVIDENCE and not (
        best.includes("cp1252") and _WESTERN_TEXT.issuperset(_NON_ASCII.findall(best.text))
    ):
        raise _cannot_tell(path, plausible[:2])
    if best.damage >= 0:
        raise _invalid_byte(path, data, best.codec, best.damage)
    return best


def _windows_1252_default(near: Sequence[_Reading]) -> _Reading | None:
    """The Windows-1252 reading when it differs from *near* ones only in Western letters."""
    western = next((reading for reading in near if reading.includes("cp1252")), None)
    if western is None:
        return None
    for other in near:
        if other is western:
            continue
        if not all(family.latin for family in other.families):
            return None
        mine = western.text
        if other.damage >= 0:
            # Its invalid bytes are left out; they are where cp1252 has its undefined ones.
            mine = mine.translate(_CP1252_UNDEFINED_CHARS)
        if len(other.text) != len(mine) or any(
            char != theirs and char not in _CP1252_PLAUSIBLE
            for char, theirs in zip(mine, other.text, strict=True)
        ):
            return None
    return western


def _cannot_tell(path: Path, candidates: Sequence[_Reading]) -> InputFileError:
    names = [reading.codec for reading in candidates]
    could_be = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return InputFileError(
        path, f"cannot tell the encoding of this file; give --encoding (it could be {could_be})"
    )


def _invalid_byte(path: Path, data: bytes, codec: str, offset: int) -> InputFileError:
    return InputFileError(
        path,
        f"cannot be decoded as {codec}, the encoding it seems to be in: "
        f"byte 0x{data[offset]:02x} at offset {offset} is invalid",
    )


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", errors="ignore"))


def _alphabet(char: str) -> str | None:
    """ "LATIN", "CYRILLIC", ... for a letter, "CJK" for an East Asian one, None otherwise."""
    if not char.isalpha():
        return None
    if ord(char) < 0x80:
        return "LATIN"
    if ord(char) >= _CJK_START:
        return "CJK"
    script = unicodedata.name(char, "").split(" ", 1)[0]
    return script if script in _ALPHABETS else None


def _mojibake_marks(text: str) -> int:
    """How many characters of *text* sit where real text seldom puts them.

    Reading bytes in the wrong encoding scatters symbols and letters of other
    alphabets into words; text in its own encoding seldom has any. Counted:
    a symbol, control or non-digit number touching a letter ("Rz¹d"), other
    punctuation between two letters of an alphabet ("Rz¹d" again, "mo¿e"),
    a letter touching a letter of another alphabet ("Cafй"), an East Asian
    character touching a Latin letter ("senator抯"). East Asian punctuation
    and the characters of ``_MAY_TOUCH_LETTERS`` and ``_MAY_JOIN_WORDS`` are
    never counted.
    """
    marks = 0
    for match in _NON_ASCII.finditer(text):
        char, at = match.group(), match.start()
        before = _alphabet(text[at - 1]) if at > 0 else None
        after = _alphabet(text[at + 1]) if at + 1 < len(text) else None
        own = _alphabet(char)
        if own == "CJK":
            marks += "LATIN" in (before, after)
        elif own is not None:
            marks += sum(1 for other in (before, after) if other not in (None, "CJK", own))
        elif not (
            _CJK_MARKS.match(char)
            or char in _MAY_TOUCH_LETTERS
            or char in _MAY_JOIN_WORDS
            or char in _CP1252_UNDEFINED_TEXT
        ):
            category = unicodedata.category(char)
            if (category[0] in "SC" and category != "Cf") or category == "No":
                marks += before is not None or after is not None
            elif category in ("Po", "Ps", "Pe", "Pc"):
                marks += before not in (None, "CJK") and after not in (None, "CJK")
    return marks


def decode_legacy(data: bytes, path: Path) -> str:
    """The text of *data* (not UTF-8, no BOM) in the encoding :func:`detect_encoding` tells."""
    return _detect(data, path).text
