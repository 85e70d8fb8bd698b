"""The annotation CSV (RFC 4180, ISO 8601 times, OWASP CSV-injection neutralisation)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing_app.core.errors import InputFileError
from framing_app.core.names import clean_name
from framing_app.core.records import ANNOTATION_COLUMNS, AnnotationRow
from framing_app.formats.annotation_csv import (
    EXCEL_BOM,
    EXCEL_MARKER_COLUMN,
    FlavourUnclearError,
    read_annotation_csv,
    write_annotation_csv,
)

T0 = datetime(2024, 3, 1, 14, 30, 5, 123456, tzinfo=UTC)
T1 = datetime(2024, 3, 2, 9, 0, 0, tzinfo=UTC)


def make_row(**changes: Any) -> AnnotationRow:
    row = AnnotationRow(
        annotation_id=7,
        article_id=3,
        article_external_id="guardian-2012-001",
        article_title="Austerity, again",
        article_sha256="a" * 64,
        coder="maria",
        label="economic",
        start=10,
        end=42,
        text="the cuts will hurt",
        memo="",
        created_at=T0,
        updated_at=T1,
    )
    return row._replace(**changes)


TRICKY_ROWS = [
    make_row(),
    make_row(
        annotation_id=8,
        text='He said "no",\r\nthen left.\nAnd a lone\rCR.',
        memo='memo with "quotes", commas\nand a second line',
        article_title="Émeutes à Paris 😀",
    ),
    make_row(
        annotation_id=9,
        label='=HYPERLINK("http://x")',
        memo="+1 -1 @sum",
        text="'quoted start",
        coder='coder "quoted", with comma',  # names are trimmed (core.names)
    ),
    make_row(annotation_id=10, text=" ", memo="\t tabbed", article_external_id=""),
]


def write_to(path: Path, rows: Sequence[AnnotationRow], *, excel: bool = False) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        return write_annotation_csv(rows, out, excel=excel)


def written(rows: Sequence[AnnotationRow], *, excel: bool = False) -> str:
    out = io.StringIO(newline="")
    write_annotation_csv(rows, out, excel=excel)
    return out.getvalue()


def row_cells(row: AnnotationRow) -> dict[str, str]:
    """A row as the strings a hand-made file would hold."""
    return {
        "annotation_id": str(row.annotation_id),
        "article_id": str(row.article_id),
        "article_external_id": row.article_external_id,
        "article_title": row.article_title,
        "article_sha256": row.article_sha256,
        "coder": row.coder,
        "label": row.label,
        "start": str(row.start),
        "end": str(row.end),
        "text": row.text,
        "memo": row.memo,
        "created_at": "2024-03-01T14:30:05Z",
        "updated_at": "2024-03-02T09:00:00Z",
    }


def hand_made(
    path: Path,
    records: Sequence[Sequence[str]],
    header: Sequence[str] = ANNOTATION_COLUMNS,
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(records)
    return path


def one_row_file(path: Path, **cells: str) -> Path:
    values = row_cells(make_row()) | cells
    return hand_made(path, [[values[name] for name in ANNOTATION_COLUMNS]])


# --------------------------------------------------------------------------- writer


def test_header_is_the_columns_in_order_with_crlf() -> None:
    text = written([])
    assert text == ",".join(ANNOTATION_COLUMNS) + "\r\n"


def test_returns_the_number_of_rows_and_accepts_a_generator(tmp_path: Path) -> None:
    def rows() -> Iterator[AnnotationRow]:
        for i in range(5):
            yield make_row(annotation_id=i)

    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        assert write_annotation_csv(rows(), out) == 5
    assert [r.annotation_id for r in read_annotation_csv(path)] == [0, 1, 2, 3, 4]


def test_times_have_one_fixed_iso_8601_utc_form() -> None:
    row = make_row(
        created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(999, 1, 2, 3, 4, 5, 60, tzinfo=UTC),
    )
    record = list(csv.reader(io.StringIO(written([row]), newline="")))[1]
    assert record[-2:] == ["2024-01-02T03:04:05.000000Z", "0999-01-02T03:04:05.000060Z"]


def test_aware_non_utc_times_are_written_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    row = make_row(created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=plus_two))
    record = list(csv.reader(io.StringIO(written([row]), newline="")))[1]
    assert record[-2] == "2024-01-02T01:04:05.000000Z"


def test_naive_times_are_refused_by_the_writer() -> None:
    with pytest.raises(ValueError, match="naive"):
        written([make_row(updated_at=datetime(2024, 1, 2))])


def test_multi_line_passage_stays_one_quoted_record() -> None:
    row = make_row(text='line one\r\nline "two", end')
    text = written([row])
    assert '"line one\r\nline ""two"", end"' in text
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 2


def test_plain_flavour_has_no_bom_and_leaves_cells_alone() -> None:
    text = written([make_row(memo="=1+1", label="-x")])
    assert not text.startswith(EXCEL_BOM)
    assert ",-x," in text
    assert text.endswith(",=1+1,2024-03-01T14:30:05.123456Z,2024-03-02T09:00:00.000000Z\r\n")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("''-x", "'''-x"),
        ("'tis", "'tis"),
        ("'", "'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_excel_flavour_neutralises_formula_starts(value: str, cell: str) -> None:
    row = make_row(memo=value)
    text = written([row], excel=True)
    assert text.startswith(EXCEL_BOM)
    record = list(csv.reader(io.StringIO(text[1:], newline="")))[1]
    assert record[ANNOTATION_COLUMNS.index("memo")] == cell


def test_excel_flavour_neutralises_every_text_column_but_not_numbers(tmp_path: Path) -> None:
    row = make_row(
        annotation_id=-5,
        article_external_id="=a",
        article_title="\tb",  # (a name cannot hold a tab: core.names)
        article_sha256="-c",
        coder="@d",
        label="+e",
        text="\rf",
        memo="=g",
    )
    path = tmp_path / "x.csv"
    write_to(path, [row], excel=True)
    with path.open(encoding="utf-8-sig", newline="") as f:
        record = list(csv.reader(f))[1]
    assert record == [
        "-5",
        "3",
        "'=a",
        "'\tb",
        "'-c",
        "'@d",
        "'+e",
        "10",
        "42",
        "'\rf",
        "'=g",
        "2024-03-01T14:30:05.123456Z",
        "2024-03-02T09:00:00.000000Z",
        "yes",  # the excel_escaped marker column
    ]
    assert read_annotation_csv(path) == [row]


# --------------------------------------------------------------------------- round trips

TRICKY_CHARS = st.sampled_from(
    ['"', ",", "\n", "\r", "\r\n", "'", "=", "+", "-", "@", "\t", " ", "😀", "\ufeff", "\x00"]
)
# Any code point UTF-8 can encode (no surrogates). Built from integers rather than
# st.characters() so that the first run does not spend seconds building
# hypothesis's Unicode category table (which trips the too_slow health check).
any_char = (
    st.integers(min_value=0, max_value=0x10FFFF)
    .filter(lambda c: not 0xD800 <= c <= 0xDFFF)
    .map(chr)
)
texts = st.lists(st.one_of(TRICKY_CHARS, any_char), max_size=12).map("".join)
non_empty_texts = texts.filter(lambda s: s != "")
utc_times = st.datetimes(timezones=st.just(UTC))
# Coder and label names as the naming rule (core.names) leaves them: one line,
# no invisible characters, single spaces between words, NFC.
name_chars = st.one_of(
    st.sampled_from(['"', ",", "'", "=", "+", "-", "@", "😀", "é", "ß"]),
    any_char.filter(lambda c: unicodedata.category(c)[0] not in "CZ" and not c.isspace()),
)
names = (
    st.lists(st.lists(name_chars, min_size=1, max_size=6).map("".join), min_size=1, max_size=3)
    .map(lambda words: unicodedata.normalize("NFC", " ".join(words)))
    .filter(lambda name: clean_name(name, "x") == name)
)


@st.composite
def annotation_rows(draw: st.DrawFn) -> AnnotationRow:
    start = draw(st.integers(min_value=0, max_value=10**9))
    return AnnotationRow(
        annotation_id=draw(st.integers()),
        article_id=draw(st.integers()),
        article_external_id=draw(texts),
        article_title=draw(texts),
        article_sha256=draw(texts),
        coder=draw(names),
        label=draw(names),
        start=start,
        end=start + draw(st.integers(min_value=1, max_value=10**6)),
        text=draw(non_empty_texts),
        memo=draw(texts),
        created_at=draw(utc_times),
        updated_at=draw(utc_times),
    )


@settings(max_examples=300)
@given(rows=st.lists(annotation_rows(), max_size=5), excel=st.booleans())
def test_round_trip_is_exact(
    tmp_path_factory: pytest.TempPathFactory, rows: list[AnnotationRow], excel: bool
) -> None:
    path = tmp_path_factory.mktemp("rt") / "a.csv"
    assert write_to(path, rows, excel=excel) == len(rows)
    back = read_annotation_csv(path)
    assert back == rows
    assert all(r.created_at.tzinfo is UTC and r.updated_at.tzinfo is UTC for r in back)


@settings(max_examples=300)
@given(memo=st.text(alphabet="'=+-@\t\rab", max_size=6))
def test_round_trip_of_apostrophes_and_formula_starts_is_exact(
    tmp_path_factory: pytest.TempPathFactory, memo: str
) -> None:
    """Dense search over the characters the neutralisation rule looks at."""
    path = tmp_path_factory.mktemp("ap") / "a.csv"
    # A name is one line (core.names): no tab or CR in the label.
    row = make_row(memo=memo, text="x" + memo, label=memo.translate({9: None, 13: None}) or "L")
    write_to(path, [row], excel=True)
    assert read_annotation_csv(path) == [row]


def test_plain_file_keeps_apostrophes(tmp_path: Path) -> None:
    """Without a BOM nothing was neutralised, so nothing is restored."""
    path = one_row_file(tmp_path / "a.csv", memo="'=x", text="'-y")
    (row,) = read_annotation_csv(path)
    assert (row.memo, row.text) == ("'=x", "'-y")


def _resaved_with_bom(path: Path) -> Path:
    """The file as Notepad or a spreadsheet saves it again: a BOM in front, nothing else."""
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return path


def test_a_bom_alone_does_not_make_a_file_the_excel_flavour(tmp_path: Path) -> None:
    """Issue 6, defect 11: a re-saved plain file lost the apostrophes of its memos."""
    path = _resaved_with_bom(one_row_file(tmp_path / "a.csv", memo="'tis", text="'quoted'"))
    (row,) = read_annotation_csv(path)
    assert (row.memo, row.text) == ("'tis", "'quoted'")


def test_a_bom_file_in_doubt_is_refused_until_the_flavour_is_given(tmp_path: Path) -> None:
    path = _resaved_with_bom(one_row_file(tmp_path / "a.csv", memo="'=x", text="'-y"))
    with pytest.raises(FlavourUnclearError) as caught:
        read_annotation_csv(path)
    assert str(caught.value).startswith(f"{path}, row 2: starts with a byte order mark")
    assert "--excel" in str(caught.value)
    assert "--plain" in str(caught.value)
    (plain,) = read_annotation_csv(path, "plain")
    assert (plain.memo, plain.text) == ("'=x", "'-y")
    (excel,) = read_annotation_csv(path, "excel")
    assert (excel.memo, excel.text) == ("=x", "-y")


def test_the_excel_flavour_marks_itself_and_survives_losing_its_bom(tmp_path: Path) -> None:
    row = make_row(memo="=SUM(A1)", text="-5 degrees")
    path = tmp_path / "a.csv"
    write_to(path, [row], excel=True)
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [*ANNOTATION_COLUMNS, EXCEL_MARKER_COLUMN]
    assert read_annotation_csv(path) == [row]
    # A tool that drops the BOM on saving: the marker still says what the file is.
    path.write_bytes(path.read_bytes()[3:])
    assert read_annotation_csv(path) == [row]
    # ... and a reader told otherwise is obeyed.
    (plain,) = read_annotation_csv(path, "plain")
    assert plain.memo == "'=SUM(A1)"


# --------------------------------------------------------------------------- other readers


def expected_frame_rows(rows: Sequence[AnnotationRow]) -> list[list[str]]:
    text = written(rows)
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def test_pandas_reads_the_plain_flavour_into_the_same_values(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_to(path, TRICKY_ROWS)
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert list(frame.columns) == list(ANNOTATION_COLUMNS)
    assert frame.to_numpy().tolist() == expected_frame_rows(TRICKY_ROWS)
    # Spot checks against the records themselves, not only against csv.
    assert frame["text"][1] == TRICKY_ROWS[1].text
    assert frame["article_title"][1] == "Émeutes à Paris 😀"
    assert frame["created_at"][0] == "2024-03-01T14:30:05.123456Z"
    assert frame["article_external_id"][3] == ""


@settings(max_examples=100)
@given(rows=st.lists(annotation_rows(), min_size=1, max_size=4))
def test_pandas_reads_arbitrary_plain_files(
    tmp_path_factory: pytest.TempPathFactory, rows: list[AnnotationRow]
) -> None:
    path = tmp_path_factory.mktemp("pd") / "a.csv"
    write_to(path, rows)
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert frame.to_numpy().tolist() == expected_frame_rows(rows)


def test_excel_bom_does_not_reach_the_first_column_name(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_to(path, TRICKY_ROWS, excel=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf" + b"annotation_id,")
    frame = pd.read_csv(path, keep_default_na=False, dtype=str, encoding="utf-8-sig")
    assert list(frame.columns) == [*ANNOTATION_COLUMNS, EXCEL_MARKER_COLUMN]
    assert frame["label"][2] == '\'=HYPERLINK("http://x")'


# --------------------------------------------------------------------------- reader checks


def test_hand_made_file_with_other_order_extra_columns_and_padded_names(tmp_path: Path) -> None:
    header = [" notes ", *reversed([f" {c} " for c in ANNOTATION_COLUMNS]), "coder_x"]
    cells = row_cells(make_row()) | {"annotation_id": "", "article_id": ""}
    record = ["ignored", *[cells[c] for c in reversed(ANNOTATION_COLUMNS)], "ignored"]
    path = hand_made(tmp_path / "a.csv", [record], header=header)
    (row,) = read_annotation_csv(path)
    assert row == make_row(annotation_id=0, article_id=0, created_at=T0.replace(microsecond=0))


def test_rows_come_back_in_file_order_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_to(path, TRICKY_ROWS)
    path.write_bytes(path.read_bytes() + b"\r\n\r\n")
    assert read_annotation_csv(path) == TRICKY_ROWS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01T14:30:05Z", datetime(2024, 3, 1, 14, 30, 5, tzinfo=UTC)),
        ("2024-03-01T14:30:05+00:00", datetime(2024, 3, 1, 14, 30, 5, tzinfo=UTC)),
        ("2024-03-01T16:30:05.5+02:00", datetime(2024, 3, 1, 14, 30, 5, 500000, tzinfo=UTC)),
        ("2024-03-01T09:30-0500", datetime(2024, 3, 1, 14, 30, tzinfo=UTC)),
        ("2024-03-01 14:30:05", datetime(2024, 3, 1, 14, 30, 5, tzinfo=UTC)),
        (" 2024-03-01T14:30:05Z ", datetime(2024, 3, 1, 14, 30, 5, tzinfo=UTC)),
    ],
)
def test_accepted_iso_8601_times_become_utc(tmp_path: Path, value: str, expected: datetime) -> None:
    (row,) = read_annotation_csv(one_row_file(tmp_path / "a.csv", updated_at=value))
    assert row.updated_at == expected
    assert row.updated_at.tzinfo is UTC


def test_empty_ids_become_zero(tmp_path: Path) -> None:
    (row,) = read_annotation_csv(one_row_file(tmp_path / "a.csv", annotation_id="", article_id=" "))
    assert (row.annotation_id, row.article_id) == (0, 0)


def assert_rejected(path: Path, row: int | None, *fragments: str) -> None:
    with pytest.raises(InputFileError) as caught:
        read_annotation_csv(path)
    error = caught.value
    assert error.path == path
    assert error.row == row
    for fragment in fragments:
        assert fragment in error.reason
    where = f"{path}" if row is None else f"{path}, row {row}"
    assert str(error).startswith(f"{where}: ")


@pytest.mark.parametrize(
    ("cells", "fragments"),
    [
        ({"annotation_id": "7.0"}, ["annotation_id", "not an integer"]),
        ({"article_id": "three"}, ["article_id", "not an integer"]),
        ({"annotation_id": "١٢"}, ["annotation_id", "not an integer"]),
        ({"start": "-1"}, ["start", "non-negative integer"]),
        ({"start": ""}, ["start", "non-negative integer"]),
        ({"end": "4e2"}, ["end", "non-negative integer"]),
        ({"start": "42", "end": "42"}, ["empty span", "42"]),
        ({"start": "50", "end": "42"}, ["empty span"]),
        ({"coder": ""}, ["coder is empty"]),
        ({"coder": "   "}, ["coder is empty"]),
        ({"label": ""}, ["label is empty"]),
        ({"text": ""}, ["text is empty"]),
        ({"created_at": ""}, ["created_at is empty"]),
        ({"created_at": "yesterday"}, ["created_at", "ISO 8601"]),
        ({"created_at": "2024-03-01"}, ["created_at", "ISO 8601"]),
        ({"updated_at": "01/03/2024 14:30"}, ["updated_at", "ISO 8601"]),
        ({"updated_at": "2024-13-01T00:00:00Z"}, ["updated_at", "not a valid time"]),
        ({"updated_at": "2024-03-01T24:00:00Z"}, ["updated_at", "not a valid time"]),
    ],
)
def test_bad_values_are_rejected_with_their_row(
    tmp_path: Path, cells: dict[str, str], fragments: list[str]
) -> None:
    good = row_cells(make_row())
    bad = good | cells
    path = hand_made(
        tmp_path / "a.csv",
        [[good[c] for c in ANNOTATION_COLUMNS], [bad[c] for c in ANNOTATION_COLUMNS]],
    )
    assert_rejected(path, 3, *fragments)


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    good = row_cells(make_row(text="three\nline\npassage"))
    bad = good | {"label": ""}
    path = hand_made(
        tmp_path / "a.csv",
        [[good[c] for c in ANNOTATION_COLUMNS], [bad[c] for c in ANNOTATION_COLUMNS]],
    )
    assert_rejected(path, 3, "label is empty")


def test_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_to(path, [make_row(article_title="Émeutes")])
    path.write_bytes(path.read_bytes().replace("É".encode(), "É".encode("latin-1")))
    assert_rejected(path, None, "not UTF-8", "line 2")


def test_missing_columns_are_listed(tmp_path: Path) -> None:
    header = [c for c in ANNOTATION_COLUMNS if c not in {"memo", "start"}]
    path = hand_made(tmp_path / "a.csv", [], header=header)
    assert_rejected(path, 1, "missing columns: start, memo")


def test_header_names_are_matched_exactly(tmp_path: Path) -> None:
    header = ["Coder" if c == "coder" else c for c in ANNOTATION_COLUMNS]
    path = hand_made(tmp_path / "a.csv", [], header=header)
    assert_rejected(path, 1, "missing columns: coder")


def test_a_required_column_twice_is_rejected(tmp_path: Path) -> None:
    path = hand_made(tmp_path / "a.csv", [], header=[*ANNOTATION_COLUMNS, "label"])
    assert_rejected(path, 1, "'label'", "more than once")


def test_wrong_field_count_is_rejected(tmp_path: Path) -> None:
    cells = row_cells(make_row())
    record = [cells[c] for c in ANNOTATION_COLUMNS]
    path = hand_made(tmp_path / "a.csv", [record, record, record[:-1]])
    assert_rejected(path, 4, "expected 13 fields", "found 12")


def test_unterminated_quote_is_rejected_not_swallowed(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_to(path, [make_row()])
    with path.open("a", encoding="utf-8", newline="") as out:
        out.write('8,3,x,"unclosed title,h,maria,economic,1,2,t,,2024-03-01T00:00Z,\r\n')
    assert_rejected(path, 3, "malformed CSV")


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    assert_rejected(path, None, "empty")


def test_missing_file_is_an_input_file_error(tmp_path: Path) -> None:
    assert_rejected(tmp_path / "nope.csv", None, "cannot read")


# --------------------------------------------------------------------------- names


def test_names_are_cleaned_as_everywhere_else(tmp_path: Path) -> None:
    """'sovereignty ' and 'double  standards' are the codebook's labels, not new ones."""
    path = one_row_file(tmp_path / "a.csv", label=" sovereignty\u00a0 ", coder="  alice   smith")
    (row,) = read_annotation_csv(path)
    assert (row.label, row.coder) == ("sovereignty", "alice smith")


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("label", "sover\neignty", "label name 'sover\\neignty' contains a control character"),
        ("coder", "ali\x00ce", "coder name 'ali\\x00ce' contains a control character"),
        ("label", "x" * 100_000, "is 100,000 characters long; the limit is 200"),
        ("coder", "bob\u200b", "contains an invisible or invalid character (U+200B)"),
    ],
    ids=["newline", "nul", "100k", "zero-width"],
)
def test_bad_names_name_the_row_and_the_problem(
    tmp_path: Path, column: str, value: str, problem: str
) -> None:
    path = one_row_file(tmp_path / "a.csv", **{column: value})
    with pytest.raises(InputFileError) as caught:
        read_annotation_csv(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, row 2: ")
    assert problem in message
    assert "\n" not in message
    assert len(message) < 300
