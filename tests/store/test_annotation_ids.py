"""Annotation ids are never reused (issue 7): an id in an exported CSV or a memo keeps
meaning the same annotation, also after the newest annotation is deleted.

Without SQLite's AUTOINCREMENT a new row gets the highest rowid + 1, so the id
of a deleted newest annotation is given to the next one (sqlite.org/autoinc.html).
Migration 0003 rebuilds the annotation table of older projects with it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from old_projects import (
    STAMP,
    dump_rows,
    integrity,
    kept_rows,
    make_old_project,
    revision,
    upgrade_old_project,
)
from raw_db import project_url

from framing_app.services import tagging
from framing_app.services.project import Project
from framing_app.store.migrate import head_revision


def _tag(project: Project, article: int, start: int, end: int) -> int:
    return tagging.annotate(
        project, coder="alice", article=article, label="sovereignty", start=start, end=end
    ).id


def test_the_id_of_a_deleted_newest_annotation_is_never_given_again(
    sample_project: Project,
) -> None:
    first = _tag(sample_project, 1, 0, 5)
    newest = _tag(sample_project, 1, 6, 10)
    tagging.delete_annotation(sample_project, newest)
    assert _tag(sample_project, 1, 11, 15) > newest
    # Nor after every annotation is gone and the project is opened again.
    for each in tagging.list_annotations(sample_project, 1):
        tagging.delete_annotation(sample_project, each.id)
    with Project.open(url=project_url(sample_project)) as again:
        assert _tag(again, 1, 0, 5) > max(first, newest + 1)


def test_an_undone_delete_puts_the_same_id_back_below_the_highest(
    sample_project: Project,
) -> None:
    """Undo restores a deleted annotation with its own id, which AUTOINCREMENT allows."""
    older = _tag(sample_project, 1, 0, 5)
    state = tagging.annotation_state(sample_project, older)
    _tag(sample_project, 1, 6, 10)
    tagging.delete_annotation(sample_project, older)
    assert tagging.restore_annotation_state(sample_project, state) == state
    assert tagging.annotation_state(sample_project, older) == state


def _make_0002_project(path: Path) -> None:
    """A project as framing-app left it at schema 0002: annotation ids 1, 3, 4, 5, 6."""
    make_old_project(path, articles=3)  # schema 0001, annotations 1..3
    upgrade_old_project(path, "0002")
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                "INSERT INTO annotation (article_id, coder_id, label_id, start_offset,"
                " end_offset, memo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (1, 2, 2, 3, 9, "memo with ids: see 4", STAMP, STAMP),
                    (2, 1, 3, 1, 4, "", STAMP, STAMP),
                    (3, 2, 1, 0, 7, "newest", STAMP, STAMP),
                ],
            )
            conn.execute("DELETE FROM annotation WHERE id = 2")
    finally:
        conn.close()
    assert revision(path) == "0002"


def _schema(path: Path, table: str) -> set[tuple[str, str]]:
    """Names and SQL of *table*'s indexes (SQLite's automatic ones by name only)."""
    conn = sqlite3.connect(path)
    try:
        return {
            (name, sql or "")
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
                (table,),
            )
        }
    finally:
        conn.close()


def _clauses(create_table: str) -> list[str]:
    body = create_table[create_table.index("(") + 1 : create_table.rindex(")")]
    return sorted(part.strip() for part in body.split(", \n"))


def test_upgrade_from_0002_keeps_every_row_id_and_index_and_backs_up_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    _make_0002_project(path)
    before = dump_rows(path)
    assert [row[0] for row in before["annotation"]] == [1, 3, 4, 5, 6]

    with Project.open(path=path) as project:
        assert project.migration.upgraded_from == "0002"
        backup = project.migration.backup
        assert revision(path) == head_revision()
        after = dump_rows(path)
        assert kept_rows(path, before) == before
        # Tables that later revisions add (0004's project_setting) start empty.
        assert all(after[table] == [] for table in after.keys() - before.keys())
        assert integrity(path) == "ok"
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'annotation'"
            ).fetchall() == [(6,)]
            table_sql = conn.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'annotation'"
            ).fetchone()[0]
        assert "AUTOINCREMENT" in table_sql
        # Same indexes and constraints as a project created by this version.
        with Project.open(path=tmp_path / "new.sqlite"):
            pass
        assert _schema(path, "annotation") == _schema(tmp_path / "new.sqlite", "annotation")
        with sqlite3.connect(tmp_path / "new.sqlite") as conn:
            new_sql = conn.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'annotation'"
            ).fetchone()[0]
        # The same columns and constraints (the rebuild may write them in another order).
        assert _clauses(table_sql) == _clauses(new_sql)

        # From now on the newest id is never given again.
        tagging.delete_annotation(project, 6)
        assert _tag(project, 1, 20, 30) == 7

    # The backup is the project as it was, at 0002, row for row.
    assert backup is not None
    assert revision(backup) == "0002"
    assert dump_rows(backup) == before
