"""question, answer, export answers, import-answers, agreement --question: run as a user does."""

from __future__ import annotations

import csv
import json

from cli_harness import GLOBALPOST, NPR, Cli, check_error, check_ok, check_usage_error
from server_databases import sqlite_only

HEADER = "article_id,article_external_id,article_title,article_sha256,coder,question,answer"


def tables(cli: Cli) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: cli.query(f"SELECT * FROM {table} ORDER BY 1")
        for table in ("question", "answer", "coder", "coding_status", "label")
    }


def add_questions(cli: Cli) -> None:
    cli.ok(
        "question", "add", "tone", "--level", "ordinal", "--options", "negative,neutral,positive"
    )
    cli.ok("question", "add", "sources", "--level", "ratio", "--definition", "voices quoted")


def test_questions_are_added_listed_renamed_and_deleted(sample_cli: Cli) -> None:
    cli = sample_cli
    added = cli.ok("question", "add", "tone", "--level", "Ordinal", "--options", "neg, neu,pos")
    assert added.stdout == "Added question 'tone' (ordinal: neg, neu, pos).\n"
    cli.ok("question", "add", "sources", "--level", "ratio", "--definition", "voices quoted")
    listing = cli.ok("question", "list", "--tsv").stdout.splitlines()
    assert listing == [
        "question\tlevel\toptions\tanswers\tarchived\tdefinition",
        "tone\tordinal\tneg, neu, pos\t0\tno\t",
        "sources\tratio\tany number\t0\tno\tvoices quoted",
    ]
    cli.ok("answer", "--coder", "alice", "--article", NPR, "--question", "tone", "neu")
    renamed = cli.ok("question", "rename", "TONE", "Tone of coverage")
    assert renamed.stdout == "Renamed question 'TONE' to 'Tone of coverage'.\n"
    cli.ok("question", "archive", "tone of coverage")
    assert (
        "Tone of coverage\tordinal\tneg, neu, pos\t1\tyes"
        in cli.ok("question", "list", "--tsv").stdout
    )
    before = tables(cli)
    cli.fails(
        "question",
        "delete",
        "tone of coverage",
        expect=["has 1 answer(s) (alice 1)", "--with-answers"],
    )
    assert tables(cli) == before
    gone = cli.ok("question", "delete", "tone of coverage", "--with-answers")
    assert gone.stdout == "Deleted question 'Tone of coverage' with 1 answer(s) (alice 1).\n"
    assert cli.count("answer") == 0


def test_bad_questions_are_refused_in_one_line(sample_cli: Cli) -> None:
    cli = sample_cli
    cli.ok("question", "add", "tone", "--level", "nominal", "--options", "a,b")
    before = tables(cli)
    for args, expect in (
        (["tone", "--level", "nominal", "--options", "x"], "already has a question named 'tone'"),
        (["mood", "--level", "ordinal", "--options", "only"], "at least two options"),
        (["mood", "--level", "nominal", "--options", "a,,b"], "an option is empty"),
        (["mood", "--level", "nominal", "--options", "a,A"], "given twice"),
        (["mood", "--level", "nominal"], "needs its options"),
        (["mood", "--level", "interval", "--options", "1,two"], "'two' is not a number"),
    ):
        cli.fails("question", "add", *args, expect=[expect])
    check_usage_error(cli("question", "add", "mood", "--level", "likert"), ["invalid choice"])
    assert tables(cli) == before


@sqlite_only
def test_question_list_and_delete_never_create_a_project(run_cli: Cli) -> None:
    path = run_cli.root / "typo.sqlite"
    for result in run_cli.many(["question", "list"], ["question", "delete", "x"], project=path):
        check_error(result, [str(path), "no project there"])
    assert not path.exists()


def test_answer_set_change_clear_and_refuse(sample_cli: Cli) -> None:
    cli = sample_cli
    add_questions(cli)
    first = cli.ok("answer", "--coder", "alice", "--article", NPR, "--question", "Tone", "NEUTRAL")
    assert first.stdout == "alice answered 'tone': 'neutral'.\n"
    changed = cli.ok(
        "answer", "--coder", "alice", "--article", NPR, "--question", "tone", "positive"
    )
    assert changed.stdout == "alice's answer to 'tone' changed from 'neutral' to 'positive'.\n"
    cli.ok("answer", "--coder", "alice", "--article", NPR, "--question", "sources", "3.0")
    assert cli.query("SELECT status FROM coding_status") == [("in-progress",)]
    before = tables(cli)
    for args, expect in (
        (["--question", "tone", "great"], ["'great' is not one of its options"]),
        (["--question", "sources", "-1"], ["'-1' is negative"]),
        (["--question", "tnoe", "neutral"], ["no question named 'tnoe'", "did you mean 'tone'?"]),
    ):
        cli.fails("answer", "--coder", "alice", "--article", NPR, *args, expect=expect)
    check_usage_error(
        cli("answer", "--coder", "alice", "--article", NPR, "--question", "tone"), ["--clear"]
    )
    assert tables(cli) == before
    cleared = cli.ok(
        "answer", "--coder", "alice", "--article", NPR, "--question", "tone", "--clear"
    )
    assert cleared.stdout == "Cleared alice's answer to 'tone'.\n"
    assert cli.query("SELECT value FROM answer") == [("3",)]


def test_export_and_import_answers(sample_cli: Cli) -> None:
    cli = sample_cli
    add_questions(cli)
    cli.ok("answer", "--coder", "alice", "--article", NPR, "--question", "tone", "negative")
    cli.ok("answer", "--coder", "bob", "--article", GLOBALPOST, "--question", "sources", "2")
    out = cli.ok("export", "answers", "--out", "answers.csv")
    assert out.stdout == "Wrote 2 answer(s) to answers.csv.\n"
    with open(cli.root / "answers.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert ",".join(rows[0]) == HEADER
    assert [row[1:2] + row[4:] for row in rows[1:]] == [
        [NPR, "alice", "tone", "negative"],
        [GLOBALPOST, "bob", "sources", "2"],
    ]
    stdout = check_ok(cli("export", "answers", binary=True)).stdout
    assert stdout == (cli.root / "answers.csv").read_bytes()

    other = cli.beside("other")
    check_ok(other("import", "--sample"))
    dry = other.ok("import-answers", cli.root / "answers.csv", "--dry-run").stdout.splitlines()
    assert dry[0].startswith("Would import the 2 answer row(s)")
    assert "new question(s) to add (nominal, options as answered): tone, sources" in dry[-2]
    assert other.count("answer") == 0
    done = other.ok("import-answers", cli.root / "answers.csv").stdout.splitlines()
    assert done[0].endswith(": 2 added, 0 changed, 0 removed, 0 unchanged.")
    again = other.ok("import-answers", cli.root / "answers.csv").stdout.splitlines()
    assert again[0].endswith(": 0 added, 0 changed, 0 removed, 2 unchanged.")
    assert other.query("SELECT name, level, options FROM question ORDER BY id") == [
        ("tone", "nominal", '["negative"]'),
        ("sources", "nominal", '["2"]'),
    ]


@sqlite_only
def test_export_answers_refuses_the_project_and_excel(sample_cli: Cli) -> None:
    cli = sample_cli
    before = cli.project.read_bytes()
    cli.fails("export", "answers", "--out", cli.project, expect=["open project's database"])
    assert cli.project.read_bytes() == before
    check_usage_error(
        cli("export", "answers", "--excel"), ["--excel: only with export annotations"]
    )


def test_import_answers_bad_files_change_nothing(sample_cli: Cli) -> None:
    cli = sample_cli
    add_questions(cli)
    before = tables(cli)
    cases = {
        "unknown.csv": (f"{HEADER}\n,nowhere,,,alice,tone,negative\n", "row 2: unknown article"),
        "option.csv": (
            f"{HEADER}\n,{NPR},,,carol,tone,negative\n,{NPR},,,alice,tone,awful\n",
            "row 3: question 'tone': 'awful' is not one of its options",
        ),
        "header.csv": ("article,coder,answer\n", "row 1: missing columns"),
        "ragged.csv": (f"{HEADER}\n,{NPR},,alice,tone,negative\n", "row 2: expected 7 fields"),
    }
    for name, (text, problem) in cases.items():
        (cli.root / name).write_text(text, encoding="utf-8")
        line = cli.fails("import-answers", name, expect=[problem])
        assert f"error: {name}, row" in line
    assert tables(cli) == before


def test_agreement_reports_questions_at_the_article_unit(sample_cli: Cli) -> None:
    cli = sample_cli
    add_questions(cli)
    for coder, tones in (("alice", ["negative", "neutral"]), ("bob", ["negative", "positive"])):
        for article, tone in zip((NPR, GLOBALPOST), tones, strict=True):
            cli.ok("answer", "--coder", coder, "--article", article, "--question", "tone", tone)
        cli.ok("status", "--coder", coder, "--all", "--set", "done")
    result = cli.ok(
        "agreement", "--coders", "alice", "bob", "--unit", "sentence", "--question", "tone",
        "--format", "json", "--bootstrap", "0",
    )  # fmt: skip
    data = json.loads(result.stdout)
    (row,) = data["rows"]
    assert (row["item"], row["kind"], row["level"], row["units"]) == (
        "tone",
        "question",
        "ordinal",
        2,
    )
    assert row["counts"]["categories"] == ["negative", "neutral", "positive"]
    everything = json.loads(
        cli.ok(
            "agreement",
            "--coders",
            "alice",
            "bob",
            "--unit",
            "article",
            "--format",
            "json",
            "--bootstrap",
            "0",
        ).stdout
    )
    assert [r["kind"] for r in everything["rows"]][-3:] == ["overall", "question", "question"]
    table = cli.ok(
        "agreement", "--coders", "alice", "bob", "--unit", "paragraph", "--bootstrap", "0"
    ).stdout
    assert "questions: the unit is the article" in table
    written = cli.ok(
        "export", "reliability", "--coders", "alice", "bob", "--unit", "paragraph",
        "--question", "tone", "--out", "m.csv",
    )  # fmt: skip
    assert "1 question(s) x 1 per article" in written.stdout
    assert (cli.root / "m.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        f"{NPR},tone,negative,negative",
        f"{GLOBALPOST},tone,neutral,positive",
    ]
    check_usage_error(
        cli("agreement", "--matrix", "m.csv", "--question", "tone", project=None),
        ["--question: only with --coders"],
    )
    matrix = cli.ok("agreement", "--matrix", "m.csv", "--format", "json", project=None)
    (read_back,) = json.loads(matrix.stdout)["rows"]
    assert read_back["item"] == "tone"
    assert read_back["percent_agreement"] == row["percent_agreement"]
