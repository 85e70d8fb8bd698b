"""The answer CSV: written as RFC 4180, read back exactly, bad files refused by row."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.errors import FramingError, InputFileError
from framing_app.core.names import clean_name
from framing_app.formats.answer_csv import (
    ANSWER_COLUMNS,
    AnswerRow,
    read_answer_csv,
    write_answer_csv,
)

HEADER = ",".join(ANSWER_COLUMNS)
ROW = AnswerRow(3, "a-1", 'Title, "quoted"', "ab" * 32, "alice", "tone", "neutral")


def write(tmp_path: Path, rows: list[AnswerRow]) -> Path:
    path = tmp_path / "answers.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_answer_csv(rows, out)
    return path


def test_header_and_quoting(tmp_path: Path) -> None:
    path = write(tmp_path, [ROW])
    assert path.read_bytes().decode("utf-8") == (
        HEADER + "\r\n" + '3,a-1,"Title, ""quoted""",' + "ab" * 32 + ",alice,tone,neutral\r\n"
    )
    assert read_answer_csv(path) == [(2, ROW)]


_NAME = st.text(min_size=1, max_size=30).filter(lambda s: _is_name(s))


def _is_name(text: str) -> bool:
    try:
        return clean_name(text, "x") == text
    except FramingError:
        return False


@given(
    st.lists(
        st.builds(
            AnswerRow,
            st.integers(min_value=0, max_value=10**9),
            _NAME,
            st.text(max_size=40),
            st.sampled_from(["", "0" * 64]),
            _NAME,
            _NAME,
            _NAME,
        ),
        max_size=5,
    )
)
def test_round_trip(rows: list[AnswerRow]) -> None:
    out = io.StringIO(newline="")
    write_answer_csv(rows, out)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.csv"
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
        assert [row for _, row in read_answer_csv(path)] == rows


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("article_id,coder\n", "row 1: missing columns: article_external_id"),
        (HEADER + "\n1,a,t,,alice,tone\n", "row 2: expected 7 fields"),
        (HEADER + "\nx,a,t,,alice,tone,neg\n", "row 2: article_id 'x' is not a whole number"),
        (HEADER + "\n,,t,,alice,tone,neg\n", "row 2: no article_external_id and no article_sha256"),
        (HEADER + "\n1,a,t,,alice,tone,  \n", "row 2: answer is empty"),
        (HEADER + "\n1,a,t,,,tone,neg\n", "row 2: coder is empty"),
        (HEADER + '\n1,a,t,,alice,"to\nne",neg\n', "row 2: question name 'to\\nne'"),
        (HEADER + '\n1,a,"t,,alice,tone,neg\n', "malformed CSV"),
        (
            "annotation_id,article_id,label,start,end\n",
            "this looks like an annotation CSV: use import-annotations",
        ),
    ],
)
def test_bad_files_name_file_row_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_answer_csv(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert problem in message
    assert "\n" not in message


def test_not_utf8_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "\n1,a,t,,alice,tone,caf\xe9\n").encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8"):
        read_answer_csv(path)
    path.write_bytes(("\ufeff" + HEADER + "\n1,a,t,,alice,tone,  two   words \n").encode())
    ((_, row),) = read_answer_csv(path)
    assert row.answer == "two words"
