"""Load test of a team server: 20 simulated coders working at once for 60 s.

Run: ``python tests/benchmarks/bench_server_load.py [--coders 20] [--seconds 60]
[--think-ms 500] [--articles 300]`` (not part of the test suite). Loopback only
and bounded: it starts its own PostgreSQL server in a temporary folder (as
the tests do, tests/pg_server.py; or the one ``FRAMING_APP_TEST_POSTGRES``
names), and every worker stops at the deadline.

Each simulated coder is a separate process with its own login role (made
by ``server add-coder``), working through the same services as the program:
tag a passage, relabel one of its own annotations, answer the article
question, set a status, with a random think time between actions (mean
``--think-ms``). A worker writes down an action before it starts it and
when it is acknowledged (the service returned; the transaction committed).

Afterwards, read with psycopg as the superuser: every acknowledged tag is in
the database exactly once (its memo carries a unique mark) and no
unacknowledged one is; every annotation's label is the last relabel
acknowledged for it; every answer and status is the last one acknowledged.

Prints actions per second and p50/p95/p99 latency per action kind, and, as
the baseline measured in the same run, the latency of a bare psycopg
``INSERT`` + ``COMMIT`` of one row from the same number of processes.
Goals: p95 < 50 ms for every kind; zero lost or duplicated. Exits 1 when a
check fails.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from pg_server import start_server

from framing_app.core.records import CodingStatus
from framing_app.services import answers, coding_status, questions, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import list_articles
from framing_app.services.project import Project
from framing_app.services.server_admin import add_login, init_server

LABELS = ("sovereignty", "double standards", "universal rights")
TONES = ("negative", "neutral", "positive")
STATUSES = (CodingStatus.IN_PROGRESS, CodingStatus.DONE)
TEXT = (
    "The ministry spokesman said the talks would go on despite the criticism. "
    "Human rights groups called for universal standards 🌏 and an end to double standards. "
) * 8


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def worker(url: str, login: str, seconds: float, think_ms: float, seed: int, log: str) -> None:
    """One simulated coder: act until the deadline, logging every start and acknowledgement."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    mine: list[int] = []
    seq = 0
    with Project.open(url=url) as project, open(log, "w", encoding="utf-8") as out:
        refs = [a.id for a in list_articles(project)]
        length = len(TEXT)

        def note(entry: dict[str, Any]) -> None:
            out.write(json.dumps(entry) + "\n")
            out.flush()

        while time.monotonic() < deadline:
            time.sleep(rng.expovariate(1000 / think_ms) if think_ms > 0 else 0)
            kind = rng.choice(("tag", "tag", "relabel", "answer", "status")) if mine else "tag"
            seq += 1
            article = rng.choice(refs)
            entry: dict[str, Any] = {"kind": kind, "seq": seq, "login": login}
            if kind == "tag":
                start = rng.randrange(0, length - 40)
                entry.update(
                    article=article,
                    start=start,
                    end=start + rng.randrange(5, 40),
                    label=rng.choice(LABELS),
                    memo=f"{login}#{seq}",
                )
            elif kind == "relabel":
                entry.update(id=rng.choice(mine), label=rng.choice(LABELS))
            elif kind == "answer":
                entry.update(article=article, value=rng.choice(TONES))
            else:
                entry.update(article=article, status=rng.choice(STATUSES).value)
            note({**entry, "phase": "start"})
            began = time.perf_counter()
            try:
                if kind == "tag":
                    info = tagging.annotate(
                        project,
                        coder=login,
                        article=article,
                        label=entry["label"],
                        start=entry["start"],
                        end=entry["end"],
                        memo=entry["memo"],
                    )
                    entry["id"] = info.id
                    mine.append(info.id)
                elif kind == "relabel":
                    tagging.relabel(project, entry["id"], entry["label"])
                elif kind == "answer":
                    answers.set_answer(
                        project, coder=login, article=article, question="tone", value=entry["value"]
                    )
                else:
                    coding_status.set_status(
                        project, login, CodingStatus(entry["status"]), [article]
                    )
            except Exception as error:
                note({**entry, "phase": "refused", "error": str(error)[:200]})
                continue
            note(
                {
                    **entry,
                    "phase": "ack",
                    "ms": 1000 * (time.perf_counter() - began),
                    "at": time.time(),
                }
            )


def baseline(conninfo: str, seconds: float, think_ms: float, seed: int, log: str) -> None:
    """The floor: one row INSERTed and COMMITted per action, bare psycopg, same pacing."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    with psycopg.connect(conninfo) as conn, open(log, "w", encoding="utf-8") as out:
        while time.monotonic() < deadline:
            time.sleep(rng.expovariate(1000 / think_ms) if think_ms > 0 else 0)
            began = time.perf_counter()
            conn.execute("INSERT INTO bench_floor (v) VALUES (%s)", (rng.random(),))
            conn.commit()
            out.write(f"{1000 * (time.perf_counter() - began)}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    # Half a second between actions is ten times faster than a coder reading
    # the text; --think-ms 50 makes it a stress test of the machine instead.
    parser.add_argument("--think-ms", type=float, default=500)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    server = start_server()
    work = Path(tempfile.mkdtemp(prefix="framing-load-"))
    try:
        return run(server, work, args)
    finally:
        server.stop()


def run(server: Any, work: Path, args: argparse.Namespace) -> int:
    database = f"load_{os.getpid()}"
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    init_server(server.url(database))
    logins = [f"load{os.getpid()}_{n}" for n in range(args.coders)]
    for login in logins:
        add_login(server.url(database), login, "pw-" + login, lead=False)
    folder = work / "articles"
    folder.mkdir()
    for n in range(args.articles):
        (folder / f"a{n:04d}.txt").write_text(f"Article {n}. {TEXT}", encoding="utf-8")
    with Project.open(url=server.url(database)) as lead:
        import_articles(lead, [folder])
        questions.add_question(lead, "tone", level="ordinal", options=list(TONES))
    with psycopg.connect(server.conninfo(database), autocommit=True) as admin:
        admin.execute("CREATE TABLE bench_floor (id serial PRIMARY KEY, v float8)")

    print(
        f"{args.coders} coders, {args.seconds:.0f} s, think time mean {args.think_ms:.0f} ms, "
        f"{args.articles} articles; load average before: {os.getloadavg()}"
    )
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(
            target=worker,
            args=(
                server.url(database, login, "pw-" + login),
                login,
                args.seconds,
                args.think_ms,
                args.seed * 1000 + n,
                str(work / f"{login}.log"),
            ),
        )
        for n, login in enumerate(logins)
    ]
    began = time.monotonic()
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=args.seconds + 120)
        if process.is_alive():
            process.kill()
    elapsed = time.monotonic() - began
    entries = [
        json.loads(line)
        for login in logins
        for line in (work / f"{login}.log").read_text(encoding="utf-8").splitlines()
    ]

    floor_logs = [str(work / f"floor{n}.log") for n in range(args.coders)]
    floors = [
        context.Process(
            target=baseline,
            args=(
                server.conninfo(database),
                min(args.seconds, 20),
                args.think_ms,
                n,
                floor_logs[n],
            ),
        )
        for n in range(args.coders)
    ]
    for process in floors:
        process.start()
    for process in floors:
        process.join()
    floor = [float(v) for log in floor_logs for v in Path(log).read_text().split()]

    latencies: dict[str, list[float]] = defaultdict(list)
    for entry in entries:
        if entry["phase"] == "ack":
            latencies[entry["kind"]].append(entry["ms"])
    acked = sum(len(v) for v in latencies.values())
    refused = [e for e in entries if e["phase"] == "refused"]
    print(
        f"\n{acked} actions acknowledged in {elapsed:.1f} s: {acked / elapsed:.0f} actions/s; "
        f"{len(refused)} refused"
    )
    print(f"{'kind':<10}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    worst95 = 0.0
    for kind in ("tag", "relabel", "answer", "status"):
        values = latencies.get(kind, [])
        p95 = percentile(values, 95)
        worst95 = max(worst95, p95)
        print(
            f"{kind:<10}{len(values):>8}{percentile(values, 50):>10.1f}{p95:>10.1f}"
            f"{percentile(values, 99):>10.1f}{max(values, default=float('nan')):>10.1f}"
        )
    print(
        f"{'floor':<10}{len(floor):>8}{percentile(floor, 50):>10.1f}{percentile(floor, 95):>10.1f}"
        f"{percentile(floor, 99):>10.1f}{max(floor, default=float('nan')):>10.1f}"
        "   (bare psycopg INSERT + COMMIT, same processes and pacing)"
    )
    all_acked = [v for values in latencies.values() for v in values]
    print(
        f"RESULT p95_ms={percentile(all_acked, 95):.1f} worst_kind_p95_ms={worst95:.1f} "
        f"ratio_p50_to_floor={statistics.median(all_acked) / statistics.median(floor):.2f}"
    )
    problems = check(server.conninfo(database), entries)
    for problem in problems[:20]:
        print("LOST/DUPLICATED:", problem)
    print(f"RESULT lost_or_duplicated={len(problems)} refused={len(refused)}")
    print(f"load average after: {os.getloadavg()}")
    ok = not problems and worst95 < 50
    print("goals met" if ok else "goals NOT met")
    return 0 if not problems else 1


def check(conninfo: str, entries: list[dict[str, Any]]) -> list[str]:
    """Every acknowledged action stored once, no unacknowledged one; last values win."""
    problems: list[str] = []
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT a.id, a.memo, l.name, c.name FROM annotation a JOIN label l ON "
            "l.id = a.label_id JOIN coder c ON c.id = a.coder_id"
        ).fetchall()
        stored_answers = {
            (coder, article): value
            for coder, article, value in conn.execute(
                "SELECT c.name, a.article_id, a.value FROM answer a "
                "JOIN coder c ON c.id = a.coder_id"
            )
        }
        stored_status = {
            (coder, article): status
            for coder, article, status in conn.execute(
                "SELECT c.name, s.article_id, s.status FROM coding_status s "
                "JOIN coder c ON c.id = s.coder_id"
            )
        }
    by_memo: dict[str, list[int]] = defaultdict(list)
    label_of = {}
    for id_, memo, label, _coder in rows:
        by_memo[memo].append(id_)
        label_of[id_] = label
    acked = [e for e in entries if e["phase"] == "ack"]
    tags = {e["memo"]: e for e in acked if e["kind"] == "tag"}
    for memo, entry in tags.items():
        if len(by_memo.get(memo, [])) != 1:
            problems.append(f"tag {memo}: stored {len(by_memo.get(memo, []))} times")
        elif by_memo[memo] != [entry["id"]]:
            problems.append(f"tag {memo}: stored as id {by_memo[memo]}, acknowledged {entry['id']}")
    for memo in by_memo.keys() - tags.keys():
        problems.append(f"tag {memo}: stored but never acknowledged")
    last_label: dict[int, str] = {}
    last_answer: dict[tuple[str, int], str] = {}
    last_status: dict[tuple[str, int], str] = {}
    for e in acked:  # each coder's log is in order; coders touch only their own rows
        if e["kind"] == "tag" or e["kind"] == "relabel":
            last_label[e["id"]] = e["label"]
        elif e["kind"] == "answer":
            last_answer[(e["login"], e["article"])] = e["value"]
        elif e["kind"] == "status":
            last_status[(e["login"], e["article"])] = e["status"]
    for id_, label in last_label.items():
        if label_of.get(id_) != label:
            problems.append(f"annotation {id_}: label {label_of.get(id_)!r}, last acked {label!r}")
    for key, value in last_answer.items():
        if stored_answers.get(key) != value:
            problems.append(f"answer {key}: {stored_answers.get(key)!r}, last acked {value!r}")
    for key, status in last_status.items():
        # A later tag moves not-started to in-progress, never back from done.
        if stored_status.get(key) != status and not (
            status == "in-progress" and stored_status.get(key) is None
        ):
            problems.append(f"status {key}: {stored_status.get(key)!r}, last acked {status!r}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
