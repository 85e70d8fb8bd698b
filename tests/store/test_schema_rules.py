"""Rules enforced by the schema itself, whoever writes to the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from framing_app.services.project import Project


def _conn(project: Project) -> sqlite3.Connection:
    assert project.path is not None
    conn = sqlite3.connect(project.path)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@pytest.fixture
def seeded(project: Project) -> sqlite3.Connection:
    conn = _conn(project)
    conn.execute(
        """INSERT INTO article
           (id, external_id, title, text, sha256, char_count, origin, imported_at)
           VALUES (1, 'a1', 'T', 'Some text', 'abc', 9, '', '2026-01-01 00:00:00')"""
    )
    conn.execute("INSERT INTO coder (id, name, created_at) VALUES (1, 'alice', '2026-01-01')")
    conn.commit()
    return conn


def _annotate(
    conn: sqlite3.Connection, start: int, end: int, label: int = 1, article: int = 1
) -> None:
    conn.execute(
        "INSERT INTO annotation (article_id, coder_id, label_id, start_offset, end_offset, memo,"
        " created_at, updated_at) VALUES (?, 1, ?, ?, ?, '', '2026-01-01', '2026-01-01')",
        (article, label, start, end),
    )


def test_valid_annotation_is_accepted(seeded: sqlite3.Connection) -> None:
    _annotate(seeded, 0, 4)
    assert seeded.execute("SELECT count(*) FROM annotation").fetchone()[0] == 1


@pytest.mark.parametrize(("start", "end"), [(3, 3), (5, 2), (-1, 2)])
def test_empty_or_negative_span_rejected_by_schema(
    seeded: sqlite3.Connection, start: int, end: int
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        _annotate(seeded, start, end)


def test_same_span_same_label_twice_rejected(seeded: sqlite3.Connection) -> None:
    _annotate(seeded, 0, 4)
    _annotate(seeded, 0, 4, label=2)  # another label on the same span is fine
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        _annotate(seeded, 0, 4)


def test_unknown_article_rejected_by_foreign_key(seeded: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        _annotate(seeded, 0, 4, article=99)


def test_label_in_use_cannot_be_deleted_behind_our_back(seeded: sqlite3.Connection) -> None:
    _annotate(seeded, 0, 4)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        seeded.execute("DELETE FROM label WHERE id = 1")


def test_deleting_article_deletes_its_annotations(seeded: sqlite3.Connection) -> None:
    _annotate(seeded, 0, 4)
    seeded.execute("DELETE FROM article WHERE id = 1")
    assert seeded.execute("SELECT count(*) FROM annotation").fetchone()[0] == 0


def test_label_names_unique(project: Project, tmp_path: Path) -> None:
    conn = _conn(project)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(
            "INSERT INTO label (name, definition, color, position, archived, created_at)"
            " VALUES ('sovereignty', '', '#000000', 9, 0, '2026-01-01')"
        )
