"""``framing-app agreement --unit span`` end to end, and ``export reliability --unit span`` refused.

Real ``framing-app`` processes on the coded sample project (cli_harness:
alice and bob tagged both sample articles). The expected numbers are worked
out here from the stored texts and the passages: the matches by hand, and
alpha_u by the core function on those offsets (the core is checked against
published values, a brute force and DKPro Agreement in
tests/core/agreement/test_unitizing_alpha.py).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from cli_harness import CODED, GLOBALPOST, NPR, Cli, check_error, check_ok, check_usage_error

from framing_app.core.agreement.unitizing import unitizing_alpha

LABELS = ["sovereignty", "double standards", "universal rights"]


def mark_done(cli: Cli, *coders: str) -> None:
    for coder in coders:
        cli.ok("status", "--coder", coder, "--all", "--set", "done")


def offsets(cli: Cli) -> tuple[dict[str, str], dict[tuple[str, str, str], list[tuple[int, int]]]]:
    """The articles' texts (import order) and each (coder, article, label)'s passages."""
    order = [row[0] for row in cli.query("SELECT external_id FROM article ORDER BY id")]
    texts = {ref: cli.article_text(ref) for ref in order}
    spans: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for coder, article, label, passage, _ in CODED:
        start = texts[article].index(passage)
        spans.setdefault((coder, article, label), []).append((start, start + len(passage)))
    return texts, spans


def test_json_gives_alpha_u_and_the_span_matches(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice", "bob")
    result = coded_cli.ok(
        "agreement", "--coders", "alice", "bob", "--unit", "span", "--format", "json"
    )
    data = json.loads(result.stdout)
    texts, spans = offsets(coded_cli)
    assert data["unit"] == "span"
    assert data["articles"] == 2
    assert [row["item"] for row in data["rows"]] == [*LABELS, "(all labels)"]
    rows = {row["item"]: row for row in data["rows"]}
    lengths = [len(text) for text in texts.values()]
    for label in LABELS:
        row = rows[label]
        want = unitizing_alpha(
            lengths,
            [[spans.get((coder, ref, label), []) for coder in ("alice", "bob")] for ref in texts],
        )
        assert row["alpha_u"] == (None if want.value is None else pytest.approx(want.value))
        for name in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1"):
            assert row[name] is None
            assert "not computed at the span unit" in row["undefined"][name]
    # sovereignty: the same passage in the same article.
    sov = rows["sovereignty"]
    assert sov["alpha_u"] == 1.0
    (alice_bob, bob_alice) = sov["counts"]["pairs"]
    assert (alice_bob["reference"], alice_bob["candidate"]) == ("alice", "bob")
    assert (bob_alice["reference"], bob_alice["candidate"]) == ("bob", "alice")
    for rule in ("exact", "overlap"):
        assert alice_bob[rule]["precision"] == alice_bob[rule]["recall"] == 1.0
    # universal rights: different passages of one article; overlapping or not.
    (alice_s,) = spans["alice", GLOBALPOST, "universal rights"]
    (bob_s,) = spans["bob", GLOBALPOST, "universal rights"]
    meet = alice_s[0] < bob_s[1] and bob_s[0] < alice_s[1]
    rights = rows["universal rights"]["counts"]["pairs"][0]
    assert rights["exact"]["f1"] == 0.0
    assert rights["overlap"]["f1"] == (1.0 if meet else 0.0)
    # double standards: nobody used it.
    double = rows["double standards"]
    assert double["alpha_u"] is None
    assert "no coder marked a passage" in double["undefined"]["alpha_u"]
    assert double["counts"]["pairs"][0]["exact"]["f1"] is None
    assert rows["(all labels)"]["counts"]["passages"] == [2, 2]
    assert NPR in texts


def test_table_and_csv(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice", "bob")
    table, records = coded_cli.many(
        ["agreement", "--coders", "alice", "bob", "--unit", "span"],
        ["agreement", "--coders", "alice", "bob", "--unit", "span", "--format", "csv"],
    )
    out = check_ok(table).stdout
    header = next(line for line in out.splitlines() if line.startswith("item"))
    assert header.split()[:4] == ["item", "units", "alpha_u", "verdict"]
    assert "unit: span" in out
    assert "not the 2016 u_alpha family" in out
    assert "alpha's 95% CI" not in out  # nothing was bootstrapped
    rows = list(csv.DictReader(io.StringIO(check_ok(records).stdout, newline="")))
    assert len(rows) == 4 * 2  # one record per item and ordered pair
    assert [(r["first_coder"], r["second_coder"]) for r in rows[:2]] == [
        ("alice", "bob"),
        ("bob", "alice"),
    ]
    assert rows[0]["unit"] == "span"
    assert float(rows[0]["exact_f1"]) == 1.0


def test_articles_not_done_are_left_out_and_listed(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice", "bob")
    coded_cli.ok("status", "--coder", "bob", "--set", "in-progress", "--article", NPR)
    data = json.loads(
        coded_cli.ok(
            "agreement", "--coders", "alice", "bob", "--unit", "span", "--format", "json"
        ).stdout
    )
    assert data["articles"] == 1
    assert [a["external_id"] for a in data["excluded_articles"]] == [NPR]
    assert data["rows"][0]["alpha_u"] is None  # sovereignty was only tagged in NPR


def test_export_reliability_refuses_the_span_unit(coded_cli: Cli) -> None:
    mark_done(coded_cli, "alice", "bob")
    out = coded_cli.root / "matrix.csv"
    to_file, to_stdout = coded_cli.many(
        ["export", "reliability", "--coders", "alice", "bob", "--unit", "span", "--out", out],
        ["export", "reliability", "--coders", "alice", "bob", "--unit", "span"],
    )
    line = check_error(to_file, ["span unit has no reliability matrix", "agreement --unit span"])
    assert check_error(to_stdout) == line
    assert not out.exists()


def test_the_overlap_rule_is_not_for_spans(coded_cli: Cli) -> None:
    result = coded_cli(
        "agreement", "--coders", "alice", "bob", "--unit", "span", "--overlap", "majority"
    )
    check_usage_error(result, ["--overlap: only with --unit paragraph or sentence"])
