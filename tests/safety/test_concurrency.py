"""Several processes writing to one project at once, and a lock held by another program.

A team shares a project file on one machine, or a project on the team server
(or a coder keeps the coding window open while a script imports): every
action a process was told is stored must be stored exactly once, with no
"database is locked" (or serialization) failure while the others write. On
the server each process logs in as its coder, so row-level security is
checked under that load too. A lock that another program holds on a file
for too long must end the command with one line saying to try again,
changing nothing.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_harness import NPR, Cli, check_error, copy_database, describe
from project_state import folder_digests, integrity_problems, table_rows, with_sidecars
from raw_db import raw_connection
from safety_summary import SafetyFigures
from server_team import Team

from framing_app.services.article_import import import_articles
from framing_app.services.project import Project
from framing_app.services.sample_corpus import sample_folder
from framing_app.store.engine import sqlite_url

PYTHON = sys.executable
TAG_DRIVER = Path(__file__).with_name("tag_driver.py")
ACTIONS = 300  # per process
# (coder, first offset) of each process, the coder by number (alice and bob
# in a file, a team's two logins on a server): two of them tag as the same
# coder, on spans of their own (span j of a process starts at first + len(TAGGERS) * j).
TAGGERS = [(0, 0), (1, 1), (0, 2)]
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
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


@dataclass
class Shared:
    """A project several processes tag at once, and how each coder reaches it."""

    coders: tuple[str, str]
    where: dict[str, str]  # coder -> tag_driver's PROJECT: the file, or the URL as that login
    env: dict[str, dict[str, str]]  # coder -> what their process adds to the environment
    url: str  # for reading it with the driver itself (raw_db)
    file: Path | None


@pytest.fixture
def shared(
    backend: str, tmp_path: Path, sample_template: Path, request: pytest.FixtureRequest
) -> Shared:
    """The sample project: a file that alice and bob share, or a server project of a team.

    On the server each coder's processes log in as that coder (a real login in
    ``framing_coder``): row-level security checks every insert under the load.
    """
    if backend == "sqlite":
        path = tmp_path / "p.sqlite"
        copy_database(sample_template, path)
        coders = ("alice", "bob")
        where = dict.fromkeys(coders, str(path))
        return Shared(coders, where, {c: {} for c in coders}, sqlite_url(path), path)
    team: Team = request.getfixturevalue("team")
    with Project.open(url=team.url(team.lead)) as lead, sample_folder() as folder:
        import_articles(lead, [folder])
    server = team.server
    where = {
        coder: f"postgresql://{coder}@{server.host}:{server.port}/{team.database}"
        for coder in team.coders
    }
    env = {coder: {"PGPASSWORD": team.passwords[coder]} for coder in team.coders}
    return Shared(team.coders, where, env, team.url(), None)


def test_three_processes_tagging_one_project_store_every_action_once(
    tmp_path: Path, shared: Shared, safety_figures: SafetyFigures, backend: str
) -> None:
    cli = Cli(tmp_path)
    go = tmp_path / "go"
    taggers = [(shared.coders[number], first) for number, first in TAGGERS]
    outs: list[Path] = []
    processes: list[subprocess.Popen[bytes]] = []
    for number, (coder, first) in enumerate(taggers):
        out = tmp_path / f"tagger-{number}"
        argv = [PYTHON, str(TAG_DRIVER), shared.where[coder], coder, NPR, LABEL]
        argv += [str(n) for n in (first, len(TAGGERS), SPAN_LENGTH, ACTIONS)] + [str(go)]
        env = {**cli.env, **shared.env[coder]}
        with out.with_suffix(".out").open("wb") as said, out.with_suffix(".err").open("wb") as err:
            processes.append(subprocess.Popen(argv, stdout=said, stderr=err, env=env, cwd=tmp_path))
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
    for process, out, (coder, first) in zip(processes, outs, taggers, strict=True):
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

    with raw_connection(shared.url) as conn:
        rows = conn.execute(
            "SELECT a.id, c.name, a.start_offset, a.end_offset FROM annotation a "
            "JOIN coder c ON c.id = a.coder_id"
        ).fetchall()
        names = conn.execute("SELECT name FROM coder ORDER BY name").fetchall()
    stored = {id_: (coder, start, end) for id_, coder, start, end in rows}
    assert stored == acknowledged  # each acknowledged action stored, once, as acknowledged
    assert len(stored) == len(TAGGERS) * ACTIONS
    assert [tuple(row) for row in names] == [(name,) for name in sorted(shared.coders)]
    if shared.file is not None:
        assert not integrity_problems(shared.file)
    safety_figures.concurrent_runs.append((len(TAGGERS), ACTIONS, BACKEND_NAMES[backend]))


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
