"""Benchmark: framing-app's import and export against the plainest stdlib job.

Run from the repository root (not collected by pytest)::

    python tests/benchmarks/bench_import_export.py                  # 20,000 / 200,000
    python tests/benchmarks/bench_import_export.py --articles 500 --annotations 5000

The script generates a deterministic synthetic corpus (``random.Random(seed)``):
one article CSV (``id,title,date,source,url,text``; about 4 KB of English-like
text per article, with é, curly quotes, em dashes, the odd emoji, paragraphs
separated by blank lines) and an annotation CSV in framing-app's export format
(two coders, the default codebook's labels, unique spans). It then times, once
each, on the same two files:

* framing-app: ``Project.open``, ``import_articles``, ``import_annotations``,
  and ``export_annotations_to_file``;
* the floor: ``csv.reader`` rows passed to ``sqlite3`` ``executemany`` into
  two plain tables of a fresh database (default settings, one commit at the
  end), and ``SELECT * FROM annotations`` written back with ``csv.writer``.

The goal is that import and export stay within 3x of the floor. The script
prints the figures, the ratios, and ``RESULT name=value`` lines for scripts;
it exits 0 whatever the ratios, and 1 if a correctness check fails (articles or
annotations not all added, an export without every annotation).
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import sqlalchemy

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.core.records import ANNOTATION_COLUMNS, AnnotationRow
from framing_app.core.text import normalise_text, text_sha256
from framing_app.formats.annotation_csv import write_annotation_csv
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.annotation_import import AnnotationImportReport, import_annotations
from framing_app.services.article_import import ArticleImportReport, import_articles
from framing_app.services.project import Project

GOAL_RATIO = 3.0
GOAL = f"import and export within {GOAL_RATIO:g}x of the floor"

ARTICLE_COLUMNS = ("id", "title", "date", "source", "url", "text")
CODERS = ("alice", "bob")
LABELS = tuple(spec.name for spec in DEFAULT_LABELS)

# Files in the work directory; removed first when --workdir names a used one.
ARTICLES_CSV = "articles.csv"
ANNOTATIONS_CSV = "annotations.csv"
PROJECT_DB = "bench.sqlite"
EXPORT_CSV = "export.csv"
FLOOR_DB = "floor.sqlite"
FLOOR_EXPORT_CSV = "floor_export.csv"
_OUTPUTS = (
    ARTICLES_CSV,
    ANNOTATIONS_CSV,
    PROJECT_DB,
    PROJECT_DB + "-wal",
    PROJECT_DB + "-shm",
    PROJECT_DB + "-journal",
    EXPORT_CSV,
    FLOOR_DB,
    FLOOR_DB + "-journal",
    FLOOR_EXPORT_CSV,
)

# ------------------------------------------------------------------ the corpus

_LDQ = "\N{LEFT DOUBLE QUOTATION MARK}"
_RDQ = "\N{RIGHT DOUBLE QUOTATION MARK}"
_EM_DASH = "\N{EM DASH}"
# Two outside the Basic Multilingual Plane (one code point, two UTF-16 units).
_EMOJI = ("\N{EARTH GLOBE ASIA-AUSTRALIA}", "\N{NEWSPAPER}", "\N{RAISED FIST}")

_WORDS = """
    the the the of of of and and and to to to in in a a is that for on with as by at
    from was were has have had been be it its this their they which not but or an are
    will would said says say told according officials official government governments
    state states country countries nation national people human rights right freedom
    freedoms law laws rule court courts lawyer lawyers activist activists dissident
    detained arrested released prison sentence trial charges report reports annual
    ministry foreign minister spokesman spokeswoman press conference statement
    dialogue talks meeting delegation visit Beijing Washington Geneva Hong Kong China
    United States Europe European Union council commission sovereignty territorial
    integrity internal affairs interference meddling criticism critics critical
    hypocrisy double standard standards universal values principles norms
    international community world democracy democratic development economic social
    political civil religious ethnic minority minorities region regional province
    protest protests police security stability order crackdown reform progress
    concern concerns serious deeply urged called demanded rejected denied accused
    response responded week month year years last next new recent since during after
    before while however also still only more most many some all any every each
    other such own same first second third record history issue issues question
    café régime élite détente communiqué exposé protégé
"""
VOCABULARY: tuple[str, ...] = tuple(_WORDS.split())
_SOURCES = (
    "Xinhua",
    "People\N{RIGHT SINGLE QUOTATION MARK}s Daily",
    "The New York Times",
    "The Guardian",
    "Le Monde diplomatique",
    "South China Morning Post",
    "Reuters",
    "Agence France-Presse",
)
_MEMOS = (
    "clear case",
    'quotes the spokesman: "internal affairs"',
    f"unsure {_EM_DASH} discuss with the other coder",
    "borderline, could be double standards",
    "=not a formula",
)
_BASE_DATE = date(2008, 1, 1)
_BASE_TIME = datetime(2024, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SyntheticArticle:
    external_id: str
    title: str
    published: str
    source: str
    url: str
    text: str  # normalised, as framing-app stores it
    sha256: str


def _sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, k=rng.randint(8, 24))
    roll = rng.random()
    if roll < 0.15:  # a quoted phrase
        first = rng.randrange(len(words) - 3)
        last = first + rng.randint(1, 3)
        words[first] = _LDQ + words[first]
        words[last] = words[last] + _RDQ
    elif roll < 0.25:  # an aside
        words.insert(rng.randrange(2, len(words) - 1), _EM_DASH)
    if rng.random() < 0.3:
        comma = rng.randrange(1, len(words) - 1)
        words[comma] = words[comma] + ","
    if rng.random() < 0.01:  # the odd emoji, about one article in three
        words.insert(rng.randrange(1, len(words)), rng.choice(_EMOJI))
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + ("?" if rng.random() < 0.05 else ".")


def _article_text(rng: random.Random) -> str:
    """About 4 KB: paragraphs of 2 to 6 sentences, separated by blank lines."""
    target = rng.randint(3400, 4200)
    paragraphs: list[str] = []
    length = 0
    while length < target:
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _article(rng: random.Random, number: int) -> SyntheticArticle:
    external_id = f"art{number:06d}"
    title = " ".join(rng.choices(VOCABULARY, k=rng.randint(4, 9)))
    published = (_BASE_DATE + timedelta(days=rng.randrange(6000))).isoformat()
    text = normalise_text(_article_text(rng))
    return SyntheticArticle(
        external_id=external_id,
        title=title[:1].upper() + title[1:],
        published=published,
        source=rng.choice(_SOURCES),
        url=f"https://news.example.org/{published}/{external_id}",
        text=text,
        sha256=text_sha256(text),
    )


def _spans(rng: random.Random, text: str, count: int) -> list[tuple[str, str, int, int]]:
    """*count* distinct (coder, label, start, end), passages of whole words in *text*.

    Passages run from 20 to 400 code points before being widened to word
    boundaries, so some cross paragraphs (multi-line CSV cells).
    """
    length = len(text)
    chosen: list[tuple[str, str, int, int]] = []
    seen: set[tuple[str, str, int, int]] = set()
    attempts = 0
    while len(chosen) < count:
        attempts += 1
        if attempts > 100 * count + 1000:
            raise ValueError("too many annotations per article to keep spans unique")
        start = rng.randrange(length - 1)
        end = min(length, start + rng.randint(20, 400))
        start = text.rfind(" ", 0, start) + 1
        space = text.find(" ", end)
        end = length if space == -1 else space
        key = (rng.choice(CODERS), rng.choice(LABELS), start, end)
        if key not in seen:
            seen.add(key)
            chosen.append(key)
    return chosen


def _times(rng: random.Random, annotation_id: int) -> tuple[datetime, datetime]:
    created = _BASE_TIME + timedelta(
        seconds=37 * annotation_id, microseconds=(7919 * annotation_id) % 1_000_000
    )
    if rng.random() < 0.8:
        return created, created
    edited = created + timedelta(
        seconds=rng.randrange(86_400), microseconds=rng.randrange(1_000_000)
    )
    return created, edited


def generate_corpus(
    articles_csv: Path, annotations_csv: Path, n_articles: int, n_annotations: int, seed: int
) -> None:
    """Write the article CSV and the annotation CSV; the same arguments give the same bytes.

    Annotations are spread evenly (article *i* gets ``M // N`` of them, one more
    for the first ``M % N``), numbered 1.. in file order, which is article
    order, as in an export of a project coded article by article.
    """
    rng = random.Random(seed)
    per_article, extra = divmod(n_annotations, n_articles)
    with (
        open(articles_csv, "w", encoding="utf-8", newline="") as article_file,
        open(annotations_csv, "w", encoding="utf-8", newline="") as annotation_file,
    ):
        article_writer = csv.writer(article_file)
        article_writer.writerow(ARTICLE_COLUMNS)

        def annotation_rows() -> Iterator[AnnotationRow]:
            # Each article is written as its annotations are produced, so only
            # one article text is in memory at a time.
            annotation_id = 0
            for index in range(n_articles):
                article = _article(rng, index + 1)
                article_writer.writerow(
                    (
                        article.external_id,
                        article.title,
                        article.published,
                        article.source,
                        article.url,
                        article.text,
                    )
                )
                count = per_article + (1 if index < extra else 0)
                for coder, label, start, end in _spans(rng, article.text, count):
                    annotation_id += 1
                    created, updated = _times(rng, annotation_id)
                    yield AnnotationRow(
                        annotation_id=annotation_id,
                        article_id=index + 1,
                        article_external_id=article.external_id,
                        article_title=article.title,
                        article_sha256=article.sha256,
                        coder=coder,
                        label=label,
                        start=start,
                        end=end,
                        text=article.text[start:end],
                        memo=rng.choice(_MEMOS) if rng.random() < 0.1 else "",
                        created_at=created,
                        updated_at=updated,
                    )

        written = write_annotation_csv(annotation_rows(), annotation_file)
    if written != n_annotations:
        raise RuntimeError(f"wrote {written} annotations, meant {n_annotations}")


# ------------------------------------------------------------------ the jobs

T = TypeVar("T")


def timed(job: Callable[[], T]) -> tuple[T, float]:
    """Run *job* once; return its result and its wall-clock seconds.

    Garbage left by the previous job is collected first, so that it is not
    charged to this one.
    """
    gc.collect()
    start = time.perf_counter()
    result = job()
    return result, time.perf_counter() - start


@dataclass(frozen=True)
class AppRun:
    open_s: float
    articles_s: float
    annotations_s: float
    export_s: float
    article_report: ArticleImportReport
    annotation_report: AnnotationImportReport
    exported: int

    @property
    def import_s(self) -> float:
        return self.open_s + self.articles_s + self.annotations_s


@dataclass(frozen=True)
class FloorRun:
    articles_s: float
    annotations_s: float
    export_s: float

    @property
    def import_s(self) -> float:
        return self.articles_s + self.annotations_s


def run_framing_app(workdir: Path, articles_csv: Path, annotations_csv: Path) -> AppRun:
    project, open_s = timed(lambda: Project.open(path=workdir / PROJECT_DB))
    with project:
        article_report, articles_s = timed(lambda: import_articles(project, [articles_csv]))
        annotation_report, annotations_s = timed(
            lambda: import_annotations(project, annotations_csv)
        )
        exported, export_s = timed(
            lambda: export_annotations_to_file(project, workdir / EXPORT_CSV)
        )
    return AppRun(
        open_s, articles_s, annotations_s, export_s, article_report, annotation_report, exported
    )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def run_floor(workdir: Path, articles_csv: Path, annotations_csv: Path) -> FloorRun:
    """The plainest stdlib job on the same files: csv module, sqlite3 executemany, defaults."""
    database = workdir / FLOOR_DB
    connection = sqlite3.connect(database)

    def load_articles() -> None:
        connection.execute(f"CREATE TABLE articles ({_quoted(ARTICLE_COLUMNS)})")
        connection.execute(f"CREATE TABLE annotations ({_quoted(ANNOTATION_COLUMNS)})")
        with open(articles_csv, encoding="utf-8", newline="") as source:
            rows = csv.reader(source)
            next(rows)
            connection.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", rows)

    def load_annotations() -> None:
        marks = ", ".join("?" * len(ANNOTATION_COLUMNS))
        with open(annotations_csv, encoding="utf-8", newline="") as source:
            rows = csv.reader(source)
            next(rows)
            connection.executemany(f"INSERT INTO annotations VALUES ({marks})", rows)
        connection.commit()

    def export() -> None:
        with (
            closing(sqlite3.connect(database)) as reader,
            open(workdir / FLOOR_EXPORT_CSV, "w", encoding="utf-8", newline="") as out,
        ):
            cursor = reader.execute("SELECT * FROM annotations")
            writer = csv.writer(out)
            writer.writerow([column[0] for column in cursor.description])
            writer.writerows(cursor)

    try:
        _, articles_s = timed(load_articles)
        _, annotations_s = timed(load_annotations)
    finally:
        connection.close()
    _, export_s = timed(export)
    return FloorRun(articles_s, annotations_s, export_s)


# ------------------------------------------------------------------ checks and report


def count_data_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as source:
        return sum(1 for _ in csv.reader(source)) - 1


def check(app: AppRun, workdir: Path, n_articles: int, n_annotations: int) -> list[str]:
    """What is wrong with the framing-app run (empty when all is well)."""
    problems: list[str] = []

    def expect(what: str, got: int, want: int) -> None:
        if got != want:
            problems.append(f"{what}: {got:,}, expected {want:,}")

    expect("articles added", len(app.article_report.added), n_articles)
    expect("duplicate articles", len(app.article_report.duplicates), 0)
    expect("annotations added", app.annotation_report.added, n_annotations)
    expect("duplicate annotations", app.annotation_report.duplicates, 0)
    expect("rows export_annotations_to_file returned", app.exported, n_annotations)
    expect("data rows in export.csv", count_data_rows(workdir / EXPORT_CSV), n_annotations)
    expect(
        "data rows in floor_export.csv", count_data_rows(workdir / FLOOR_EXPORT_CSV), n_annotations
    )
    return problems


def _ratio(app_s: float, floor_s: float) -> float:
    return app_s / max(floor_s, 1e-9)


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / max(seconds, 1e-9):,.0f}"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def machine_info() -> str:
    return (
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.platform()}, {os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sqlalchemy.__version__}"
    )


def load_average() -> str:
    """1, 5 and 15 minute load averages: other work on the machine skews the figures."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # not available on Windows
        return "unknown"


def print_report(app: AppRun, floor: FloorRun, n_articles: int, n_annotations: int) -> None:
    widths = (20, 13, 9, 7, 18, 12)
    names = ("job", "framing-app s", "floor s", "ratio", "framing-app rows/s", "floor rows/s")

    def cells(*values: str) -> str:
        first, *rest = zip(values, widths, strict=True)
        return f"{first[0]:<{first[1]}}" + "".join(f"  {v:>{w}}" for v, w in rest)

    header = cells(*names)
    lines = [header, "-" * len(header)]

    def line(job: str, rows: int, app_s: float, floor_s: float | None) -> None:
        if floor_s is None:
            lines.append(cells(job, f"{app_s:.3f}", "-", "-", "-", "-"))
            return
        lines.append(
            cells(
                job,
                f"{app_s:.3f}",
                f"{floor_s:.3f}",
                f"{_ratio(app_s, floor_s):.2f}x",
                _rate(rows, app_s),
                _rate(rows, floor_s),
            )
        )

    line("open project", 0, app.open_s, None)
    line("import articles", n_articles, app.articles_s, floor.articles_s)
    line("import annotations", n_annotations, app.annotations_s, floor.annotations_s)
    line("import (total)", n_articles + n_annotations, app.import_s, floor.import_s)
    line("export annotations", n_annotations, app.export_s, floor.export_s)
    print("\n".join(lines))
    print(
        "(import total = open + articles + annotations; floor: articles includes connect "
        "and CREATE TABLE, annotations includes the one commit; rows/s of the total "
        "counts articles + annotations)"
    )
    import_ratio = _ratio(app.import_s, floor.import_s)
    export_ratio = _ratio(app.export_s, floor.export_s)
    verdict = {True: "met", False: "NOT met"}
    print(
        f"goal: {GOAL}: import {import_ratio:.2f}x {verdict[import_ratio <= GOAL_RATIO]}, "
        f"export {export_ratio:.2f}x {verdict[export_ratio <= GOAL_RATIO]}"
    )
    print(f"RESULT import_ratio={import_ratio:.2f}")
    print(f"RESULT export_ratio={export_ratio:.2f}")
    print(f"RESULT import_seconds={app.import_s:.3f}")
    print(f"RESULT import_floor_seconds={floor.import_s:.3f}")
    print(f"RESULT export_seconds={app.export_s:.3f}")
    print(f"RESULT export_floor_seconds={floor.export_s:.3f}")


# ------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time framing-app's import and export against a csv + sqlite3 floor.",
    )
    parser.add_argument("--articles", type=int, default=20_000, metavar="N")
    parser.add_argument("--annotations", type=int, default=200_000, metavar="M")
    parser.add_argument("--seed", type=int, default=20240301, help="corpus seed")
    parser.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="work in DIR (created if needed, kept afterwards; earlier benchmark files "
        "in it are replaced) instead of a temporary directory",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary work directory and say where"
    )
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.annotations < 0:
        parser.error("--annotations must not be negative")
    return args


def benchmark(workdir: Path, n_articles: int, n_annotations: int, seed: int) -> int:
    for name in _OUTPUTS:
        (workdir / name).unlink(missing_ok=True)
    articles_csv = workdir / ARTICLES_CSV
    annotations_csv = workdir / ANNOTATIONS_CSV

    print(
        f"framing-app import/export benchmark: {n_articles:,} articles, "
        f"{n_annotations:,} annotations, seed {seed}"
    )
    print(f"machine: {machine_info()}")
    print(f"load average before: {load_average()}")
    print(f"work directory: {workdir}")
    _, generate_s = timed(
        lambda: generate_corpus(articles_csv, annotations_csv, n_articles, n_annotations, seed)
    )
    print(
        f"input: {ARTICLES_CSV} {articles_csv.stat().st_size / 1e6:.1f} MB, "
        f"{ANNOTATIONS_CSV} {annotations_csv.stat().st_size / 1e6:.1f} MB "
        f"(generated in {generate_s:.1f} s, not timed below)"
    )
    sys.stdout.flush()

    app = run_framing_app(workdir, articles_csv, annotations_csv)
    floor = run_floor(workdir, articles_csv, annotations_csv)
    problems = check(app, workdir, n_articles, n_annotations)
    print(f"load average after: {load_average()}")
    print()
    print_report(app, floor, n_articles, n_annotations)
    same = _sha256_file(workdir / EXPORT_CSV) == _sha256_file(annotations_csv)
    print(f"export.csv byte-identical to the imported annotation CSV: {'yes' if same else 'no'}")
    if problems:
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        print("RESULT checks=failed")
        return 1
    print("RESULT checks=ok")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return benchmark(args.workdir.resolve(), args.articles, args.annotations, args.seed)
    if args.keep:
        workdir = Path(tempfile.mkdtemp(prefix="framing-bench-"))
        status = benchmark(workdir, args.articles, args.annotations, args.seed)
        print(f"kept {workdir}")
        return status
    with tempfile.TemporaryDirectory(prefix="framing-bench-") as temp:
        return benchmark(Path(temp), args.articles, args.annotations, args.seed)


if __name__ == "__main__":
    sys.exit(main())
