"""The reliability matrix CSV: unit, optional item, one column per coder (issue 8, "Reports")."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing_app.core.errors import InputFileError
from framing_app.core.names import InvalidNameError, clean_name, name_key
from framing_app.formats import reliability_matrix
from framing_app.formats.reliability_matrix import (
    ALL_ITEMS,
    MatrixItem,
    read_matrix,
    write_matrix,
)


def write(tmp_path: Path, text: str, name: str = "matrix.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_items_group_interleaved_rows_in_order_of_first_appearance(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "unit,item,alice,bob\r\n"
        "a1,sovereignty,1,1\r\n"
        "a1,rights,0,\r\n"
        "a2,sovereignty, 0 ,1\r\n"
        "\r\n"
        "a2,rights,1,1\r\n",
    )
    assert read_matrix(path) == [
        MatrixItem("sovereignty", ("alice", "bob"), ("a1", "a2"), (("1", "1"), ("0", "1"))),
        MatrixItem("rights", ("alice", "bob"), ("a1", "a2"), (("0", ""), ("1", "1"))),
    ]


def test_without_an_item_column_every_row_is_one_item(tmp_path: Path) -> None:
    path = write(tmp_path, "Unit,A,B,C\n1,x,x,\n2,,y,  \n3,z,z,z\n", bom=True)
    (item,) = read_matrix(path)
    assert item == MatrixItem(
        ALL_ITEMS,
        ("A", "B", "C"),
        ("1", "2", "3"),
        (("x", "x", ""), ("", "y", ""), ("z", "z", "z")),
    )


def test_coder_names_are_cleaned_and_cells_may_be_quoted(tmp_path: Path) -> None:
    decomposed = "Rene\u0301"  # "René" with a combining accent: NFC makes it one character
    path = write(
        tmp_path,
        f' unit , ITEM ,"  Maria   Rossi ",{decomposed}\n'
        '"art 1:0-10","frame, primary","a ""quoted"" value","two\nlines"\n',
    )
    (item,) = read_matrix(path)
    assert item.coders == ("Maria Rossi", "René")
    assert item.item == "frame, primary"
    assert item.units == ("art 1:0-10",)
    assert item.values == (('a "quoted" value', "two\nlines"),)


# Each refusal: the file's text, the row it names (None: the file as a whole), what it says.
REFUSALS = [
    ("", None, "the file is empty"),
    ("\n", 1, "the header row is empty"),
    ("id,alice,bob\n1,1,1\n", 1, "the first column is 'id', not 'unit'"),
    ("unit,alice\n1,1\n", 1, "names 1 coder column(s); agreement needs at least 2"),
    ("unit,item,alice\n1,x,1\n", 1, "names 1 coder column(s)"),
    ("unit,alice,Alice\n1,1,1\n", 1, "coder 'Alice' has two columns (2 and 3)"),
    ("unit,alice, \n1,1,1\n", 1, "column 3: a coder name cannot be empty"),
    ('unit,alice,"b\tb"\n1,1,1\n', 1, "column 3: coder name"),
    ("unit,alice,item\n1,1,1\n", 1, "column 3 is 'item', which can only be the second column"),
    ("unit,item,alice,unit\n1,x,1,1\n", 1, "column 4 is 'unit', which can only be the first"),
    ("unit,alice,bob\n1,1,1\n2,1\n", 3, "expected 3 fields as in the header, found 2"),
    ("unit,alice,bob\n1,1,1\n2,1,1,1\n", 3, "expected 3 fields as in the header, found 4"),
    ("unit,alice,bob\n ,1,1\n", 2, "the unit is empty"),
    ("unit,item,alice,bob\n1,,1,1\n", 2, "the item is empty"),
    ("unit,item,a,b\n1,x,1,1\n1,y,1,1\n1,x,0,0\n", 4, "unit '1' of item 'x' appears again"),
    ("unit,a,b\n1,1,1\n2,1,1\n1,0,0\n", 4, "unit '1' appears again (first in row 2)"),
    ("unit,alice,bob\n", None, "no rows after the header"),
    ("unit,alice,bob\n\n\n", None, "no rows after the header"),
    ('unit,alice,bob\n1,1,1\n2,"1,1\n', 3, "malformed CSV"),
    ('unit,alice,bob\n"a\nb",1,1\n3,1\n', 3, "found 2"),  # a two-line record is one row
]


@pytest.mark.parametrize(("text", "row", "fragment"), REFUSALS)
def test_every_refusal_names_the_file_and_the_row(
    tmp_path: Path, text: str, row: int | None, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputFileError) as caught:
        read_matrix(path)
    error = caught.value
    assert error.path == path
    assert error.row == row
    where = f"{path}" if row is None else f"{path}, row {row}"
    assert str(error).startswith(f"{where}: ")
    assert fragment in str(error)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("unit,alice,bob\n1,oui,non\n2,déjà,oui\n".encode("latin-1"))
    with pytest.raises(InputFileError, match=r"not UTF-8 text \(byte 0xe9 on line 3\)") as caught:
        read_matrix(path)
    assert caught.value.path == path


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read the file") as caught:
        read_matrix(tmp_path / "nowhere.csv")
    assert caught.value.path == tmp_path / "nowhere.csv"


def test_a_file_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "unit,alice,bob\n" + "u,1,1\n" * 100)
    monkeypatch.setattr(reliability_matrix, "MAX_MATRIX_FILE_BYTES", 200)
    with pytest.raises(InputFileError, match="allowed for a reliability matrix") as caught:
        read_matrix(path)
    assert caught.value.path == path


def test_writer_output_is_rfc4180_with_an_item_column() -> None:
    out = io.StringIO(newline="")
    items = [
        MatrixItem("tone", ("alice", "bob"), ("a:0-5", 'say "x", y'), (("1", ""), ("2", "3"))),
        MatrixItem(ALL_ITEMS, ("alice", "bob"), ("z",), (("a\nb", "c"),)),
    ]
    assert write_matrix(items, out) == 3
    assert out.getvalue() == (
        'unit,item,alice,bob\r\na:0-5,tone,1,\r\n"say ""x"", y",tone,2,3\r\nz,(all),"a\nb",c\r\n'
    )


def test_writer_refuses_items_it_cannot_put_in_one_matrix() -> None:
    first = MatrixItem("a", ("x", "y"), ("1",), (("1", "1"),))
    with pytest.raises(ValueError, match="coders"):
        write_matrix([first, MatrixItem("b", ("x", "z"), ("1",), (("1", "1"),))], io.StringIO())
    with pytest.raises(ValueError, match="3 cells for 2 coders"):
        write_matrix([MatrixItem("a", ("x", "y"), ("1",), (("1", "1", "1"),))], io.StringIO())
    with pytest.raises(ValueError, match="no items"):
        write_matrix([], io.StringIO())


def test_the_written_file_is_what_r_and_the_csv_module_read(tmp_path: Path) -> None:
    items = [MatrixItem("x", ("a", "b"), ("u1", "u2"), (("1", ""), ("0", "1")))]
    path = tmp_path / "m.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_matrix(items, out)
    with open(path, encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["unit", "item", "a", "b"],
            ["u1", "x", "1", ""],
            ["u2", "x", "0", "1"],
        ]


# --------------------------------------------------------------------------- round trip


def _is_clean_coder(name: str) -> bool:
    try:
        return clean_name(name, "coder") == name and name_key(name) not in ("unit", "item")
    except InvalidNameError:
        return False


_TEXT = st.characters(exclude_categories=["Cs"])
coder_names = st.text(_TEXT, min_size=1, max_size=10).filter(_is_clean_coder)
cells = st.one_of(
    st.just(""),
    st.sampled_from(["0", "1", "2.5", "-3", "yes"]),
    st.text(_TEXT, max_size=8).filter(lambda v: v == v.strip()),
)
keys = st.text(_TEXT, min_size=1, max_size=10).filter(lambda v: v.strip() != "")


@st.composite
def matrices(draw: st.DrawFn) -> list[MatrixItem]:
    coders = tuple(draw(st.lists(coder_names, min_size=2, max_size=4, unique_by=name_key)))
    names = draw(st.lists(keys, min_size=1, max_size=3, unique=True))
    items = []
    for name in names:
        units = tuple(draw(st.lists(keys, min_size=1, max_size=4, unique=True)))
        row = st.tuples(*[cells] * len(coders))
        values = tuple(draw(st.lists(row, min_size=len(units), max_size=len(units))))
        items.append(MatrixItem(name, coders, units, values))
    return items


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=matrices())
def test_round_trip(items: list[MatrixItem]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            assert write_matrix(items, out) == sum(len(item.units) for item in items)
        assert read_matrix(path) == items
