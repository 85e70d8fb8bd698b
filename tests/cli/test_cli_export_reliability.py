"""``framing-app export reliability``: the matrix file, stdout, what is left out, refusals.

Real ``framing-app`` processes on the coded sample project (see cli_harness:
alice and bob tagged both sample articles). The expected cells are worked
out here from the stored texts and the passages, independently of the
program's unit code: paragraphs are runs of non-blank lines, trimmed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest
from cli_harness import (
    CODED,
    GLOBALPOST,
    NPR,
    Cli,
    check_ok,
    check_usage_error,
    describe,
)
from server_databases import sqlite_only

from framing_app import cli_reliability
from framing_app.cli_reliability import add_export_reliability, check_export_arguments
from framing_app.services.reliability_units import OverlapRule, Unit

LABELS = ["sovereignty", "double standards", "universal rights"]
HEADER = ["unit", "item", "alice", "bob"]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Runs of non-blank lines, without the white space at their ends."""
    spans: list[tuple[int, int]] = []
    position = 0
    run: list[int] | None = None
    for line in [*text.split("\n"), ""]:
        if line.strip():
            if run is None:
                run = [position, position + len(line)]
            run[1] = position + len(line)
        elif run is not None:
            piece = text[run[0] : run[1]]
            start = run[0] + len(piece) - len(piece.lstrip())
            spans.append((start, start + len(piece.strip())))
            run = None
        position += len(line) + 1
    return spans


def expected_rows(cli: Cli, coders: tuple[str, str]) -> list[list[str]]:
    """The matrix of the coded sample at the paragraph unit, rule "any"."""
    texts = {ref: cli.article_text(ref) for ref in (NPR, GLOBALPOST)}
    # Articles in import order (the internal ids).
    order = [row[0] for row in cli.query("SELECT external_id FROM article ORDER BY id")]
    rows = []
    for label in LABELS:
        for ref in order:
            text = texts[ref]
            for start, end in paragraphs(text):
                cells = []
                for coder in coders:
                    present = False
                    for who, article, tagged, passage, _ in CODED:
                        if (who, article, tagged) == (coder, ref, label):
                            first = text.index(passage)
                            present = present or (first < end and first + len(passage) > start)
                    cells.append("1" if present else "0")
                rows.append([f"{ref}:{start}-{end}", label, *cells])
    return rows


def read(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data, newline="")))


def mark_done(cli: Cli, *coders: str) -> None:
    for coder in coders:
        cli.ok("status", "--coder", coder, "--all", "--set", "done")


def test_paragraph_matrix_to_a_file_and_to_stdout(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice", "bob")
    argv = ["export", "reliability", "--coders", "alice", "bob", "--unit", "paragraph"]
    written, to_stdout, dash = coded_cli.many(
        [*argv, "--out", "rel.csv"], argv, [*argv, "--out", "-"], binary=True
    )
    check_ok(written)
    rows = expected_rows(coded_cli, ("alice", "bob"))
    summary = written.stdout.decode("utf-8")
    assert summary == (
        f"Wrote {len(rows)} row(s) to rel.csv: 3 label(s) x {len(rows) // 3} paragraph unit(s) "
        "from 2 article(s).\n"
    )
    data = (coded_cli.root / "rel.csv").read_bytes()
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert read(data.decode("utf-8")) == [HEADER, *rows]
    # Every label has a paragraph where the coders differ or agree on presence.
    assert any(row[2:] == ["1", "1"] for row in rows)
    assert any(row[2] != row[3] for row in rows)
    for result in (to_stdout, dash):
        check_ok(result)
        assert result.stdout == data


def test_coders_in_the_order_given_and_any_case(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice", "bob")
    result = coded_cli.ok(
        "export", "reliability", "--coders", "BOB", "Alice", "--unit", "paragraph"
    )
    rows = read(result.stdout)
    assert rows[0] == ["unit", "item", "bob", "alice"]
    assert rows[1:] == expected_rows(coded_cli, ("bob", "alice"))


def test_articles_not_done_are_left_out_and_listed(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice")
    coded_cli.ok("status", "--coder", "bob", "--article", NPR, "--set", "done")
    result = coded_cli.ok(
        "export",
        "reliability",
        "--coders",
        "alice",
        "bob",
        "--unit",
        "article",
        "--label",
        "Sovereignty",
        "--out",
        "rel.csv",
    )
    title = coded_cli.query("SELECT title FROM article WHERE external_id = ?", GLOBALPOST)[0][0]
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "Wrote 1 row(s) to rel.csv: 1 label(s) x 1 article unit(s) from 1 article(s)."
    )
    assert lines[1].startswith("Left out 1 article(s) that not every coder marked done")
    assert lines[2].startswith(f"  {GLOBALPOST} ({title[:20]}")
    assert lines[2].endswith("): bob has not marked it done")
    rows = read((coded_cli.root / "rel.csv").read_text(encoding="utf-8"))
    assert rows == [HEADER, [NPR, "sovereignty", "1", "1"]]


def test_all_articles_leaves_cells_empty_for_a_coder_who_has_not_started(coded_cli: Cli) -> None:
    # carol marks one article done without tagging anything and never opens the other.
    coded_cli.ok("status", "--coder", "carol", "--article", NPR, "--set", "done")
    result = coded_cli.ok(
        "export", "reliability", "--coders", "alice", "carol", "--unit", "article", "--all-articles"
    )
    order = [row[0] for row in coded_cli.query("SELECT external_id FROM article ORDER BY id")]
    cells = {(row[0], row[1]): row[2:] for row in read(result.stdout)[1:]}
    assert cells[(NPR, "sovereignty")] == ["1", "0"]
    assert cells[(GLOBALPOST, "universal rights")] == ["1", ""]
    assert cells[(GLOBALPOST, "sovereignty")] == ["0", ""]
    assert [unit for unit, item in cells if item == "sovereignty"] == order


def test_the_matrix_reads_back_to_the_projects_agreement(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice", "bob")
    coders = ["--coders", "alice", "bob", "--unit", "sentence", "--overlap", "majority"]
    coded_cli.ok("export", "reliability", *coders, "--out", "rel.csv")
    from_project = coded_cli.ok("agreement", *coders, "--format", "json", "--bootstrap", "0")
    # --matrix opens no project (and refuses --project).
    matrix = coded_cli.ok(
        "agreement", "--matrix", "rel.csv", "--format", "json", "--bootstrap", "0", project=None
    )
    by_item = {row["item"]: row for row in json.loads(matrix.stdout)["rows"]}
    rows = [row for row in json.loads(from_project.stdout)["rows"] if row["kind"] == "label"]
    assert [row["item"] for row in rows] == list(by_item)
    for row in rows:
        other = by_item[row["item"]]
        for key in ("units", "percent_agreement", "krippendorff_alpha", "cohen_kappa", "gwet_ac1"):
            if row[key] is None:
                assert other[key] is None, (key, describe(matrix))
            else:
                assert other[key] == pytest.approx(row[key], abs=1e-12), key


USAGE = [
    (["--coders", "alice", "--unit", "article"], "name at least two coders"),
    (["--coders", "alice", "bob"], "argument --unit: required with export reliability"),
    (["--unit", "article"], "argument --coders: required with export reliability"),
    (["--coders", "a", "b", "--unit", "article", "--overlap", "majority"], "--overlap: only"),
    (["--coders", "a", "b", "--unit", "word"], "invalid choice: 'word'"),
    (["--coders", "a", "b", "--unit", "article", "--excel"], "--excel: only with export annot"),
    (["--coder", "a", "--unit", "article"], "only with export annotations; name the coders"),
]


@pytest.mark.parametrize(("args", "expect"), USAGE)
def test_usage_errors(bare_cli: Cli, args: list[str], expect: str) -> None:
    check_usage_error(bare_cli("export", "reliability", *args), [expect])


@pytest.mark.parametrize(
    "option", [["--unit", "article"], ["--coders", "a", "b"], ["--all-articles"], ["--label", "x"]]
)
def test_reliability_options_are_refused_for_annotations(bare_cli: Cli, option: list[str]) -> None:
    check_usage_error(
        bare_cli("export", "annotations", *option), [f"{option[0]}: only with export reliability"]
    )


def test_errors_name_the_problem_and_write_nothing(coded_cli: Cli) -> None:
    base = ["export", "reliability", "--unit", "paragraph", "--out", "rel.csv"]
    results = coded_cli.many(
        [*base, "--coders", "alcie", "bob"],
        [*base, "--coders", "alice", "bob", "--label", "soverignty"],
        [*base, "--coders", "alice", "ALICE"],
        [*base, "--coders", "alice", "bob"],
    )
    expectations = [
        ["no coder named 'alcie'", "did you mean 'alice'"],
        ["no label named 'soverignty'", "did you mean 'sovereignty'"],
        ["'alice' is named twice"],
        ["no article has been marked done by all of alice and bob", "--all-articles"],
    ]
    for result, expect in zip(results, expectations, strict=True):
        assert result.returncode == 1, describe(result)
        assert all(text in result.stderr for text in expect), describe(result)
        assert result.stderr.count("\n") == 1
    assert not (coded_cli.root / "rel.csv").exists()
    assert not list(coded_cli.root.glob(".rel.csv.*"))


@sqlite_only
def test_never_writes_over_the_project_nor_creates_one(coded_cli: Cli, tmp_path: Path) -> None:
    mark_done(coded_cli, "alice", "bob")
    before = coded_cli.project.read_bytes()
    coded_cli.fails(
        "export",
        "reliability",
        "--coders",
        "alice",
        "bob",
        "--unit",
        "article",
        "--out",
        coded_cli.project,
        expect=["open project's database"],
    )
    assert coded_cli.project.read_bytes() == before
    missing = tmp_path / "nowhere" / "typo.sqlite"
    coded_cli.fails(
        "export",
        "reliability",
        "--coders",
        "alice",
        "bob",
        "--unit",
        "article",
        project=missing,
        expect=["no project there"],
    )
    assert not missing.parent.exists()


def test_choices_are_the_services_values() -> None:
    assert tuple(unit.value for unit in Unit) == cli_reliability.UNITS
    assert tuple(rule.value for rule in OverlapRule) == cli_reliability.OVERLAPS


def test_the_options_on_a_parser_of_their_own(capsys: pytest.CaptureFixture[str]) -> None:
    """add_export_reliability and check_export_arguments without the rest of the command line."""
    parser = argparse.ArgumentParser(prog="framing-app export")
    parser.add_argument("what", choices=["annotations", "reliability"])
    parser.add_argument("--coder", action="append")
    parser.add_argument("--excel", action="store_true")
    add_export_reliability(parser)
    parser.set_defaults(subparser=parser)
    args = parser.parse_args(
        ["reliability", "--coders", "a", "b", "--unit", "sentence", "--overlap", "majority"]
    )
    check_export_arguments(args)
    assert (args.coders, args.unit, args.overlap, args.label) == (
        ["a", "b"],
        "sentence",
        "majority",
        None,
    )
    with pytest.raises(SystemExit):
        check_export_arguments(parser.parse_args(["annotations", "--label", "x"]))
    assert "--label: only with export reliability" in capsys.readouterr().err
