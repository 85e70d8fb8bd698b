"""SIGKILL of real framing-app processes while they back up or restore a ~20 MB project.

``framing-app backup`` (a rolling backup into ``backups/``, or ``--out FILE``)
and ``framing-app restore`` are killed at seeded random moments after their
first file appears. Whenever the process dies:

* every file named like a backup (``backups/p-YYYYMMDDTHHMMSSZ[-N].sqlite``,
  or the ``--out`` file) is a complete database: ``PRAGMA integrity_check``
  ok and the same rows as the project it was made of;
* anything else the killed run left is a hidden ``.part`` file (or its
  journal), which the next backup removes;
* the project is sound, and a killed restore left it exactly as before or
  exactly as restored, never a mixture.

Kill moments are seeded random moments, one in each equal slice of twice
the duration measured in an uninterrupted run just before (the copy, its
check and rename; for a restore also the copy into the project), so that
about half land during the work and the rest after it.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from old_projects import dump_rows, integrity, make_old_project
from safety_summary import SafetyFigures

from framing_app.services import coders
from framing_app.services.project import Project

BACKUP_KILLS = 12
RESTORE_KILLS = 6
SEED = 20261208
# About 20 MB: the copy takes a moment (about 0.1 s here).
ARTICLES = 4_000
TEXT_CHARS = 4_000
BACKUP_NAME = re.compile(r"p-\d{8}T\d{6}Z(-\d+)?\.sqlite")
LEFTOVER_NAME = re.compile(r"\.(p-\d{8}T\d{6}Z(-\d+)?|out)\.sqlite\.part(-journal|-wal|-shm)?")


def _env() -> dict[str, str]:
    # The autouse fixture has pointed HOME and the XDG folders into tmp_path.
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _command(project: Path, *args: object) -> list[str]:
    return [sys.executable, "-m", "framing_app", "--project", str(project), *map(str, args)]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~20 MB project at the current schema, with no backup; copy it, do not change it."""
    folder = tmp_path_factory.mktemp("backup-template")
    path = folder / "p.sqlite"
    make_old_project(path, articles=ARTICLES, text_chars=TEXT_CHARS)
    Project.open(path=path).close()  # upgraded to the current schema
    for extra in folder.iterdir():
        if extra != path:
            extra.unlink()
    return path


def _entries(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def _run_until(
    command: list[str],
    cwd: Path,
    started: Callable[[], bool],
    delay: float | None,
    finished: Callable[[], bool] | None = None,
) -> tuple[int, float | None]:
    """Run *command*; once *started()* is true, SIGKILL it after *delay* s.

    Without a *delay* the run is a calibration: it goes on to the end, and
    the second value returned is the seconds from *started()* to
    *finished()* (the work visibly done; the process then still has to exit).
    The first value is the exit status (``-SIGKILL`` when killed).
    """
    process = subprocess.Popen(
        command, env=_env(), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not started():
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"{command[5:]} started no work (exit {process.poll()}): {stderr}")
            time.sleep(0.001)
        seen = time.perf_counter()
        if delay is None:
            assert finished is not None
            while not finished() and process.poll() is None:
                time.sleep(0.001)
            done = time.perf_counter() - seen
            assert process.wait(timeout=60) == 0
            assert finished(), f"{command[5:]} ended without finishing its work"
            return 0, done
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
    return process.returncode, None


def _moments(rng: random.Random, window: float, count: int) -> list[float]:
    """*count* seeded moments in *window*, one in each of *count* equal slices of it, so
    that a few draws cannot all fall on one side of the moment the work is done."""
    return [window * (slot + rng.random()) / count for slot in range(count)]


def _check_backups(folder: Path, rows: object, where: str) -> tuple[list[Path], list[Path]]:
    """Every backup in *folder* is complete (same rows as *rows*); the rest are leftovers."""
    backups, leftovers = [], []
    for name in sorted(_entries(folder)):
        path = folder / name
        if BACKUP_NAME.fullmatch(name) or name == "out.sqlite":
            assert integrity(path) == "ok", f"{where}: {name} is damaged"
            assert dump_rows(path) == rows, f"{where}: {name} is not a complete copy"
            backups.append(path)
        else:
            assert LEFTOVER_NAME.fullmatch(name), f"{where}: {name} left behind"
            leftovers.append(path)
    return backups, leftovers


def test_kills_during_backups_never_leave_a_false_backup(
    tmp_path: Path, template: Path, safety_figures: SafetyFigures
) -> None:
    rows = dump_rows(template)

    def trial(number: int, delay: float | None) -> tuple[int, float | None, Path]:
        folder = tmp_path / f"backup-{number}"
        folder.mkdir()
        project = folder / "p.sqlite"
        shutil.copyfile(template, project)
        # Every other run writes --out FILE beside the project instead.
        if number % 2:
            args: list[object] = ["backup", "--out", folder / "out.sqlite"]
            watched = folder

            def started() -> bool:
                return bool({".out.sqlite.part", "out.sqlite"} & _entries(folder))

            def finished() -> bool:
                return "out.sqlite" in _entries(folder)
        else:
            args = ["backup"]
            watched = folder / "backups"

            def started() -> bool:
                return bool(_entries(watched))

            def finished() -> bool:
                return any(BACKUP_NAME.fullmatch(name) for name in _entries(watched))

        status, seconds = _run_until(_command(project, *args), folder, started, delay, finished)
        return status, seconds, watched

    _status, seconds, _watched = trial(-2, None)
    assert seconds is not None
    window = max(0.02, 2 * seconds)
    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    killed = 0
    for number, delay in enumerate(_moments(rng, window, BACKUP_KILLS)):
        status, _seconds, watched = trial(number, delay)
        killed += status == -signal.SIGKILL
        where = f"kill {number} ({delay * 1000:.0f} ms after the backup started)"
        folder = tmp_path / f"backup-{number}"
        project = folder / "p.sqlite"

        assert integrity(project) == "ok", where
        assert dump_rows(project) == rows, where
        made, leftovers = _check_backups(folder / "backups", rows, where)
        if watched == folder:
            expected = {"p.sqlite", "p.sqlite-wal", "p.sqlite-shm", "out.sqlite"}
            strays = {n for n in _entries(folder) - expected if not LEFTOVER_NAME.fullmatch(n)}
            assert strays == set(), f"{where}: {strays} left behind"
            out = folder / "out.sqlite"
            done = out.exists()
            if done:
                assert integrity(out) == "ok", where
                assert dump_rows(out) == rows, where
            left = sorted(n for n in _entries(folder) if n.startswith(".out.sqlite.part"))
            phases["finished" if done else "copying" if left else "before the copy"] += 1
            # The next backup to the same file clears the leftover, or refuses an existing file.
            again = subprocess.run(
                _command(project, "backup", "--out", out),
                env=_env(),
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert again.returncode == (1 if done else 0), (where, again.stderr)
            assert integrity(out) == "ok", where
            assert dump_rows(out) == rows, where
            assert not [n for n in _entries(folder) if ".part" in n], where
        else:
            phases["finished" if made else "copying" if leftovers else "before the copy"] += 1
            # The next backup works, and removes what the killed one left.
            subprocess.run(
                _command(project, "backup"),
                env=_env(),
                cwd=folder,
                capture_output=True,
                timeout=120,
                check=True,
            )
            made, leftovers = _check_backups(folder / "backups", rows, where)
            assert leftovers == [], where
            assert made, where
        shutil.rmtree(folder)
        if status == -signal.SIGKILL:
            safety_figures.kill_survived("backup")

    print(f"{killed} of {BACKUP_KILLS} backups killed; where they were: {dict(phases)}")
    assert killed >= BACKUP_KILLS // 2, f"most processes finished before the kill: {phases}"
    assert phases["copying"] >= 1, f"no kill landed during a copy: {phases}"


def test_kills_during_restores_leave_the_project_before_or_after(
    tmp_path: Path, template: Path, safety_figures: SafetyFigures
) -> None:
    """A restore replaces a 20 MB project by a backup of it with one coder more."""
    restored = tmp_path / "restored.sqlite"
    shutil.copyfile(template, restored)
    with Project.open(path=restored) as project:
        coders.add_coder(project, "carol")
    for extra in tmp_path.iterdir():
        if extra.name.startswith("restored.sqlite-"):
            extra.unlink()
    before, after = dump_rows(template), dump_rows(restored)
    assert before != after

    def trial(number: int, delay: float | None) -> tuple[int, float | None]:
        folder = tmp_path / f"restore-{number}"
        folder.mkdir()
        project = folder / "p.sqlite"
        shutil.copyfile(template, project)
        backups = folder / "backups"
        watcher = sqlite3.connect(project, isolation_level=None)
        try:
            return _run_until(
                _command(project, "restore", restored),
                folder,
                lambda: bool(_entries(backups)),
                delay,
                # The restored project has carol: the restore has committed.
                lambda: watcher.execute("SELECT count(*) FROM coder").fetchone()[0] == 3,
            )
        finally:
            watcher.close()

    _status, seconds = trial(-1, None)
    assert seconds is not None
    window = max(0.02, 2 * seconds)
    rng = random.Random(f"{SEED}-restore")
    states: Counter[str] = Counter()
    killed = 0
    for number, delay in enumerate(_moments(rng, window, RESTORE_KILLS)):
        status, _seconds = trial(number, delay)
        killed += status == -signal.SIGKILL
        where = f"restore kill {number} ({delay * 1000:.0f} ms after its backup started)"
        folder = tmp_path / f"restore-{number}"
        project = folder / "p.sqlite"
        assert integrity(project) == "ok", where
        found = dump_rows(project)
        assert found in (before, after), f"{where}: the project is neither before nor after"
        states["restored" if found == after else "as before"] += 1
        # The backup of the project as it was is complete whenever it has its name.
        _check_backups(folder / "backups", before, where)
        # Restoring again works, and clears what the killed run left.
        subprocess.run(
            _command(project, "restore", restored),
            env=_env(),
            cwd=folder,
            capture_output=True,
            timeout=120,
            check=True,
        )
        assert dump_rows(project) == after, where
        assert not [n for n in _entries(folder / "backups") if ".part" in n], where
        shutil.rmtree(folder)
        if status == -signal.SIGKILL:
            safety_figures.kill_survived("restore")

    print(f"{killed} of {RESTORE_KILLS} restores killed; the project: {dict(states)}")
    assert killed >= RESTORE_KILLS // 2, f"most processes finished before the kill: {states}"
    assert states["as before"] >= 1, f"no kill landed before a restore committed: {states}"
