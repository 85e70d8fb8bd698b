"""The copy taken before an upgrade: faithful whatever the path, never half a file.

Old-schema projects are real SQLite files (see ``old_projects``); the faults
are real too: a full tmpfs and a read-only bind mount (``disk_faults``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from disk_faults import fill_disk, read_only_folder, small_tmpfs
from old_projects import OLD_REVISION, make_old_project, revision, table_counts

from framing_app.core.errors import FramingError, StorageError
from framing_app.services.project import Project
from framing_app.store.migrate import backup_sqlite, head_revision


def _files(root: Path) -> set[Path]:
    """Every file under *root*, hidden ones included."""
    return {p for p in root.rglob("*") if not p.is_dir()}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Characters a file: URI must escape (#, ?, %), an escape that must not be
# decoded twice (%23), white space, and non-ASCII names in NFC and NFD.
AWKWARD = [
    ("team #2", "p.sqlite"),
    ("what?", "p.sqlite"),
    ("100%", "p.sqlite"),
    ("literal %23 escape", "p.sqlite"),
    (" two  spaces ", "p.sqlite"),
    ("Müller ñ 日本 Ελλάδα", "проект.sqlite"),
    ("Mu\u0308ller", "p #1?.sqlite"),
    ("a&b=c;d", "p.sqlite"),
]


@pytest.mark.parametrize(("folder", "name"), AWKWARD)
def test_upgrade_backup_is_faithful_whatever_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, name: str
) -> None:
    # A relative path gone wrong would land in the working folder: make that tmp_path too.
    monkeypatch.chdir(tmp_path)
    path = tmp_path / folder / name
    path.parent.mkdir()
    counts = make_old_project(path)
    with Project.open(path=path) as project:
        backup = project.migration.backup
        assert project.migration.upgraded_from == OLD_REVISION
    assert backup is not None
    assert backup.parent == path.parent
    # Nothing else anywhere: no stray file beside the folder, no temporary copy.
    assert _files(tmp_path) == {path, backup}
    assert table_counts(backup) == counts
    assert revision(backup) == OLD_REVISION
    assert revision(path) == head_revision()
    assert table_counts(path) == counts


def test_backup_is_named_like_a_backup_and_never_overwrites_one(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    counts = make_old_project(path)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    first = backup_sqlite(path, now)
    second = backup_sqlite(path, now)
    assert first.name == "p.backup-20250101T000000Z.sqlite"
    assert second.name == "p.backup-20250101T000000Z-2.sqlite"
    for backup in (first, second):
        assert backup.name.startswith("p.backup-")
        assert backup.suffix == ".sqlite"
        assert table_counts(backup) == counts
    assert _files(tmp_path) == {path, first, second}


def test_next_backup_removes_leftover_temporary_copies(tmp_path: Path) -> None:
    """A killed backup leaves a hidden ``.part`` file (and maybe its journal); the next
    backup of the same project removes them, and leaves other projects' files alone."""
    path = tmp_path / "p.sqlite"
    counts = make_old_project(path)
    leftovers = [
        tmp_path / ".p.backup-20250101T000000Z.sqlite.part",
        tmp_path / ".p.backup-20250101T000000Z.sqlite.part-journal",
        tmp_path / ".p.backup-20250101T000000Z-2.sqlite.part",
    ]
    others = [
        tmp_path / ".q.backup-20250101T000000Z.sqlite.part",
        tmp_path / "p.backup-notes.txt",
    ]
    for leftover in leftovers + others:
        leftover.write_bytes(b"half a database")
    backup = backup_sqlite(path)
    assert table_counts(backup) == counts
    assert _files(tmp_path) == {path, backup, *others}


def _unchanged(path: Path, before: str, files_before: set[Path]) -> None:
    assert _digest(path) == before
    assert revision(path) == OLD_REVISION
    assert _files(path.parent) == files_before


def _upgrades_once_fixed(path: Path) -> None:
    """Once the user did what the message said, the project opens and is upgraded."""
    counts = table_counts(path)
    with Project.open(path=path) as project:
        backup = project.migration.backup
    assert backup is not None
    assert table_counts(backup) == counts
    assert revision(path) == head_revision()


def test_full_disk_refuses_the_upgrade_and_leaves_nothing(tmp_path: Path) -> None:
    """Room for SQLite's lock files but not for the copy: one line saying why and
    what to do, the project unchanged byte for byte, no half backup."""
    with small_tmpfs(tmp_path / "disk", 3072) as disk:
        path = disk / "p.sqlite"
        make_old_project(path, articles=200)
        fill_disk(disk, leave_bytes=64 * 1024)
        before, files_before = _digest(path), _files(disk)
        with pytest.raises(StorageError) as caught:
            Project.open(path=path)
        message = str(caught.value)
        assert "\n" not in message
        assert message.startswith(f"{path}: cannot back up the project before upgrading it (")
        assert "free some space" in message
        _unchanged(path, before, files_before)
        (disk / ".filler").unlink()
        _upgrades_once_fixed(path)


def test_completely_full_disk_gives_one_line(tmp_path: Path) -> None:
    """Not even SQLite's lock file fits: the project cannot be opened at all."""
    with small_tmpfs(tmp_path / "disk", 3072) as disk:
        path = disk / "p.sqlite"
        make_old_project(path, articles=200)
        fill_disk(disk, leave_bytes=0)
        before, files_before = _digest(path), _files(disk)
        with pytest.raises(FramingError) as caught:
            Project.open(path=path)
        message = str(caught.value)
        assert "\n" not in message
        assert message.startswith(f"{path}: ")
        assert "disk is full" in message
        assert "free some space" in message
        assert _digest(path) == before
        # SQLite may leave its own (empty) -wal/-shm beside the file; no backup, no copy.
        assert {p for p in _files(disk) - files_before if "backup" in p.name} == set()
        (disk / ".filler").unlink()
        assert revision(path) == OLD_REVISION
        _upgrades_once_fixed(path)


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_read_only_folder_refuses_the_upgrade_in_one_line(
    tmp_path: Path, journal_mode: str
) -> None:
    """WAL mode: SQLite cannot even open the file (no room for its lock files);
    rollback mode: it can read it but nobody may write. One line either way."""
    folder = tmp_path / "team"
    folder.mkdir()
    path = folder / "p.sqlite"
    make_old_project(path, journal_mode=journal_mode)
    before, files_before = _digest(path), _files(folder)
    with read_only_folder(folder):
        with pytest.raises(FramingError) as caught:
            Project.open(path=path)
        assert _files(folder) == files_before
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert "read-only" in message.lower()
    assert "writable folder" in message
    _unchanged(path, before, files_before)
    _upgrades_once_fixed(path)
