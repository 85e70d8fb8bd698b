"""Rules enforced by the schema itself, whoever writes to the database (file or server)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from raw_db import RawConnection, project_url

from framing_app.services.project import Project

# What each backend raises, and how its message names the rule.
REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityError)
CHECK = "CHECK constraint failed|violates check constraint"
UNIQUE = "UNIQUE|duplicate key"
FOREIGN_KEY = "FOREIGN KEY|violates foreign key"


@pytest.fixture
def seeded(project: Project) -> Iterator[RawConnection]:
    """The driver's own connection (autocommit), with one article and one coder."""
    conn = RawConnection(project_url(project), autocommit=True)
    if conn.sqlite:
        conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(
        """INSERT INTO article
           (id, external_id, title, text, sha256, char_count, origin, imported_at)
           VALUES (1, 'a1', 'T', 'Some text', 'abc', 9, '', '2026-01-01 00:00:00')"""
    )
    conn.execute("INSERT INTO coder (id, name, created_at) VALUES (1, 'alice', '2026-01-01')")
    try:
        yield conn
    finally:
        conn.close()


def _annotate(conn: RawConnection, start: int, end: int, label: int = 1, article: int = 1) -> None:
    conn.execute(
        "INSERT INTO annotation (article_id, coder_id, label_id, start_offset, end_offset, memo,"
        " created_at, updated_at) VALUES (?, 1, ?, ?, ?, '', '2026-01-01', '2026-01-01')",
        (article, label, start, end),
    )


def test_valid_annotation_is_accepted(seeded: RawConnection) -> None:
    _annotate(seeded, 0, 4)
    assert seeded.execute("SELECT count(*) FROM annotation").fetchone()[0] == 1


@pytest.mark.parametrize(("start", "end"), [(3, 3), (5, 2), (-1, 2)])
def test_empty_or_negative_span_rejected_by_schema(
    seeded: RawConnection, start: int, end: int
) -> None:
    with pytest.raises(REFUSED, match=CHECK):
        _annotate(seeded, start, end)


def test_same_span_same_label_twice_rejected(seeded: RawConnection) -> None:
    _annotate(seeded, 0, 4)
    _annotate(seeded, 0, 4, label=2)  # another label on the same span is fine
    with pytest.raises(REFUSED, match=UNIQUE):
        _annotate(seeded, 0, 4)


def test_unknown_article_rejected_by_foreign_key(seeded: RawConnection) -> None:
    with pytest.raises(REFUSED, match=FOREIGN_KEY):
        _annotate(seeded, 0, 4, article=99)


def test_label_in_use_cannot_be_deleted_behind_our_back(seeded: RawConnection) -> None:
    _annotate(seeded, 0, 4)
    with pytest.raises(REFUSED, match=FOREIGN_KEY):
        seeded.execute("DELETE FROM label WHERE id = 1")


def test_deleting_article_deletes_its_annotations(seeded: RawConnection) -> None:
    _annotate(seeded, 0, 4)
    seeded.execute("DELETE FROM article WHERE id = 1")
    assert seeded.execute("SELECT count(*) FROM annotation").fetchone()[0] == 0


def test_label_names_unique(seeded: RawConnection) -> None:
    with pytest.raises(REFUSED, match=UNIQUE):
        seeded.execute(
            "INSERT INTO label (name, definition, color, position, archived, created_at)"
            " VALUES ('sovereignty', '', '#000000', 9, false, '2026-01-01')"
        )
