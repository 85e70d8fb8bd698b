"""SIGKILL at seeded random moments: every killed operation is all-or-nothing.

A coder's laptop runs out of battery, the system kills a frozen window, a
script is interrupted: the project must come out of it either exactly as it
was before the command or exactly as a complete run leaves it, pass SQLite's
own integrity and foreign-key checks, lose nothing that was acknowledged, and
take the next command. Each scenario kills the real ``framing-app`` command
(or, for tagging, a driver calling the same service the coding window calls)
``KILLS_PER_SCENARIO`` times with SIGKILL, which no program can catch or
clean up after. Kills during schema upgrades are in ``test_upgrade_kills.py``.
"""

from __future__ import annotations

import contextlib
import csv
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_harness import (
    ANNOTATION_HEADER,
    GLOBALPOST,
    NPR,
    Cli,
    copy_database,
    describe,
    query,
)
from project_state import CLOCK_COLUMNS, Rows, integrity_problems, table_rows, with_sidecars
from safety_summary import SafetyFigures

SEED = 20240606
KILLS_PER_SCENARIO = 8  # three scenarios here: 24 kills in all
# A run that ends before its kill moment is not a kill; another moment is drawn,
# up to this many runs per scenario.
MAX_RUNS_PER_SCENARIO = 3 * KILLS_PER_SCENARIO
# Copies killed side by side (the machine has two cores): half the waiting.
AT_ONCE = 2
# Kill moments, as fractions of the time an uninterrupted run took. Before
# about a third, the command is still starting Python and has not opened the
# project; near the end it may already be done.
EARLIEST, LATEST = 0.3, 0.95
# Article corpus: files in a folder plus rows of a table, together about a
# second of importing, so that the kills fall in reading, checking and writing.
ARTICLE_FILES = 1500
TABLE_ROWS = 4000
ANNOTATION_ROWS = 4000
WORDS = [
    *("the", "government", "said", "human", "rights", "talks", "China", "trade", "policy"),
    *("reform", "press", "freedom", "economy", "sovereignty", "dialogue", "officials"),
    *("minister", "statement", "Beijing", "Washington"),
]
PYTHON = sys.executable
TAG_DRIVER = Path(__file__).with_name("tag_driver.py")


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    argv: Sequence[str]

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def describe(self) -> str:
        return (
            f"command: {self.argv}\nexit status: {self.returncode}\n"
            f"stdout:\n{self.stdout[-2000:]}\nstderr:\n{self.stderr[-2000:]}"
        )


def run_until(
    argv: Sequence[str], cli: Cli, out: Path, kill_when: Callable[[subprocess.Popen[bytes]], None]
) -> Outcome:
    """Run *argv*, let *kill_when* wait for its moment, SIGKILL the process if still running.

    Output goes to files, not pipes, so a full pipe never stalls the process
    before its moment; what a killed process wrote before dying is kept.
    """
    stdout, stderr = out.with_suffix(".out"), out.with_suffix(".err")
    with stdout.open("wb") as out_file, stderr.open("wb") as err_file:
        process = subprocess.Popen(
            argv, stdout=out_file, stderr=err_file, env=cli.env, cwd=cli.root
        )
        try:
            kill_when(process)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=120)
    return Outcome(
        process.returncode,
        stdout.read_text(encoding="utf-8", errors="replace"),
        stderr.read_text(encoding="utf-8", errors="replace"),
        argv,
    )


def after_seconds(seconds: float) -> Callable[[subprocess.Popen[bytes]], None]:
    def wait(process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=seconds)

    return wait


def framing_app(project: Path, *args: object) -> list[str]:
    return [PYTHON, "-m", "framing_app", "--project", str(project), *(str(a) for a in args)]


def state_difference(found: Rows, before: Rows, after: Rows) -> str:
    """Where *found* differs from the state before and from the state after, table by table."""

    def tables(other: Rows) -> str:
        return ", ".join(
            f"{table} ({len(found.get(table, []))} rows, not {len(other.get(table, []))})"
            for table in sorted(set(found) | set(other))
            if found.get(table) != other.get(table)
        )

    return f"  unlike before in: {tables(before)}\n  unlike after in: {tables(after)}"


def remove_project(project: Path) -> None:
    for path in with_sidecars(project):
        path.unlink(missing_ok=True)


def kill_an_import(
    *,
    scenario: str,
    cli: Cli,
    base: Path,
    command: Sequence[object],
    next_command: Callable[[Path], None],
    figures: SafetyFigures,
) -> None:
    """Kill ``framing-app COMMAND`` on copies of *base*; each survivor is all-or-nothing.

    The states to compare with come from real runs: *base* untouched (before)
    and uninterrupted runs on copies (after; they must agree with each other).
    Clock columns are left out of the comparison: they differ between any two
    complete runs. Runs go ``AT_ONCE`` side by side, the references too, so
    that the kill moments, drawn as fractions of the references' time, fall
    where they are meant to under the same load.
    """
    rng = random.Random(f"{SEED}-{scenario}")
    before = table_rows(base, without=CLOCK_COLUMNS)

    def reference(number: int) -> tuple[float, Rows]:
        project = cli.root / f"reference-{number}.sqlite"
        copy_database(base, project)
        started = time.monotonic()
        argv = framing_app(project, *command)
        complete = run_until(argv, cli, cli.root / f"reference-{number}", after_seconds(120))
        took = time.monotonic() - started
        assert complete.returncode == 0, complete.describe()
        return took, table_rows(project, without=CLOCK_COLUMNS)

    def kill(run: int, moment: float) -> bool:
        """Run and kill one copy, check it and run the next command; False if it finished first."""
        project = cli.root / f"killed-{run}.sqlite"
        copy_database(base, project)
        argv = framing_app(project, *command)
        outcome = run_until(argv, cli, cli.root / f"run-{run}", after_seconds(moment))
        what = f"{scenario}, run {run}, SIGKILL after {moment:.2f} s"
        problems = integrity_problems(project)
        assert not problems, f"{what}: {problems}"
        found = table_rows(project, without=CLOCK_COLUMNS)
        if outcome.killed:
            assert found in (before, after), (
                f"{what}: the project is neither as before nor as after a complete run:\n"
                + state_difference(found, before, after)
            )
            next_command(project)
        else:
            # It finished before its moment: a complete run, not a kill.
            assert outcome.returncode == 0, f"{what}\n{outcome.describe()}"
            assert found == after, f"{what}: a complete run differs from the reference"
        remove_project(project)
        return outcome.killed

    with ThreadPoolExecutor(AT_ONCE) as pool:
        references = list(pool.map(reference, range(AT_ONCE)))
        after = references[0][1]
        assert after != before, f"the reference run of {command} changed nothing"
        assert all(rows == after for _, rows in references), "two complete runs differ"
        took = sum(seconds for seconds, _ in references) / AT_ONCE
        kills = runs = 0
        while kills < KILLS_PER_SCENARIO and runs < MAX_RUNS_PER_SCENARIO:
            batch = range(runs, runs + AT_ONCE)
            moments = [rng.uniform(EARLIEST, LATEST) * took for _ in batch]
            for killed in pool.map(kill, batch, moments):
                if killed:
                    figures.kill_survived(scenario)
                    kills += 1
            runs += AT_ONCE
    assert kills >= KILLS_PER_SCENARIO, (
        f"only {kills} of {runs} runs were still running at their kill moment "
        f"(the reference runs took {took:.2f} s)"
    )


# --------------------------------------------------------------------------- article import


def _article_text(rng: random.Random, number: int, words: int) -> str:
    # The number makes every text distinct: duplicates would be skipped, not stored.
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"Article {number}\n\n{number}: {body}.\n"


@pytest.fixture(scope="module")
def article_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A folder of .txt files and an article table: what ``import`` gets in these tests."""
    root = tmp_path_factory.mktemp("kill-corpus")
    rng = random.Random(f"{SEED}-corpus")
    folder = root / "folder"
    for number in range(ARTICLE_FILES):
        sub = folder / f"batch-{number % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"article-{number:05d}.txt").write_text(
            _article_text(rng, number, 150), encoding="utf-8"
        )
    table = root / "table.csv"
    with table.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "text", "date", "source"])
        for number in range(ARTICLE_FILES, ARTICLE_FILES + TABLE_ROWS):
            text = _article_text(rng, number, 150)
            writer.writerow([f"row-{number}", f"Row {number}", text, "2012-07-01", "Xinhua"])
    return [folder, table]


def test_killed_article_import_is_all_or_nothing(
    tmp_path: Path,
    sample_template: Path,
    article_corpus: list[Path],
    safety_figures: SafetyFigures,
) -> None:
    cli = Cli(tmp_path)
    extra = tmp_path / "after-the-kill.txt"
    extra.write_text("After the kill\n\nA text no corpus file holds.\n", encoding="utf-8")

    def next_command(project: Path) -> None:
        articles = cli.count("article", project)
        result = cli.ok("import", extra, project=project)
        assert result.stdout.startswith("Imported 1 article(s)"), describe(result)
        assert cli.count("article", project) == articles + 1

    kill_an_import(
        scenario="article import",
        cli=cli,
        base=sample_template,
        command=["import", *article_corpus],
        next_command=next_command,
        figures=safety_figures,
    )


# --------------------------------------------------------------------------- annotation import


def write_annotation_table(project: Path, path: Path, rows: int) -> None:
    """*rows* distinct annotations on the sample articles, as an annotation CSV.

    Written with the csv module from the article texts stored in *project*,
    independently of the program's own writer.
    """
    records: list[list[object]] = []
    articles = {
        external_id: (article_id, text, sha)
        for article_id, external_id, text, sha in query(
            project, "SELECT id, external_id, text, sha256 FROM article"
        )
    }
    labels = ["sovereignty", "double standards", "universal rights"]
    seen: set[tuple[object, ...]] = set()
    number = 0
    while len(records) < rows:
        external_id = (NPR, GLOBALPOST)[number % 2]
        article_id, text, sha = articles[external_id]
        coder, label = f"coder-{(number // 2) % 5}", labels[(number // 10) % 3]
        start = (number * 13) % (len(text) - 80)
        end = start + 5 + number % 60
        number += 1
        key = (external_id, coder, label, start, end)
        if key in seen:
            continue
        seen.add(key)
        stamp = "2024-03-01T12:00:00.000000Z"
        cells = [0, article_id, external_id, "", sha, coder, label, start, end]
        records.append([*cells, text[start:end], f"memo {number}", stamp, stamp])
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(ANNOTATION_HEADER)
        writer.writerows(records)


def test_killed_annotation_import_is_all_or_nothing(
    tmp_path: Path, sample_template: Path, safety_figures: SafetyFigures
) -> None:
    cli = Cli(tmp_path)
    table = tmp_path / "annotations.csv"
    write_annotation_table(sample_template, table, ANNOTATION_ROWS)

    def next_command(project: Path) -> None:
        annotations = cli.count("annotation", project)
        cli.ok(
            "annotate",
            *("--coder", "after the kill", "--article", NPR, "--label", "sovereignty"),
            *("--start", 0, "--end", 7),
            project=project,
        )
        assert cli.count("annotation", project) == annotations + 1

    kill_an_import(
        scenario="annotation import",
        cli=cli,
        base=sample_template,
        command=["import-annotations", table],
        next_command=next_command,
        figures=safety_figures,
    )


# --------------------------------------------------------------------------- tagging burst

BURST_CODER = "burst"
BURST_LABEL = "sovereignty"
# Spans per killed burst: more than a burst can tag before its kill moment.
BURST_SPANS = 3000
FINAL_SPANS = 50
# The kill comes this many seconds (at most) after the driver has opened the project.
BURST_SECONDS = 0.6


def until_ready_then(seconds: float, ready: Path) -> Callable[[subprocess.Popen[bytes]], None]:
    """Wait until the driver says ``ready`` on its stdout (file *ready*), then *seconds* more."""

    def wait(process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while not ready.read_bytes().startswith(b"ready\n"):
            assert process.poll() is None, "the tagging driver ended before it was ready"
            assert time.monotonic() < deadline, "the tagging driver never got ready"
            time.sleep(0.01)
        after_seconds(seconds)(process)

    return wait


def acknowledged(stdout: str) -> list[tuple[int, int, int]]:
    """(id, start, end) of every action the driver acknowledged: complete lines only."""
    lines = stdout.split("\n")[:-1]  # a line without its newline was not acknowledged
    return [
        (int(parts[0]), int(parts[1]), int(parts[2]))
        for parts in (line.split() for line in lines)
        if len(parts) == 3
    ]


def tagging_chain(cli: Cli, chain: int, kills: int) -> int:
    """Kill *kills* bursts of taggings one after another on one project, then run one to its end.

    Burst ``n`` tags spans of length ``n + 1`` from offset 0 on, one committed
    action each, and prints each one it was promised. After each kill: every
    printed action is stored (id, span, coder, label), nothing is stored
    twice, and of the actions not printed at most the one in flight is
    stored: the next in order. Each burst is the next command on the project
    the one before it was killed on. Returns the number of kills.
    """
    project = cli.root / f"chain-{chain}.sqlite"
    article = cli.query("SELECT id FROM article WHERE external_id = ?", NPR, project=project)[0][0]
    rng = random.Random(f"{SEED}-tagging burst-{chain}")
    promised: dict[int, tuple[int, int]] = {}
    for burst in range(kills + 1):
        final = burst == kills
        length, spans = burst + 1, FINAL_SPANS if final else BURST_SPANS
        argv = [PYTHON, str(TAG_DRIVER), str(project), BURST_CODER, NPR, BURST_LABEL]
        argv += [str(n) for n in (0, 1, length, spans)]
        out = cli.root / f"chain-{chain}-burst-{burst}"
        moment = 120.0 if final else rng.uniform(0, BURST_SECONDS)
        outcome = run_until(argv, cli, out, until_ready_then(moment, out.with_suffix(".out")))
        what = f"chain {chain}, burst {burst}, SIGKILL {moment:.2f} s after ready"
        if final:
            assert outcome.returncode == 0, outcome.describe()
            assert outcome.stdout.endswith("done\n"), outcome.describe()
        else:
            assert outcome.killed, f"{what}: the burst ended before its kill\n{outcome.describe()}"
        acks = acknowledged(outcome.stdout)
        promised.update((id_, (start, end)) for id_, start, end in acks)

        problems = integrity_problems(project)
        assert not problems, f"{what}: {problems}"
        stored = {
            id_: (start, end)
            for id_, start, end in cli.query(
                "SELECT a.id, a.start_offset, a.end_offset FROM annotation a "
                "JOIN coder c ON c.id = a.coder_id JOIN label l ON l.id = a.label_id "
                "WHERE c.name = ? AND l.name = ? AND a.article_id = ?",
                BURST_CODER,
                BURST_LABEL,
                article,
                project=project,
            )
        }
        lost = {id_: span for id_, span in promised.items() if stored.get(id_) != span}
        assert not lost, f"{what}: acknowledged but not stored: {sorted(lost.items())[:10]}"
        twice = cli.query(
            "SELECT article_id, coder_id, label_id, start_offset, end_offset, count(*) "
            "FROM annotation GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1",
            project=project,
        )
        assert not twice, f"{what}: stored more than once: {twice}"
        this_burst = sorted(span for span in stored.values() if span[1] - span[0] == length)
        expected = [(j, j + length) for j in range(len(acks))]
        assert this_burst in (expected, [*expected, (len(acks), len(acks) + length)]), (
            f"{what}: {len(acks)} acknowledged, but stored {this_burst[:3]}... "
            f"({len(this_burst)}) is not those plus at most the one in flight"
        )
    # The bursts were the next commands after each kill; the CLI reads the result too.
    listed = cli.ok("coders", "--tsv", project=project).stdout.splitlines()[1:]
    coders = dict(line.split("\t") for line in listed)
    assert int(coders[BURST_CODER]) == cli.count("annotation", project) == len(stored)
    return kills


def test_killed_tagging_burst_loses_nothing_acknowledged(
    tmp_path: Path, sample_template: Path, safety_figures: SafetyFigures
) -> None:
    """Chains of killed tagging bursts (see :func:`tagging_chain`), ``AT_ONCE`` side by side."""
    cli = Cli(tmp_path)
    chains = range(AT_ONCE)
    for chain in chains:
        copy_database(sample_template, tmp_path / f"chain-{chain}.sqlite")
    # The kills, split between the chains (the first ones take the remainder).
    shares = [
        KILLS_PER_SCENARIO // AT_ONCE + (chain < KILLS_PER_SCENARIO % AT_ONCE) for chain in chains
    ]
    with ThreadPoolExecutor(AT_ONCE) as pool:
        for kills in pool.map(tagging_chain, [cli] * AT_ONCE, chains, shares):
            for _ in range(kills):
                safety_figures.kill_survived("tagging burst")
