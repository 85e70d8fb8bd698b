"""``labels rename OLD NEW``, label look-ups with a suggestion, ``delete-annotation``."""

from __future__ import annotations

from cli_harness import NPR, Cli, check_error, check_usage_error


def _labels(cli: Cli) -> list[tuple[int, str]]:
    return cli.query("SELECT id, name FROM label ORDER BY position")


def test_rename_keeps_the_annotations(coded_cli: Cli) -> None:
    cli = coded_cli
    before = _labels(cli)
    annotations = cli.query("SELECT id, label_id FROM annotation ORDER BY id")
    renamed = cli.ok("labels", "rename", "SOVEREIGNTY", "  national   sovereignty ")
    assert renamed.stdout == "Renamed label 'SOVEREIGNTY' to 'national sovereignty'.\n"
    assert _labels(cli) == [
        (ident, "national sovereignty" if name == "sovereignty" else name) for ident, name in before
    ]
    assert cli.query("SELECT id, label_id FROM annotation ORDER BY id") == annotations
    listed = cli.ok("labels", "--tsv").stdout.splitlines()
    assert listed[1].startswith("national sovereignty\t1\t")
    # A change of case only is a rename too.
    cli.ok("labels", "rename", "national sovereignty", "National Sovereignty")
    assert _labels(cli)[0][1] == "National Sovereignty"


def test_rename_errors_change_nothing(coded_cli: Cli) -> None:
    cli = coded_cli
    before = _labels(cli)
    taken, near, unknown, empty = cli.many(
        ["labels", "rename", "sovereignty", "Universal Rights"],
        ["labels", "rename", "soverignty", "x"],
        ["labels", "rename", "framing", "x"],
        ["labels", "rename", "sovereignty", "   "],
    )
    check_error(taken, ["already has a label named 'universal rights'"])
    assert check_error(near) == (
        "framing-app: error: no label named 'soverignty' in the codebook; "
        "did you mean 'sovereignty'?"
    )
    assert check_error(unknown) == "framing-app: error: no label named 'framing' in the codebook"
    check_error(empty, ["label name cannot be empty"])
    check_usage_error(cli("labels", "rename", "sovereignty"), ["NEW"])
    assert _labels(cli) == before


def test_near_miss_label_when_tagging(sample_cli: Cli) -> None:
    sample_cli.fails(
        "annotate", "--coder", "a", "--article", NPR, "--label", "Universal Right",
        "--start", 0, "--end", 5,
        expect=["no label named 'Universal Right'", "did you mean 'universal rights'?"],
    )  # fmt: skip
    assert sample_cli.count("annotation") == 0


def test_delete_annotation(coded_cli: Cli) -> None:
    cli = coded_cli
    ids = [i for (i,) in cli.query("SELECT id FROM annotation ORDER BY id")]
    coder, label = cli.query(
        "SELECT c.name, l.name FROM annotation n JOIN coder c ON c.id = n.coder_id "
        "JOIN label l ON l.id = n.label_id WHERE n.id = ?",
        ids[0],
    )[0]
    deleted = cli.ok("delete-annotation", ids[0])
    assert deleted.stdout.startswith(f"Deleted annotation {ids[0]}: {coder}'s '{label}' on ")
    assert [i for (i,) in cli.query("SELECT id FROM annotation ORDER BY id")] == ids[1:]
    again = cli.fails("delete-annotation", ids[0])
    assert again == f"framing-app: error: no annotation with id {ids[0]}"
    check_usage_error(cli("delete-annotation", "one"), ["ID", "'one'"])
    assert [i for (i,) in cli.query("SELECT id FROM annotation ORDER BY id")] == ids[1:]
