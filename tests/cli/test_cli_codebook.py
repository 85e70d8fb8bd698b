"""``framing-app labels`` and ``codebook export/import``."""

from __future__ import annotations

import json

from cli_harness import Cli, check_error, check_ok

DEFAULT_LABELS_TSV = (
    "label\tshortcut\tcolour\tannotations\tarchived\n"
    "sovereignty\t1\t#D55E00\t0\tno\n"
    "double standards\t2\t#785EF0\t0\tno\n"
    "universal rights\t3\t#009E73\t0\tno\n"
)


def test_new_project_has_the_default_labels(run_cli: Cli) -> None:
    # Listing reads and never creates a project; a (no-op) rename creates it.
    run_cli.ok("labels", "rename", "sovereignty", "sovereignty")
    assert run_cli.ok("labels", "--tsv").stdout == DEFAULT_LABELS_TSV
    table, definitions = (
        check_ok(result).stdout.splitlines()
        for result in run_cli.many(["labels"], ["labels", "--tsv", "--definitions"])
    )
    assert table[0].split() == ["label", "shortcut", "colour", "annotations", "archived"]
    assert [line.rsplit(None, 4)[:2] for line in table[1:]] == [
        ["sovereignty", "1"],
        ["double standards", "2"],
        ["universal rights", "3"],
    ]
    assert definitions[0].split("\t")[-1] == "definition"
    stored = dict(run_cli.query("SELECT name, definition FROM label"))
    for line in definitions[1:]:
        cells = line.split("\t")
        assert len(cells) == 6
        assert cells[5] == " ".join(stored[cells[0]].split())
        assert cells[5].startswith("The passage ")


def _customise(cli: Cli) -> None:
    """A codebook unlike the default one: swapped shortcuts, edits, an archived label."""
    cli.execute("UPDATE label SET shortcut = NULL WHERE name = 'sovereignty'")
    cli.execute("UPDATE label SET shortcut = '1' WHERE name = 'double standards'")
    cli.execute("UPDATE label SET shortcut = '2' WHERE name = 'sovereignty'")
    cli.execute(
        "UPDATE label SET definition = 'Rights are owed to every person.', "
        "color = '#0072B2', shortcut = NULL WHERE name = 'universal rights'"
    )
    cli.execute(
        "INSERT INTO label (name, definition, color, shortcut, position, archived, "
        "created_at) VALUES ('whataboutism', 'Deflects \"criticism\" by pointing "
        "elsewhere; 中国.', '#CC79A7', 'w', 3, TRUE, '2024-01-01T00:00:00.000000Z')"
    )


def test_codebook_round_trip(run_cli: Cli) -> None:
    cli = run_cli
    cli.ok("labels", "rename", "sovereignty", "sovereignty")  # creates the project
    _customise(cli)
    listed, written = (
        check_ok(result).stdout
        for result in cli.many(
            ["labels", "--tsv", "--definitions"], ["codebook", "export", "cb.json"]
        )
    )
    assert "whataboutism\tw\t#CC79A7\t0\tyes\t" in listed
    assert "universal rights\t-\t#0072B2\t0\tno\tRights are owed to every person.\n" in listed

    assert written == "Wrote 4 label(s) to cb.json.\n"
    exported = (cli.root / "cb.json").read_text(encoding="utf-8")
    json.loads(exported)  # a JSON document
    for name in ("sovereignty", "double standards", "universal rights", "whataboutism"):
        assert name in exported

    other = cli.new_project("other")
    imported = cli.ok("codebook", "import", "cb.json", project=other)
    assert imported.stdout == ("Codebook imported from cb.json: 1 label(s) added, 3 updated.\n")
    assert cli.ok("labels", "--tsv", "--definitions", project=other).stdout == listed
    assert cli.count("label", project=other) == 4


def test_codebook_import_of_a_bad_file_changes_nothing(run_cli: Cli) -> None:
    cli = run_cli
    cli.ok("labels", "rename", "sovereignty", "sovereignty")  # creates the project
    before = cli.query("SELECT * FROM label ORDER BY id")
    (cli.root / "broken.json").write_text('{"labels": [{"name": "x",', encoding="utf-8")
    cli.ok("codebook", "export", "good.json")
    document = json.loads((cli.root / "good.json").read_text(encoding="utf-8"))
    # PostgreSQL text cannot hold a NUL: refused on either backend, before the database.
    document["labels"][0]["definition"] = "The passage \u0000 ends here."
    (cli.root / "nul.json").write_text(json.dumps(document), encoding="utf-8")
    broken, nul, unwritable = cli.many(
        ["codebook", "import", "broken.json"],
        ["codebook", "import", "nul.json"],
        ["codebook", "export", cli.root / "no-such-folder" / "cb.json"],
    )
    check_error(broken, ["broken.json"])
    check_error(nul, ["nul.json", "label 'sovereignty': definition holds a NUL character"])
    check_error(unwritable, [str(cli.root / "no-such-folder" / "cb.json")])
    assert cli.query("SELECT * FROM label ORDER BY id") == before
