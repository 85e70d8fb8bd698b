"""CLI benchmark: ``framing-app status --coder X --all`` over a project of 5,000 articles.

Run: ``python tests/benchmarks/bench_cli_status.py [--articles N] [--repeat R]``
(not part of the test suite). The command runs as a user runs it, in a new
process (``python -m framing_app``), so interpreter start and imports are
included; the floor is ``framing-app --version`` in the same run, the cost of
starting the program at all. A third of the articles are done, a third in
progress. Prints the median and the worst of the runs.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from framing_app.core.records import CodingStatus
from framing_app.services.article_import import import_articles
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project


def make_project(folder: Path, articles: int) -> Path:
    corpus = folder / "articles.csv"
    with open(corpus, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "date", "source", "text"])
        for n in range(articles):
            writer.writerow(
                [
                    f"a{n:06d}",
                    f"Article {n} on talks and rights",
                    f"2011-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    "Synthetic News",
                    f"Article {n}. The ministry spokesman said the talks would go on. " * 20,
                ]
            )
    db = folder / "bench.sqlite"
    with Project.open(path=db) as project:
        import_articles(project, [corpus])
        refs = [f"a{n:06d}" for n in range(articles)]
        set_status(project, "alice", CodingStatus.DONE, refs[0::3])
        set_status(project, "alice", CodingStatus.IN_PROGRESS, refs[1::3])
    return db


def run(args: list[str]) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "framing_app", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    return time.perf_counter() - began, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="framing-cli-bench-") as work:
        db = make_project(Path(work), args.articles)
        status: list[float] = []
        floor: list[float] = []
        for _ in range(args.repeat):
            seconds, out = run(["--project", str(db), "status", "--coder", "alice", "--all"])
            lines = out.splitlines()
            assert len(lines) == args.articles + 1, len(lines)
            status.append(seconds)
            floor.append(run(["--version"])[0])
    print(
        f"machine: Python {platform.python_version()}, {platform.platform()}, {os.cpu_count()} CPUs"
    )
    print(f"{'job':<34}{'median ms':>10}{'worst ms':>10}{'floor ms':>10}")
    name = f"status --all ({args.articles:,} articles)"
    print(
        f"{name:<34}{statistics.median(status) * 1000:>10.0f}{max(status) * 1000:>10.0f}"
        f"{statistics.median(floor) * 1000:>10.0f}"
    )
    print(
        f"RESULT status_all_ms={statistics.median(status) * 1000:.0f} "
        f"status_all_worst_ms={max(status) * 1000:.0f} "
        f"cli_start_ms={statistics.median(floor) * 1000:.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
