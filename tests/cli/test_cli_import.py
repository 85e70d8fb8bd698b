"""``framing-app import``: folders searched recursively, duplicates, all-or-nothing failures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cli_harness import Cli, check_error, check_ok, describe

CSV_ROWS = [
    ("r1", "Row one", "First row text, with a comma.", "2012-01-02", "Xinhua"),
    ("r2", "Row two", 'Second row "quoted"\nspans two lines.', "2012-01-03", "NPR"),
    ("r3", "Row three", "Third row: 中国 and 🌏.", "2012-01-04", "AFP"),
]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _corpus(folder: Path) -> Path:
    """Six files, nested two levels deep, holding eight articles."""
    _write(folder / "2011-04-26_alpha.txt", "Alpha title\n\nAlpha body, plain text.\n")
    _write(folder / "sub" / "bee.md", "Bee title\n\nThe body of a Markdown file.\n")
    _write(
        folder / "sub" / "deeper" / "sea.html",
        "<!DOCTYPE html><html><head><title>Sea title</title>"
        "<script>var hidden = 'script text';</script><style>p {color: red}</style></head>"
        "<body><p>Paragraph one of the page.</p><p>Paragraph two of the page.</p></body></html>",
    )
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(["id", "title", "text", "date", "source"])
    writer.writerows(CSV_ROWS)
    _write(folder / "sub" / "deeper" / "table.csv", table.getvalue())
    # Same file name, different texts, different folders: two articles.
    _write(folder / "one" / "note.txt", "Note one\n\nThe first note.\n")
    _write(folder / "two" / "note.txt", "Note two\n\nThe second note.\n")
    return folder


def test_import_nested_folder_then_duplicates(run_cli: Cli) -> None:
    corpus = _corpus(run_cli.root / "corpus")
    first = run_cli.ok("import", corpus)
    assert first.stdout == "Imported 8 article(s) from 6 file(s).\n"
    assert run_cli.count("article") == 8

    rows = {
        external_id: (title, text, published, source)
        for external_id, title, text, published, source in run_cli.query(
            "SELECT external_id, title, text, published, source FROM article"
        )
    }
    assert rows["2011-04-26_alpha"][:3] == (
        "Alpha title",
        "Alpha title\n\nAlpha body, plain text.\n",
        "2011-04-26",
    )
    assert rows["bee"][:2] == ("Bee title", "Bee title\n\nThe body of a Markdown file.\n")
    sea_title, sea_text, _, _ = rows["sea"]
    assert sea_title == "Sea title"
    assert "Paragraph one of the page." in sea_text
    assert "Paragraph two of the page." in sea_text
    assert "script text" not in sea_text
    assert "color: red" not in sea_text
    for external_id, title, text, date, source in CSV_ROWS:
        assert rows[external_id] == (title, text, date, source)
    notes = {key for key in rows if key.endswith("note")}
    assert len(notes) == 2, sorted(rows)
    assert "note" in notes
    assert {rows[key][0] for key in notes} == {"Note one", "Note two"}

    again = run_cli.ok("import", corpus)
    lines = again.stdout.splitlines()
    assert lines[0] == "Imported 0 article(s) from 6 file(s); skipped 8 duplicate(s).", describe(
        again
    )
    assert len(lines) == 9
    assert all(line.startswith("  duplicate: ") for line in lines[1:])
    assert any("table.csv" in line and "'r2'" in line for line in lines[1:]), again.stdout
    assert run_cli.count("article") == 8

    _write(corpus / "sub" / "late.txt", "Late title\n\nA text that arrived later.\n")
    third = run_cli.ok("import", corpus)
    assert third.stdout.splitlines()[0] == (
        "Imported 1 article(s) from 7 file(s); skipped 8 duplicate(s)."
    )
    assert run_cli.count("article") == 9
    assert run_cli.query("SELECT title FROM article WHERE external_id = 'late'") == [
        ("Late title",)
    ]


def test_unreadable_file_stops_the_whole_import(sample_cli: Cli) -> None:
    cli = sample_cli
    bad_files = {"broken.docx": b"PK? no, this is not a zip archive at all"}
    bad_files["notext.csv"] = b"id,title\n1,Only a title\n2,Another\n"
    commands: list[list[object]] = []
    new = {name: cli.new_project(name) for name in bad_files}
    for name, content in bad_files.items():
        corpus = cli.root / f"corpus-{name}"
        _write(corpus / "a-good-one.txt", "Good title\n\nA perfectly good article.\n")
        (corpus / "sub").mkdir()
        (corpus / "sub" / name).write_bytes(content)
        _write(corpus / "sub" / "z-good-too.txt", "Good too\n\nAnother good article.\n")
        commands.append([*cli.project_args(new[name]), "import", corpus])
    # Into a project that has articles already: they stay, nothing is added.
    good = _write(cli.root / "good.txt", "Good title\n\nA good article.\n")
    bad = _write(cli.root / "bad.csv", "id;title\n1;no text column\n")
    commands.append([*cli.project_args(), "import", good, bad])
    commands.append([*cli.project_args(), "import"])
    commands.append([*cli.project_args(), "import", cli.root / "no-such-folder"])

    docx, csv_, into_sample, nothing, missing = cli.many(*commands, project=None)
    for name, result in (("broken.docx", docx), ("notext.csv", csv_)):
        message = check_error(result, [name])
        assert str(cli.root / f"corpus-{name}" / "sub" / name) in message, describe(result)
        assert cli.count("article", project=new[name]) == 0
    check_error(into_sample, ["bad.csv"])
    check_error(nothing, ["--sample"])
    check_error(missing, ["no-such-folder"])
    assert cli.count("article") == 2


def test_emoji_before_the_passage_code_point_offsets(run_cli: Cli) -> None:
    content = "😀🇨🇳 Beijing said: sovereignty matters.\n"
    passage = "Beijing said: sovereignty matters."
    _write(run_cli.root / "emoji.txt", content)
    assert run_cli.ok("import", "emoji.txt").stdout == "Imported 1 article(s) from 1 file(s).\n"
    assert run_cli.article_text("emoji") == content
    # 😀 is one code point, the flag two (regional indicators), then a space;
    # in UTF-16 the passage would start at 7.
    start, end = run_cli.span("emoji", passage)
    assert (start, end) == (4, 38)

    tagged = run_cli.annotate("alice", "emoji", "sovereignty", passage)
    assert tagged.stdout == f"Annotation 1: alice tagged 4-38 '{passage}' as sovereignty.\n"
    assert run_cli.query("SELECT start_offset, end_offset FROM annotation") == [(4, 38)]

    # Titles and passages reach the terminal whatever encoding Python would pick for it.
    exported, listed = (
        check_ok(result)
        for result in run_cli.many(
            ["export", "annotations"], ["articles", "--tsv"], env={"PYTHONIOENCODING": "ascii"}
        )
    )
    (row,) = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert (row["start"], row["end"], row["text"]) == ("4", "38", passage)
    assert row["article_title"] == content.strip()
    assert content.strip() in listed.stdout


# A GBK article without a BOM, as Chinese Windows and many Chinese sites save them.
GBK_ARTICLE = (
    "中美人权对话将在北京举行\n\n"
    "新华社北京4月26日电 外交部发言人洪磊在例行记者会上说，"  # noqa: RUF001
    "中方愿在平等和相互尊重的基础上，"  # noqa: RUF001
    "与美方就人权问题进行对话，增进了解，减少分歧。\n\n"  # noqa: RUF001
    "分析人士指出，近年来中美两国在经贸、气候变化和地区安全等领域的合作不断加深，"  # noqa: RUF001
    "但在人权、台湾和南海等问题上仍存在明显分歧。\n"
)


def test_gbk_article_is_read_as_chinese_or_refused_with_the_candidates(run_cli: Cli) -> None:
    (run_cli.root / "gbk.txt").write_bytes(GBK_ARTICLE.encode("gbk"))
    run_cli.ok("import", "gbk.txt")
    assert run_cli.article_text("gbk") == GBK_ARTICLE

    # Four characters: too few to tell GBK from Big5; nothing is imported.
    (run_cli.root / "headline.txt").write_bytes("北京时间".encode("gbk"))
    before = run_cli.query("SELECT * FROM article")
    message = run_cli.fails("import", "headline.txt")
    assert message == (
        "framing-app: error: headline.txt: cannot tell the encoding of this file; "
        "give --encoding (it could be gb18030 or cp950)"
    )
    assert run_cli.query("SELECT * FROM article") == before

    run_cli.ok("import", "--encoding", "gbk", "headline.txt")
    assert run_cli.article_text("headline") == "北京时间"
