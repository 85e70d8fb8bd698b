"""Migration 0007 (issue 8): a table of the consensus coder's adjudication decisions.

A project written at schema 0006, with a consensus coder, a question and an
answer, upgrades with every row kept, a backup at 0006 beside it and an empty
decisions table; the table's rules hold whoever writes to the file; the
downgrade drops only that table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from old_projects import (
    STAMP,
    dump_rows,
    integrity,
    kept_rows,
    make_old_project,
    revision,
    table_counts,
    upgrade_old_project,
)
from server_databases import sqlite_only

from framing_app.services.project import Project
from framing_app.store.engine import create_project_engine, sqlite_url
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision, schema_change

INSERT = (
    "INSERT INTO adjudication_decision (coder_id, article_id, label_id, question_id, unit,"
    " start_offset, end_offset, decision, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _at_0006(path: Path) -> None:
    """An old project brought to 0006, with a consensus coder, a question and an answer."""
    make_old_project(path, articles=3)
    upgrade_old_project(path, "0006")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO coder (name, created_at, consensus) VALUES ('consensus', ?, 1)", (STAMP,)
        )
        conn.execute(
            "INSERT INTO question (name, level, options, definition, position, archived,"
            " created_at) VALUES ('tone', 'nominal', '[\"neg\", \"pos\"]', '', 0, 0, ?)",
            (STAMP,),
        )
        conn.execute(
            "INSERT INTO answer (article_id, coder_id, question_id, value, created_at,"
            " updated_at) VALUES (1, 3, 1, 'neg', ?, ?)",
            (STAMP, STAMP),
        )
    conn.close()


def _conn(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def test_a_0006_project_upgrades_with_its_rows_and_no_decisions(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _at_0006(path)
    assert revision(path) == "0006"
    before = dump_rows(path)
    counts = table_counts(path)
    assert "adjudication_decision" not in before

    with Project.open(path=path) as project:
        assert project.migration.upgraded_from == "0006"
        backup = project.migration.backup
        assert revision(path) == head_revision()

    assert kept_rows(path, before) == before
    assert dump_rows(path)["adjudication_decision"] == []
    assert table_counts(path) == counts
    assert integrity(path) == "ok"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    assert backup is not None
    assert revision(backup) == "0006"
    assert dump_rows(backup) == before


@sqlite_only  # its file's rules and AUTOINCREMENT; test_schema_rules covers the server's
def test_the_schema_holds_the_decisions_rules(project: Project) -> None:
    assert project.path is not None
    conn = _conn(project.path)
    try:
        with conn:
            conn.execute(
                "INSERT INTO article (id, external_id, title, text, sha256, char_count, origin,"
                " imported_at) VALUES (1, 'a1', 'T', 'Some text', 'abc', 9, '', ?)",
                (STAMP,),
            )
            conn.execute(
                "INSERT INTO coder (id, name, created_at, consensus) VALUES (1, 'c', ?, 1)",
                (STAMP,),
            )
            conn.execute(
                "INSERT INTO question (id, name, level, options, definition, position, archived,"
                " created_at) VALUES (1, 'tone', 'nominal', '[]', '', 0, 0, ?)",
                (STAMP,),
            )
            conn.execute(INSERT, (1, 1, 1, None, "paragraph", 0, 4, "none", STAMP))
            # The same label at another unit, and a question, are other decisions.
            conn.execute(INSERT, (1, 1, 1, None, "sentence", 0, 4, "coder", STAMP))
            conn.execute(INSERT, (1, 1, None, 1, "article", 0, 9, "new", STAMP))
        refused = {
            "UNIQUE": [
                (1, 1, 1, None, "paragraph", 0, 4, "both", STAMP),  # one decision per unit
                (1, 1, None, 1, "article", 0, 9, "none", STAMP),  # one per question
            ],
            "label_or_question": [
                (1, 1, 1, 1, "article", 0, 9, "none", STAMP),
                (1, 1, None, None, "article", 0, 9, "none", STAMP),
            ],
            "span_not_empty": [(1, 1, 2, None, "span", 4, 4, "none", STAMP)],
            "start_not_negative": [(1, 1, 2, None, "span", -1, 4, "none", STAMP)],
            "known_unit": [(1, 1, 2, None, "character", 0, 4, "none", STAMP)],
            "known_decision": [(1, 1, 2, None, "span", 0, 4, "maybe", STAMP)],
            "FOREIGN KEY": [(1, 1, 99, None, "span", 0, 4, "none", STAMP)],
        }
        for message, rows in refused.items():
            for row in rows:
                with pytest.raises(sqlite3.IntegrityError, match=message):
                    conn.execute(INSERT, row)
        # Decisions go with their article (and with their coder, label, question).
        with conn:
            conn.execute("DELETE FROM article WHERE id = 1")
        assert conn.execute("SELECT count(*) FROM adjudication_decision").fetchone() == (0,)
        # Ids are never reused: undo steps hold them.
        create = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'adjudication_decision'"
        ).fetchone()[0]
        assert "AUTOINCREMENT" in create
    finally:
        conn.close()


def test_downgrade_to_0006_drops_only_the_decisions(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    _at_0006(path)
    Project.open(path=path).close()
    with _conn(path) as conn:
        conn.execute(INSERT, (3, 1, None, 1, "article", 0, 10, "coder", STAMP))
    conn.close()
    before = dump_rows(path)
    assert len(before["adjudication_decision"]) == 1
    engine = create_project_engine(sqlite_url(path))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with schema_change(engine, str(path)) as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
    finally:
        engine.dispose()
    assert revision(path) == "0006"
    del before["adjudication_decision"]
    # 0008's annotation.version goes with the downgrade too.
    before["annotation"] = [row[:9] for row in before["annotation"]]
    assert dump_rows(path) == before
    assert integrity(path) == "ok"
