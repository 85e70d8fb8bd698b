"""Rolling backups, ``backup --out`` and restore, on real project files (issue 9, "Backups").

Every file is real and checked with the standard library's ``sqlite3``
(``old_projects``), independently of the code under test.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from disk_faults import fill_disk, small_tmpfs
from old_projects import OLD_REVISION, dump_rows, integrity, make_old_project, revision
from server_team import Team

from framing_app.core.errors import (
    ConflictError,
    FramingError,
    PermissionRefused,
    SchemaError,
    StorageError,
)
from framing_app.services import backups, coders, project_settings, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project
from framing_app.store.engine import BUSY_TIMEOUT_ENV
from framing_app.store.migrate import head_revision

T0 = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)
TEXT = "Beijing rejects the criticism. Washington insists on universal rights.\n"


@pytest.fixture
def coded(tmp_path: Path) -> Iterator[Project]:
    """A SQLite project with one article tagged once by alice."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    with Project.open(path=tmp_path / "team" / "p.sqlite") as project:
        import_articles(project, [folder])
        tagging.annotate(project, coder="alice", article="a", label="sovereignty", start=0, end=7)
        yield project


def _path(project: Project) -> Path:
    assert project.path is not None
    return project.path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    """Name -> digest of every file in *folder*, hidden ones included."""
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _tag_more(project: Project) -> None:
    """Change the rows: another annotation, another coder, a label renamed."""
    tagging.annotate(project, coder="bob", article="a", label="sovereignty", start=8, end=15)
    coders.add_coder(project, "carol")


# -- rolling backups -------------------------------------------------------------------


def test_a_rolling_backup_is_a_complete_copy_named_by_time_never_overwritten(
    coded: Project,
) -> None:
    first = backups.make_backup(coded, T0)
    second = backups.make_backup(coded, T0)
    folder = _path(coded).parent / "backups"
    assert first == folder / "p-20250301T090000Z.sqlite"
    assert second == folder / "p-20250301T090000Z-2.sqlite"
    for backup in (first, second):
        assert integrity(backup) == "ok"
        assert dump_rows(backup) == dump_rows(_path(coded))
        assert revision(backup) == head_revision()
    # No temporary file, no side file left beside them.
    assert set(_files(folder)) == {first.name, second.name}
    assert [b.path for b in backups.list_backups(coded)] == [second, first]
    assert backups.list_backups(coded)[0].size == second.stat().st_size


def test_pruning_keeps_the_newest_k_and_never_touches_other_files(coded: Project) -> None:
    project_settings.set_backups_kept(coded, 3)
    folder = _path(coded).parent / "backups"
    folder.mkdir()
    others = {
        "notes.txt": b"the lead's notes",
        # Named like one of p's backups, but not a database: someone else's file.
        "p-20000101T000000Z.sqlite": b"a,b\n1,2\n",
        "p-20000101T000000Z.sqlite.bak": b"copy",
        "P-20000101T000000Z.sqlite.txt": b"x",
        ".hidden": b"y",
    }
    for name, data in others.items():
        (folder / name).write_bytes(data)
    # Backups of other projects in the same folder: "q" and "p-2" (whose names start with "p-").
    with Project.open(path=_path(coded).parent / "q.sqlite") as q:
        foreign = [backups.make_backup(q, T0 - timedelta(days=1))]
    with Project.open(path=_path(coded).parent / "p-2.sqlite") as p2:
        foreign.append(backups.make_backup(p2, T0 - timedelta(days=1)))
    before = _files(folder)

    made = [backups.make_backup(coded, T0 + timedelta(minutes=10 * n)) for n in range(5)]

    after = _files(folder)
    assert {name: after[name] for name in before} == before, "other files are untouched"
    ours = set(after) - set(before)
    assert ours == {path.name for path in made[-3:]}
    assert [b.path for b in backups.list_backups(coded)] == made[::-1][:3]
    assert all(path.exists() for path in foreign)


def test_lowering_the_number_kept_prunes_at_the_next_backup(coded: Project) -> None:
    made = [backups.make_backup(coded, T0 + timedelta(minutes=n)) for n in range(4)]
    assert len(backups.list_backups(coded)) == 4
    project_settings.set_backups_kept(coded, 1)
    assert len(backups.list_backups(coded)) == 4, "nothing is deleted by the setting itself"
    newest = backups.make_backup(coded, T0 + timedelta(hours=1))
    assert [b.path for b in backups.list_backups(coded)] == [newest]
    assert not any(path.exists() for path in made)


def test_a_backup_is_due_only_when_the_newest_is_older_than_the_interval(
    coded: Project,
) -> None:
    project_settings.set_backup_interval(coded, 10)
    first = backups.backup_if_due(coded, T0)
    assert first is not None
    assert backups.backup_if_due(coded, T0 + timedelta(minutes=9, seconds=59)) is None
    second = backups.backup_if_due(coded, T0 + timedelta(minutes=10))
    assert second is not None
    assert second != first
    # A backup stamped in the future (the clock was put back) does not stop backups.
    backups.make_backup(coded, T0 + timedelta(days=365))
    assert backups.backup_if_due(coded, T0 + timedelta(minutes=20)) is not None


def test_leftovers_of_killed_backups_are_removed_by_the_next_one(coded: Project) -> None:
    folder = _path(coded).parent / "backups"
    folder.mkdir()
    leftovers = [
        ".p-20250101T000000Z.sqlite.part",
        ".p-20250101T000000Z.sqlite.part-journal",
        ".p-20250101T000000Z-2.sqlite.part",
    ]
    others = [".q-20250101T000000Z.sqlite.part", ".p-notes.part", "p-20250101T000000Z.part"]
    for name in leftovers + others:
        (folder / name).write_bytes(b"half a database")
    made = backups.make_backup(coded, T0)
    assert sorted(_files(folder)) == sorted([made.name, *others])


def test_a_backup_refused_by_a_lock_says_try_again_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "200")
    path = tmp_path / "p.sqlite"
    with Project.open(path=path) as project:
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StorageError) as caught:
                backups.make_backup(project, T0)
        finally:
            holder.rollback()
            holder.close()
        assert "try again" in str(caught.value)
        assert "\n" not in str(caught.value)
        assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").iterdir())
        assert backups.make_backup(project, T0).exists()


def test_a_full_disk_gives_one_line_and_leaves_no_backup(tmp_path: Path) -> None:
    """Room for the project's own writes but not for a copy: no file under a backup's name,
    no temporary copy left, the project unchanged; once there is room, it works."""
    with small_tmpfs(tmp_path / "disk", 3072) as disk:
        path = disk / "p.sqlite"
        make_old_project(path, articles=200)
        with Project.open(path=path) as project:
            for leftover in disk.glob("p.backup-*"):
                leftover.unlink()  # the pre-upgrade copy: the room is for ours
            fill_disk(disk, leave_bytes=64 * 1024)
            rows = dump_rows(path)
            with pytest.raises(StorageError) as caught:
                backups.make_backup(project, T0)
            message = str(caught.value)
            assert message.startswith(f"{path}: cannot back up the project into ")
            assert "free some space" in message
            assert "\n" not in message
            assert sorted(p.name for p in (disk / "backups").iterdir()) == []
            assert dump_rows(path) == rows
            (disk / ".filler").unlink()
            made = backups.make_backup(project, T0)
            assert dump_rows(made) == rows


# -- backup --out ------------------------------------------------------------------------


def test_backup_to_a_new_file_is_complete(coded: Project, tmp_path: Path) -> None:
    out = tmp_path / "copy for Ana.sqlite"
    # A killed earlier backup to the same file left its temporary copy.
    (tmp_path / ".copy for Ana.sqlite.part").write_bytes(b"half")
    assert backups.backup_now(coded, out) == out
    assert integrity(out) == "ok"
    assert dump_rows(out) == dump_rows(_path(coded))
    assert sorted(p.name for p in tmp_path.iterdir() if "Ana" in p.name) == [out.name]
    assert not (_path(coded).parent / "backups").exists(), "--out makes no rolling backup"


def test_backup_out_refuses_what_it_must_not_write(coded: Project, tmp_path: Path) -> None:
    project = _path(coded)
    existing = tmp_path / "old.sqlite"
    existing.write_bytes(b"an earlier backup")
    cases = {
        existing: "already exists",
        project: "is the project itself",
        project.with_name("p.sqlite-wal"): "belongs to the project's database",
        project.with_name("p.sqlite-shm"): "belongs to the project's database",
        tmp_path: "is a folder",
        tmp_path / "no such folder" / "b.sqlite": "no such folder",
    }
    before = {p: _digest(p) for p in tmp_path.rglob("*") if p.is_file() and "-shm" not in p.name}
    before.pop(project.with_name("p.sqlite-wal"), None)
    for out, expected in cases.items():
        with pytest.raises(FramingError) as caught:
            backups.backup_now(coded, out)
        message = str(caught.value)
        assert message.startswith(f"{out}: "), message
        assert expected in message
        assert "\n" not in message
    assert existing.read_bytes() == b"an earlier backup"
    after = {p: _digest(p) for p in tmp_path.rglob("*") if p.is_file() and "-shm" not in p.name}
    after.pop(project.with_name("p.sqlite-wal"), None)
    assert {p: d for p, d in after.items() if p != project} == {
        p: d for p, d in before.items() if p != project
    }


# -- restore ---------------------------------------------------------------------------


def test_restore_round_trip_and_undo(coded: Project) -> None:
    project = _path(coded)
    at_backup = dump_rows(project)
    backup = backups.make_backup(coded, T0)
    backup_digest = _digest(backup)
    _tag_more(coded)
    changed = dump_rows(project)
    assert changed != at_backup

    result = backups.restore(coded, backup, T0 + timedelta(minutes=5))
    assert result.changes.everything
    assert result.restored == backup
    assert result.upgraded_from is None
    assert dump_rows(project) == at_backup
    assert integrity(project) == "ok"
    # The window sees it through the services at once.
    assert [c.name for c in coders.list_coders(coded)] == ["alice"]
    # What the restore replaced was backed up first.
    assert result.before.parent == backup.parent
    assert dump_rows(result.before) == changed
    assert [b.path for b in backups.list_backups(coded)] == [result.before, backup]
    assert _digest(backup) == backup_digest, "the backup itself is only read"

    undone = backups.restore(coded, result.before, T0 + timedelta(minutes=6))
    assert dump_rows(project) == changed
    assert dump_rows(undone.before) == at_backup
    assert [c.name for c in coders.list_coders(coded)] == ["alice", "bob", "carol"]


def test_other_connections_see_the_old_or_the_new_project(coded: Project) -> None:
    project = _path(coded)
    backup = backups.make_backup(coded, T0)
    _tag_more(coded)
    reader = sqlite3.connect(project, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM coder").fetchone() == (3,)
        backups.restore(coded, backup)
        # A read under way keeps its snapshot; the next one sees the restored project.
        assert reader.execute("SELECT count(*) FROM coder").fetchone() == (3,)
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM coder").fetchone() == (1,)
    finally:
        reader.close()
    with Project.open(path=project) as again:
        assert [c.name for c in coders.list_coders(again)] == ["alice"]


def test_an_older_schema_backup_is_upgraded_on_the_way_in(coded: Project, tmp_path: Path) -> None:
    old = tmp_path / "old" / "p.backup-20250101T000000Z.sqlite"
    old.parent.mkdir()
    counts = make_old_project(old, articles=5)
    old_digest = _digest(old)
    old_rows = dump_rows(old)

    result = backups.restore(coded, old)
    assert result.upgraded_from == OLD_REVISION
    project = _path(coded)
    assert revision(project) == head_revision()
    assert integrity(project) == "ok"
    assert dump_rows(project)["article"] == old_rows["article"]
    assert len(dump_rows(project)["annotation"]) == counts["annotation"]
    assert _digest(old) == old_digest, "the backup file itself is never written"
    assert sorted(p.name for p in old.parent.iterdir()) == [old.name]


def _newer(backup: Path, target: Path) -> Path:
    shutil.copyfile(backup, target)
    connection = sqlite3.connect(target)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    return target


def _damaged(backup: Path, target: Path, page: int) -> Path:
    """A copy of *backup* with *page* (1-based) scribbled over; the file header stays readable."""
    shutil.copyfile(backup, target)
    data = bytearray(target.read_bytes())
    start = (page - 1) * 4096
    data[start : start + 64] = b"\xff" * 64
    target.write_bytes(bytes(data))
    return target


def _foreign(target: Path) -> Path:
    connection = sqlite3.connect(target)
    with connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.close()
    return target


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing", "no such file"),
        ("folder", "is a folder"),
        ("itself", "is the project itself"),
        ("csv", "not a framing-app project (not a SQLite database)"),
        ("empty", "not a framing-app project (an empty file)"),
        ("foreign", "not a framing-app project (a SQLite database of another program)"),
        ("newer", "newer version of framing-app"),
        # A table's page read to find the schema version, and one only a check reads.
        ("damaged", "is damaged"),
        ("damaged-text", "is damaged"),
    ],
)
def test_restore_refuses_what_is_not_a_usable_backup_and_changes_nothing(
    coded: Project, tmp_path: Path, kind: str, expected: str
) -> None:
    project = _path(coded)
    good = backups.make_backup(coded, T0)
    _tag_more(coded)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    files = {
        "missing": lambda: elsewhere / "missing.sqlite",
        "folder": lambda: elsewhere,
        "itself": lambda: project,
        "csv": lambda: _written(elsewhere / "annotations.csv", b"a,b\n1,2\n"),
        "empty": lambda: _written(elsewhere / "empty.sqlite", b""),
        "foreign": lambda: _foreign(elsewhere / "recipes.sqlite"),
        "newer": lambda: _newer(good, elsewhere / "newer.sqlite"),
        "damaged": lambda: _damaged(good, elsewhere / "damaged.sqlite", 2),
        "damaged-text": lambda: _damaged(good, elsewhere / "text.sqlite", _last_page(good)),
    }
    bad = files[kind]()
    rows, folder = dump_rows(project), _files(good.parent)
    with pytest.raises(FramingError) as caught:
        backups.restore(coded, bad)
    message = str(caught.value)
    assert message.startswith(f"{bad}: "), message
    assert expected in message
    assert "\n" not in message
    if kind == "newer":
        assert isinstance(caught.value, SchemaError)
        assert "9999_future" in message
    # The project unchanged, and no backup made of it.
    assert dump_rows(project) == rows
    assert _files(good.parent) == folder


def _last_page(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA page_count").fetchone()[0])
    finally:
        connection.close()


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_restore_refused_by_a_lock_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "200")
    path = tmp_path / "p.sqlite"
    with Project.open(path=path) as project:
        backup = backups.make_backup(project, T0)
        coders.add_coder(project, "carol")
        rows = dump_rows(path)
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StorageError) as caught:
                backups.restore(project, backup, T0 + timedelta(minutes=1))
        finally:
            holder.rollback()
            holder.close()
        assert "try again" in str(caught.value)
        assert dump_rows(path) == rows
        assert [b.path for b in backups.list_backups(project)] == [backup]


# -- settings and server projects ----------------------------------------------------------


def test_interval_and_number_kept_are_typed_project_settings(coded: Project) -> None:
    assert project_settings.backup_interval(coded) == 10
    assert project_settings.backups_kept(coded) == 10
    shown = {s.name: (s.value, s.default) for s in project_settings.list_settings(coded)}
    assert shown["backup-interval"] == ("10", "10")
    assert shown["backups-kept"] == ("10", "10")
    assert project_settings.set_backup_interval(coded, 30)
    assert not project_settings.set_backup_interval(coded, 30)
    assert project_settings.backup_interval(coded) == 30
    for bad in (0, -5, 24 * 60 + 1):
        with pytest.raises(ConflictError):
            project_settings.set_backup_interval(coded, bad)
    with pytest.raises(ConflictError):
        project_settings.set_backups_kept(coded, 0)
    assert project_settings.backup_interval(coded) == 30
    # A hand-edited value that is no number, or out of range, reads as the default.
    for stored in ("ten", "0", "99999"):
        connection = sqlite3.connect(_path(coded))
        with connection:
            connection.execute(
                "UPDATE project_setting SET value = ? WHERE name = 'backup-interval'", (stored,)
            )
        connection.close()
        assert project_settings.backup_interval(coded) == 10


def test_a_server_project_gets_no_rolling_backups_and_a_file_from_its_lead(
    team: Team, tmp_path: Path
) -> None:
    """Rolling backups, lists and restores are for files; a server's lead backs up to a file."""
    with Project.open(url=team.url(team.lead)) as server:
        for call in (
            lambda: backups.list_backups(server),
            lambda: backups.make_backup(server),
            lambda: backups.backup_now(server),
            lambda: backups.restore(server, tmp_path / "p.sqlite"),
        ):
            with pytest.raises(FramingError) as caught:
                call()
            assert "framing-app --db URL backup --out FILE" in str(caught.value)
        assert backups.backup_if_due(server) is None
        out = backups.backup_now(server, tmp_path / "out.sqlite")
        assert out == tmp_path / "out.sqlite"
    with Project.open(path=out) as copy:
        assert project_settings.backup_interval(copy) == 10
    with (
        Project.open(url=team.url(team.coders[0])) as coder,
        pytest.raises(PermissionRefused, match="only a project lead can back up"),
    ):
        backups.backup_now(coder, tmp_path / "mine.sqlite")
    assert not (tmp_path / "mine.sqlite").exists()
