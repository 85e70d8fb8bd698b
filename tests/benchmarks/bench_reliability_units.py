"""Benchmark: reliability data from a project (issue 8), against reading the annotations.

Run from the repository root (not collected by pytest)::

    python tests/benchmarks/bench_reliability_units.py                    # 20,000 articles
    python tests/benchmarks/bench_reliability_units.py --articles 2000    # quicker
    python tests/benchmarks/bench_reliability_units.py --workdir /tmp/rb  # keep the project

The script builds a deterministic project (``random.Random(seed)``) through
the services: ``--articles`` articles of about 4 KB of English-like text in
paragraphs of 2 to 6 sentences (about ten paragraphs each), a codebook of 15
labels, and 3 coders who code alike with some noise: each article has a few
"true" passages (a label of skewed prevalence, a stretch of 30 to 300
characters), each coder tags each with probability 0.85 with boundaries
moved by up to 12 characters, and now and then a passage of their own. Every
coder marks every article done, except one coder on 2% of them (which are
then excluded). With ``--workdir`` a project made before with the same
arguments is reused.

Then it times, ``--repeat`` times each, in the same run:

* **the job**: ``build_items`` at the paragraph unit (reading statuses,
  annotations and texts, cutting the texts into paragraphs, the coverage and
  the 0/1 matrices of 15 labels and the pooled item), then every statistic
  of every item as the ``agreement`` report computes them
  (``report_from_items`` without bootstrap: the items' data tallied, the
  pooled item pooled from the labels, then percent agreement,
  Krippendorff's alpha, Fleiss' kappa, Cohen's kappa and Scott's pi
  (undefined for three coders), Gwet's AC1, the prevalence index and the
  kappa-paradox check); bootstrap excluded;
* **the baseline**: the plainest read of the same annotations,
  ``SELECT article_id, coder_id, label_id, start_offset, end_offset FROM
  annotation`` through ``sqlite3`` into a list, the least any report must do.

It prints the median and the worst of each, the parts of the job, and their
ratio. Goal (issue 8): the whole job under 2 s. The script exits 0 whatever
the figures, and 1 when a check fails (a label's matrix not units x coders of
0/1, or not every excluded article reported).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import numpy as np

from framing_app.core.records import AnnotationRow, CodingStatus
from framing_app.core.text import normalise_text, text_sha256
from framing_app.formats.annotation_csv import write_annotation_csv
from framing_app.services import codebook, coding_status
from framing_app.services.agreement_report import report_from_items
from framing_app.services.annotation_import import import_annotations
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project
from framing_app.services.reliability_units import ReliabilityItems, Unit, build_items

GOAL_SECONDS = 2.0
CODERS = ("alice", "bob", "carol")
EXTRA_LABELS = (
    "economic consequences",
    "conflict",
    "human interest",
    "morality",
    "responsibility",
    "security",
    "legality",
    "public opinion",
    "political strategy",
    "cultural identity",
    "history",
    "diplomacy",
)
PROJECT_DB = "bench_reliability.sqlite"
SETTINGS_JSON = "bench_reliability.json"

_WORDS = """
    the the the of of of and and and to to to in in a a is that for on with as by at
    from was were has have had been be it its this their they which not but or an are
    will would said says say told according officials government state country nation
    people human rights freedom law rule court lawyers activists detained released
    ministry foreign minister spokesman press conference statement dialogue talks
    Beijing Washington Geneva China U.S. Europe sovereignty territorial integrity
    internal affairs interference criticism hypocrisy double standards universal
    values international community democracy development economic political civil
    religious minority region protest police security stability reform concern
    urged called rejected denied accused week month year since during after before
    café régime “quoted” — Dr. Mr.
"""
VOCABULARY = tuple(_WORDS.split())

T = TypeVar("T")


# ------------------------------------------------------------------ the project


def _text(rng: random.Random) -> str:
    paragraphs = []
    length = 0
    target = rng.randint(3400, 4200)
    while length < target:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            words = rng.choices(VOCABULARY, k=rng.randint(8, 24))
            if rng.random() < 0.01:
                words.insert(1, "\N{EARTH GLOBE ASIA-AUSTRALIA}")
            sentences.append(" ".join(words).capitalize() + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return normalise_text("\n\n".join(paragraphs))


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    start = text.rfind(" ", 0, max(start, 0)) + 1
    space = text.find(" ", min(end, len(text)))
    end = len(text) if space == -1 else space
    return start, max(end, start + 1)


def _passages(
    rng: random.Random, text: str, labels: Sequence[str]
) -> Iterator[tuple[str, str, int, int]]:
    """(coder, label, start, end) of one article: shared passages, noisy, plus extras."""
    weights = [1.0 / (rank + 1) for rank in range(len(labels))]  # skewed prevalence
    seen: set[tuple[str, str, int, int]] = set()
    for _ in range(rng.randint(2, 6)):
        label = rng.choices(labels, weights)[0]
        start = rng.randrange(len(text) - 40)
        end = min(len(text), start + rng.randint(30, 300))
        for coder in CODERS:
            if rng.random() < 0.85:
                moved = _snap(text, start + rng.randint(-12, 12), end + rng.randint(-12, 12))
                seen.add((coder, label, *moved))
    for coder in CODERS:
        if rng.random() < 0.3:
            start = rng.randrange(len(text) - 40)
            moved = _snap(text, start, start + rng.randint(30, 300))
            seen.add((coder, rng.choices(labels, weights)[0], *moved))
    yield from sorted(seen)


def make_project(folder: Path, n_articles: int, seed: int) -> tuple[Path, int]:
    """The benchmark project in *folder* (reused if made with the same arguments).

    Returns its path and the number of articles not done by every coder.
    """
    path = folder / PROJECT_DB
    settings = {"articles": n_articles, "seed": seed, "coders": CODERS}
    marker = folder / SETTINGS_JSON
    if path.exists() and marker.exists():
        made = json.loads(marker.read_text(encoding="utf-8"))
        if made["settings"] == json.loads(json.dumps(settings)):
            return path, int(made["not_done"])
    for stale in folder.glob(PROJECT_DB + "*"):
        stale.unlink()
    rng = random.Random(seed)
    articles_csv = folder / "articles.csv"
    annotations_csv = folder / "annotations.csv"
    began = time.perf_counter()
    with Project.open(path=path) as project:
        for name in EXTRA_LABELS:
            codebook.add_label(project, name)
        labels = [label.name for label in codebook.list_labels(project)]
        texts = []
        with open(articles_csv, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(("id", "title", "text"))
            for number in range(1, n_articles + 1):
                text = _text(rng)
                texts.append(text)
                writer.writerow((f"art{number:06d}", f"Article {number}", text))
        import_articles(project, [articles_csv])
        now = datetime(2026, 1, 1, tzinfo=UTC)

        def rows() -> Iterator[AnnotationRow]:
            ident = 0
            for number, text in enumerate(texts, start=1):
                for coder, label, start, end in _passages(rng, text, labels):
                    ident += 1
                    yield AnnotationRow(
                        ident,
                        number,
                        f"art{number:06d}",
                        f"Article {number}",
                        text_sha256(text),
                        coder,
                        label,
                        start,
                        end,
                        text[start:end],
                        "",
                        now,
                        now,
                    )

        with open(annotations_csv, "w", encoding="utf-8", newline="") as out:
            write_annotation_csv(rows(), out)
        import_annotations(project, annotations_csv)
        for coder in CODERS:
            coding_status.set_status(project, coder, CodingStatus.DONE)
        late = sorted(rng.sample(range(1, n_articles + 1), max(1, n_articles // 50)))
        coding_status.set_status(
            project, CODERS[-1], CodingStatus.IN_PROGRESS, [f"art{n:06d}" for n in late]
        )
    articles_csv.unlink()
    annotations_csv.unlink()
    marker.write_text(json.dumps({"settings": settings, "not_done": len(late)}), encoding="utf-8")
    print(f"project made in {time.perf_counter() - began:.1f} s: {path}")
    return path, len(late)


# ------------------------------------------------------------------ the jobs


def timed(job: Callable[[], T], repeat: int) -> tuple[T, list[float]]:
    seconds = []
    result: T | None = None
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        result = job()
        seconds.append(time.perf_counter() - began)
    assert result is not None
    return result, seconds


def build(path: Path, unit: Unit) -> ReliabilityItems:
    with Project.open(path=path, create=False) as project:
        return build_items(project, CODERS, unit)


def every_statistic(items: ReliabilityItems) -> int:
    return len(report_from_items(items, bootstrap=0).rows)


def whole_job(path: Path, unit: Unit) -> ReliabilityItems:
    items = build(path, unit)
    every_statistic(items)
    return items


def plain_read(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT article_id, coder_id, label_id, start_offset, end_offset FROM annotation"
        ).fetchall()
    connection.close()
    return len(rows)


def check(items: ReliabilityItems, n_articles: int, not_done: int) -> list[str]:
    problems = []
    if len(items.excluded) != not_done or items.articles != n_articles - not_done:
        problems.append(
            f"{items.articles} articles used, {len(items.excluded)} excluded; "
            f"expected {n_articles - not_done} and {not_done}"
        )
    for item in items.items:
        if item.values.shape != (len(item.unit_ids), len(CODERS)):
            problems.append(f"{item.name}: shape {item.values.shape}")
        if not np.isin(item.values, (0.0, 1.0)).all():
            problems.append(f"{item.name}: values other than 0 and 1")
    return problems


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument(
        "--unit", choices=[u.value for u in Unit if u is not Unit.SPAN], default="paragraph"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--workdir", type=Path, help="make (or reuse) the project here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    unit = Unit(args.unit)
    print(
        f"machine: Python {platform.python_version()}, numpy {np.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.platform()}, {os.cpu_count()} CPUs; "
        f"load average {load_average()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as scratch:
        folder = args.workdir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path, not_done = make_project(folder, args.articles, args.seed)
        annotations = plain_read(path)
        items, job_s = timed(lambda: whole_job(path, unit), args.repeat)
        _, build_s = timed(lambda: build(path, unit), args.repeat)
        _, stats_s = timed(lambda: every_statistic(items), args.repeat)
        _, read_s = timed(lambda: plain_read(path), args.repeat)

    units = len(items.items[0].unit_ids) if items.items else 0
    print(
        f"data: {args.articles:,} articles ({items.articles:,} used, {len(items.excluded):,} "
        f"excluded), {len(CODERS)} coders, {len(items.items) - 1} labels, {annotations:,} "
        f"annotations; unit {unit.value}: {units:,} units per label, "
        f"{len(items.items[-1].unit_ids):,} pooled"
    )
    jobs = {
        "build + every statistic": job_s,
        "  build_items alone": build_s,
        "  every statistic alone": stats_s,
        "baseline: SQL read": read_s,
    }
    print(f"{'job':<28}{'median ms':>11}{'worst ms':>10}")
    for name, seconds in jobs.items():
        print(f"{name:<28}{statistics.median(seconds) * 1000:>11.1f}{max(seconds) * 1000:>10.1f}")
    ratio = statistics.median(job_s) / statistics.median(read_s)
    verdict = "met" if max(job_s) < GOAL_SECONDS else "NOT met"
    print(f"ratio to the baseline (medians): {ratio:.1f}x")
    print(f"goal: build + every statistic under {GOAL_SECONDS:g} s (worst run): {verdict}")
    print(f"load average after: {load_average()}")
    print(f"RESULT job_seconds={statistics.median(job_s):.4f}")
    print(f"RESULT job_worst_seconds={max(job_s):.4f}")
    print(f"RESULT build_seconds={statistics.median(build_s):.4f}")
    print(f"RESULT statistics_seconds={statistics.median(stats_s):.4f}")
    print(f"RESULT baseline_seconds={statistics.median(read_s):.4f}")
    print(f"RESULT ratio={ratio:.2f}")
    problems = check(items, args.articles, not_done)
    for problem in problems:
        print(f"check failed: {problem}")
    print(f"RESULT checks={'failed' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
