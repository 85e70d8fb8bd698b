"""``framing-app disagreements`` and ``framing-app adjudicate``: the consensus meeting by script.

Real ``framing-app`` processes on the coded sample project (see cli_harness:
alice and bob tagged the same sovereignty passage in the NPR article, and
different universal-rights passages in the GlobalPost one), both marked done.
The project is read back with the drivers themselves (sqlite3, psycopg).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from cli_harness import GLOBALPOST, LAWYERS, NPR, OPPOSE, STRESSED, Cli, check_error
from server_databases import sqlite_only

RIGHTS = "universal rights"
BASE = ["--coders", "alice", "bob", "--unit", "span"]


@pytest.fixture
def meeting(coded_cli: Cli) -> Cli:
    """The coded sample, every article marked done by alice and bob."""
    for coder in ("alice", "bob"):
        coded_cli.ok("status", "--coder", coder, "--all", "--set", "done")
    return coded_cli


def tsv(cli: Cli, *args: object) -> list[dict[str, str]]:
    out = cli.ok("disagreements", *BASE, "--tsv", *args).stdout
    return list(csv.DictReader(io.StringIO(out), delimiter="\t"))


def ids(cli: Cli, coder: str, passage: str) -> int:
    start, end = cli.span(GLOBALPOST, passage)
    rows = cli.query(
        "SELECT annotation.id FROM annotation JOIN coder ON coder.id = coder_id "
        "WHERE coder.name = ? AND start_offset = ? AND end_offset = ?",
        coder,
        start,
        end,
    )
    return int(rows[0][0])


def consensus(cli: Cli) -> list[tuple[str, int, int, str]]:
    return [
        (label, start, end, memo)
        for label, start, end, memo in cli.query(
            "SELECT label.name, start_offset, end_offset, memo FROM annotation "
            "JOIN coder ON coder.id = coder_id JOIN label ON label.id = label_id "
            "WHERE coder.consensus ORDER BY start_offset"
        )
    ]


def test_listing_as_a_table_and_as_tsv(meeting: Cli) -> None:
    table = meeting.ok("disagreements", *BASE).stdout
    assert "0 of 2 resolved by consensus" in table
    assert "2 disagreements at the span unit (2 articles compared)" in table
    rows = tsv(meeting)
    lawyers, stressed = meeting.span(GLOBALPOST, LAWYERS), meeting.span(GLOBALPOST, STRESSED)
    assert [(r["article_external_id"], r["kind"], r["item"], r["resolved"]) for r in rows] == [
        (GLOBALPOST, "label", RIGHTS, "no"),
        (GLOBALPOST, "label", RIGHTS, "no"),
    ]
    by_start = sorted(rows, key=lambda r: int(r["start"]))
    first = min(lawyers, stressed)
    assert (int(by_start[0]["start"]), int(by_start[0]["end"])) == first
    # Each coder's column: START-END#ID, or absent.
    bob = f"{lawyers[0]}-{lawyers[1]}#{ids(meeting, 'bob', LAWYERS)}"
    assert {r["bob"] for r in rows} == {bob, "absent"}
    assert {r["alice"] for r in rows} == {
        f"{stressed[0]}-{stressed[1]}#{ids(meeting, 'alice', STRESSED)}",
        "absent",
    }
    assert [r["consensus"] for r in rows] == ["", ""]
    # The same sovereignty passage: no disagreement on it at any unit.
    for unit in ("article", "paragraph", "sentence"):
        out = meeting.ok(
            "disagreements", "--coders", "alice", "bob", "--unit", unit, "--tsv"
        ).stdout
        assert "sovereignty" not in out


def test_decide_close_and_export(meeting: Cli, tmp_path: Path) -> None:
    lawyers = meeting.span(GLOBALPOST, LAWYERS)
    stressed = meeting.span(GLOBALPOST, STRESSED)
    adjudicate = ["adjudicate", *BASE, "--article", GLOBALPOST, "--label", RIGHTS]
    meeting.fails(*adjudicate, "--take", "bob", expect=["2 disagreements on 'universal rights'"])
    out = meeting.ok(*adjudicate, "--take", "bob", "--start", lawyers[0], "--end", lawyers[1])
    assert "Accept bob's universal rights" in out.stdout
    bob_id = ids(meeting, "bob", LAWYERS)
    assert consensus(meeting) == [(RIGHTS, *lawyers, f"from bob #{bob_id}")]
    by_start = sorted(tsv(meeting), key=lambda r: int(r["start"]))
    assert [r["resolved"] for r in by_start] == (
        ["yes", "no"] if lawyers < stressed else ["no", "yes"]
    )
    close = ["adjudicate", *BASE, "--article", GLOBALPOST, "--close"]
    dry = meeting.ok(*close, "--dry-run").stdout
    assert f"absent {RIGHTS} {stressed[0]}-{stressed[1]}" in dry
    assert "dry run: nothing was changed" in dry
    assert meeting.query("SELECT count(*) FROM coding_status JOIN coder ON coder.id = coder_id "
                         "WHERE coder.consensus AND status = 'done'") == [(0,)]  # fmt: skip
    # Offsets anywhere inside the unit pick it; bob has nothing there: absent,
    # resolved at once (a decision row), before the article is closed.
    inside = stressed[0] + 3
    meeting.ok(*adjudicate, "--take", "bob", "--start", inside, "--end", inside + 1)
    by_start = sorted(tsv(meeting), key=lambda r: int(r["start"]))
    assert [r["resolved"] for r in by_start] == ["yes", "yes"]
    assert {r["consensus"] for r in by_start} == {
        "absent (decided)",
        f"{lawyers[0]}-{lawyers[1]}#{consensus_ids(meeting)[0]}",
    }
    assert "2 of 2 resolved by consensus" in meeting.ok("disagreements", *BASE).stdout
    assert meeting.query(
        "SELECT unit, start_offset, end_offset, decision FROM adjudication_decision "
        "ORDER BY start_offset"
    ) == sorted([("span", *lawyers, "coder"), ("span", *stressed, "coder")], key=lambda r: r[1])
    closed = meeting.ok(*close).stdout
    assert "closed" in closed
    assert "decided 0 disagreements absent" in closed
    assert all(r["resolved"] == "yes" for r in tsv(meeting))
    # The consensus coder's annotations export like any coder's.
    exported = meeting.ok("export", "annotations", "--coder", "consensus").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["coder"], r["label"], r["text"]) for r in rows] == [("consensus", RIGHTS, LAWYERS)]


def consensus_ids(cli: Cli) -> list[int]:
    return [
        int(row[0])
        for row in cli.query(
            "SELECT annotation.id FROM annotation JOIN coder ON coder.id = coder_id "
            "WHERE coder.consensus ORDER BY start_offset"
        )
    ]


def test_a_new_passage_and_a_named_consensus(meeting: Cli) -> None:
    stressed = meeting.span(GLOBALPOST, STRESSED)
    start, end = stressed[0], stressed[0] + len("But he also stressed")
    meeting.ok(
        "adjudicate", *BASE, "--article", GLOBALPOST, "--label", RIGHTS, "--take", "new",
        "--start", start, "--end", end, "--memo", "shorter", "--consensus", "Gold",
    )  # fmt: skip
    assert consensus(meeting) == [(RIGHTS, start, end, "shorter")]
    assert meeting.query("SELECT name, consensus FROM coder WHERE consensus") == [("Gold", 1)]
    out = meeting.ok("disagreements", *BASE, "--consensus", "gold", "--unresolved").stdout
    assert "1 of 2 resolved by Gold" in out


def test_refusals(meeting: Cli) -> None:
    adjudicate = ["adjudicate", *BASE, "--article", GLOBALPOST, "--label", RIGHTS]
    refused = {
        "cannot take 'carol'": [*adjudicate, "--take", "carol", "--start", 0, "--end", 5000],
        "no disagreement on 'universal rights'": [*adjudicate, "--take", "bob", "--start", 0,
                                                  "--end", 3],
        "no disagreement on 'sovereignty'": ["adjudicate", *BASE, "--article", NPR, "--label",
                                             "sovereignty", "--take", "alice"],
        "did you mean 'alice'": ["disagreements", "--coders", "alcie", "bob", "--unit", "span"],
        "--label: not allowed with --close": [*adjudicate, "--take", "bob", "--close"],
        "give --label and --take": ["adjudicate", *BASE, "--article", NPR, "--label", "x"],
        "overlap rule applies to paragraph and sentence units": [
            "disagreements", *BASE, "--overlap", "majority"
        ],
    }  # fmt: skip
    for (expect, _), result in zip(refused.items(), meeting.many(*refused.values()), strict=True):
        check_error(result, [expect])
    meeting.ok("annotate", "--coder", "alice", "--article", NPR, "--label", "sovereignty",
               "--find", OPPOSE[:20])  # fmt: skip
    meeting.ok("status", "--coder", "alice", "--article", NPR, "--set", "in-progress")
    meeting.fails(
        "adjudicate", *BASE, "--article", NPR, "--close",
        expect=["not compared: alice has not marked it done"],
    )  # fmt: skip
    assert consensus(meeting) == []


@sqlite_only
def test_a_missing_project_file_is_refused_and_not_made(run_cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sqlite"
    results = run_cli.many(
        ["disagreements", *BASE], ["adjudicate", *BASE, "--article", NPR, "--close"],
        project=missing,
    )  # fmt: skip
    for result in results:
        check_error(result, ["no project there"])
    assert not missing.exists()


def test_question_disagreements(meeting: Cli) -> None:
    meeting.ok("question", "add", "tone", "--level", "ordinal",
               "--options", "negative,neutral,positive")  # fmt: skip
    for coder, value in (("alice", "negative"), ("bob", "neutral")):
        meeting.ok("import-answers", _answers_csv(meeting, coder, value))
    rows = tsv(meeting, "--question", "tone")
    assert [
        (r["article_external_id"], r["kind"], r["item"], r["alice"], r["bob"]) for r in rows
    ] == [(NPR, "question", "tone", "negative", "neutral")]
    adjudicate = ["adjudicate", *BASE, "--article", NPR, "--question", "tone"]
    meeting.fails(*adjudicate, "--take", "both", expect=["a question has one answer"])
    out = meeting.ok(*adjudicate, "--take", "new", "--value", "positive").stdout
    assert out == f"consensus: 'tone' on {NPR}: positive\n"
    assert tsv(meeting, "--question", "tone")[0]["consensus"] == "positive"
    assert tsv(meeting, "--question", "tone")[0]["resolved"] == "yes"
    meeting.ok(*adjudicate, "--take", "alice")
    assert meeting.query(
        "SELECT value FROM answer JOIN coder ON coder.id = coder_id WHERE coder.consensus"
    ) == [("negative",)]
    # No answer is a decision too: resolved at once.
    assert (
        meeting.ok(*adjudicate, "--take", "none").stdout
        == f"consensus: 'tone' on {NPR}: no answer\n"
    )
    (row,) = tsv(meeting, "--question", "tone")
    assert (row["resolved"], row["consensus"]) == ("yes", "no answer (decided)")
    assert meeting.query("SELECT unit, decision FROM adjudication_decision") == [
        ("article", "none")
    ]


def _answers_csv(cli: Cli, coder: str, value: str) -> Path:
    """An answer CSV as ``export answers`` writes it: one answer of *coder* on the NPR article."""
    row = cli.query("SELECT id, title, sha256 FROM article WHERE external_id = ?", NPR)[0]
    path = cli.root / f"{coder}-answers.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["article_id", "article_external_id", "article_title", "article_sha256",
                         "coder", "question", "answer"])  # fmt: skip
        writer.writerow([row[0], NPR, row[1], row[2], coder, "tone", value])
    return path


def test_closing_takes_over_the_agreed_answers(meeting: Cli) -> None:
    meeting.ok("question", "add", "tone", "--level", "ordinal",
               "--options", "negative,neutral,positive")  # fmt: skip
    for coder in ("alice", "bob"):
        meeting.ok("import-answers", _answers_csv(meeting, coder, "negative"))
    close = ["adjudicate", *BASE, "--article", NPR, "--close"]
    dry = meeting.ok(*close, "--dry-run").stdout
    assert "take over the answer to tone: negative" in dry
    assert "and 1 agreed answer" in dry
    assert meeting.ok(*close).stdout.endswith("and decided 0 disagreements absent\n")
    assert meeting.query(
        "SELECT value FROM answer JOIN coder ON coder.id = coder_id WHERE coder.consensus"
    ) == [("negative",)]
