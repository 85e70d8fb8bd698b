"""The assign, assignments and unassign commands; agreement over the sample; show-sample.

Real ``framing-app`` processes on real projects; the stored assignments
are read back with the drivers themselves (see cli_harness).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from cli_harness import Cli, TemplateMaker, check_error, check_ok, check_usage_error
from cli_projects import Place
from server_databases import sqlite_only

from framing_app import cli_agreement, cli_reliability
from framing_app.services.reliability_units import ArticleSet

CODERS = ["alice", "bob", "carol"]


def write_articles(folder: Path, first: int, count: int) -> Path:
    path = folder / f"articles-{first}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "title", "text"])
        for n in range(first, first + count):
            writer.writerow([f"n{n:03d}", f"News {n}", f"Body of news item {n}."])
    return path


def stored(cli: Cli, project: Place | None = None) -> set[tuple[str, str, int]]:
    found = cli.query(
        "SELECT a.external_id, c.name, s.in_sample FROM assignment s "
        "JOIN article a ON a.id = s.article_id JOIN coder c ON c.id = s.coder_id",
        project=project,
    )
    return {(str(ref), str(coder), int(flag)) for ref, coder, flag in found}


def sample(rows: set[tuple[str, str, int]]) -> set[str]:
    return {ref for ref, _, flag in rows if flag}


def _thirty(cli: Cli) -> None:
    cli.ok("import", write_articles(cli.root, 0, 30))
    for name in CODERS:
        cli.ok("status", "--coder", name, "--article", "n000", "--set", "not-started")


@pytest.fixture
def thirty_template(cli_template: TemplateMaker) -> Place:
    """30 articles n000-n029 and the coders alice, bob, carol; nothing assigned."""
    return cli_template("thirty", _thirty)


@pytest.fixture
def thirty(run_cli: Cli, thirty_template: Place) -> Cli:
    return run_cli.use(thirty_template)


def test_assign_prints_the_draw_and_stores_it(thirty: Cli) -> None:
    out = thirty.ok("assign", "--coders", *CODERS, "--overlap", "0.1", "--seed", "7").stdout
    rows = stored(thirty)
    drawn = sample(rows)
    assert len(drawn) == 3
    lines = out.splitlines()
    assert lines[0] == "Assigned 30 new article(s) to alice, bob and carol (seed 7)."
    assert lines[1].startswith(
        "Reliability sample of alice, bob and carol: 3 article(s), 10.0% of the 30 in the draw "
        "(asked: 10%); 3 drawn now"
    )
    table = [line.split() for line in lines[3:7]]
    assert table == [
        ["coder", "new", "new", "in", "sample", "assigned", "in", "sample"],
        ["alice", "12", "3", "12", "3"],
        ["bob", "12", "3", "12", "3"],
        ["carol", "12", "3", "12", "3"],
    ]
    assert lines[7] == "Drawn into the sample now:"
    assert {line.split()[0] for line in lines[8:]} == drawn
    assert Counter(coder for _, coder, flag in rows if not flag) == dict.fromkeys(CODERS, 9)

    summary, tsv, listing = thirty.many(
        ["assignments"], ["assignments", "--tsv"], ["assignments", "--coder", "Bob", "--tsv"]
    )
    assert check_ok(summary).stdout.splitlines()[-1] == (
        "Reliability sample of alice, bob and carol: 3 article(s)."
    )
    assert check_ok(tsv).stdout.splitlines() == [
        "coder\tassigned\tin sample\tdone\tin progress\tnot started",
        "alice\t12\t3\t0\t0\t12",
        "bob\t12\t3\t0\t0\t12",
        "carol\t12\t3\t0\t0\t12",
    ]
    bob = [line.split("\t") for line in check_ok(listing).stdout.splitlines()]
    assert bob[0] == ["id", "external id", "title", "sample", "status"]
    assert {(row[1], row[3]) for row in bob[1:]} == {
        (ref, "yes" if flag else "no") for ref, coder, flag in rows if coder == "bob"
    }


def test_same_seed_same_draw_and_reruns_move_nothing(thirty: Cli, thirty_template: Place) -> None:
    thirty.ok("assign", "--coders", *CODERS, "--seed", "7")
    first = stored(thirty)
    twin = thirty.copy_of(thirty_template, "twin")
    thirty.ok("assign", "--coders", "Carol", "alice", "BOB", "--seed", "7", project=twin)
    assert stored(thirty, twin) == first
    other = thirty.copy_of(thirty_template, "other")
    thirty.ok("assign", "--coders", *CODERS, "--seed", "8", project=other)
    assert stored(thirty, other) != first

    out = thirty.ok("assign", "--coders", *CODERS, "--seed", "7").stdout
    assert out.startswith("Nothing to assign: every one of the 30 article(s) in the draw")
    thirty.ok("import", write_articles(thirty.root, 30, 20))
    out = thirty.ok("assign", "--coders", *CODERS, "--seed", "9").stdout
    assert out.splitlines()[0] == (
        "Assigned 20 new article(s) to alice, bob and carol (seed 9); 30 already assigned "
        "article(s) left as they were."
    )
    after = stored(thirty)
    assert first <= after
    assert {ref for ref, _, _ in after - first} == {f"n{n:03d}" for n in range(30, 50)}
    assert len(sample(after)) == 5  # 10% of 50, the 2 new ones drawn from n030-n049


def test_started_articles_stay_with_their_coder(thirty: Cli) -> None:
    thirty.ok("status", "--coder", "carol", "--article", "n005", "n006", "--set", "in-progress")
    thirty.ok("assign", "--coders", *CODERS, "--overlap", "0", "--seed", "1")
    rows = stored(thirty)
    assert {coder for ref, coder, _ in rows if ref in ("n005", "n006")} == {"carol"}


def test_articles_option_and_unassign(thirty: Cli) -> None:
    out = thirty.ok(
        "assign", "--coders", "alice", "bob", "--overlap", "2", "--seed", "3",
        "--articles", "n001", "n002", "n003", "n004", "6",
    ).stdout  # fmt: skip
    assert "2 article(s), 40.0% of the 5 in the draw (asked: 2 articles)" in out
    rows = stored(thirty)
    # "6" is no external id: the internal id 6, the sixth article imported.
    assert {ref for ref, _, _ in rows} == {"n001", "n002", "n003", "n004", "n005"}
    in_sample = sorted(sample(rows))
    out = thirty.ok("unassign", "--coder", "alice", "--articles", in_sample[0]).stdout
    assert out == "Took 1 article(s) back from alice, 1 of them in the sample.\n"
    assert (in_sample[0], "alice", 1) not in stored(thirty)
    out = thirty.ok("unassign", "--coder", "alice", "--all").stdout
    assert out.startswith("Took ")
    assert {coder for _, coder, _ in stored(thirty)} == {"bob"}
    assert thirty.ok("unassign", "--coder", "alice", "--all").stdout == (
        "alice had none of these articles assigned. Nothing was changed.\n"
    )


def test_refusals(thirty: Cli) -> None:
    thirty.ok("status", "--coder", "consensus", "--article", "n000", "--set", "not-started")
    thirty.execute("UPDATE coder SET consensus = TRUE WHERE name = 'consensus'")
    errors = [
        (["--coders", "alcie", "bob", "--seed", "1"], ["no coder named 'alcie'", "'alice'"]),
        (["--coders", "alice", "dave", "--seed", "1"], ["'dave'", "--create-coders"]),
        (["--coders", "alice", "consensus", "--seed", "1"], ["consensus coder"]),
        (["--coders", "alice", "--seed", "1"], ["at least two coders"]),
        (["--coders", "alice", "bob", "--overlap", "31", "--seed", "1"], ["only 30"]),
        (["--coders", "alice", "bob", "--seed", "1", "--articles", "n001", "zz"], ["'zz'"]),
    ]
    results = thirty.many(*[["assign", *args] for args, _ in errors])
    for (_, expect), result in zip(errors, results, strict=True):
        check_error(result, expect)
    usage = [
        (["--coders", "alice", "bob", "--overlap", "1.5", "--seed", "1"], ["between 0 and 1"]),
        (["--coders", "alice", "bob", "--overlap", "many", "--seed", "1"], ["--overlap"]),
        (["--coders", "alice", "bob"], ["--seed"]),
        (["--coders", "alice", "bob", "--seed", "-2"], ["cannot be negative"]),
    ]
    results = thirty.many(*[["assign", *args] for args, _ in usage])
    for (_, expect), result in zip(usage, results, strict=True):
        check_usage_error(result, expect)
    assert stored(thirty) == set()
    assert thirty.count("coder") == 4  # nobody created


@sqlite_only
def test_commands_never_create_a_project(run_cli: Cli) -> None:
    path = run_cli.root / "typo.sqlite"
    commands = [
        ["assign", "--coders", "a", "b", "--seed", "1"],
        ["assignments"],
        ["unassign", "--coder", "a", "--all"],
    ]
    for result in run_cli.many(*commands, project=path):
        check_error(result, [str(path), "no project there"])
    assert not path.exists()


def test_create_coders(thirty: Cli) -> None:
    out = thirty.ok("assign", "--coders", "dave", "erin", "--seed", "2", "--create-coders").stdout
    assert out.startswith("Assigned 30 new article(s) to dave and erin (seed 2).")
    assert {coder for _, coder, _ in stored(thirty)} == {"dave", "erin"}


def test_agreement_defaults_to_the_sample(thirty: Cli) -> None:
    thirty.ok("assign", "--coders", "alice", "bob", "--overlap", "4", "--seed", "5")
    in_sample = sorted(sample(stored(thirty)))
    others = [f"n{n:03d}" for n in range(30) if f"n{n:03d}" not in in_sample]
    for coder in ("alice", "bob"):
        thirty.ok("status", "--coder", coder, "--article", *in_sample[:3], *others[:5],
                  "--set", "done")  # fmt: skip
    table, done, every, data = thirty.many(
        ["agreement", "--coders", "alice", "bob", "--unit", "article", "--bootstrap", "0"],
        ["agreement", "--coders", "alice", "bob", "--unit", "article", "--articles", "done"],
        ["agreement", "--coders", "alice", "bob", "--unit", "article", "--all-articles"],
        ["agreement", "--coders", "alice", "bob", "--unit", "article", "--format", "json"],
    )
    assert "articles: reliability sample, 3 of 4 done by all coders, 1 excluded" in (
        check_ok(table).stdout
    )
    assert f"excluded: {in_sample[3]} " in table.stdout
    assert "articles: 8 used: every article done by all coders (not only their reliability " in (
        check_ok(done).stdout
    )
    assert "articles: 30 used: every article, done or not" in check_ok(every).stdout
    parsed = json.loads(check_ok(data).stdout)
    assert (parsed["article_set"], parsed["sample_articles"], parsed["articles"]) == (
        "sample",
        4,
        3,
    )
    out_file = thirty.root / "matrix.csv"
    written = thirty.ok(
        "export", "reliability", "--coders", "alice", "bob", "--unit", "article",
        "--out", out_file,
    ).stdout  # fmt: skip
    assert "Articles: the coders' reliability sample, 3 of 4 done by all coders" in written
    units = {line.split(",")[0] for line in out_file.read_text().splitlines()[1:]}
    assert units == set(in_sample[:3])

    conflicting = thirty.many(
        ["agreement", "--coders", "alice", "bob", "--unit", "article", "--all-articles",
         "--articles", "sample"],
        ["export", "reliability", "--coders", "alice", "bob", "--unit", "article",
         "--all-articles", "--articles", "done"],
        ["export", "annotations", "--articles", "done"],
    )  # fmt: skip
    check_usage_error(conflicting[0], ["--articles: not allowed with --all-articles"])
    check_usage_error(conflicting[1], ["--articles: not allowed with --all-articles"])
    check_usage_error(conflicting[2], ["--articles: only with export reliability"])
    check_error(
        thirty(
            "agreement", "--coders", "alice", "carol", "--unit", "article", "--articles", "sample"
        ),
        ["no reliability sample", "framing-app assign"],
    )


def test_show_sample_setting(thirty: Cli) -> None:
    assert thirty.ok("settings", "show-sample").stdout == "off\n"
    assert thirty.ok("settings", "show-sample", "ON").stdout == (
        "Coders see the reliability sample marked in the article list.\n"
    )
    rows = thirty.ok("settings", "--tsv").stdout.splitlines()
    assert rows[2].startswith("show-sample\ton\toff\t")
    thirty.ok("settings", "blind-coding", "on")
    assert thirty.ok("settings", "show-sample", "off").stdout == (
        "The reliability sample is hidden from coders again.\n"
    )
    assert "once blind coding is off" in thirty.ok("settings", "show-sample", "on").stdout
    assert thirty.query("SELECT value FROM project_setting WHERE name = 'show-sample'") == [("on",)]
    check_usage_error(thirty("settings", "show-sample", "maybe"), ["invalid choice"])


def test_article_set_choices_match_the_service() -> None:
    values = tuple(choice.value for choice in ArticleSet)
    assert values == cli_agreement.ARTICLE_SETS
    assert values == cli_reliability.ARTICLE_SETS
