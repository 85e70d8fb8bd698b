"""``framing-app status``: a coder's not-started / in-progress / done per article."""

from __future__ import annotations

import re

from cli_harness import GLOBALPOST, NPR, SAMPLE_TITLES, Cli, check_error, describe


def _shown(cli: Cli, *args: object) -> list[tuple[str, str]]:
    """(external id, status) per article from the status table."""
    lines = cli.ok("status", *args).stdout.splitlines()
    assert lines[0].split() == ["id", "external", "id", "title", "status"]
    shown = []
    for line in lines[1:]:
        cells = line.split()
        assert SAMPLE_TITLES[cells[1]] in line
        shown.append((cells[1], cells[-1]))
    return shown


def _stored(cli: Cli) -> list[tuple[str, str, str]]:
    return cli.query(
        "SELECT c.name, a.external_id, s.status FROM coding_status s "
        "JOIN coder c ON c.id = s.coder_id JOIN article a ON a.id = s.article_id "
        "ORDER BY c.name, a.id"
    )


def test_show_and_set_status(sample_cli: Cli) -> None:
    cli = sample_cli
    # Showing never creates a coder; a coder is known once they tag or set a status.
    check_error(cli("status", "--coder", "alice", "--all"), ["no coder named 'alice'"])
    cli.ok("status", "--coder", "alice", "--all", "--set", "not-started")
    assert cli.count("coding_status") == 0
    assert _shown(cli, "--coder", "ALICE", "--all") == [
        (NPR, "not-started"),
        (GLOBALPOST, "not-started"),
    ]
    done = cli.ok("status", "--coder", "alice", "--all", "--set", "done")
    assert done.stdout == "Set 2 article(s) to done for alice.\n"
    assert _stored(cli) == [("alice", NPR, "done"), ("alice", GLOBALPOST, "done")]
    assert _shown(cli, "--coder", "alice", "--all") == [(NPR, "done"), (GLOBALPOST, "done")]

    started = cli.ok("status", "--coder", "alice", "--article", NPR, "--set", "in-progress")
    assert started.stdout == "Set 1 article(s) to in-progress for alice.\n"
    assert _shown(cli, "--coder", "alice", "--article", GLOBALPOST, NPR) == [
        (GLOBALPOST, "done"),
        (NPR, "in-progress"),
    ]

    (gp_id,) = cli.query("SELECT id FROM article WHERE external_id = ?", GLOBALPOST)[0]
    reset = cli.ok("status", "--coder", "alice", "--article", gp_id, "--set", "not-started")
    assert reset.stdout == "Set 1 article(s) to not-started for alice.\n"
    assert _stored(cli) == [("alice", NPR, "in-progress")]

    # Tagging an article that is done leaves it done.
    cli.ok("status", "--coder", "alice", "--all", "--set", "done")
    text = cli.article_text(NPR)
    cli.ok("annotate", "--coder", "alice", "--article", NPR, "--label", "sovereignty",
           "--start", 0, "--end", text.index("\n"))  # fmt: skip
    assert _stored(cli) == [("alice", NPR, "done"), ("alice", GLOBALPOST, "done")]


def test_unknown_status_is_refused_clearly(sample_cli: Cli) -> None:
    result = sample_cli("status", "--coder", "alice", "--all", "--set", "finished")
    assert result.returncode in (1, 2), describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    last = result.stderr.splitlines()[-1]
    # framing-app's own error line (exit 1) or argparse's (exit 2, after the usage).
    assert re.match(r"framing-app( status)?: error: ", last), describe(result)
    assert "finished" in last, describe(result)
    assert "done" in last, describe(result)
    assert result.stdout == ""
    assert sample_cli.count("coding_status") == 0


def test_unknown_article_sets_nothing(sample_cli: Cli) -> None:
    check_error(
        sample_cli("status", "--coder", "alice", "--article", NPR, "nope", "--set", "done"),
        ["'nope'"],
    )
    assert sample_cli.count("coding_status") == 0
    assert sample_cli.count("coder") == 0
    sample_cli.ok("status", "--coder", "alice", "--article", NPR, "--set", "not-started")
    check_error(sample_cli("status", "--coder", "alice", "--article", "nope"), ["'nope'"])
    assert sample_cli.count("coding_status") == 0
