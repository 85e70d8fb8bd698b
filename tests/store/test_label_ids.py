"""Label ids are never reused (migration 0005): an undo step holding label 3 can
never reach a label that took id 3 after the first was deleted.

Without SQLite's AUTOINCREMENT a new label gets the highest rowid + 1, so
deleting the newest label and adding another gives the new one the old id
(sqlite.org/autoinc.html). The label table is referred to by annotations,
so its rebuild runs with foreign keys off and checks them all before commit.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from old_projects import STAMP, integrity, make_old_project, revision, upgrade_old_project
from raw_db import project_url

from framing_app.services import codebook, label_states, tagging
from framing_app.services.project import Project
from framing_app.store.migrate import head_revision


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
    finally:
        conn.close()


def test_a_deleted_newest_label_leaves_its_id_unused(project: Project) -> None:
    newest = codebook.add_label(project, "whataboutism").id
    state = label_states.label_state(project, newest)
    codebook.delete_label(project, "whataboutism")
    assert codebook.add_label(project, "moral equivalence").id > newest
    # An undo holding the old id finds nothing there, rather than another label.
    with Project.open(url=project_url(project)) as again:
        assert codebook.add_label(again, "third").id > newest + 1
        assert label_states.restore_label(again, state) == state


def test_upgrade_from_0004_keeps_every_label_and_the_annotations_pointing_at_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    make_old_project(path, articles=3)
    upgrade_old_project(path, "0004")
    conn = sqlite3.connect(path)
    try:
        with conn:
            # Label 4 made and deleted: a gap below the highest id, as in real use.
            conn.execute(
                "INSERT INTO label (name, definition, color, shortcut, position, archived,"
                " created_at) VALUES ('gone', '', '#000000', NULL, 3, 0, ?)",
                (STAMP,),
            )
            conn.execute(
                "INSERT INTO label (name, definition, color, shortcut, position, archived,"
                " created_at) VALUES ('kept', '', '#000000', NULL, 4, 0, ?)",
                (STAMP,),
            )
            conn.execute("DELETE FROM label WHERE name = 'gone'")
            conn.execute("UPDATE annotation SET label_id = 5 WHERE article_id = 2")
    finally:
        conn.close()
    labels, annotations = _rows(path, "label"), _rows(path, "annotation")
    assert [row[0] for row in labels] == [1, 2, 3, 5]

    with Project.open(path=path) as project:
        assert project.migration.upgraded_from == "0004"
        assert revision(path) == head_revision()
        # Every row and column as it was; 0008 adds annotation.version, 1 for all.
        upgraded = _rows(path, "annotation")
        assert (_rows(path, "label"), [row[:-1] for row in upgraded]) == (labels, annotations)
        assert {row[-1] for row in upgraded} == {1}
        assert [a.label for a in tagging.list_annotations(project, "a2")] == ["kept"]
        codebook.delete_label(project, "kept", with_annotations=True)
        assert codebook.add_label(project, "new").id == 6
    assert integrity(path) == "ok"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        create = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'label'").fetchone()[0]
        assert "AUTOINCREMENT" in create
    finally:
        conn.close()
