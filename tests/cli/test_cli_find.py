"""``framing-app annotate --find TEXT [--occurrence N]``: tagging a passage by its text."""

from __future__ import annotations

from cli_harness import NPR, OPPOSE, Cli, check_usage_error

TAG = ["annotate", "--coder", "alice", "--article", NPR, "--label", "sovereignty"]


def _spans(cli: Cli) -> list[tuple[int, int]]:
    return [(s, e) for s, e in cli.query("SELECT start_offset, end_offset FROM annotation")]


def test_find_tags_the_only_occurrence(sample_cli: Cli) -> None:
    tagged = sample_cli.ok(*TAG, "--find", OPPOSE, "--memo", "by text")
    start, end = sample_cli.span(NPR, OPPOSE)
    assert tagged.stdout.startswith(f"Annotation 1: alice tagged {start}-{end} 'We oppose")
    assert _spans(sample_cli) == [(start, end)]
    assert sample_cli.query("SELECT memo FROM annotation") == [("by text",)]


def test_find_with_occurrence_picks_the_nth_match(sample_cli: Cli) -> None:
    text = sample_cli.article_text(NPR)
    needle = "human rights"
    starts = [i for i in range(len(text)) if text.startswith(needle, i)]
    assert len(starts) >= 3
    sample_cli.ok(*TAG, "--find", needle, "--occurrence", 3)
    assert _spans(sample_cli) == [(starts[2], starts[2] + len(needle))]


def test_find_errors_change_nothing(sample_cli: Cli) -> None:
    cli = sample_cli
    count = cli.article_text(NPR).count("human rights")
    ambiguous, missing, too_far = cli.many(
        [*TAG, "--find", "human rights"],
        [*TAG, "--find", "no such words"],
        [*TAG, "--find", OPPOSE, "--occurrence", 2],
    )
    assert ambiguous.stderr == (
        f"framing-app: error: argument --find: 'human rights' occurs {count} times in article "
        f"'{NPR}'; give --occurrence N (1 to {count})\n"
    )
    assert missing.stderr == (
        f"framing-app: error: argument --find: 'no such words' is not in the text of article "
        f"'{NPR}'\n"
    )
    assert "occurs only once" in too_far.stderr
    assert "no occurrence 2" in too_far.stderr
    for result in (ambiguous, missing, too_far):
        assert result.returncode == 1
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
    for args, expect in [
        ([*TAG, "--find", OPPOSE, "--start", 0], ["--find", "--start"]),
        ([*TAG, "--start", 0], ["--start", "--end", "--find"]),
        ([*TAG, "--start", 0, "--end", 5, "--occurrence", 2], ["--occurrence", "--find"]),
        ([*TAG, "--find", OPPOSE, "--occurrence", 0], ["--occurrence", "first occurrence is 1"]),
    ]:
        check_usage_error(cli(*args), expect)
    assert cli.count("annotation") == 0
    assert cli.count("coder") == 0
