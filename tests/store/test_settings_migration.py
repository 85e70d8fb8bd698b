"""Migration 0004 (issue 7, defect 6): projects get a table of project settings.

A project written at schema 0003 upgrades with every row kept, a backup at
0003 beside it, and an empty settings table, so that blind coding reads as
off, as the project behaved before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from old_projects import (
    dump_rows,
    integrity,
    kept_rows,
    make_old_project,
    revision,
    table_counts,
    upgrade_old_project,
)

from framing_app.services import project_settings
from framing_app.services.project import Project
from framing_app.store.engine import create_project_engine, sqlite_url
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision, schema_change


def _settings_columns(path: Path) -> list[tuple[str, str, int, int]]:
    """(name, type, not null, primary key) of each column of ``project_setting``."""
    with sqlite3.connect(path) as conn:
        return [
            (row[1], row[2], row[3], row[5])
            for row in conn.execute("PRAGMA table_info(project_setting)")
        ]


def test_a_0003_project_upgrades_with_its_rows_and_blind_coding_off(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    counts = make_old_project(path, articles=4)
    upgrade_old_project(path, "0003")
    assert revision(path) == "0003"
    before = dump_rows(path)
    assert "project_setting" not in before

    with Project.open(path=path) as project:
        assert project.migration.upgraded_from == "0003"
        backup = project.migration.backup
        assert revision(path) == head_revision()
        assert project_settings.blind_coding(project) is False
        assert [(s.name, s.value) for s in project_settings.list_settings(project)][:2] == [
            ("blind-coding", "off"),
            ("show-sample", "off"),
        ]

    after = dump_rows(path)
    assert kept_rows(path, before) == before
    assert after["project_setting"] == []
    assert table_counts(path) == counts
    assert integrity(path) == "ok"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert backup is not None
    assert revision(backup) == "0003"
    assert dump_rows(backup) == before


def test_the_upgraded_table_is_the_one_a_new_project_gets(tmp_path: Path) -> None:
    old, new = tmp_path / "old.sqlite", tmp_path / "new.sqlite"
    make_old_project(old)
    upgrade_old_project(old, "0003")
    Project.open(path=old).close()
    Project.open(path=new).close()
    assert _settings_columns(old) == _settings_columns(new)
    assert _settings_columns(new) == [("name", "VARCHAR(64)", 1, 1), ("value", "TEXT", 1, 0)]
    # The schema refuses a nameless setting, whoever writes to the file.
    conn = sqlite3.connect(new)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="name_not_empty"):
            conn.execute("INSERT INTO project_setting (name, value) VALUES ('', 'on')")
    finally:
        conn.close()


def test_blind_coding_set_after_the_upgrade_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    make_old_project(path)
    upgrade_old_project(path, "0003")
    with Project.open(path=path) as project:
        project_settings.set_blind_coding(project, True)
    with Project.open(path=path) as project:
        assert project.migration.upgraded_from is None
        assert project_settings.blind_coding(project) is True
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name, value FROM project_setting").fetchall() == [
            ("blind-coding", "on")
        ]


def test_downgrade_to_0003_drops_only_the_settings_table(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    make_old_project(path)
    with Project.open(path=path) as project:
        project_settings.set_blind_coding(project, True)
    before = dump_rows(path)
    engine = create_project_engine(sqlite_url(path))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with schema_change(engine, str(path)) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0003")
    finally:
        engine.dispose()
    assert revision(path) == "0003"
    # Later revisions' tables (empty here) and the settings table go; every
    # other row stays, without the columns later revisions added.
    for table in ("project_setting", "question", "answer", "assignment", "adjudication_decision"):
        del before[table]
    before["coder"] = [row[:3] for row in before["coder"]]
    before["annotation"] = [row[:9] for row in before["annotation"]]  # 0008's version
    assert dump_rows(path) == before
