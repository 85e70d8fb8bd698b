"""``framing-app annotate`` and ``export annotations``: offsets, the CSV, its Excel flavour."""

from __future__ import annotations

import csv
import hashlib
import io
import re

from cli_harness import (
    ANNOTATION_HEADER,
    CODED,
    GLOBALPOST,
    LAWYERS,
    NPR,
    OPPOSE,
    SAMPLE_TITLES,
    STRESSED,
    Cli,
    check_error,
    check_ok,
)
from cli_projects import Place

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def _rows(text: str) -> list[dict[str, str]]:
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records, "no header"
    header = ANNOTATION_HEADER
    if records[0][-1:] == ["excel_escaped"]:  # the Excel flavour marks itself
        header = [*ANNOTATION_HEADER, "excel_escaped"]
        assert all(record[-1] == "yes" for record in records[1:])
    assert records[0] == header
    return [dict(zip(header, record, strict=True)) for record in records[1:]]


def test_annotate_exact_offsets_and_export(sample_cli: Cli) -> None:
    cli = sample_cli
    start, end = cli.span(NPR, OPPOSE)
    tagged = cli.ok(
        "annotate", "--coder", "alice", "--article", NPR, "--label", "sovereignty",
        "--start", start, "--end", end,
    )  # fmt: skip
    ((annotation_id, article_id),) = cli.query("SELECT id, article_id FROM annotation")
    assert tagged.stdout.startswith(
        f"Annotation {annotation_id}: alice tagged {start}-{end} 'We oppose any country"
    )
    assert tagged.stdout.endswith("' as sovereignty.\n")
    assert cli.query(
        "SELECT a.external_id, c.name, l.name, n.start_offset, n.end_offset, n.memo "
        "FROM annotation n JOIN article a ON a.id = n.article_id "
        "JOIN coder c ON c.id = n.coder_id JOIN label l ON l.id = n.label_id"
    ) == [(NPR, "alice", "sovereignty", start, end, "")]
    # Tagging starts the article for the coder.
    assert cli.query(
        "SELECT s.article_id, s.status FROM coding_status s JOIN coder c ON c.id = s.coder_id "
        "WHERE c.name = 'alice'"
    ) == [(article_id, "in-progress")]

    stdout, to_file = (
        check_ok(result)
        for result in cli.many(
            ["export", "annotations"], ["export", "annotations", "--out", "out.csv"], binary=True
        )
    )
    raw = stdout.stdout
    (row,) = _rows(raw.decode("utf-8"))
    text = cli.article_text(NPR)
    assert row == {
        "annotation_id": str(annotation_id),
        "article_id": str(article_id),
        "article_external_id": NPR,
        "article_title": SAMPLE_TITLES[NPR],
        "article_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "coder": "alice",
        "label": "sovereignty",
        "start": str(start),
        "end": str(end),
        "text": OPPOSE,
        "memo": "",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    assert text[int(row["start"]) : int(row["end"])] == row["text"]
    assert ISO_UTC.fullmatch(row["created_at"]), row["created_at"]
    assert ISO_UTC.fullmatch(row["updated_at"]), row["updated_at"]

    # Byte level: RFC 4180 CRLF record ends, on stdout and in --out alike.
    assert raw.startswith(b"annotation_id,article_id,")
    assert raw.count(b"\r\n") == 2
    assert b"\r\r\n" not in raw
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert to_file.stdout == b"Wrote 1 annotation(s) to out.csv.\n"
    assert (cli.root / "out.csv").read_bytes() == raw
    assert sorted(p.name for p in cli.root.iterdir() if "out.csv" in p.name) == ["out.csv"]


def test_two_coders_filters_and_counts(coded_cli: Cli) -> None:
    cli = coded_cli
    # The coded project was made with `annotate`, the third one naming the article
    # by its internal id.
    assert cli.query(
        "SELECT c.name, a.external_id, l.name, n.memo FROM annotation n "
        "JOIN article a ON a.id = n.article_id JOIN coder c ON c.id = n.coder_id "
        "JOIN label l ON l.id = n.label_id ORDER BY n.id"
    ) == [(coder, article, label, memo) for coder, article, label, _, memo in CODED]

    bob, both, coders_tsv, coders, articles, labels = (
        check_ok(result).stdout
        for result in cli.many(
            ["export", "annotations", "--coder", "bob"],
            ["export", "annotations", "--coder", "alice", "--coder", "bob"],
            ["coders", "--tsv"],
            ["coders"],
            ["articles", "--tsv"],
            ["labels", "--tsv"],
        )
    )
    assert [(r["coder"], r["article_external_id"], r["text"]) for r in _rows(bob)] == [
        ("bob", NPR, OPPOSE),
        ("bob", GLOBALPOST, LAWYERS),
    ]
    assert [(r["coder"], r["text"]) for r in _rows(both)] == [
        ("alice", OPPOSE),
        ("bob", OPPOSE),
        ("bob", LAWYERS),
        ("alice", STRESSED),
    ]
    ids = [int(r["annotation_id"]) for r in _rows(both)]
    assert ids == sorted(ids)

    assert coders_tsv == "coder\tannotations\nalice\t2\nbob\t2\n"
    assert [line.split() for line in coders.splitlines()] == [
        ["coder", "annotations"],
        ["alice", "2"],
        ["bob", "2"],
    ]
    assert [(c[1], c[4]) for c in (line.split("\t") for line in articles.splitlines()[1:])] == [
        (NPR, "alice: 1, bob: 1"),
        (GLOBALPOST, "alice: 1, bob: 1"),
    ]
    assert {c[0]: c[3] for c in (line.split("\t") for line in labels.splitlines()[1:])} == {
        "sovereignty": "2",
        "double standards": "0",
        "universal rights": "2",
    }


def test_export_for_a_coder_who_does_not_exist(coded_cli: Cli) -> None:
    for result in coded_cli.many(
        ["export", "annotations", "--coder", "nobody"],
        ["export", "annotations", "--coder", "alice", "--coder", "nobody", "--out", "x.csv"],
    ):
        check_error(result, ["'nobody'"])
    assert [p.name for p in coded_cli.root.iterdir() if "x.csv" in p.name] == []


def test_excel_flavour_bom_and_inert_formulas(sample_cli: Cli, sample_template: Place) -> None:
    cli = sample_cli
    cli.annotate("alice", NPR, "double standards", "-Wei", memo='=HYPERLINK("http://x.example")')
    cli.annotate("bob", GLOBALPOST, "universal rights", LAWYERS, memo="@bob +1")

    to_file, excel_stdout, plain_stdout = (
        check_ok(result).stdout
        for result in cli.many(
            ["export", "annotations", "--excel", "--out", "excel.csv"],
            ["export", "annotations", "--excel"],
            ["export", "annotations"],
            binary=True,
        )
    )
    assert to_file == b"Wrote 2 annotation(s) to excel.csv.\n"
    data = (cli.root / "excel.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfannotation_id,")
    assert excel_stdout == data
    excel = _rows(data.decode("utf-8")[1:])
    assert [(r["text"], r["memo"]) for r in excel] == [
        ("'-Wei", '\'=HYPERLINK("http://x.example")'),
        (LAWYERS, "'@bob +1"),
    ]
    plain = plain_stdout
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert [(r["text"], r["memo"]) for r in _rows(plain.decode("utf-8"))] == [
        ("-Wei", '=HYPERLINK("http://x.example")'),
        (LAWYERS, "@bob +1"),
    ]

    # framing-app reads the Excel flavour back exactly.
    other = cli.copy_of(sample_template, "other")
    merged = cli.ok("import-annotations", "excel.csv", project=other)
    assert merged.stdout.startswith("Imported 2 annotation(s) from excel.csv.\n")
    assert cli.ok("export", "annotations", binary=True, project=other).stdout == plain


def test_annotate_errors_change_nothing(sample_cli: Cli) -> None:
    n = len(sample_cli.article_text(NPR))
    base: list[object] = ["annotate", "--coder", "alice", "--article", NPR]
    base += ["--label", "sovereignty"]
    # Later options win in argparse: each case overrides some of the base ones.
    cases: list[tuple[list[object], list[str]]] = [
        (["--start", 10, "--end", 10], ["10"]),  # empty span
        (["--start", 20, "--end", 10], ["20", "10"]),  # start after end
        (["--start", 0, "--end", n + 1], [str(n + 1), str(n)]),  # past the end of the text
        (["--start", 0, "--end", 5, "--label", "whataboutism"], ["'whataboutism'"]),
        (["--start", 0, "--end", 5, "--article", "no-such-article"], ["'no-such-article'"]),
    ]
    results = sample_cli.many(*[[*base, *extra] for extra, _ in cases])
    for (_, expect), result in zip(cases, results, strict=True):
        check_error(result, expect)
    for table in ("annotation", "coder", "coding_status"):
        assert sample_cli.count(table) == 0, table


def test_same_annotation_twice_is_refused(sample_cli: Cli) -> None:
    sample_cli.annotate("alice", NPR, "sovereignty", OPPOSE, memo="first")
    start, end = sample_cli.span(NPR, OPPOSE)
    sample_cli.fails(
        "annotate", "--coder", "alice", "--article", NPR, "--label", "sovereignty",
        "--start", start, "--end", end, "--memo", "second",
        expect=[f"{start}-{end}"],
    )  # fmt: skip
    assert sample_cli.query("SELECT memo FROM annotation") == [("first",)]
