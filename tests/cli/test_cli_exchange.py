"""Exchanging annotations between projects: export, ``import-annotations``, all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import (
    ANNOTATION_HEADER,
    CODED,
    GLOBALPOST,
    NPR,
    Cli,
    check_error,
    check_ok,
)
from cli_projects import Place


def test_round_trip_between_two_projects(coded_cli: Cli, sample_template: Place) -> None:
    """Project A (sample articles, annotations by two coders) to project B (sample articles)."""
    a = coded_cli
    assert a.ok("export", "annotations", "--out", "a.csv").stdout == (
        "Wrote 4 annotation(s) to a.csv.\n"
    )
    exported = (a.root / "a.csv").read_bytes()
    records = list(csv.reader(io.StringIO(exported.decode("utf-8"), newline="")))
    assert records[0] == ANNOTATION_HEADER
    assert [(r[5], r[6], r[9], r[10]) for r in records[1:]] == [
        (coder, label, passage, memo) for coder, _, label, passage, memo in CODED
    ]

    b = a.copy_of(sample_template, "b")
    merged = a.ok("import-annotations", "a.csv", project=b)
    assert merged.stdout == "Imported 4 annotation(s) from a.csv.\n  new coder(s): alice, bob\n"
    assert a.ok("export", "annotations", binary=True, project=b).stdout == exported
    assert a.query(
        "SELECT c.name, a.external_id, s.status FROM coding_status s "
        "JOIN coder c ON c.id = s.coder_id JOIN article a ON a.id = s.article_id "
        "ORDER BY c.name, a.id",
        project=b,
    ) == [
        ("alice", NPR, "in-progress"),
        ("alice", GLOBALPOST, "in-progress"),
        ("bob", NPR, "in-progress"),
        ("bob", GLOBALPOST, "in-progress"),
    ]
    stored = a.query("SELECT * FROM annotation ORDER BY id", project=b)

    again, own = (
        check_ok(result)
        for result in a.many(
            [*a.project_args(b), "import-annotations", "a.csv"],
            [*a.project_args(), "import-annotations", "a.csv"],
            project=None,
        )
    )
    assert (
        again.stdout == "Imported 0 annotation(s) from a.csv; skipped 4 already in the project.\n"
    )
    assert a.query("SELECT * FROM annotation ORDER BY id", project=b) == stored
    # Importing a project's own export into it adds nothing either.
    assert own.stdout.startswith("Imported 0 annotation(s) from a.csv; skipped 4")
    assert a.count("annotation") == 4


def test_import_creates_new_labels(sample_cli: Cli, good_export: list[list[str]]) -> None:
    records = [list(record) for record in good_export]
    records[2][ANNOTATION_HEADER.index("label")] = "whataboutism"
    _write_csv(sample_cli.root / "new-label.csv", records)
    merged = sample_cli.ok("import-annotations", "new-label.csv")
    assert merged.stdout == (
        "Imported 4 annotation(s) from new-label.csv.\n"
        "  new coder(s): alice, bob\n"
        "  new label(s) added to the codebook: whataboutism\n"
    )
    labels = sample_cli.ok("labels", "--tsv").stdout.splitlines()
    assert len(labels) == 5
    cells = labels[-1].split("\t")
    assert (cells[0], cells[1], cells[3], cells[4]) == ("whataboutism", "-", "1", "no")
    assert sample_cli.query(
        "SELECT l.name FROM annotation n JOIN label l ON l.id = n.label_id ORDER BY n.id"
    ) == [("sovereignty",), ("whataboutism",), ("universal rights",), ("universal rights",)]


def _write_csv(path: Path, records: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(records)
    return path


@pytest.fixture
def good_export(run_cli: Cli, coded_template: Place) -> list[list[str]]:
    """The records of an export of the coded sample project (``CODED``)."""
    coded = run_cli.copy_of(coded_template, "coded")
    exported = run_cli.ok("export", "annotations", project=coded).stdout
    records = list(csv.reader(io.StringIO(exported)))
    assert len(records) == 1 + len(CODED)
    return records


def _set(row: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    def mutate(records: list[list[str]]) -> None:
        records[row - 1][ANNOTATION_HEADER.index(column)] = value

    return mutate


def _unknown_article(records: list[list[str]]) -> None:
    _set(3, "article_external_id", "not-in-this-project")(records)
    _set(3, "article_sha256", "0" * 64)(records)


BAD_FILES: list[tuple[str, Callable[[list[list[str]]], None], list[str]]] = [
    # PostgreSQL text cannot hold a NUL: refused on either backend, before the database.
    ("nul-in-memo", _set(2, "memo", "a \x00 b"), ["row 2", "memo holds a NUL character"]),
    ("start-not-a-number", _set(3, "start", "x"), ["row 3", "start"]),
    ("text-differs", _set(3, "text", "Lawyers, bloggers"), ["row 3", "text"]),
    ("past-the-end", _set(2, "end", "999999"), ["row 2", "999999"]),
    ("unknown-article", _unknown_article, ["row 3", "not-in-this-project"]),
    ("other-text", _set(2, "article_sha256", "f" * 64), ["row 2", "SHA-256"]),
]


def test_import_annotations_rejects_a_bad_row_and_imports_nothing(
    sample_cli: Cli, good_export: list[list[str]]
) -> None:
    for name, mutate, _ in BAD_FILES:
        records = [list(record) for record in good_export]
        mutate(records)
        _write_csv(sample_cli.root / f"{name}.csv", records)
    _write_csv(sample_cli.root / "articles.csv", [["id", "title", "text"], ["1", "t", "x"]])
    cases = [(f"{name}.csv", [f"{name}.csv", *expect]) for name, _, expect in BAD_FILES]
    cases += [
        ("missing.csv", ["missing.csv"]),
        ("articles.csv", ["articles.csv", "column"]),
    ]
    results = sample_cli.many(*[["import-annotations", file] for file, _ in cases])
    for (_, expect), result in zip(cases, results, strict=True):
        check_error(result, expect)
    for table in ("annotation", "coder", "coding_status"):
        assert sample_cli.count(table) == 0, table
    assert sample_cli.count("label") == 3


def test_a_plain_export_resaved_with_a_bom_keeps_its_apostrophes(
    coded_cli: Cli, sample_template: Place
) -> None:
    """Issue 6, defect 11: the BOM an editor adds does not make a file the Excel flavour."""
    coded_cli.ok("export", "annotations", "--out", "plain.csv")
    path = coded_cli.root / "plain.csv"
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    memo = records[0].index("memo")
    records[1][memo] = "'=a formula-like memo"
    records[2][memo] = "'tis the season"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(records)
    other = coded_cli.copy_of(sample_template, "other")

    line = check_error(coded_cli("import-annotations", "plain.csv", project=other))
    assert "plain.csv, row 2: starts with a byte order mark" in line
    assert "--excel" in line
    assert "--plain" in line
    assert coded_cli.count("annotation", project=other) == 0

    check_ok(coded_cli("import-annotations", "--plain", "plain.csv", project=other))
    memos = [
        row[0] for row in coded_cli.query("SELECT memo FROM annotation ORDER BY id", project=other)
    ]
    assert memos[:2] == ["'=a formula-like memo", "'tis the season"]


def test_the_excel_export_imports_back_exactly_without_being_told(
    coded_cli: Cli, sample_template: Place
) -> None:
    coded_cli.ok(
        "annotate",
        "--coder",
        "carol",
        "--article",
        NPR,
        "--label",
        "sovereignty",
        "--start",
        "0",
        "--end",
        "5",
        "--memo",
        "=SUM(A1) -1",
    )
    coded_cli.ok("export", "annotations", "--excel", "--out", "excel.csv")
    assert "excel_escaped" in (coded_cli.root / "excel.csv").read_text(encoding="utf-8-sig")
    other = coded_cli.copy_of(sample_template, "other")
    check_ok(coded_cli("import-annotations", "excel.csv", project=other))
    assert coded_cli.query(
        "SELECT memo FROM annotation ORDER BY id", project=other
    ) == coded_cli.query("SELECT memo FROM annotation ORDER BY id")
