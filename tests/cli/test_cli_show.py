"""``framing-app show``: an article's stored text exactly, and its annotations as a table."""

from __future__ import annotations

from cli_harness import CODED, MEMO, NPR, OPPOSE, Cli, check_usage_error

# Non-BMP characters (one code point each, two UTF-16 units, four UTF-8 bytes)
# before the passage, a combining sequence, and no final line break.
EMOJI_TEXT = (
    "Flags 🇨🇳 and 🇺🇸 traded words 😀𠀀.\n\n"
    "Café society (e\u0301 decomposed) met; the passage is here.\n"
    "人权 ends it"
)


def test_show_prints_the_stored_text_byte_for_byte(run_cli: Cli) -> None:
    source = run_cli.root / "emoji-story.txt"
    source.write_bytes(EMOJI_TEXT.encode("utf-8"))
    run_cli.ok("import", source)
    stored = run_cli.article_text("emoji-story")

    shown = run_cli.ok("show", "emoji-story", binary=True).stdout
    assert shown == stored.encode("utf-8")
    assert not shown.endswith(b"\n"), "nothing is added after the text"
    assert b"\r" not in shown

    # Offsets printed by annotate slice the output (decoded as UTF-8) to the passage.
    passage = "the passage is here"
    tagged = run_cli.ok(
        "annotate", "--coder", "ann", "--article", "emoji-story", "--label", "sovereignty",
        "--find", passage,
    ).stdout  # fmt: skip
    span = tagged.split(" tagged ")[1].split(" ")[0]
    start, end = (int(n) for n in span.split("-"))
    assert shown.decode("utf-8")[start:end] == passage
    # The same through a file, as a script would do it.
    out = run_cli.root / "article.txt"
    out.write_bytes(shown)
    assert out.read_text(encoding="utf-8")[start:end] == passage


def test_show_annotations_table_and_tsv(coded_cli: Cli) -> None:
    cli = coded_cli
    table, tsv, alice = (
        cli.ok(*args).stdout
        for args in (
            ["show", NPR, "--annotations"],
            ["show", NPR, "--annotations", "--tsv"],
            ["show", NPR, "--annotations", "--tsv", "--coder", "ALICE"],
        )
    )
    stored = cli.query(
        "SELECT n.id, c.name, l.name, n.start_offset, n.end_offset, n.memo FROM annotation n "
        "JOIN coder c ON c.id = n.coder_id JOIN label l ON l.id = n.label_id "
        "JOIN article a ON a.id = n.article_id WHERE a.external_id = ? "
        "ORDER BY n.start_offset, n.end_offset, n.id",
        NPR,
    )
    assert len(stored) == len([row for row in CODED if row[1] == NPR]) == 2

    lines = tsv.splitlines()
    assert lines[0].split("\t") == ["id", "coder", "label", "start", "end", "text", "memo"]
    text = cli.article_text(NPR)
    for line, (ident, coder, label, start, end, memo) in zip(lines[1:], stored, strict=True):
        assert text[start:end] == OPPOSE
        assert line.split("\t") == [
            str(ident), coder, label, str(start), str(end), OPPOSE, memo.replace("\n", " ")
        ]  # fmt: skip
    assert len(lines) == 3

    assert [line.split("\t")[1] for line in alice.splitlines()[1:]] == ["alice"]
    assert MEMO.replace("\n", " ") in alice

    rows = table.splitlines()
    assert rows[0].split() == ["id", "coder", "label", "start", "end", "text", "memo"]
    assert [row.split()[1] for row in rows[1:]] == [coder for _, coder, *_ in stored]
    assert all("We oppose any country" in row for row in rows[1:])


def test_show_errors(coded_cli: Cli) -> None:
    missing, stranger, near = coded_cli.many(
        ["show", "nope"],
        ["show", NPR, "--annotations", "--coder", "zed"],
        ["show", NPR, "--annotations", "--coder", "alicee"],
    )
    assert missing.returncode == stranger.returncode == near.returncode == 1
    assert missing.stderr == "framing-app: error: no article with id 'nope'\n"
    assert stranger.stderr == "framing-app: error: no coder named 'zed'\n"
    assert near.stderr == "framing-app: error: no coder named 'alicee'; did you mean 'alice'?\n"
    for result in (missing, stranger, near):
        assert result.stdout == ""
    check_usage_error(coded_cli("show", NPR, "--coder", "alice"), ["--coder", "--annotations"])
