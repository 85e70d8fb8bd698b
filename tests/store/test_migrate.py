"""Schema creation, upgrade with backup, and refusal of databases we must not touch."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from old_projects import OLD_REVISION, STAMP, make_old_project, revision

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.core.errors import FramingError, SchemaError
from framing_app.services.codebook import delete_label
from framing_app.services.project import Project
from framing_app.store.engine import create_project_engine, sqlite_url
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision, migrate

EXTRA_REVISION = '''
"""Test-only revision on top of the shipped ones."""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coder") as batch:
        batch.add_column(sa.Column("initials", sa.String(8), nullable=True))
    {extra}


def downgrade() -> None:
    with op.batch_alter_table("coder") as batch:
        batch.drop_column("initials")
'''


def _extended_migrations(tmp_path: Path, extra: str = "pass") -> Path:
    """The shipped migrations plus one newer revision, as a future release would have."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9001_test.py").write_text(
        EXTRA_REVISION.format(head=head_revision(), extra=extra), encoding="utf-8"
    )
    return folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_new_project_gets_schema_codebook_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "new" / "p.sqlite"
    with Project.open(path=path) as project:
        assert project.migration.created
        assert project.migration.backup is None
    assert _version(path) == head_revision()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in conn.execute("SELECT name FROM label ORDER BY position")]
    assert names == ["sovereignty", "double standards", "universal rights"]
    conn.close()


def test_reopening_changes_nothing_and_takes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    Project.open(path=path).close()
    with Project.open(path=path) as project:
        assert not project.migration.created
        assert project.migration.upgraded_from is None
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []


def test_upgrade_takes_timestamped_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    with Project.open(path=path) as project, project.db.write() as session:
        from framing_app.store.models import Coder

        session.add(Coder(name="alice"))
    engine = create_project_engine(sqlite_url(path))
    try:
        result = migrate(engine, _extended_migrations(tmp_path))
    finally:
        engine.dispose()
    assert result.upgraded_from == head_revision()
    assert result.backup is not None
    assert re.fullmatch(r"p\.backup-\d{8}T\d{6}Z\.sqlite", result.backup.name)
    # The backup is the database as it was: old revision, same data.
    assert _version(result.backup) == head_revision()
    with sqlite3.connect(result.backup) as conn:
        assert conn.execute("SELECT name FROM coder").fetchall() == [("alice",)]
        columns = [r[1] for r in conn.execute("PRAGMA table_info(coder)")]
        assert "initials" not in columns
    assert _version(path) == "9001"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name, initials FROM coder").fetchall() == [("alice", None)]


def test_failing_migration_leaves_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    Project.open(path=path).close()
    engine = create_project_engine(sqlite_url(path))
    folder = _extended_migrations(tmp_path, extra='raise RuntimeError("half-way")')
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            migrate(engine, folder)
    finally:
        engine.dispose()
    # Transactional DDL: the column added before the failure is gone again.
    assert _version(path) == head_revision()
    with sqlite3.connect(path) as conn:
        assert "initials" not in [r[1] for r in conn.execute("PRAGMA table_info(coder)")]


def test_newer_schema_is_refused_and_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    Project.open(path=path).close()
    engine = create_project_engine(sqlite_url(path))
    migrate(engine, _extended_migrations(tmp_path))  # a "newer framing-app" wrote it
    engine.dispose()
    for backup in tmp_path.glob("p.backup-*"):
        backup.unlink()
    before = _digest(path)
    with pytest.raises(SchemaError, match=r"newer version of framing-app \(schema 9001"):
        Project.open(path=path)
    assert _digest(path) == before
    assert list(tmp_path.glob("p.backup-*")) == []
    assert _version(path) == "9001"


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    before = _digest(path)
    with pytest.raises(SchemaError, match="not a framing-app project"):
        Project.open(path=path)
    assert _digest(path) == before


def test_file_that_is_not_a_database_gives_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 50, encoding="utf-8")
    with pytest.raises(FramingError) as caught:
        Project.open(path=path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert "not a database" in message


def _labels(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM label ORDER BY position")]


def test_schema_and_default_codebook_are_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeding that fails takes the new schema with it, so the next open starts
    again from nothing and the project gets its codebook (not: a schema for good
    without one)."""
    path = tmp_path / "p.sqlite"

    def failing_seed(*_args: object) -> None:
        raise RuntimeError("seeding interrupted")

    with monkeypatch.context() as patch:
        patch.setattr(Project, "_seed_codebook", failing_seed)
        with pytest.raises(RuntimeError, match="seeding interrupted"):
            Project.open(path=path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []
    with Project.open(path=path) as project:
        assert project.migration.created
    assert _labels(path) == [spec.name for spec in DEFAULT_LABELS]


def test_empty_file_left_by_a_killed_creation_becomes_a_project(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    path.write_bytes(b"")
    with Project.open(path=path) as project:
        assert project.migration.created
    assert _labels(path) == [spec.name for spec in DEFAULT_LABELS]


def test_codebook_emptied_by_the_user_is_not_reseeded(tmp_path: Path) -> None:
    """An empty codebook in an existing project is the user's doing (schema and
    codebook are created together), so opening the project leaves it empty."""
    path = tmp_path / "p.sqlite"
    with Project.open(path=path) as project:
        for spec in DEFAULT_LABELS:
            delete_label(project, spec.name)
    with Project.open(path=path) as project:
        assert not project.migration.created
    assert _labels(path) == []


def test_upgrade_waits_for_the_write_lock_and_backs_up_what_it_upgrades(tmp_path: Path) -> None:
    """Backup and upgrade happen under one write lock: a writer that holds the
    lock first finishes, and its row is in the backup as well as the upgrade."""
    path = tmp_path / "p.sqlite"
    make_old_project(path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO coder (name, created_at) VALUES ('carol', ?)", (STAMP,))
    opened: list[Project] = []
    thread = threading.Thread(target=lambda: opened.append(Project.open(path=path)))
    thread.start()
    time.sleep(0.3)  # the opener is now waiting on the lock
    assert opened == []
    writer.execute("COMMIT")
    writer.close()
    thread.join(timeout=30)
    (project,) = opened
    project.close()
    backup = project.migration.backup
    assert backup is not None
    with sqlite3.connect(backup) as conn:
        assert ("carol",) in conn.execute("SELECT name FROM coder").fetchall()
    assert revision(backup) == OLD_REVISION
    assert revision(path) == head_revision()
