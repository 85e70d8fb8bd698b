"""Benchmark: pushing a project file into a server, and backing the server up into a file.

Run from the repository root (not collected by pytest)::

    python tests/benchmarks/bench_server_transfer.py                       # 20,000 articles
    python tests/benchmarks/bench_server_transfer.py --articles 2000       # a few seconds

It starts its own PostgreSQL server in a temporary folder (as the tests do,
tests/pg_server.py; or uses the one ``FRAMING_APP_TEST_POSTGRES`` names),
and writes a deterministic project file (``random.Random(seed)``) at this
version's schema: *articles* articles of about 4 KB (emoji, accents),
two coders with five annotations, two answers and a coding status each
per article (20,000 articles: 200,000 annotations, the size
``bench_import_export.py`` uses), written with ``sqlite3`` ``executemany``.
Then it times, once each:

* ``push_file_to_server`` of that file into an empty database (``server
  init`` included), and ``backup_server_to_file`` of the result;
* the floor: psycopg's ``COPY ... FROM STDIN`` of the same rows into the
  same tables of a database just set up by ``server init``, in one
  transaction (the fastest way into PostgreSQL there is).

Prints the figures, the ratio, and ``RESULT name=value`` lines; exits 1 if
the pushed database or the backup do not hold every row of the file.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from pg_server import start_server

from framing_app.services.project import Project
from framing_app.services.server_admin import init_server
from framing_app.services.server_transfer import backup_server_to_file, push_file_to_server
from framing_app.store.table_copy import project_tables, select_all, storage_rows

WORDS = [
    "sovereignty",
    "rights",
    "talks",
    "ministry",
    "délégation",
    "🌏",
    "reform",
    "standards",
    "Geneva",
    "criticism",
    "universal",
    "domestic",
    "affairs",
    "interference",
    "“quoted”",
    "—",
    "progress",
]
STAMP = "2026-01-02T03:04:05.000006Z"


def make_file(path: Path, articles: int, seed: int) -> dict[str, int]:
    """The project file; rows per table."""
    rng = random.Random(seed)
    Project.open(path=path).close()
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                "INSERT INTO coder (id, name, created_at, consensus) VALUES (?, ?, ?, 0)",
                [(1, "alice", STAMP), (2, "bob", STAMP)],
            )
            conn.execute(
                "INSERT INTO question (id, name, level, options, definition, position, archived,"
                " created_at) VALUES (1, 'tone', 'ordinal', '[\"neg\", \"neu\", \"pos\"]', '',"
                " 0, 0, ?)",
                (STAMP,),
            )
            conn.execute(
                "INSERT INTO question (id, name, level, options, definition, position, archived,"
                " created_at) VALUES (2, 'frame', 'nominal', '[\"a\", \"b\"]', '', 1, 0, ?)",
                (STAMP,),
            )
            texts = []
            for n in range(1, articles + 1):
                body = " ".join(rng.choice(WORDS) for _ in range(500))[:4000]
                texts.append((n, f"a{n}", f"Article {n}", body, f"{n:064x}", len(body), STAMP))
            conn.executemany(
                "INSERT INTO article (id, external_id, title, text, sha256, char_count, origin,"
                " imported_at) VALUES (?, ?, ?, ?, ?, ?, 'bench', ?)",
                texts,
            )
            conn.executemany(
                "INSERT INTO annotation (article_id, coder_id, label_id, start_offset, end_offset,"
                " memo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (n, c, 1 + k % 3, 10 * k, 10 * k + 7, "memo 🌏" if k == 0 else "", STAMP, STAMP)
                    for n in range(1, articles + 1)
                    for c in (1, 2)
                    for k in range(5)
                ),
            )
            conn.executemany(
                "INSERT INTO answer (article_id, coder_id, question_id, value, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (n, c, q, "neu" if q == 1 else "a", STAMP, STAMP)
                    for n in range(1, articles + 1)
                    for c in (1, 2)
                    for q in (1, 2)
                ),
            )
            conn.executemany(
                "INSERT INTO coding_status (coder_id, article_id, status, updated_at)"
                " VALUES (?, ?, 'done', ?)",
                ((c, n, STAMP) for n in range(1, articles + 1) for c in (1, 2)),
            )
        return {
            t.name: conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in project_tables()
        }
    finally:
        conn.close()


def copy_floor(path: Path, conninfo: str) -> None:
    """The same rows with psycopg's COPY, one transaction, into a project set up by init."""
    source = sqlite3.connect(path)
    try:
        with psycopg.connect(conninfo) as conn, conn.cursor() as cursor:
            cursor.execute("DELETE FROM label")
            cursor.execute("DELETE FROM schema_change")
            for table in project_tables():
                names = ", ".join(f'"{c.name}"' for c in table.columns)
                rows = storage_rows(table, source.execute(select_all(table)))
                with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
    finally:
        source.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    server = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-transfer-") as folder:
            work = Path(folder)
            path = work / "project.sqlite"
            counts = make_file(path, args.articles, args.seed)
            size = path.stat().st_size
            print(f"file: {size / 1e6:.1f} MB, {sum(counts.values()):,} rows: {counts}")
            admin = psycopg.connect(server.conninfo("postgres"), autocommit=True)
            for name in ("bench_push", "bench_floor"):
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
                admin.execute(f"CREATE DATABASE {name}")

            started = time.perf_counter()
            report = push_file_to_server(path, server.url("bench_push"))
            push = time.perf_counter() - started

            init_server(server.url("bench_floor"))
            started = time.perf_counter()
            copy_floor(path, server.conninfo("bench_floor"))
            floor = time.perf_counter() - started

            started = time.perf_counter()
            with Project.open(url=server.url("bench_push")) as project:
                backup = backup_server_to_file(project, work / "backup.sqlite")
            back = time.perf_counter() - started
            admin.close()
    finally:
        server.stop()
    ok = dict(report.counts) == counts and dict(backup.counts) == counts
    print(f"push (server init included): {push:6.2f} s   ({report.rows / push:,.0f} rows/s)")
    print(f"floor (COPY, one transaction): {floor:6.2f} s")
    print(f"backup into a file:          {back:6.2f} s   ({backup.rows / back:,.0f} rows/s)")
    print(f"load average after: {os.getloadavg()}")
    print(f"RESULT push_seconds={push:.2f}")
    print(f"RESULT push_ratio={push / floor:.2f}")
    print(f"RESULT backup_seconds={back:.2f}")
    print(f"RESULT complete={ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
