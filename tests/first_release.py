"""A project as the first release (schema 0001) left it, holding every kind of row that schema has.

The schema comes from the shipped migrations (:func:`old_projects.upgrade_database`
to ``0001``), on a SQLite file or a PostgreSQL database; the rows are written
and read back with the drivers themselves (``sqlite3``, ``psycopg``, through
:mod:`raw_db`), never with the application's models, which describe the newest
schema, not the first one.

The rows are the awkward ones a real project collects: labels archived and
not, with and without shortcuts, Unicode in definitions, a codebook order
that is not the id order; coders with non-ASCII names; articles with emoji,
flags, ZWJ sequences and characters outside the Basic Multilingual Plane (so
code points, UTF-16 units and UTF-8 bytes all differ), a NULL date, one text
of a quarter of a million characters and one of a single emoji; annotations
of several coders, identical, nested and overlapping, at the first and the
last character, memos with line breaks, quotes, tabs and emoji; a coding
status of each value; gaps in every id sequence, as deletions leave them.
The texts are as an import stores them (``normalise_text`` leaves them alone).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from old_projects import upgrade_database
from raw_db import raw_connection
from sqlalchemy import create_engine, inspect

FIRST_REVISION = "0001"


@dataclass(frozen=True)
class TableRows:
    """The rows of one table, by its 0001 columns, ordered by its primary key."""

    columns: tuple[str, ...]
    key: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    booleans: frozenset[str] = frozenset()  # columns stored as 0/1 (SQLite) or false/true

    def select(self, table: str) -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        order = ", ".join(f'"{c}"' for c in self.key)
        return f'SELECT {names} FROM "{table}" ORDER BY {order}'

    def insert(self, table: str) -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _stamp(day: int, second: int = 0) -> str:
    """An ISO 8601 UTC time as the first release wrote it (``UTCDateTime``'s text)."""
    return f"2025-01-{day:02d}T09:{second // 60:02d}:{second % 60:02d}.{second * 1000:06d}Z"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- texts


def _fraktur(text: str) -> str:
    """*text* (lower-case ASCII letters) in Mathematical Fraktur: letters outside the BMP."""
    return "".join(chr(0x1D51E + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in text)


UNIVERSAL = _fraktur("universal")
RIGHTS = _fraktur("rights")
NEWS_TEXT = (
    "MOSCOW — The minister said sovereignty is “not negotiable”.\n\n"
    "Critics called it a double standard: «\u00a0universal rights apply to everyone\u00a0».\n"
    "Naïve? Perhaps."
)
EMOJI_TEXT = (
    f"Protesters 🇺🇦 held signs: {UNIVERSAL} {RIGHTS}! Families 👩\u200d👩\u200d👧 marched 😀.\n"
    "It ended with 🎉"
)
_LONG_SENTENCES = (
    "Sovereignty was invoked again 🌍 by the delegation. ",
    "主权与人权 were weighed against each other. ",
    "السيادة الوطنية ليست للتفاوض. ",
    "नमस्ते, said the envoy; 𐍈 marks a Gothic hwair. ",
    "Families 👩\u200d👩\u200d👧 waited at the border 🇺🇦.\n",
)
LONG_TEXT = "".join(_LONG_SENTENCES) * 1200 + "\nFinal paragraph: universal rights, at last 🏁"
RTL_TEXT = "السيادة ليست للتفاوض، قال الوزير.\nहिन्दी में भी: संप्रभुता।"
ONE_EMOJI_TEXT = "🙂"

TEXTS = {1: NEWS_TEXT, 2: EMOJI_TEXT, 4: LONG_TEXT, 5: RTL_TEXT, 7: ONE_EMOJI_TEXT}


def _span(article: int, passage: str, after: int = 0) -> tuple[int, int]:
    """Code-point offsets of the first *passage* at or after *after* in article *article*."""
    start = TEXTS[article].index(passage, after)
    return start, start + len(passage)


# --------------------------------------------------------------------------- rows

# Ids have gaps everywhere: label 4, coder 4, articles 3 and 6, annotation 9
# were deleted before the upgrade.
LABELS = TableRows(
    columns=("id", "name", "definition", "color", "shortcut", "position", "archived", "created_at"),
    key=("id",),
    booleans=frozenset({"archived"}),
    rows=(
        (1, "sovereignty", "A state's right to decide for itself — « souveraineté », 主权.",
         "#1f77b4", "1", 0, False, _stamp(1)),
        (2, "double standards",
         'Judging alike cases differently ("whataboutism").\nSee the manual, § 2.', "#ff7f0e",
         "2", 2, False, _stamp(1, 1)),
        (3, "universal rights", "Rights every person holds 🌍.", "#2ca02c", None, 1, False,
         _stamp(1, 2)),
        # Archived, with a shortcut and used; archived, without one and unused.
        (5, "économie ⚖️", "", "#d62728", "Ctrl+Shift+E", 3, True, _stamp(2)),
        (6, "old frame", "Retired after the pilot.", "#999999", None, 4, True, _stamp(3)),
    ),
)  # fmt: skip

CODERS = TableRows(
    columns=("id", "name", "created_at"),
    key=("id",),
    rows=(
        (1, "alice", _stamp(1)),
        (2, "Bérénice Ñúñez", _stamp(1, 5)),
        (3, "坂本 龍一", _stamp(2, 7)),
        (5, "bob", _stamp(4)),
    ),
)

ARTICLES = TableRows(
    columns=(
        "id",
        "external_id",
        "title",
        "source",
        "published",
        "url",
        "text",
        "sha256",
        "char_count",
        "origin",
        "imported_at",
    ),
    key=("id",),
    rows=(
        (1, "tass-2014-03-18", "Sovereignty “first”, says minister", "TASS", "2014-03-18",
         "https://example.org/news/1?lang=fr&q=é", NEWS_TEXT, _sha(NEWS_TEXT), len(NEWS_TEXT),
         "articles.csv:2", _stamp(1, 10)),
        (2, "rt/ü-2014-03", f"Protest 🇺🇦 — {UNIVERSAL} rights", None, None, None, EMOJI_TEXT,
         _sha(EMOJI_TEXT), len(EMOJI_TEXT), "emoji.txt", _stamp(1, 11)),
        (4, "long-1", "A long report", "Archive", "2014-03", None, LONG_TEXT, _sha(LONG_TEXT),
         len(LONG_TEXT), "long report.docx", _stamp(1, 12)),
        (5, "عربي-5", "السيادة", "الأهرام", "2014", None, RTL_TEXT, _sha(RTL_TEXT),
         len(RTL_TEXT), "rtl.html", _stamp(1, 13)),
        (7, "one-emoji", "🙂", None, "spring 2014", None, ONE_EMOJI_TEXT,
         _sha(ONE_EMOJI_TEXT), len(ONE_EMOJI_TEXT), "", _stamp(1, 14)),
    ),
)  # fmt: skip

MEMO_ESCAPES = "tab\there, CRLF\r\nand 'single' & \"double\" quotes, back\\slash, emoji 🤔"

ANNOTATIONS = TableRows(
    columns=(
        "id",
        "article_id",
        "coder_id",
        "label_id",
        "start_offset",
        "end_offset",
        "memo",
        "created_at",
        "updated_at",
    ),
    key=("id",),
    rows=(
        # Two coders, one span, one label.
        (1, 1, 1, 1, *_span(1, "sovereignty is “not negotiable”"), "", _stamp(5), _stamp(5)),
        (2, 1, 2, 1, *_span(1, "sovereignty is “not negotiable”"), "agree", _stamp(5, 1),
         _stamp(6)),
        # One coder, nested passages of two labels.
        (3, 1, 1, 2, *_span(1, "double standard: «\u00a0universal rights apply to everyone\u00a0»"),
         'Quote: "double standard"\nsee also l. 3', _stamp(5, 2), _stamp(5, 2)),
        (4, 1, 1, 3, *_span(1, "universal rights apply to everyone"), "", _stamp(5, 3),
         _stamp(5, 3)),
        # The whole article, with a label archived since.
        (5, 1, 3, 5, 0, len(NEWS_TEXT), MEMO_ESCAPES, _stamp(5, 4), _stamp(7, 4)),
        (6, 2, 1, 3, *_span(2, f"{UNIVERSAL} {RIGHTS}"), "", _stamp(6, 1), _stamp(6, 1)),
        # Overlapping the one before, across a ZWJ family.
        (7, 2, 2, 3, *_span(2, f"{RIGHTS}! Families 👩\u200d👩\u200d👧"),
         "=SUM(A1) looks like a formula", _stamp(6, 2), _stamp(6, 2)),
        # The last character, outside the BMP.
        (8, 2, 1, 1, len(EMOJI_TEXT) - 1, len(EMOJI_TEXT), "ends on the last character 🎉",
         _stamp(6, 3), _stamp(6, 3)),
        # Near the end of a long text, after thousands of non-BMP characters.
        (10, 4, 1, 1, *_span(4, "universal rights, at last 🏁"), "", _stamp(8), _stamp(8)),
        (11, 4, 2, 2, *_span(4, "主权与人权", len(LONG_TEXT) // 2), "mid-text", _stamp(8, 1),
         _stamp(8, 1)),
        (12, 4, 3, 3, 0, 1, "first character", _stamp(8, 2), _stamp(8, 2)),
        (13, 7, 2, 1, 0, 1, "'); DROP TABLE annotation; --", _stamp(9), _stamp(9)),
        # A flag: two code points, four UTF-16 units, eight UTF-8 bytes.
        (14, 2, 3, 2, *_span(2, "🇺🇦"), "line 1\nline 2\n\nline 4", _stamp(9, 1),
         _stamp(10, 59)),
    ),
)  # fmt: skip

CODING_STATUSES = TableRows(
    columns=("coder_id", "article_id", "status", "updated_at"),
    key=("coder_id", "article_id"),
    rows=(
        (1, 1, "done", _stamp(7)),
        (1, 2, "in-progress", _stamp(7, 1)),
        (1, 4, "done", _stamp(8, 3)),
        (2, 1, "in-progress", _stamp(6)),
        (2, 2, "done", _stamp(6, 4)),
        (2, 7, "done", _stamp(9)),
        (3, 1, "not-started", _stamp(7, 5)),  # reset by hand after tagging
        (3, 4, "in-progress", _stamp(8, 2)),
        (5, 1, "not-started", _stamp(4)),
        (5, 5, "done", _stamp(4, 1)),  # done, nothing found
    ),
)

# In an order that satisfies every foreign key.
FIRST_RELEASE: dict[str, TableRows] = {
    "label": LABELS,
    "coder": CODERS,
    "article": ARTICLES,
    "annotation": ANNOTATIONS,
    "coding_status": CODING_STATUSES,
}
# Tables whose id PostgreSQL draws from a sequence (SERIAL, as 0001 made them).
_SERIAL_TABLES = ("label", "coder", "article", "annotation")

Rows = dict[str, list[tuple[Any, ...]]]


def make_first_release_project(url: str, extra: Rows | None = None) -> None:
    """Create the database at *url* (empty) at schema 0001 and write :data:`FIRST_RELEASE` into it.

    *extra* rows (by table, in the fixture's columns) are written after
    them. Fails when the fixture does not cover every column of every table
    that 0001 creates. A SQLite file is put in WAL mode, as framing-app
    leaves every project; on PostgreSQL each id sequence continues after
    the highest id, as the ids the application drew would have left it.
    """
    upgrade_database(url, FIRST_REVISION)
    assert columns_of(url) == {t: set(rows.columns) for t, rows in FIRST_RELEASE.items()}, (
        "the fixture must fill every column of every table of schema 0001"
    )
    with raw_connection(url) as conn:
        if conn.sqlite:
            conn.execute("PRAGMA journal_mode=WAL")
        for table, content in FIRST_RELEASE.items():
            for row in (*content.rows, *(extra or {}).get(table, [])):
                conn.execute(content.insert(table), row)
        if not conn.sqlite:
            for table in _SERIAL_TABLES:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence(?, 'id'), max(id)) FROM \"{table}\"",
                    (table,),
                )


def columns_of(url: str) -> dict[str, set[str]]:
    """The column names of every table of the database at *url*, the version stamp left out."""
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return {
            table: {column["name"] for column in found.get_columns(table)}
            for table in found.get_table_names()
            if table != "alembic_version"
        }
    finally:
        engine.dispose()


def expected_rows(extra: Rows | None = None) -> Rows:
    """What :func:`stored_rows` reads from a database that kept every row of the fixture."""
    expected: Rows = {}
    for table, content in FIRST_RELEASE.items():
        rows = [*content.rows, *(extra or {}).get(table, [])]
        key = itemgetter(*(content.columns.index(c) for c in content.key))
        expected[table] = sorted(rows, key=key)
    return expected


def stored_rows(url: str) -> Rows:
    """The fixture's tables and columns as the database at *url* holds them, by primary key.

    Booleans are read as what they mean (``True``/``False``), whether the
    driver gives SQLite's 0/1 or PostgreSQL's booleans; any other value
    must come back as it went in.
    """
    found: Rows = {}
    with raw_connection(url) as conn:
        for table, content in FIRST_RELEASE.items():
            flags = [c in content.booleans for c in content.columns]
            found[table] = [
                tuple(
                    _truth(value) if flag else value for value, flag in zip(row, flags, strict=True)
                )
                for row in conn.execute(content.select(table)).fetchall()
            ]
    return found


def _truth(value: object) -> bool:
    """A stored boolean's meaning; anything but 0/1 or false/true is an error."""
    assert type(value) in (int, bool), f"not a boolean: {value!r}"
    assert value in (0, 1), f"not a boolean: {value!r}"
    return bool(value)
