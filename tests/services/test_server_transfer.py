"""A server project backed up into a file and pushed into a new server: the same project.

Real PostgreSQL databases and real project files. The project is built
through the services by its team (:mod:`rich_project`); what was stored is
read back with the drivers themselves (every table, by column name, in key
order) and compared between the original server, the backup file and the
server it was pushed into, together with the annotation and answer exports.
Kills are real SIGKILLs of subprocesses at seeded moments.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from first_release import expected_rows, make_first_release_project, stored_rows
from raw_db import libpq_url, raw_connection
from rich_project import (
    TEXTS,
    build_rich_project,
    database_tables,
    dump_tables,
    high_waters,
    tag,
)
from server_databases import ServerDatabases
from server_team import Team, make_team

from framing_app.core.errors import ConflictError, FramingError, PermissionRefused
from framing_app.services import codebook, questions
from framing_app.services.annotation_export import export_annotations
from framing_app.services.answer_exchange import export_answers
from framing_app.services.article_import import import_articles
from framing_app.services.coders import add_coder
from framing_app.services.project import Project
from framing_app.services.server_transfer import (
    TransferReport,
    backup_server_to_file,
    push_file_to_server,
)
from framing_app.store import new_database_file, table_copy
from framing_app.store.engine import sqlite_url
from framing_app.store.migrate import head_revision

SEED = 20261209


@pytest.fixture(scope="module")
def rich(pg_databases: ServerDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """A server project with rows in every table (see rich_project); do not change it."""
    team = make_team(pg_databases)
    try:
        build_rich_project(team, tmp_path_factory.mktemp("rich-articles"))
        yield team
    finally:
        pg_databases.drop(team.database)


@pytest.fixture(scope="module")
def rich_backup(
    rich: Team, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, TransferReport]:
    """The rich project backed up by its lead; do not change the file."""
    out = tmp_path_factory.mktemp("rich-backup") / "team.sqlite"
    with Project.open(url=rich.url(rich.lead)) as project:
        report = backup_server_to_file(project, out)
    return out, report


@pytest.fixture
def empty_db(pg_databases: ServerDatabases) -> Iterator[str]:
    """The superuser's URL of a new database with nothing in it."""
    name = pg_databases.create_empty()
    try:
        yield pg_databases.server.url(name)
    finally:
        pg_databases.drop(name)


def exports(project: Project) -> tuple[str, str]:
    annotations, answers = io.StringIO(), io.StringIO()
    export_annotations(project, annotations)
    export_answers(project, answers)
    return annotations.getvalue(), answers.getvalue()


def file_entries(folder: Path) -> set[str]:
    return set(os.listdir(folder))


# --------------------------------------------------------------------------- the round trip


def test_backup_then_push_gives_the_same_project(
    rich: Team, rich_backup: tuple[Path, TransferReport], empty_db: str
) -> None:
    out, backup = rich_backup
    original = dump_tables(rich.url())
    # Every table of the server is in the backup, with all its rows: a table a
    # future migration adds and the copy forgot would fail here.
    assert set(backup.counts) == database_tables(rich.url())
    assert backup.counts == {table: len(rows) for table, rows in original.items()}
    assert backup.location == Project.open(url=rich.url(rich.lead)).location
    assert dump_tables(sqlite_url(out)) == original
    assert high_waters(sqlite_url(out)) == high_waters(rich.url())
    # Annotations and answers were deleted last: their marks are above the ids left.
    marks = high_waters(rich.url())
    for table in ("annotation", "answer"):
        assert marks[table] > max(dict(row)["id"] for row in original[table]), table

    pushed = push_file_to_server(out, empty_db)
    assert pushed.initialised
    assert pushed.upgraded_from is None
    assert pushed.counts == backup.counts
    # The team's logins are roles of the whole cluster: they exist already. The
    # consensus coder never needs one.
    assert pushed.coders_without_logins == ()
    assert dump_tables(empty_db) == original
    assert high_waters(empty_db) == high_waters(rich.url())

    with (
        Project.open(url=rich.url(rich.lead)) as first,
        Project.open(path=out, create=False) as file,
        Project.open(url=empty_db) as second,
    ):
        assert exports(first) == exports(file) == exports(second)
        assert exports(first)[0].count("\n") > 8  # the exports hold the work


def test_the_backup_is_a_normal_project_file(rich_backup: tuple[Path, TransferReport]) -> None:
    out, _report = rich_backup
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no .part, -wal, -shm
    connection = sqlite3.connect(out)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
        (text,) = connection.execute(
            "SELECT text FROM article WHERE external_id = 'talks'"
        ).fetchone()
        assert text == TEXTS["talks"]
    finally:
        connection.close()
    for side in ("-wal", "-shm"):
        Path(f"{out}{side}").unlink(missing_ok=True)  # the check above opened it


def test_new_rows_on_the_pushed_server_get_ids_above_every_copied_id(
    rich: Team, rich_backup: tuple[Path, TransferReport], empty_db: str, tmp_path: Path
) -> None:
    out, _report = rich_backup
    push_file_to_server(out, empty_db)
    before = high_waters(empty_db)
    (tmp_path / "new.txt").write_text("A new article about sovereignty.", encoding="utf-8")
    with Project.open(url=empty_db) as project:
        import_articles(project, [tmp_path / "new.txt"])
        made = tag(project, "postgres", "talks", "sovereignty", "rejects any interference")
        label = codebook.add_label(project, "new label")
        question = questions.add_question(project, "new question", level="nominal", options=("a",))
        coder = add_coder(project, "newcomer")
    after = high_waters(empty_db)
    assert made > before["annotation"]
    assert label.id > before["label"]
    assert question.id > before["question"]
    assert coder.id > before["coder"]
    assert after["article"] == before["article"] + 1


# --------------------------------------------------------------------------- backup: refusals


def test_backup_refuses_an_existing_file_and_a_missing_folder(rich: Team, tmp_path: Path) -> None:
    existing = tmp_path / "taken.sqlite"
    existing.write_bytes(b"mine")
    with Project.open(url=rich.url(rich.lead)) as project:
        with pytest.raises(FramingError, match=r"taken\.sqlite: already exists") as refused:
            backup_server_to_file(project, existing)
        assert "\n" not in str(refused.value)
        with pytest.raises(FramingError, match="no such folder"):
            backup_server_to_file(project, tmp_path / "nowhere" / "b.sqlite")
        with pytest.raises(FramingError, match="is a folder"):
            backup_server_to_file(project, tmp_path)
    assert existing.read_bytes() == b"mine"
    assert file_entries(tmp_path) == {"taken.sqlite"}


def test_backup_refuses_a_project_file(tmp_path: Path) -> None:
    with (
        Project.open(path=tmp_path / "p.sqlite") as project,
        pytest.raises(FramingError, match="is a project file, not a server database"),
    ):
        backup_server_to_file(project, tmp_path / "b.sqlite")
    assert not (tmp_path / "b.sqlite").exists()


def test_a_coder_cannot_back_up_the_project(rich: Team, tmp_path: Path) -> None:
    with (
        Project.open(url=rich.url(rich.coders[0])) as project,
        pytest.raises(PermissionRefused, match="only a project lead can back up the whole"),
    ):
        backup_server_to_file(project, tmp_path / "b.sqlite")
    assert file_entries(tmp_path) == set()


def test_the_backup_reads_one_snapshot(
    rich: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A coder's annotation committed while the backup reads: not in the counts, not in the file."""
    real = table_copy.read_rows
    committed: list[int] = []

    def read_and_meanwhile_tag(conn, table, chunk):  # type: ignore[no-untyped-def]
        if table.name == "annotation" and not committed:
            with Project.open(url=rich.url(rich.coders[0])) as other:
                committed.append(
                    tag(other, rich.coders[0], "geneva", "sovereignty", "non-interference")
                )
        yield from real(conn, table, chunk)

    import framing_app.services.server_transfer as transfer

    monkeypatch.setattr(transfer, "read_rows", read_and_meanwhile_tag)
    before = dump_tables(rich.url())
    try:
        with Project.open(url=rich.url(rich.lead)) as project:
            report = backup_server_to_file(project, tmp_path / "b.sqlite")
        assert committed
        assert report.counts["annotation"] == len(before["annotation"])
        assert dump_tables(sqlite_url(tmp_path / "b.sqlite")) == before
    finally:
        with raw_connection(rich.url()) as conn:
            conn.execute("DELETE FROM annotation WHERE id = ?", (committed[0],))


def test_the_snapshot_is_serializable_read_only_and_deferrable(rich: Team) -> None:
    with Project.open(url=rich.url(rich.lead)) as project, project.db.engine.connect() as conn:
        table_copy.begin_snapshot(conn)
        settings = [
            conn.exec_driver_sql(f"SHOW {name}").scalar_one()
            for name in ("transaction_isolation", "transaction_read_only", "transaction_deferrable")
        ]
        assert settings == ["serializable", "on", "on"]


# --------------------------------------------------------------------------- push: refusals


def test_push_into_a_project_just_set_up_by_server_init(
    rich_backup: tuple[Path, TransferReport], pg_databases: ServerDatabases
) -> None:
    out, _report = rich_backup
    name = pg_databases.create()  # schema, security and the default codebook, nothing else
    url = pg_databases.server.url(name)
    try:
        report = push_file_to_server(out, url)
        assert not report.initialised
        assert dump_tables(url) == dump_tables(sqlite_url(out))  # its codebook replaced
    finally:
        pg_databases.drop(name)


@pytest.mark.parametrize(
    ("change", "held"),
    [
        ("article", "1 article"),
        ("coder", "0 articles and 1 coder"),
        ("label", "0 articles and a codebook of its own"),
    ],
)
def test_push_refuses_a_database_that_holds_a_project(
    rich_backup: tuple[Path, TransferReport],
    pg_databases: ServerDatabases,
    tmp_path: Path,
    change: str,
    held: str,
) -> None:
    out, _report = rich_backup
    name = pg_databases.create()
    url = pg_databases.server.url(name)
    try:
        with Project.open(url=url) as project:
            if change == "article":
                (tmp_path / "a.txt").write_text("Already here.", encoding="utf-8")
                import_articles(project, [tmp_path / "a.txt"])
            elif change == "coder":
                add_coder(project, "early")
            else:
                codebook.add_label(project, "our own label")
        before = dump_tables(url)
        with pytest.raises(ConflictError) as refused:
            push_file_to_server(out, url)
        assert str(refused.value) == (
            f"{pg_databases.server.url(name).replace(':' + pg_databases.server.password, '')} "
            f"already holds a project with {held}; push only into an empty database "
            "(or one that `server init` has just set up)"
        )
        assert dump_tables(url) == before
    finally:
        pg_databases.drop(name)


def test_a_coder_cannot_push(rich_backup: tuple[Path, TransferReport], team: Team) -> None:
    out, _report = rich_backup
    before = dump_tables(team.url())
    with pytest.raises(PermissionRefused, match="only a project lead can push a project file"):
        push_file_to_server(out, team.url(team.coders[0]))
    assert dump_tables(team.url()) == before


def _newer(path: Path) -> Path:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    finally:
        connection.close()
    return path


def _foreign(path: Path) -> Path:
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    finally:
        connection.close()
    return path


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a folder, not a project file"),
        (lambda p: (p.write_bytes(b""), p)[1], "not a framing-app project (an empty file)"),
        (
            lambda p: (p.write_text("id,title\n1,x\n"), p)[1],
            "not a framing-app project (not a SQLite database)",
        ),
        (_foreign, "not a framing-app project (a SQLite database of another program)"),
        (
            lambda p: _newer(Path(shutil.copyfile(p.parent / "good.sqlite", p))),
            "was written by a newer version of framing-app (schema 9999_future",
        ),
    ],
    ids=["missing", "folder", "empty", "csv", "foreign", "newer"],
)
def test_push_refuses_what_it_cannot_read_as_a_project_in_one_line(
    tmp_path: Path, empty_db: str, make: Callable[[Path], Path], expect: str
) -> None:
    Project.open(path=tmp_path / "good.sqlite").close()
    path = make(tmp_path / "file.sqlite")
    with pytest.raises(FramingError) as refused:
        push_file_to_server(path, empty_db)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    assert expect in message
    assert "\n" not in message
    assert database_tables(empty_db) == set()  # refused before the server was touched


def test_push_needs_a_postgresql_url(
    rich_backup: tuple[Path, TransferReport], tmp_path: Path
) -> None:
    out, _report = rich_backup
    with pytest.raises(FramingError, match="push loads a project into a PostgreSQL database"):
        push_file_to_server(out, sqlite_url(tmp_path / "other.sqlite"))
    with pytest.raises(FramingError, match="not a database URL"):
        push_file_to_server(out, "dbhost/framing")
    assert not (tmp_path / "other.sqlite").exists()


def test_an_older_project_file_is_pushed_through_an_upgraded_copy(
    tmp_path: Path, empty_db: str
) -> None:
    path = tmp_path / "first.sqlite"
    make_first_release_project(sqlite_url(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    report = push_file_to_server(path, empty_db)
    assert report.upgraded_from == "0001"
    assert stored_rows(empty_db) == expected_rows()
    # Coders of a file from elsewhere have no login here.
    with raw_connection(empty_db) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM coder ORDER BY id").fetchall()]
    assert list(report.coders_without_logins) == names
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert file_entries(tmp_path) == {"first.sqlite"}  # no -wal, no -shm, no copy left


def test_a_row_the_server_cannot_hold_leaves_nothing_pushed(
    rich_backup: tuple[Path, TransferReport], tmp_path: Path, empty_db: str
) -> None:
    """SQLite stores a NUL character in text; PostgreSQL cannot. The answers come late in the
    push, after the articles and annotations: none of those may stay."""
    bad = tmp_path / "bad.sqlite"
    shutil.copyfile(rich_backup[0], bad)
    connection = sqlite3.connect(bad)
    try:
        with connection:
            connection.execute("UPDATE answer SET value = 'neutral' || char(0) WHERE id = 1")
    finally:
        connection.close()
    with pytest.raises(FramingError) as refused:
        push_file_to_server(bad, empty_db)
    message = str(refused.value)
    assert message.startswith(f"{bad}: cannot push it into ")
    assert message.endswith("nothing was pushed")
    assert "\n" not in message
    with raw_connection(empty_db) as conn:
        for table in ("article", "coder", "annotation", "answer"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    # Set up by server init on the way, and still empty: a good file goes in now.
    push_file_to_server(rich_backup[0], empty_db)
    assert dump_tables(empty_db) == dump_tables(sqlite_url(rich_backup[0]))


# --------------------------------------------------------------------------- kills

KILLS = 8
PUSH_KILLS = 4
# About 10 MB: the backup takes a moment (a few tenths of a second here).
BIG_ARTICLES = 2_500
BIG_TEXT = ("Sovereignty, universal rights 🌏 and double standards. " * 80)[:4_000]
STAMP = "2026-01-02T03:04:05.000006Z"


def fill_big_project(url: str, articles: int = BIG_ARTICLES) -> None:
    """Articles, two coders, two annotations per article, written with psycopg itself."""
    with psycopg.connect(libpq_url(url)) as conn, conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO coder (id, name, created_at, consensus) VALUES (%s, %s, %s, false)",
            [(1, "alice", STAMP), (2, "bob", STAMP)],
        )
        cursor.executemany(
            "INSERT INTO article (id, external_id, title, text, sha256, char_count, origin,"
            " imported_at) VALUES (%s, %s, %s, %s, %s, %s, 'test', %s)",
            [
                (n, f"a{n}", f"Article {n}", f"{n} {BIG_TEXT}", f"{n:064x}",
                 len(BIG_TEXT) + len(str(n)) + 1, STAMP)
                for n in range(1, articles + 1)
            ],
        )  # fmt: skip
        cursor.executemany(
            "INSERT INTO annotation (article_id, coder_id, label_id, start_offset, end_offset,"
            " memo, created_at, updated_at) VALUES (%s, %s, 1, 5, 20, 'memo 🌏', %s, %s)",
            [(n, c, STAMP, STAMP) for n in range(1, articles + 1) for c in (1, 2)],
        )
        for table in ("coder", "article"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 10000)")


@pytest.fixture(scope="module")
def big(pg_databases: ServerDatabases) -> Iterator[str]:
    """A server project of a few thousand articles (superuser's URL); do not change it."""
    name = pg_databases.create()
    url = pg_databases.server.url(name)
    fill_big_project(url)
    try:
        yield url
    finally:
        pg_databases.drop(name)


def _python(code: str, *args: object) -> list[str]:
    return [sys.executable, "-c", code, *map(str, args)]


BACKUP_CODE = (
    "import sys; from pathlib import Path; "
    "from framing_app.services.project import Project; "
    "from framing_app.services.server_transfer import backup_server_to_file; "
    "backup_server_to_file(Project.open(url=sys.argv[1]), Path(sys.argv[2]))"
)
PUSH_CODE = (
    "import sys; from pathlib import Path; "
    "from framing_app.services.server_transfer import push_file_to_server; "
    "push_file_to_server(Path(sys.argv[1]), sys.argv[2])"
)


def _run_until(
    command: list[str], started: Callable[[], bool], delay: float | None, done: Callable[[], bool]
) -> tuple[int, float]:
    """Run *command*; once *started()*, SIGKILL it after *delay* s (None: let it finish).

    Returns the exit status and the seconds from *started()* to *done()* (or to the kill).
    """
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not started():
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"the run started no work (exit {process.poll()}): {stderr}")
            time.sleep(0.001)
        seen = time.perf_counter()
        if delay is None:
            while not done() and process.poll() is None:
                time.sleep(0.001)
            spent = time.perf_counter() - seen
            stderr = process.stderr.read().decode() if process.stderr else ""
            assert process.wait(timeout=120) == 0, stderr
            return 0, spent
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        return process.returncode, delay
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _moments(rng: random.Random, window: float, count: int) -> list[float]:
    """*count* seeded moments in *window*, one in each of *count* equal slices of it."""
    return [window * (slot + rng.random()) / count for slot in range(count)]


def test_kills_during_a_backup_never_leave_a_file_named_out(big: str, tmp_path: Path) -> None:
    rows = dump_tables(big)
    leftovers = {
        ".out.sqlite.part",
        *(f".out.sqlite.part{s}" for s in ("-journal", "-wal", "-shm")),
    }

    def trial(folder: Path, delay: float | None) -> tuple[int, float]:
        folder.mkdir()
        return _run_until(
            _python(BACKUP_CODE, big, folder / "out.sqlite"),
            lambda: bool({".out.sqlite.part", "out.sqlite"} & file_entries(folder)),
            delay,
            lambda: "out.sqlite" in file_entries(folder),
        )

    _status, seconds = trial(tmp_path / "calibration", None)
    rng = random.Random(SEED)
    killed = completed = 0
    for number, delay in enumerate(_moments(rng, max(0.05, 2 * seconds), KILLS)):
        folder = tmp_path / f"kill-{number}"
        status, _ = trial(folder, delay)
        killed += status == -signal.SIGKILL
        where = f"kill {number} ({delay * 1000:.0f} ms after the backup started)"
        entries = file_entries(folder)
        assert entries <= {"out.sqlite", *leftovers}, f"{where}: {entries}"
        if "out.sqlite" in entries:
            completed += 1
            connection = sqlite3.connect(folder / "out.sqlite")
            try:
                assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok", where
            finally:
                connection.close()
            assert dump_tables(sqlite_url(folder / "out.sqlite")) == rows, where
        else:
            # The next backup to the same file clears what the killed one left.
            with Project.open(url=big) as project:
                backup_server_to_file(project, folder / "out.sqlite")
            assert file_entries(folder) == {"out.sqlite"}, where
            assert dump_tables(sqlite_url(folder / "out.sqlite")) == rows, where
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} runs were killed: the window is off"
    assert seconds < 30, f"the backup of {BIG_ARTICLES} articles took {seconds:.1f} s"


def test_kills_during_a_push_leave_the_database_empty_or_whole(
    big: str, pg_databases: ServerDatabases, tmp_path: Path
) -> None:
    out = tmp_path / "big.sqlite"
    with Project.open(url=big) as project:
        backup_server_to_file(project, out)
    rows = dump_tables(big)
    server = pg_databases.server

    def trial(delay: float | None) -> tuple[str, int, float]:
        name = pg_databases.create_empty()
        status, spent = _run_until(
            _python(PUSH_CODE, out, server.url(name)),
            lambda: True,  # from the launch: the server shows nothing before the commit
            delay,
            lambda: False,
        )
        return name, status, spent

    name, _status, seconds = trial(None)
    try:
        assert dump_tables(server.url(name)) == rows
    finally:
        pg_databases.drop(name)
    rng = random.Random(SEED + 1)
    outcomes: list[str] = []
    for number, delay in enumerate(_moments(rng, 1.2 * seconds, PUSH_KILLS)):
        name, _status, _ = trial(delay)
        url = server.url(name)
        where = f"kill {number} ({delay * 1000:.0f} ms after the push was launched)"
        try:
            tables = database_tables(url)
            if not tables:
                outcomes.append("empty")
            elif dump_tables(url)["article"]:
                assert dump_tables(url) == rows, where
                outcomes.append("whole")
                continue
            else:
                outcomes.append("set up")
            # Nothing of the data arrived: pushing again completes it.
            push_file_to_server(out, url)
            assert dump_tables(url) == rows, where
        finally:
            pg_databases.drop(name)
    assert len(outcomes) == PUSH_KILLS


def test_a_file_made_meanwhile_under_the_name_is_never_replaced(
    rich: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "b.sqlite"
    real = new_database_file.check

    def check_then_someone_saves(part: Path, counts: dict[str, int]) -> None:
        real(part, counts)
        out.write_bytes(b"saved by someone else meanwhile")

    monkeypatch.setattr(new_database_file, "check", check_then_someone_saves)
    with (
        Project.open(url=rich.url(rich.lead)) as project,
        pytest.raises(FramingError, match="was created while the backup was being made"),
    ):
        backup_server_to_file(project, out)
    assert out.read_bytes() == b"saved by someone else meanwhile"
    assert file_entries(tmp_path) == {"b.sqlite"}


def test_the_backup_gets_the_permissions_of_a_file_the_user_saves(
    rich: Team, tmp_path: Path
) -> None:
    mask = os.umask(0o027)
    try:
        with Project.open(url=rich.url(rich.lead)) as project:
            backup_server_to_file(project, tmp_path / "b.sqlite")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "b.sqlite").stat().st_mode) == 0o640
