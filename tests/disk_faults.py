"""Real disk faults for tests: a full file system and a read-only folder.

A full disk is a small tmpfs mounted for the test, which needs root (CI runs
as root). Elsewhere the tests that need it are skipped with a visible reason,
never passed silently.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@contextmanager
def small_tmpfs(mount_point: Path, size_kib: int) -> Iterator[Path]:
    """Mount a tmpfs of *size_kib* KiB at *mount_point* for the block; skip without root."""
    if not can_mount():
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root")
    mount_point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_disk(folder: Path, leave_bytes: int = 0) -> None:
    """Write a filler file in *folder* until the file system has about *leave_bytes* free."""
    filler = folder / ".filler"
    chunk = b"\0" * 4096
    with open(filler, "ab") as out:
        while True:
            free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
            if free <= leave_bytes:
                break
            try:
                out.write(chunk[: max(1, min(len(chunk), free - leave_bytes))])
                out.flush()
            except OSError:
                break


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """Make *folder* read-only for the block (as root, a bind mount with ``ro``).

    Root ignores permission bits, so a chmod alone would not stop a root test
    process from writing; a read-only bind mount does.
    """
    if can_mount():
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        try:
            subprocess.run(
                ["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True
            )
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        return
    mode = folder.stat().st_mode
    folder.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield folder
    finally:
        folder.chmod(mode)
