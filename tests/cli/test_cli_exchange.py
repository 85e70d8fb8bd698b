"""Exchanging annotations between projects: export, ``import-annotations``, all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import (
    ANNOTATION_HEADER,
    GLOBALPOST,
    NPR,
    Cli,
    check_error,
    check_ok,
    copy_database,
)

OPPOSE = (
    "We oppose any country using human rights issues as an excuse to interfere in "
    "China's domestic affairs."
)
LAWYERS = (
    "Lawyers, bloggers, NGO activists, journalists, religious leaders and others are "
    "asserting universal rights and calling for peaceful reform in China"
)
DOUBLE = "accused the U.S. of having double standards when it comes to human rights"
# A passage across a paragraph break: one quoted CSV record over several lines.
STRESSED = (
    'But he also stressed "that political reforms in China have not kept pace with '
    'economic advances," AFP reported.\n\nDuring talks with the Chinese'
)


def test_round_trip_between_two_projects(sample_cli: Cli, sample_template: Path) -> None:
    a = sample_cli
    a.annotate("alice", NPR, "sovereignty", OPPOSE, memo='quoted "inside", a comma,\nnew line')
    a.annotate("bob", NPR, "sovereignty", OPPOSE)
    a.annotate("alice", NPR, "double standards", DOUBLE)
    a.annotate("bob", GLOBALPOST, "universal rights", LAWYERS, memo="ABC 🌏")
    a.annotate("alice", GLOBALPOST, "universal rights", STRESSED)
    assert a.ok("export", "annotations", "--out", "a.csv").stdout == (
        "Wrote 5 annotation(s) to a.csv.\n"
    )
    exported = (a.root / "a.csv").read_bytes()
    records = list(csv.reader(io.StringIO(exported.decode("utf-8"), newline="")))
    assert records[0] == ANNOTATION_HEADER
    assert [r[9] for r in records[1:]] == [OPPOSE, OPPOSE, DOUBLE, LAWYERS, STRESSED]
    assert records[1][10] == 'quoted "inside", a comma,\nnew line'

    b = a.root / "b.sqlite"
    copy_database(sample_template, b)
    merged = a.ok("import-annotations", "a.csv", project=b)
    assert merged.stdout == "Imported 5 annotation(s) from a.csv.\n  new coder(s): alice, bob\n"
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
            ["--project", b, "import-annotations", "a.csv"],
            ["--project", a.project, "import-annotations", "a.csv"],
            project=None,
        )
    )
    assert (
        again.stdout == "Imported 0 annotation(s) from a.csv; skipped 5 already in the project.\n"
    )
    assert a.query("SELECT * FROM annotation ORDER BY id", project=b) == stored
    assert a.ok("export", "annotations", binary=True, project=b).stdout == exported
    # Importing a project's own export into it adds nothing either.
    assert own.stdout.startswith("Imported 0 annotation(s) from a.csv; skipped 5")
    assert a.count("annotation") == 5


def test_import_creates_new_labels(sample_cli: Cli, good_export: list[list[str]]) -> None:
    records = [list(record) for record in good_export]
    records[2][ANNOTATION_HEADER.index("label")] = "whataboutism"
    _write_csv(sample_cli.root / "new-label.csv", records)
    merged = sample_cli.ok("import-annotations", "new-label.csv")
    assert merged.stdout == (
        "Imported 2 annotation(s) from new-label.csv.\n"
        "  new coder(s): alice, bob\n"
        "  new label(s) added to the codebook: whataboutism\n"
    )
    labels = sample_cli.ok("labels", "--tsv").stdout.splitlines()
    assert len(labels) == 5
    cells = labels[-1].split("\t")
    assert (cells[0], cells[1], cells[3], cells[4]) == ("whataboutism", "-", "1", "no")
    assert sample_cli.query(
        "SELECT l.name FROM annotation n JOIN label l ON l.id = n.label_id ORDER BY n.id"
    ) == [("sovereignty",), ("whataboutism",)]


def _write_csv(path: Path, records: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(records)
    return path


@pytest.fixture(scope="module")
def good_export(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> list[list[str]]:
    """The records of an export with two annotations: alice on NPR, bob on GlobalPost."""
    root = tmp_path_factory.mktemp("good-export")
    cli = Cli(root)
    copy_database(sample_template, cli.project)
    cli.annotate("alice", NPR, "sovereignty", OPPOSE)
    cli.annotate("bob", GLOBALPOST, "universal rights", LAWYERS)
    records = list(csv.reader(io.StringIO(cli.ok("export", "annotations").stdout)))
    assert len(records) == 3
    return records


def _set(row: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    def mutate(records: list[list[str]]) -> None:
        records[row - 1][ANNOTATION_HEADER.index(column)] = value

    return mutate


def _unknown_article(records: list[list[str]]) -> None:
    _set(3, "article_external_id", "not-in-this-project")(records)
    _set(3, "article_sha256", "0" * 64)(records)


BAD_FILES: list[tuple[str, Callable[[list[list[str]]], None], list[str]]] = [
    ("start-not-a-number", _set(3, "start", "x"), ["row 3", "start"]),
    ("empty-span", _set(2, "end", "0"), ["row 2"]),
    ("text-differs", _set(3, "text", "Lawyers, bloggers"), ["row 3", "text"]),
    ("past-the-end", _set(2, "end", "999999"), ["row 2", "999999"]),
    ("unknown-article", _unknown_article, ["row 3", "not-in-this-project"]),
    ("other-text", _set(2, "article_sha256", "f" * 64), ["row 2", "SHA-256"]),
    ("bad-time", _set(3, "created_at", "yesterday"), ["row 3", "created_at"]),
]


def test_import_annotations_rejects_a_bad_row_and_imports_nothing(
    sample_cli: Cli, good_export: list[list[str]]
) -> None:
    for name, mutate, _ in BAD_FILES:
        records = [list(record) for record in good_export]
        mutate(records)
        _write_csv(sample_cli.root / f"{name}.csv", records)
    _write_csv(sample_cli.root / "articles.csv", [["id", "title", "text"], ["1", "t", "x"]])
    (sample_cli.root / "latin1.csv").write_bytes(
        ",".join(good_export[0]).encode() + b"\r\n\xe9\r\n"
    )
    cases = [(f"{name}.csv", [f"{name}.csv", *expect]) for name, _, expect in BAD_FILES]
    cases += [
        ("missing.csv", ["missing.csv"]),
        ("articles.csv", ["articles.csv", "column"]),
        ("latin1.csv", ["latin1.csv", "UTF-8"]),
    ]
    results = sample_cli.many(*[["import-annotations", file] for file, _ in cases])
    for (_, expect), result in zip(cases, results, strict=True):
        check_error(result, expect)
    for table in ("annotation", "coder", "coding_status"):
        assert sample_cli.count(table) == 0, table
    assert sample_cli.count("label") == 3
