"""Several processes writing to one project at once, and a lock held by another program.

A team shares a project file on one machine (or a coder keeps the coding
window open while a script imports): every action a process was told is
stored must be stored exactly once, with no "database is locked" failure
while the others write. A lock that another program holds for too long must
end the command with one line saying to try again, changing nothing.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_harness import NPR, Cli, check_error, copy_database, describe
from project_state import folder_digests, integrity_problems, table_rows, with_sidecars
from safety_summary import SafetyFigures

PYTHON = sys.executable
TAG_DRIVER = Path(__file__).with_name("tag_driver.py")
ACTIONS = 300  # per process
# (coder, first offset) of each process: two of them tag as the same coder,
# on spans of their own (span j of a process starts at first + len(TAGGERS) * j).
TAGGERS = [("alice", 0), ("bob", 1), ("alice", 2)]
SPAN_LENGTH = 4
LABEL = "sovereignty"
# A writing command: carol tags the first nine characters.
TAG_ONE = [
    *("annotate", "--coder", "carol", "--article", NPR),
    *("--label", LABEL),
    "--start=0",
    "--end=9",
]
# How long a command waits for another program's lock in these tests, instead
# of the 10 s users get (BUSY_TIMEOUT_MS in framing_app/store/engine.py).
BUSY_TIMEOUT_ENV = {"FRAMING_APP_BUSY_TIMEOUT_MS": "500"}


def test_three_processes_tagging_one_project_store_every_action_once(
    tmp_path: Path, sample_template: Path, safety_figures: SafetyFigures
) -> None:
    cli = Cli(tmp_path)
    copy_database(sample_template, cli.project)
    go = tmp_path / "go"
    outs: list[Path] = []
    processes: list[subprocess.Popen[bytes]] = []
    for number, (coder, first) in enumerate(TAGGERS):
        out = tmp_path / f"tagger-{number}"
        argv = [PYTHON, str(TAG_DRIVER), str(cli.project), coder, NPR, LABEL]
        argv += [str(n) for n in (first, len(TAGGERS), SPAN_LENGTH, ACTIONS)] + [str(go)]
        with out.with_suffix(".out").open("wb") as said, out.with_suffix(".err").open("wb") as err:
            processes.append(
                subprocess.Popen(argv, stdout=said, stderr=err, env=cli.env, cwd=tmp_path)
            )
        outs.append(out)
    try:
        # All open the project first, then all start tagging at once.
        deadline = time.monotonic() + 60
        while not all(out.with_suffix(".out").read_bytes().startswith(b"ready\n") for out in outs):
            assert all(p.poll() is None for p in processes), "a tagger ended before it was ready"
            assert time.monotonic() < deadline, "the taggers never got ready"
            time.sleep(0.01)
        go.touch()
        for process in processes:
            process.wait(timeout=120)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    acknowledged: dict[int, tuple[str, int, int]] = {}
    for process, out, (coder, first) in zip(processes, outs, TAGGERS, strict=True):
        stdout = out.with_suffix(".out").read_text(encoding="utf-8")
        stderr = out.with_suffix(".err").read_text(encoding="utf-8")
        what = f"tagger {coder} from {first}: exit {process.returncode}\n{stderr}"
        assert process.returncode == 0, what
        assert stderr == "", what  # no "database is locked", no warning
        lines = stdout.splitlines()
        assert lines[0] == "ready", what
        assert lines[-1] == "done", what
        acks = [tuple(int(n) for n in line.split()) for line in lines[1:-1]]
        spans = [(start, end) for _, start, end in acks]
        expected = [
            (first + len(TAGGERS) * j, first + len(TAGGERS) * j + SPAN_LENGTH)
            for j in range(ACTIONS)
        ]
        assert spans == expected, what
        for id_, start, end in acks:
            assert id_ not in acknowledged, f"id {id_} acknowledged twice"
            acknowledged[id_] = (coder, start, end)

    stored = {
        id_: (coder, start, end)
        for id_, coder, start, end in cli.query(
            "SELECT a.id, c.name, a.start_offset, a.end_offset FROM annotation a "
            "JOIN coder c ON c.id = a.coder_id"
        )
    }
    assert stored == acknowledged  # each acknowledged action stored, once, as acknowledged
    assert len(stored) == len(TAGGERS) * ACTIONS
    assert cli.query("SELECT name FROM coder ORDER BY name") == [("alice",), ("bob",)]
    assert not integrity_problems(cli.project)
    safety_figures.concurrent_runs.append((len(TAGGERS), ACTIONS))


@pytest.mark.parametrize(
    ("begin", "command"),
    [
        pytest.param(
            "BEGIN IMMEDIATE",
            TAG_ONE,
            id="annotate-vs-immediate",
        ),
        pytest.param("BEGIN EXCLUSIVE", ["import", "extra.txt"], id="import-vs-exclusive"),
    ],
)
def test_lock_held_by_another_program_gives_one_retryable_line(
    tmp_path: Path, coded_template: Path, begin: str, command: list[str]
) -> None:
    cli = Cli(tmp_path)
    copy_database(coded_template, cli.project)
    (tmp_path / "extra.txt").write_text("Extra\n\nAn article to import.\n", encoding="utf-8")
    before = table_rows(cli.project)
    files_before = folder_digests(tmp_path, skip=with_sidecars(cli.project))
    holder = sqlite3.connect(cli.project, isolation_level=None)
    try:
        holder.execute(begin)
        holder.execute(
            "INSERT INTO coder (name, created_at) "
            "VALUES ('another program', '2024-01-01T00:00:00.000000Z')"
        )
        # A write-ahead log lets readers read while another program writes.
        listing = cli("articles", "--tsv", env=BUSY_TIMEOUT_ENV)
        assert listing.returncode == 0, describe(listing)
        result = cli(*command, env=BUSY_TIMEOUT_ENV)
    finally:
        holder.rollback()
        holder.close()
    line = check_error(result)
    assert "locked" in line or "busy" in line, describe(result)
    assert "try again" in line, describe(result)
    assert table_rows(cli.project) == before
    assert folder_digests(tmp_path, skip=with_sidecars(cli.project)) == files_before
    # Once the other program lets go, the same command works.
    cli.ok(*command)
