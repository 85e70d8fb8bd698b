"""Article tables (.csv, .tsv; RFC 4180 quoting): one article per row."""

# Typographic quotes and dashes and non-Latin letters are what these tests are about.

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing_app.core.errors import InputFileError
from framing_app.core.records import ANNOTATION_COLUMNS, AnnotationRow, ArticleDraft
from framing_app.core.text import normalise_text
from framing_app.formats.annotation_csv import write_annotation_csv
from framing_app.formats.article_table import (
    EXPORT_FORMATS,
    ExportFormat,
    export_format_of,
    read_article_table,
)
from framing_app.formats.plain_text import first_line_title

_WHEN = datetime(2024, 3, 1, 14, 30, tzinfo=UTC)


def table(rows: Sequence[Sequence[str]], delimiter: str = ",", lineterminator: str = "\r\n") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_comma_csv_with_all_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "corpus.csv",
        table(
            [
                ["id", "title", "text", "date", "source", "url"],
                [
                    "g1",
                    "Cuts",
                    "The cuts, he said, are\r\n“unavoidable”.",
                    "2011-04-26",
                    "Guardian",
                    "",
                ],
                ["g2", "", 'He said "no".\n\nSecond paragraph.', "26 April 2011", "", "http://x"],
            ]
        ),
    )
    assert read_article_table(path) == [
        ArticleDraft(
            external_id="g1",
            title="Cuts",
            text="The cuts, he said, are\n“unavoidable”.",
            source="Guardian",
            published="2011-04-26",
            url=None,
            origin=f"{path}, row 2",
        ),
        ArticleDraft(
            external_id="g2",
            title='He said "no".',
            text='He said "no".\n\nSecond paragraph.',
            source=None,
            published="2011-04-26",
            url="http://x",
            origin=f"{path}, row 3",
        ),
    ]


def test_semicolon_csv_in_windows_1252_as_european_excel_writes_it(tmp_path: Path) -> None:
    text = table(
        [
            ["ID", "Titel", "Text", "Date"],
            ["de1", "Maßnahmen", "Größere Maßnahmen – „schön“; 5 € pro Kopf.", "26.04.2011"],
            ["de2", "Élève", "L’élève a reçu 3,5 € ; « bien ».", "2011"],
        ],
        delimiter=";",
    )
    articles = read_article_table(write(tmp_path / "export.csv", text, "cp1252"))
    assert [(a.external_id, a.text, a.published) for a in articles] == [
        ("de1", "Größere Maßnahmen – „schön“; 5 € pro Kopf.", "2011-04-26"),
        ("de2", "L’élève a reçu 3,5 € ; « bien ».", "2011"),
    ]
    # "Titel" is not a known column: titles come from the text.
    assert articles[0].title == "Größere Maßnahmen – „schön“; 5 € pro Kopf."


def test_utf8_bom_before_the_header(tmp_path: Path) -> None:
    text = table([["id", "text"], ["a", "Zürich"]])
    path = tmp_path / "excel-utf8.csv"
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    assert [(a.external_id, a.text) for a in read_article_table(path)] == [("a", "Zürich")]


def test_tsv(tmp_path: Path) -> None:
    text = table(
        [["id", "headline", "body"], ["t1", "Tabs", "Commas, semicolons; fine"]],
        delimiter="\t",
        lineterminator="\n",
    )
    [article] = read_article_table(write(tmp_path / "corpus.tsv", text))
    assert (article.external_id, article.title, article.text) == (
        "t1",
        "Tabs",
        "Commas, semicolons; fine",
    )


def test_tab_separated_csv_file_is_sniffed(tmp_path: Path) -> None:
    text = table([["id", "text"], ["x", "a, b; c"]], delimiter="\t")
    assert read_article_table(write(tmp_path / "tabs.csv", text))[0].text == "a, b; c"


def test_headers_match_in_any_case_and_with_spaces(tmp_path: Path) -> None:
    text = table(
        [
            [" ID ", " Headline", "BODY ", "Publication_Date", "Outlet", "Link", "Extra"],
            ["n1", "  Big   news ", "Body text", "Apr 26, 2011", " NPR ", " http://npr.org ", "x"],
        ]
    )
    [article] = read_article_table(write(tmp_path / "mixed.csv", text))
    assert article == ArticleDraft(
        external_id="n1",
        title="Big news",
        text="Body text",
        source="NPR",
        published="2011-04-26",
        url="http://npr.org",
        origin=f"{tmp_path / 'mixed.csv'}, row 2",
    )


@pytest.mark.parametrize(
    ("header", "role"),
    [("published", "2011-04-26"), ("date", "2011-04-26"), ("publication_date", "2011-04-26")],
)
def test_date_column_names(tmp_path: Path, header: str, role: str) -> None:
    text = table([["content", header], ["t", "2011-04-26T08:00:00Z"]])
    assert read_article_table(write(tmp_path / "d.csv", text))[0].published == role


def test_unrecognised_date_is_kept_and_empty_date_is_none(tmp_path: Path) -> None:
    text = table([["text", "date"], ["a", " Spring 2011 "], ["b", ""]])
    articles = read_article_table(write(tmp_path / "d.csv", text))
    assert [a.published for a in articles] == ["Spring 2011", None]


def test_without_id_column_ids_come_from_stem_and_row(tmp_path: Path) -> None:
    text = table([["text"], ["first"], [""], ["second"]])
    articles = read_article_table(write(tmp_path / "noid.csv", text))
    # The blank line is row 3: it is skipped but counted.
    assert [a.external_id for a in articles] == ["noid:2", "noid:4"]
    assert [a.title for a in articles] == ["first", "second"]


def test_empty_id_value_falls_back_to_stem_and_row(tmp_path: Path) -> None:
    text = table([["id", "text"], ["", "first"], ["k", "second"]])
    articles = read_article_table(write(tmp_path / "ids.csv", text))
    assert [a.external_id for a in articles] == ["ids:2", "k"]


def test_title_from_long_text_is_cut(tmp_path: Path) -> None:
    long_line = "x" * 300
    text = table([["text"], [f"\n{long_line}\nsecond line"]])
    assert read_article_table(write(tmp_path / "t.csv", text))[0].title == "x" * 200


def test_lf_and_lone_cr_line_ends(tmp_path: Path) -> None:
    lf = table([["id", "text"], ["a", "one\r\ntwo"]], lineterminator="\n")
    cr = table([["id", "text"], ["a", "one\rtwo"]], lineterminator="\r")
    for name, content in (("lf.csv", lf), ("cr.csv", cr)):
        assert read_article_table(write(tmp_path / name, content))[0].text == "one\ntwo"


def test_missing_text_column_names_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "notext.csv", table([["id", "Title", "Summary"], ["1", "t", "s"]]))
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert str(caught.value) == (
        f"{path}, row 1: no text column (one of: text, body, content); "
        "the columns are 'id', 'Title', 'Summary'"
    )


def test_two_text_columns_are_ambiguous(tmp_path: Path) -> None:
    path = write(tmp_path / "two.csv", table([["text", "Body"], ["a", "b"]]))
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert caught.value.row == 1
    assert caught.value.reason == "columns 'text' and 'Body' both give the text; keep one of them"


def test_empty_text_names_the_row_counting_records_not_lines(tmp_path: Path) -> None:
    text = table([["id", "text"], ["a", "line one\nline two\nline three"], ["b", "  \n "]])
    path = write(tmp_path / "empty.csv", text)
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert str(caught.value) == f"{path}, row 3: the text is empty"


def test_ragged_row(tmp_path: Path) -> None:
    path = write(tmp_path / "ragged.csv", "id,title,text\r\na,b,c\r\nd,e\r\n")
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert str(caught.value) == f"{path}, row 3: the row has 2 fields but the header has 3"


def test_malformed_quoting_names_the_row(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", 'id,text\r\na,"ok"\r\nb,"closed" then text\r\n')
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert caught.value.row == 3
    assert caught.value.reason.startswith("malformed table row: ")


def test_duplicate_id_with_different_text_names_both_rows(tmp_path: Path) -> None:
    text = table([["id", "text"], ["a", "one"], ["b", "two"], ["a", "three"]])
    path = write(tmp_path / "dup.csv", text)
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert str(caught.value) == (
        f"{path}, row 4: id 'a' is given to row 2 and row 4 with different texts"
    )


def test_exact_repeat_of_a_row_is_dropped(tmp_path: Path) -> None:
    text = table([["id", "text"], ["a", "one"], ["b", "two"], ["a", "one"]])
    articles = read_article_table(write(tmp_path / "repeat.csv", text))
    assert [(a.external_id, a.text, a.origin.rsplit(" ", 1)[1]) for a in articles] == [
        ("a", "one", "2"),
        ("b", "two", "3"),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "the file holds no text"),
        (" \r\n\t\r\n", "the file holds no text"),
        ("id,text\r\n", "the table has a header row but no articles"),
        ("id,text\r\n\r\n,\r\n", "the table has a header row but no articles"),
    ],
)
def test_tables_without_articles(tmp_path: Path, content: str, reason: str) -> None:
    path = write(tmp_path / "none.csv", content)
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert caught.value.reason == reason


def test_header_must_be_the_first_row(tmp_path: Path) -> None:
    path = write(tmp_path / "late.csv", "\r\nid,text\r\na,b\r\n")
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    assert str(caught.value) == f"{path}, row 1: the first row must name the columns"


def test_very_long_field(tmp_path: Path) -> None:
    long_text = "word " * 60_000  # 300,000 characters: beyond the csv module's default limit
    path = write(tmp_path / "long.csv", table([["text"], [long_text]]))
    assert read_article_table(path)[0].text == long_text


_CELL = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters='\n\r\t,;"'),
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(_CELL, _CELL.filter(lambda t: t.strip() != "")), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_written_tables_read_back(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]], delimiter: str
) -> None:
    """Any titles and texts written by csv.writer come back (texts normalised), in order."""
    path = tmp_path_factory.mktemp("round") / "round.csv"
    write(path, table([("title", "text"), *rows], delimiter=delimiter))
    if not rows:
        with pytest.raises(InputFileError):
            read_article_table(path)
        return
    articles = read_article_table(path)
    assert [a.text for a in articles] == [normalise_text(text) for _, text in rows]
    assert [a.external_id for a in articles] == [f"round:{n}" for n in range(2, len(rows) + 2)]
    for article, (title, text) in zip(articles, rows, strict=True):
        expected_title = " ".join(normalise_text(title).split())
        assert article.title == (expected_title or first_line_title(normalise_text(text)))


# --------------------------------------------------------------- the program's own exports


def _annotation_export(path: Path, *, excel: bool = False) -> Path:
    """An annotation CSV as ``framing-app export annotations`` writes it (one row)."""
    row = AnnotationRow(
        7, 3, "npr-1", "Talks", "ab" * 32, "alice", "sovereignty", 0, 12,
        "We oppose it", "=SUM(A1) memo", _WHEN, _WHEN,
    )  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as out:
        write_annotation_csv([row], out, excel=excel)
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(InputFileError) as caught:
        read_article_table(path)
    return str(caught.value)


def _annotation_advice(path: Path) -> str:
    return (
        f"{path}: this is an annotation export (columns annotation_id, article_id, "
        f"article_external_id, …), not an article table; "
        f"merge it with `framing-app import-annotations {path}`"
    )


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_an_annotation_export_is_refused_naming_the_command(tmp_path: Path, excel: bool) -> None:
    """Its ``text`` column once made every coded passage an article."""
    path = _annotation_export(tmp_path / "annotations.csv", excel=excel)
    assert _refusal(path) == _annotation_advice(path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_an_annotation_export_resaved_by_a_spreadsheet_is_refused(
    tmp_path: Path, encoding: str
) -> None:
    """Columns moved, names in another case with spaces, ``;``, a new column; BOM or Windows-1252.

    Windows-1252 takes the careful path (the file is not UTF-8), as does any
    encoding given explicitly.
    """
    shuffled = [*reversed(ANNOTATION_COLUMNS), "Notes"]
    header = [f" {name.upper()} " if n % 2 else name for n, name in enumerate(shuffled)]
    row = ["x"] * len(header)
    row[shuffled.index("memo")] = "café"
    path = write(tmp_path / "Annotations (edited).csv", table([header, row], ";"), encoding)
    expected = _annotation_advice(path).replace(
        f"import-annotations {path}", f"import-annotations '{path}'"
    )
    assert _refusal(path) == expected
    with pytest.raises(InputFileError) as caught:
        read_article_table(path, encoding=encoding)
    assert str(caught.value) == expected


def test_an_annotation_export_saved_as_tsv_is_refused(tmp_path: Path) -> None:
    text = table([ANNOTATION_COLUMNS, ["1"] * len(ANNOTATION_COLUMNS)], delimiter="\t")
    path = write(tmp_path / "annotations.tsv", text)
    assert _refusal(path) == _annotation_advice(path)


@pytest.mark.parametrize("known", EXPORT_FORMATS, ids=lambda known: known.name)
def test_every_known_export_format_is_recognised_by_its_header(
    tmp_path: Path, known: ExportFormat
) -> None:
    """The table of export formats is the one place a new export is registered."""
    header = list(known.columns)
    path = write(tmp_path / "export.csv", table([header, ["v"] * len(header)]))
    message = _refusal(path)
    assert message.startswith(f"{path}: this is {known.name} (columns {header[0]}, ")
    assert message.endswith(known.advice.format(path=path))
    assert export_format_of(["\ufeff" + header[-1], *header[:-1]]) is known


def test_an_article_table_sharing_some_export_columns_is_read(tmp_path: Path) -> None:
    """Only an export's whole header marks it: a table may well have ``coder`` and ``start``."""
    header = ["id", "title", "text", "coder", "label", "start", "end", "memo"]
    row = ["a1", "Talks", "An article that someone coded by hand.", "bob", "x", "0", "5", ""]
    path = write(tmp_path / "hand-coded.csv", table([header, row]))
    assert [a.text for a in read_article_table(path)] == [row[header.index("text")]]
    assert export_format_of(header) is None
