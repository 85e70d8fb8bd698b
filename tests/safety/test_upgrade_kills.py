"""SIGKILL of real framing-app processes while they upgrade or create a project.

An upgrade first copies the project to a backup beside it. Whenever the process
dies, every file named like a backup (``*.backup-*.sqlite``) must be a complete,
sound copy of the original, and the original must be sound, at its old or its
new revision with all its rows, and upgrade on the next open. A new project
killed between its schema and its default codebook must get the codebook on
the next open.

Kill moments are seeded random offsets after the backup starts, spread over
twice the backup's duration measured in an uninterrupted run just before: the
copy itself, its check and rename, and the upgrade's transaction.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from old_projects import OLD_REVISION, integrity, make_old_project, revision, table_counts
from safety_summary import SafetyFigures

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.services.project import Project
from framing_app.store.migrate import head_revision

# SIGKILLs of a real upgrade (backup, then schema change) of a ~20 MB project.
UPGRADE_KILLS = 12
# SIGKILLs of a real project creation, at two moments between schema and codebook.
CREATION_KILLS = 2
SEED = 20261125
# Big enough that the backup takes a moment (about 0.1 s here), built in about 0.5 s.
ARTICLES = 4_000
TEXT_CHARS = 4_000


def _command(project: Path) -> list[str]:
    return [sys.executable, "-m", "framing_app", "--project", str(project), "labels"]


def _env() -> dict[str, str]:
    # The autouse fixture has pointed HOME and the XDG folders into tmp_path.
    # (Children run in a folder of tmp_path too: `python -m` puts its working
    # folder first on sys.path.)
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _backup_started(folder: Path) -> bool:
    """A backup's file (temporary or final) has appeared in *folder*."""
    return any(".backup-" in name for name in os.listdir(folder))


def _backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.backup-*.sqlite"))


def _leftovers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".part" in p.name)


@pytest.fixture(scope="module")
def old_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A ~20 MB project at the old schema; copy it, do not change it."""
    path = tmp_path_factory.mktemp("old-template") / "p.sqlite"
    counts = make_old_project(path, articles=ARTICLES, text_chars=TEXT_CHARS)
    return path, counts


def _backup_seconds(template: Path, scratch: Path) -> float:
    """How long ``framing-app`` takes to back up a copy of *template* on this machine, now:
    from the first file of the backup appearing to the finished backup's name appearing."""
    scratch.mkdir()
    project = scratch / template.name
    shutil.copyfile(template, project)
    process = subprocess.Popen(
        _command(project), env=_env(), cwd=scratch, stdout=subprocess.DEVNULL
    )
    started = finished = None
    while process.poll() is None:
        now = time.perf_counter()
        if started is None and _backup_started(scratch):
            started = now
        if started is not None and _backups(scratch):
            finished = now
            break
        time.sleep(0.001)
    assert process.wait(timeout=60) == 0
    assert started is not None, "the calibration run took no backup"
    shutil.rmtree(scratch)
    return (finished or time.perf_counter()) - started


def _kill_after_backup_starts(project: Path, delay: float) -> int:
    """Start ``framing-app labels`` on *project*; SIGKILL it *delay* s after a backup
    file appears. Returns the exit status (``-SIGKILL`` when it was killed)."""
    process = subprocess.Popen(
        _command(project),
        env=_env(),
        cwd=project.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _backup_started(project.parent):
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"no backup was started (exit {process.poll()}): {stderr}")
            time.sleep(0.001)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
    return process.returncode


def _phase(folder: Path, project: Path) -> str:
    """Where the killed upgrade was, judged from what it left."""
    if revision(project) == head_revision():
        return "upgraded"
    if _backups(folder):
        return "backed up, not upgraded"
    if _leftovers(folder):
        return "copying"
    return "before the copy"


def test_kills_during_upgrade_never_leave_a_false_backup(
    tmp_path: Path, old_template: tuple[Path, dict[str, int]], safety_figures: SafetyFigures
) -> None:
    template, counts = old_template
    # Twice the backup's duration: half the kills land during the copy, the
    # rest during its check, rename, and the upgrade. (At least 20 ms, should
    # the backup ever look instantaneous.)
    window = max(0.02, 2 * _backup_seconds(template, tmp_path / "calibration"))
    rng = random.Random(SEED)
    delays = [rng.uniform(0, window) for _ in range(UPGRADE_KILLS)]
    phases: Counter[str] = Counter()
    killed = 0
    for number, delay in enumerate(delays):
        folder = tmp_path / f"kill-{number}"
        folder.mkdir()
        project = folder / template.name
        shutil.copyfile(template, project)
        status = _kill_after_backup_starts(project, delay)
        killed += status == -signal.SIGKILL
        where = f"kill {number} ({delay * 1000:.0f} ms after the backup started)"

        # Every file named like a backup is a whole, sound copy of the original.
        for backup in _backups(folder):
            assert integrity(backup) == "ok", f"{where}: {backup.name} is damaged"
            assert table_counts(backup) == counts, f"{where}: {backup.name} is not complete"
            assert revision(backup) == OLD_REVISION, where
        # The original is all-or-nothing: old or new revision, every row.
        assert integrity(project) == "ok", where
        assert revision(project) in (OLD_REVISION, head_revision()), where
        assert table_counts(project) == counts, where
        phases[_phase(folder, project)] += 1

        # The next open upgrades it (backing it up again if it was not yet
        # upgraded) and clears a killed backup's temporary copy.
        with Project.open(path=project) as opened:
            backup = opened.migration.backup
        assert revision(project) == head_revision(), where
        assert table_counts(project) == counts, where
        if backup is not None:
            assert table_counts(backup) == counts, where
        assert _leftovers(folder) == [], where
        shutil.rmtree(folder)
        if status == -signal.SIGKILL:
            safety_figures.kill_survived("upgrade")

    print(f"{killed} of {UPGRADE_KILLS} upgrades killed; where they were: {dict(phases)}")
    assert killed >= UPGRADE_KILLS // 2, f"most processes finished before the kill: {phases}"
    assert phases["copying"] >= 1, f"no kill landed during a backup: {phases}"


# Kill at the moment the schema exists and the default codebook is next: at the
# codebook's seeding, and right after the migrations have run.
KILL_SCRIPTS = {
    "at seeding": """
import os, signal, sys
from framing_app.services.project import Project

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

Project._seed_codebook = die
""",
    "after schema": """
import os, signal, sys
import alembic.command
upgrade = alembic.command.upgrade

def upgrade_then_die(*args, **kwargs):
    upgrade(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

alembic.command.upgrade = upgrade_then_die
""",
}
assert len(KILL_SCRIPTS) == CREATION_KILLS


@pytest.mark.parametrize("moment", sorted(KILL_SCRIPTS))
def test_new_project_killed_before_its_codebook_gets_it_on_next_open(
    tmp_path: Path, moment: str, safety_figures: SafetyFigures
) -> None:
    project = tmp_path / "new" / "p.sqlite"
    # A writing command creates the project (a no-op rename); listing never would.
    create = ["labels", "rename", "sovereignty", "sovereignty"]
    script = KILL_SCRIPTS[moment] + (
        f"from framing_app.cli import main\nsys.exit(main(['--project', sys.argv[1], *{create}]))\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, str(project)],
        env=_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if project.exists():
        assert integrity(project) == "ok"

    reopened = subprocess.run(
        [*_command(project)[:-1], *create],
        env=_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert reopened.returncode == 0, reopened.stderr
    opened = subprocess.run(
        _command(project),
        env=_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert opened.returncode == 0, opened.stderr
    assert opened.stderr == ""
    for spec in DEFAULT_LABELS:
        assert spec.name in opened.stdout
    assert integrity(project) == "ok"
    assert revision(project) == head_revision()
    assert table_counts(project)["label"] == len(DEFAULT_LABELS)
    safety_figures.kill_survived("project creation")
