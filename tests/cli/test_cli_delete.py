"""Junk articles: an export in an import folder is refused, and ``framing-app delete-articles``."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from cli_harness import GLOBALPOST, NPR, SAMPLE_TITLES, Cli, check_error, describe


def _run(
    cli: Cli, *args: object, stdin: Any = None, answer: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``framing-app --project P ARGS`` (or ``--db``) reading *stdin*, or *answer* piped in.

    The harness leaves stdin inherited, which may be the terminal pytest runs in.
    """
    argv = [sys.executable, "-m", "framing_app", *map(str, cli.project_args())]
    return subprocess.run(
        [*argv, *map(str, args)],
        stdin=stdin,
        input=None if answer is None else answer + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli.env,
        cwd=cli.root,
        timeout=120,
    )


def _run_at_terminal(cli: Cli, *args: object, answer: str) -> subprocess.CompletedProcess[str]:
    """Run with stdin a pseudo-terminal on which *answer* is typed."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        argv = [sys.executable, "-m", "framing_app", *map(str, cli.project_args())]
        with subprocess.Popen(
            [*argv, *map(str, args)],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=cli.env,
            cwd=cli.root,
        ) as process:
            os.write(master, answer.encode() + b"\n")
            stdout, stderr = process.communicate(timeout=120)
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    finally:
        os.close(slave)
        os.close(master)


def _annotations_on(cli: Cli, external_id: str) -> int:
    return int(
        cli.query(
            "SELECT count(*) FROM annotation JOIN article ON article.id = annotation.article_id "
            "WHERE article.external_id = ?",
            external_id,
        )[0][0]
    )


# ------------------------------------------------------------------ keeping junk out


def test_an_annotation_export_in_an_import_folder_stops_the_import(coded_cli: Cli) -> None:
    """The 607 junk articles: an export lying among the articles to import."""
    cli = coded_cli
    folder = cli.root / "new articles"
    folder.mkdir()
    (folder / "a.txt").write_text("A new article\n\nAbout sovereignty.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Another one\n\nAbout rights.\n", encoding="utf-8")
    junk = folder / "annotations.csv"
    cli.ok("export", "annotations", "--out", junk)
    before = cli.snapshot()

    error = cli.fails("import", folder)

    assert error == (
        f"framing-app: error: {junk}: this is an annotation export (columns annotation_id, "
        "article_id, article_external_id, …), not an article table; "
        f"merge it with `framing-app import-annotations '{junk}'`"
    )
    assert cli.snapshot() == before
    # The command it names is the right one: the export merges (all already there).
    merged = cli.ok("import-annotations", junk)
    assert merged.stdout.startswith("Imported 0 annotation(s)")
    junk.unlink()
    assert cli.ok("import", folder).stdout == "Imported 2 article(s) from 2 file(s).\n"


# ------------------------------------------------------------------ taking articles out


def test_delete_with_yes_reports_what_went(coded_cli: Cli) -> None:
    cli = coded_cli
    result = cli.ok("delete-articles", NPR, "--yes")
    assert result.stdout == (
        "Deleted 1 article(s) with 2 annotation(s): alice 1, bob 1.\n"
        f"  deleted: {NPR} ({SAMPLE_TITLES[NPR]})\n"
    )
    assert [row[0] for row in cli.query("SELECT external_id FROM article")] == [GLOBALPOST]
    assert _annotations_on(cli, GLOBALPOST) == 2
    assert cli.count("annotation") == 2
    (gp_id,) = cli.query("SELECT id FROM article WHERE external_id = ?", GLOBALPOST)[0]
    assert {row[0] for row in cli.query("SELECT article_id FROM coding_status")} == {gp_id}
    assert cli.foreign_key_problems() == []
    # By internal id too; the coders stay.
    gone = cli.ok("delete-articles", gp_id, "--yes")
    assert gone.stdout.startswith("Deleted 1 article(s) with 2 annotation(s): alice 1, bob 1.\n")
    assert (cli.count("article"), cli.count("annotation"), cli.count("coding_status")) == (0, 0, 0)
    assert cli.count("coder") == 2


def test_without_yes_and_no_terminal_nothing_is_deleted(coded_cli: Cli) -> None:
    cli = coded_cli
    before = cli.snapshot()
    result = _run(cli, "delete-articles", NPR, GLOBALPOST, stdin=subprocess.DEVNULL)
    check_error(
        result,
        [
            "framing-app: error: deleting 2 article(s) with 4 annotation(s) (alice 2, bob 2) "
            "needs confirmation; add --yes to delete without asking"
        ],
    )
    # An answer piped in is not a confirmation: only a terminal is asked.
    check_error(_run(cli, "delete-articles", NPR, answer="y"), ["add --yes"])
    assert cli.snapshot() == before


def test_an_unknown_id_deletes_nothing(coded_cli: Cli) -> None:
    cli = coded_cli
    before = cli.snapshot()
    cli.fails(
        "delete-articles", NPR, "no-such-article", "--yes",
        expect=["framing-app: error: no article with id 'no-such-article'; nothing was deleted"],
    )  # fmt: skip
    assert cli.snapshot() == before


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_at_a_terminal_the_user_is_asked(coded_cli: Cli) -> None:
    cli = coded_cli
    before = cli.snapshot()
    declined = _run_at_terminal(cli, "delete-articles", NPR, answer="n")
    assert declined.returncode == 1, describe(declined)
    assert declined.stdout.endswith(
        "Delete 1 article(s) with 2 annotation(s): alice 1, bob 1? [y/N] "
    ), describe(declined)
    assert f"{NPR}  {SAMPLE_TITLES[NPR]}" in declined.stdout
    assert declined.stderr == "framing-app: error: deletion cancelled; nothing was changed\n"
    assert cli.snapshot() == before

    accepted = _run_at_terminal(cli, "delete-articles", NPR, answer="y")
    assert accepted.returncode == 0, describe(accepted)
    assert "? [y/N] Deleted 1 article(s) with 2 annotation(s): alice 1, bob 1.\n" in (
        accepted.stdout
    )
    assert [row[0] for row in cli.query("SELECT external_id FROM article")] == [GLOBALPOST]


def test_the_answers_that_go_are_counted(coded_cli: Cli) -> None:
    """Deleting an article deletes its answers too; the report says how many."""
    cli = coded_cli
    cli.ok("question", "add", "tone", "--level", "ordinal", "--options", "neg,neu,pos")
    cli.ok("answer", "--coder", "alice", "--article", NPR, "--question", "tone", "neg")
    cli.ok("answer", "--coder", "bob", "--article", NPR, "--question", "tone", "pos")
    result = cli.ok("delete-articles", NPR, "--yes")
    assert result.stdout.startswith(
        "Deleted 1 article(s) with 2 annotation(s): alice 1, bob 1 and 2 answer(s).\n"
    )
    assert cli.count("answer") == 0
