"""Opening an old project with the real ``framing-app`` command: backup, upgrade, refusals.

A full disk is a real small tmpfs, a read-only folder a real read-only bind
mount (``disk_faults``); the project is an old-schema file (``old_projects``).
Whatever fails: exit status 1, one line, no traceback, the project unchanged
byte for byte and still at its old revision, no file left behind.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cli_harness import Cli
from disk_faults import fill_disk, read_only_folder, small_tmpfs
from old_projects import OLD_REVISION, make_old_project, revision, table_counts
from server_databases import sqlite_only

from framing_app.store.migrate import head_revision

# Old project files, opened and upgraded in place: a server is upgraded by its
# lead with `framing-app --db URL server migrate` instead.
pytestmark = sqlite_only


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if not p.is_dir()}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_upgrade_in_a_folder_named_team_hash_2(run_cli: Cli) -> None:
    folder = run_cli.root / "team #2"
    folder.mkdir()
    path = folder / "p?.sqlite"
    counts = make_old_project(path)
    beside = {p for p in run_cli.root.iterdir() if p.is_file()}
    out = run_cli.ok("labels", project=path).stdout
    assert "sovereignty" in out
    (backup,) = folder.glob("p?.backup-*.sqlite")
    assert _files(folder) == {path, backup}
    assert {p for p in run_cli.root.iterdir() if p.is_file()} == beside
    assert table_counts(backup) == counts
    assert revision(backup) == OLD_REVISION
    assert revision(path) == head_revision()


def _refused(run_cli: Cli, path: Path, expect: list[str]) -> str:
    """Run a command on *path*; check the documented failure and that nothing changed."""
    before, files_before = _digest(path), _files(path.parent)
    line = run_cli.fails("labels", project=path, expect=[str(path), *expect])
    assert _digest(path) == before
    assert _files(path.parent) - files_before <= {
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
    }, "only SQLite's own (empty) lock files may appear, when even they hardly fit"
    return line


def test_full_disk_refuses_the_upgrade_in_one_line(run_cli: Cli) -> None:
    with small_tmpfs(run_cli.root / "disk", 2048) as disk:
        path = disk / "p.sqlite"
        make_old_project(path, articles=200)
        fill_disk(disk, leave_bytes=64 * 1024)
        files_before = _files(disk)
        _refused(
            run_cli,
            path,
            ["cannot back up the project before upgrading it", "free some space"],
        )
        assert _files(disk) == files_before
        (disk / ".filler").unlink()
        assert revision(path) == OLD_REVISION
        run_cli.ok("labels", project=path)
        assert revision(path) == head_revision()


def test_completely_full_disk_gives_one_line(run_cli: Cli) -> None:
    with small_tmpfs(run_cli.root / "disk", 2048) as disk:
        path = disk / "p.sqlite"
        make_old_project(path, articles=200)
        fill_disk(disk, leave_bytes=0)
        _refused(run_cli, path, ["disk is full", "free some space"])
        (disk / ".filler").unlink()
        assert revision(path) == OLD_REVISION


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_read_only_folder_refuses_the_upgrade_in_one_line(run_cli: Cli, journal_mode: str) -> None:
    folder = run_cli.root / "shared"
    folder.mkdir()
    path = folder / "p.sqlite"
    make_old_project(path, journal_mode=journal_mode)
    files_before = _files(folder)
    with read_only_folder(folder):
        line = _refused(run_cli, path, ["writable folder"])
    assert "read-only" in line.lower()
    assert _files(folder) == files_before
    assert revision(path) == OLD_REVISION
    run_cli.ok("labels", project=path)
    assert revision(path) == head_revision()
