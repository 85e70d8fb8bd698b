"""``framing-app merge OTHER_PROJECT [--replace] [--dry-run]`` in a subprocess, on real projects.

OTHER_PROJECT is a file on either backend (what a coder sends); the project
merged into is a file or a server database.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from cli_harness import (
    GLOBALPOST,
    LAWYERS,
    NPR,
    OPPOSE,
    Cli,
    check_error,
    copy_database,
    describe,
)
from server_databases import sqlite_only

EXTRA = "Extra article that only Bob imported: sovereignty again.\n"
ANNOTATIONS = (
    "SELECT r.external_id, c.name, l.name, a.start_offset, a.end_offset FROM annotation a "
    "JOIN coder c ON c.id = a.coder_id JOIN article r ON r.id = a.article_id "
    "JOIN label l ON l.id = a.label_id"
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _coders(cli: Cli, sample_file: Path) -> tuple[Path, Path]:
    """alice.sqlite: the sample, Alice's tag, done; bob.sqlite: the sample and an extra article.

    Files on either backend: what coders send the lead to merge.
    """
    alice, bob = cli.root / "alice.sqlite", cli.root / "bob.sqlite"
    copy_database(sample_file, alice)
    cli.annotate("alice", NPR, "sovereignty", OPPOSE, project=alice)
    cli.ok("status", "--coder", "alice", "--article", NPR, "--set", "done", project=alice)
    copy_database(sample_file, bob)
    extra = cli.root / "extra.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    cli.ok("import", extra, project=bob)
    cli.annotate("bob", GLOBALPOST, "universal rights", LAWYERS, project=bob)
    cli.annotate("bob", "extra", "sovereignty", "sovereignty", project=bob)
    return alice, bob


def test_merging_two_coders_then_again_adds_nothing(
    sample_cli: Cli, sample_file_template: Path
) -> None:
    alice, bob = _coders(sample_cli, sample_file_template)
    bob_before = _digest(bob)
    project = sample_cli.project

    preview = sample_cli.ok("merge", bob, "--dry-run")
    assert preview.stdout.splitlines()[0] == (
        f"Would merge {bob} into {project}: 6 row(s) added, 0 replaced, 0 removed."
    )
    assert preview.stdout.endswith("Dry run: nothing was changed.\n")
    assert sample_cli.count("annotation") == 0

    merged = sample_cli.ok("merge", bob)
    lines = merged.stdout.splitlines()
    assert lines[0] == f"Merged {bob} into {project}: 6 row(s) added, 0 replaced, 0 removed."
    assert lines[1].split() == ["added", "unchanged", "replaced", "removed", "conflicts"]
    table = {line.split()[0]: line.split()[1:] for line in lines[2:10]}
    assert table["articles"] == ["1", "2", "0", "0", "0"]
    assert table["annotations"] == ["2", "0", "0", "0", "0"]
    assert table["statuses"] == ["2", "0", "0", "0", "0"]  # tagging started them
    assert "  new coder(s): bob" in lines
    assert preview.stdout.splitlines()[1:10] == lines[1:10]

    sample_cli.ok("merge", alice)
    assert set(sample_cli.query(ANNOTATIONS)) == {
        (NPR, "alice", "sovereignty", *sample_cli.span(NPR, OPPOSE)),
        (GLOBALPOST, "bob", "universal rights", *sample_cli.span(GLOBALPOST, LAWYERS)),
        ("extra", "bob", "sovereignty", *sample_cli.span("extra", "sovereignty")),
    }
    assert sample_cli.article_text("extra") == EXTRA
    alice_status = "SELECT s.status FROM coding_status s JOIN coder c ON c.id = s.coder_id"
    assert sample_cli.query(f"{alice_status} WHERE c.name = 'alice'") == [("done",)]

    again = sample_cli.ok("merge", bob)
    assert again.stdout.splitlines()[0] == (
        f"Merged {bob} into {project}: 0 row(s) added, 0 replaced, 0 removed."
    )
    assert _digest(bob) == bob_before
    assert sorted(p.name for p in bob.parent.glob("bob.sqlite*")) == ["bob.sqlite"]


def test_a_conflict_refuses_the_merge_with_one_line_each(
    sample_cli: Cli, sample_file_template: Path
) -> None:
    other = sample_cli.root / "other.sqlite"
    copy_database(sample_file_template, other)
    sample_cli.execute(
        "UPDATE label SET definition = 'Theirs.' WHERE name = 'sovereignty'", project=other
    )
    before = sample_cli.snapshot()
    for args in (["merge", other], ["merge", other, "--dry-run"]):
        result = sample_cli(*args)
        assert result.returncode == 1, describe(result)
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        verdict = "the merge would be refused" if "--dry-run" in args else "nothing was merged"
        assert lines[0] == f"framing-app: error: {other}: 1 conflict with this project; {verdict}"
        assert lines[1].startswith("  conflict: label 'sovereignty': another definition there")
        assert len(lines) == 2
        assert ("Would merge" in result.stdout) == ("--dry-run" in args), describe(result)
    assert sample_cli.snapshot() == before


@sqlite_only
def test_newcomer_mistakes_are_one_line_naming_the_file(sample_cli: Cli, tmp_path: Path) -> None:
    project = sample_cli.project
    link = tmp_path / "shortcut.sqlite"
    link.symlink_to(project)
    recipes = tmp_path / "recipes.sqlite"
    connection = sqlite3.connect(recipes)
    connection.execute("CREATE TABLE recipe (name TEXT)")
    connection.close()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    sample_cli.ok("export", "annotations", "--out", tmp_path / "annotations.csv")
    newer = tmp_path / "newer.sqlite"
    copy_database(project, newer)
    connection = sqlite3.connect(newer)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    cases = [
        (project, "is this project itself"),
        (link, "is this project itself"),
        (tmp_path / "missing.sqlite", "no such file"),
        (recipes, "not a framing-app project (a SQLite database of another program)"),
        (notes, "not a framing-app project"),
        (tmp_path / "annotations.csv", "import-annotations merges an annotation CSV"),
        (newer, "was written by a newer version of framing-app (schema 9999"),
    ]
    before = _digest(project)
    results = sample_cli.many(*[["merge", path] for path, _ in cases])
    for (path, expected), result in zip(cases, results, strict=True):
        line = check_error(result, [f"{path}: ", expected])
        assert line.startswith(f"framing-app: error: {path}: "), line
    assert _digest(project) == before
    assert not project.with_name("p.sqlite-wal").exists()


@sqlite_only
def test_a_mistake_creates_no_project_and_a_dry_run_needs_one(
    run_cli: Cli, sample_template: Path
) -> None:
    other = run_cli.root / "other.sqlite"
    copy_database(sample_template, other)
    before = sorted(p.name for p in run_cli.root.iterdir())
    run_cli.fails("merge", run_cli.root / "missing.sqlite", expect=["no such file"])
    run_cli.fails("merge", other, "--dry-run", expect=["no project there"])
    assert sorted(p.name for p in run_cli.root.iterdir()) == before
    # A real merge creates the project it names, as import does: a lead may start with one.
    merged = run_cli.ok("merge", other)
    assert "2 added" not in merged.stdout
    assert run_cli.count("article") == 2


def test_help_explains_replace(bare_cli: Cli) -> None:
    result = bare_cli.ok("merge", "--help")
    text = " ".join(result.stdout.split())
    assert "usage: framing-app merge" in text
    assert "--replace" in text
    assert "--dry-run" in text
    assert "articles OTHER holds" in text
