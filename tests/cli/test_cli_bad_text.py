"""Bytes that are not UTF-8 on the command line or in file names: one line, nothing stored."""

from __future__ import annotations

import pytest
from cli_harness import NPR, Cli


def _rows(cli: Cli) -> list[tuple[object, ...]]:
    return [
        row
        for table in ("article", "annotation", "coder", "label", "coding_status")
        for row in cli.query(f"SELECT * FROM {table}")
    ]


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        ("--memo", "bad \udcff memo", "argument --memo is not valid UTF-8 text (byte 0xff"),
        ("--coder", "caf\udce9", "argument --coder is not valid UTF-8 text (byte 0xe9"),
        ("--label", "sov\udce9", "argument --label is not valid UTF-8 text (byte 0xe9"),
    ],
    ids=["memo", "coder", "label"],
)
def test_non_utf8_argument_is_one_line_and_stores_nothing(
    sample_cli: Cli, option: str, value: str, shown: str
) -> None:
    before = _rows(sample_cli)
    args = {"--coder": "alice", "--label": "sovereignty", "--memo": ""} | {option: value}
    # The harness passes str arguments through os.fsencode: "\udcff" is the byte 0xff.
    sample_cli.fails(
        "annotate",
        "--article",
        NPR,
        "--start",
        "0",
        "--end",
        "5",
        *[item for pair in args.items() for item in pair],
        expect=[shown, "check the terminal's encoding"],
    )
    assert _rows(sample_cli) == before


def test_file_name_that_is_not_utf8_is_refused_by_name(run_cli: Cli) -> None:
    folder = run_cli.root / "news"
    folder.mkdir()
    (folder / "good.txt").write_text("A good article.\n", encoding="utf-8")
    (folder / "caf\udce9.txt").write_text("An article from an old archive.\n", encoding="utf-8")
    run_cli.fails(
        "import",
        folder,
        expect=[
            "caf\\udce9.txt: the file name is not valid UTF-8 (byte 0xe9 at character 3); "
            "rename the file"
        ],
    )
    assert run_cli.count("article") == 0
