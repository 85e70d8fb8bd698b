"""Files the program writes: never over a database, whole or not at all, normal permissions."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from disk_faults import fill_disk, small_tmpfs
from server_databases import sqlite_only

from framing_app.core.errors import InputFileError
from framing_app.services import codebook
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.project import Project


def _project_bytes(project: Project) -> bytes:
    assert project.path is not None
    return project.path.read_bytes()


@sqlite_only
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_export_never_overwrites_the_project_or_its_companions(
    sample_project: Project, suffix: str
) -> None:
    assert sample_project.path is not None
    target = Path(str(sample_project.path) + suffix)
    existed = target.exists()
    # Reads change the -shm index and a checkpoint the -wal; only the
    # database file itself must stay byte for byte.
    before = target.read_bytes() if suffix == "" else None
    labels_before = codebook.list_labels(sample_project)

    with pytest.raises(InputFileError, match="open project's database") as caught:
        export_annotations_to_file(sample_project, target)
    with pytest.raises(InputFileError, match="open project's database"):
        codebook.export_codebook(sample_project, target)

    assert str(target) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert target.exists() == existed
    if before is not None:
        assert target.read_bytes() == before
    assert codebook.list_labels(sample_project) == labels_before
    assert not list(target.parent.glob(".*.part"))


@sqlite_only
def test_export_never_overwrites_a_backup_name_or_any_database(
    project: Project, tmp_path: Path
) -> None:
    assert project.path is not None
    backup = project.path.with_name(f"{project.path.stem}.backup-20260101T000000Z.sqlite")
    with pytest.raises(InputFileError, match="open project's database"):
        export_annotations_to_file(project, backup)
    assert not backup.exists()

    other = tmp_path / "other-study.csv"  # a database whatever its name says
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    before = other.read_bytes()
    with pytest.raises(InputFileError, match="is a SQLite database"):
        export_annotations_to_file(project, other)
    with pytest.raises(InputFileError, match="is a SQLite database"):
        codebook.export_codebook(project, other)
    assert other.read_bytes() == before
    # ... nor over the log of another database.
    wal = tmp_path / "other-study.csv-wal"
    with pytest.raises(InputFileError, match="SQLite database beside it"):
        export_annotations_to_file(project, wal)
    assert not wal.exists()


@sqlite_only
def test_export_through_a_symlink_to_the_project_is_refused(
    sample_project: Project, tmp_path: Path
) -> None:
    link = tmp_path / "innocent.csv"
    assert sample_project.path is not None
    link.symlink_to(sample_project.path)
    before = _project_bytes(sample_project)
    with pytest.raises(InputFileError, match="open project's database"):
        export_annotations_to_file(sample_project, link)
    assert _project_bytes(sample_project) == before


def test_export_to_a_folder_is_refused(project: Project, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="is a folder"):
        codebook.export_codebook(project, tmp_path)


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002], ids=["022", "027", "002"])
def test_new_files_get_the_users_permissions(project: Project, tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        codebook.export_codebook(project, tmp_path / "codebook.json")
        export_annotations_to_file(project, tmp_path / "annotations.csv")
    finally:
        os.umask(old)
    for name in ("codebook.json", "annotations.csv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_replacing_a_file_keeps_its_permissions(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "codebook.json"
    out.write_text("old")
    out.chmod(0o640)
    codebook.export_codebook(project, out)
    assert out.stat().st_mode & 0o777 == 0o640
    assert json.loads(out.read_text(encoding="utf-8"))["labels"]


def test_codebook_export_on_a_full_disk_keeps_the_previous_file(
    project: Project, tmp_path: Path
) -> None:
    with small_tmpfs(tmp_path / "disk", 256) as disk:
        out = disk / "codebook.json"
        codebook.export_codebook(project, out)
        previous = out.read_bytes()
        codebook.add_label(project, "economic consequences", definition="x" * 20_000)
        fill_disk(disk, leave_bytes=0)

        with pytest.raises(InputFileError, match="cannot write") as caught:
            codebook.export_codebook(project, out)

        assert str(out) in str(caught.value)
        assert out.read_bytes() == previous
        assert [p.name for p in disk.iterdir() if p.name != ".filler"] == ["codebook.json"]


def test_annotation_export_on_a_full_disk_keeps_the_previous_file(
    sample_project: Project, tmp_path: Path
) -> None:
    with small_tmpfs(tmp_path / "disk", 256) as disk:
        out = disk / "annotations.csv"
        out.write_text("the previous export\n", encoding="utf-8")
        fill_disk(disk, leave_bytes=0)
        from framing_app.services import tagging

        for start in range(0, 2000, 10):
            tagging.annotate(
                sample_project,
                coder="alice",
                article="2011-04-26_npr_china-us-human-rights-talks",
                label="sovereignty",
                start=start,
                end=start + 5,
                memo="m" * 200,
            )
        with pytest.raises(InputFileError, match="cannot write"):
            export_annotations_to_file(sample_project, out)
        assert out.read_text(encoding="utf-8") == "the previous export\n"
        assert sorted(p.name for p in disk.iterdir()) == [".filler", "annotations.csv"]
