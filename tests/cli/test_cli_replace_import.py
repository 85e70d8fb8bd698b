"""``framing-app import-annotations --replace``, notes, ``--no-new-labels`` and ``--dry-run``."""

from __future__ import annotations

import csv
from pathlib import Path

from cli_harness import LAWYERS, NPR, OPPOSE, STRESSED, Cli, check_error

TALKS = "Starting tomorrow in Beijing"
SPOKESMAN = "Chinese Foreign Ministry spokesman Hong Lei"
TABLE = (
    "SELECT a.id, c.name, r.external_id, l.name, a.start_offset, a.end_offset, a.memo "
    "FROM annotation a JOIN coder c ON c.id = a.coder_id JOIN article r ON r.id = a.article_id "
    "JOIN label l ON l.id = a.label_id ORDER BY a.id"
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _corrected(cli: Cli) -> list[dict[str, str]]:
    """Alice's file after she relabelled OPPOSE, deleted SPOKESMAN and tagged TALKS."""
    cli.annotate("alice", NPR, "double standards", SPOKESMAN)
    cli.ok("export", "annotations", "--coder", "alice", "--out", "alice.csv")
    rows = _rows(cli.root / "alice.csv")
    assert [row["text"] for row in rows] == [OPPOSE, STRESSED, SPOKESMAN]
    rows[0]["label"] = "universal rights"
    start, end = cli.span(NPR, TALKS)
    new = {**rows[0], "label": "sovereignty", "start": str(start), "end": str(end)}
    new.update(text=TALKS, memo="", annotation_id="")
    return [rows[0], rows[1], new]


def test_replace_prints_the_counts_per_coder_and_keeps_ids(coded_cli: Cli) -> None:
    cli = coded_cli
    _write(cli.root / "fixed.csv", _corrected(cli))
    before = cli.query(TABLE)

    dry = cli.ok("import-annotations", "fixed.csv", "--replace", "--dry-run")
    assert dry.stdout == (
        "Would replace the annotations of 1 coder(s) on the articles in fixed.csv:\n"
        "  alice: 1 added, 1 changed, 1 removed (1 unchanged)\n"
        "Dry run: nothing was changed.\n"
    )
    assert cli.query(TABLE) == before

    done = cli.ok("import-annotations", "fixed.csv", "--replace")
    assert done.stdout == (
        "Replaced the annotations of 1 coder(s) on the articles in fixed.csv:\n"
        "  alice: 1 added, 1 changed, 1 removed (1 unchanged)\n"
    )
    after = cli.query(TABLE)
    talks = cli.span(NPR, TALKS)
    # Relabelled in place (id 1), Bob's rows and alice's GLOBALPOST row untouched,
    # the deleted annotation (id 5) gone, the new one with a new id.
    assert after == [
        (1, "alice", NPR, "universal rights", *before[0][4:]),
        *before[1:4],
        (6, "alice", NPR, "sovereignty", *talks, ""),
    ]
    assert cli.ok("import-annotations", "fixed.csv", "--replace").stdout.endswith(
        "  alice: 0 added, 0 changed, 0 removed (3 unchanged)\n"
    )
    assert cli.query(TABLE) == after


def test_adding_a_relabelled_row_prints_a_note(coded_cli: Cli) -> None:
    cli = coded_cli
    _write(cli.root / "fixed.csv", _corrected(cli))
    start, end = cli.span(NPR, OPPOSE)
    result = cli.ok("import-annotations", "fixed.csv")
    assert result.stdout == (
        "Imported 2 annotation(s) from fixed.csv; skipped 1 already in the project.\n"
        f"  note: row 2: alice already tagged {start}-{end} in article '{NPR}' as "
        "'sovereignty'; this adds 'universal rights' beside it "
        "(replacing the coder's annotations would relabel it instead)\n"
    )
    assert cli.count("annotation") == 7


def test_no_new_labels_and_bad_rows_import_nothing(coded_cli: Cli) -> None:
    cli = coded_cli
    rows = _corrected(cli)
    rows[2]["label"] = "Soverignty"
    _write(cli.root / "typo.csv", rows)
    rows[2]["label"] = "sovereignty"
    rows[2]["text"] = LAWYERS
    _write(cli.root / "bad.csv", rows)
    before = cli.query(TABLE)
    labels = cli.query("SELECT id, name FROM label ORDER BY id")

    typo, bad = cli.many(
        ["import-annotations", "typo.csv", "--no-new-labels", "--replace"],
        ["import-annotations", "bad.csv", "--replace"],
    )

    check_error(
        typo,
        [
            "typo.csv, row 4: label 'Soverignty' is not in the codebook, and new labels are "
            "refused; did you mean 'sovereignty'?"
        ],
    )
    check_error(bad, ["bad.csv, row 4: text does not match"])
    assert cli.query(TABLE) == before
    assert cli.query("SELECT id, name FROM label ORDER BY id") == labels

    # Without --no-new-labels the typo is imported, with a note that says so.
    result = cli.ok("import-annotations", "typo.csv")
    assert "  new label(s) added to the codebook: Soverignty\n" in result.stdout
    assert result.stdout.endswith(
        "  note: row 4: label 'Soverignty' is new to the codebook; did you mean 'sovereignty'?\n"
    )
