"""Codebook JSON files: writing, reading back, and every rejection rule."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing_app.core.errors import InputFileError
from framing_app.core.names import InvalidNameError, clean_name, name_key
from framing_app.core.records import LabelSpec
from framing_app.formats.codebook_json import (
    CODEBOOK_FORMAT,
    CODEBOOK_VERSION,
    read_codebook,
    write_codebook,
)

LABELS = [
    LabelSpec("Economic", "Costs, gains, jobs.", "#1F77B4", "1"),
    LabelSpec("Moralité", "Right and wrong ✓ «quotes»", "#FF7F0E", None),
    LabelSpec("Conflict", "", "#2CA02C", "c", archived=True),
]


def write_file(path: Path, labels: list[LabelSpec]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        write_codebook(labels, out)
    return path


def json_file(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def codebook(*labels: object, **top: object) -> dict[str, object]:
    return {"format": CODEBOOK_FORMAT, "version": 1, "labels": list(labels)} | top


def assert_rejected(path: Path, *fragments: str) -> None:
    with pytest.raises(InputFileError) as caught:
        read_codebook(path)
    assert caught.value.path == path
    assert caught.value.row is None
    assert str(caught.value).startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in caught.value.reason


# --------------------------------------------------------------------------- writing


def test_written_document_has_the_documented_shape(tmp_path: Path) -> None:
    path = write_file(tmp_path / "c.json", LABELS)
    with path.open(encoding="utf-8") as f:
        document = json.load(f)
    assert document == {
        "format": "framing-app codebook",
        "version": 1,
        "labels": [
            {
                "name": "Economic",
                "definition": "Costs, gains, jobs.",
                "color": "#1F77B4",
                "shortcut": "1",
                "archived": False,
            },
            {
                "name": "Moralité",
                "definition": "Right and wrong ✓ «quotes»",
                "color": "#FF7F0E",
                "shortcut": None,
                "archived": False,
            },
            {
                "name": "Conflict",
                "definition": "",
                "color": "#2CA02C",
                "shortcut": "c",
                "archived": True,
            },
        ],
    }


def test_written_text_is_indented_unescaped_utf8_with_trailing_newline(tmp_path: Path) -> None:
    path = write_file(tmp_path / "c.json", LABELS)
    text = path.read_bytes().decode("utf-8")
    assert "Moralité" in text
    assert "\\u" not in text
    assert text.startswith('{\n  "format": "framing-app codebook",\n')
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")


def test_writer_normalises_names_and_colours(tmp_path: Path) -> None:
    path = write_file(tmp_path / "c.json", [LabelSpec("  Economic ", color="#a1b")])
    assert read_codebook(path) == [LabelSpec("Economic", color="#AA11BB")]
    assert '"color": "#AA11BB"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "labels",
    [
        [LabelSpec(" ")],
        [LabelSpec("A"), LabelSpec("a ")],
        [LabelSpec("A", color="red")],
        [LabelSpec("A", shortcut="1"), LabelSpec("B", shortcut="1")],
    ],
)
def test_writer_refuses_what_the_reader_would_reject(labels: list[LabelSpec]) -> None:
    out = io.StringIO()
    with pytest.raises(ValueError, match="cannot write codebook"):
        write_codebook(labels, out)
    assert out.getvalue() == ""


def test_empty_codebook_round_trips(tmp_path: Path) -> None:
    assert read_codebook(write_file(tmp_path / "c.json", [])) == []


def test_round_trip_keeps_order_and_values(tmp_path: Path) -> None:
    assert read_codebook(write_file(tmp_path / "c.json", LABELS)) == LABELS


def _follows_the_naming_rule(name: str) -> bool:
    try:
        return clean_name(name, "label") == name
    except InvalidNameError:
        return False


names = (
    st.text(min_size=1, max_size=20)
    .map(lambda name: unicodedata.normalize("NFC", " ".join(name.split())))
    .filter(_follows_the_naming_rule)
)
colors = st.from_regex(r"#[0-9A-F]{6}", fullmatch=True)
shortcuts = st.one_of(st.none(), st.text(min_size=1, max_size=5).filter(str.strip))
label_specs = st.builds(
    LabelSpec,
    name=names,
    definition=st.text(max_size=50),
    color=colors,
    shortcut=shortcuts,
    archived=st.booleans(),
)
codebooks = st.lists(label_specs, max_size=8).filter(
    lambda labels: (
        len({name_key(label.name) for label in labels}) == len(labels)
        and len(
            {label.shortcut.strip().casefold() for label in labels if label.shortcut is not None}
        )
        == sum(label.shortcut is not None for label in labels)
    )
)


@settings(max_examples=200)
@given(labels=codebooks)
def test_round_trip_of_arbitrary_codebooks(
    tmp_path_factory: pytest.TempPathFactory, labels: list[LabelSpec]
) -> None:
    path = write_file(tmp_path_factory.mktemp("cb") / "c.json", labels)
    assert read_codebook(path) == labels
    with path.open(encoding="utf-8") as f:
        assert [entry["name"] for entry in json.load(f)["labels"]] == [x.name for x in labels]


# --------------------------------------------------------------------------- reading


def test_defaults_and_unknown_keys(tmp_path: Path) -> None:
    path = json_file(
        tmp_path / "c.json",
        codebook({"name": " Economic ", "weight": 3}, generator="someone else", extra=[1]),
    )
    assert read_codebook(path) == [
        LabelSpec("Economic", definition="", color="#999999", shortcut=None, archived=False)
    ]


def test_short_hex_colours_are_normalised(tmp_path: Path) -> None:
    path = json_file(tmp_path / "c.json", codebook({"name": "A", "color": "#0fa"}))
    assert read_codebook(path)[0].color == "#00FFAA"


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write_file(tmp_path / "c.json", LABELS)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_codebook(path) == LABELS


def test_not_json_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        '{\n  "format": "framing-app codebook",\n  "version": 1,,\n}\n', encoding="utf-8"
    )
    assert_rejected(path, "not valid JSON", "line 3, column 16")


def test_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(
        json.dumps(codebook({"name": "Moralité"}), ensure_ascii=False).encode("latin-1")
    )
    assert_rejected(path, "not UTF-8")


def test_missing_file_is_an_input_file_error(tmp_path: Path) -> None:
    assert_rejected(tmp_path / "absent.json", "cannot read")


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        ([], ["expected a JSON object"]),
        ("codebook", ["expected a JSON object"]),
        ({"version": 1, "labels": []}, ['"format"']),
        (codebook(format="refi-qda codebook"), ['"format"']),
        (codebook(version=2), ["version 2 is newer", "update framing-app"]),
        (codebook(version=0), ['"version"']),
        (codebook(version="1"), ['"version"']),
        (codebook(version=True), ['"version"']),
        (codebook(version=1.0), ['"version"']),
        ({"format": CODEBOOK_FORMAT, "labels": []}, ['"version"']),
        ({"format": CODEBOOK_FORMAT, "version": 1}, ['"labels"']),
        (codebook(labels={"name": "A"}), ['"labels"']),
    ],
)
def test_documents_that_are_not_codebooks(
    tmp_path: Path, document: object, fragments: list[str]
) -> None:
    assert_rejected(json_file(tmp_path / "c.json", document), *fragments)


GOOD = {"name": "Fine"}


@pytest.mark.parametrize(
    ("bad", "fragments"),
    [
        ("Economic", ["label 3:", "expected an object"]),
        ({"definition": "no name"}, ["label 3:", "no name"]),
        ({"name": ""}, ["label 3:", "no name"]),
        ({"name": "   "}, ["label 3:", "no name"]),
        ({"name": 5}, ["label 3:", "no name"]),
        ({"name": " fine "}, ["label 3:", "'fine'", "label 2"]),
        ({"name": "FINE"}, ["label 3:", "'FINE'", "label 2"]),
        ({"name": "B", "definition": None}, ["label 3:", "definition"]),
        ({"name": "B", "color": "red"}, ["label 3:", "'red'", "#RRGGBB"]),
        ({"name": "B", "color": "#12345"}, ["label 3:", "#RRGGBB"]),
        ({"name": "B", "color": "#12345G"}, ["label 3:", "#RRGGBB"]),
        ({"name": "B", "color": "123456"}, ["label 3:", "#RRGGBB"]),
        ({"name": "B", "color": "#123456\n"}, ["label 3:", "#RRGGBB"]),
        ({"name": "B", "color": None}, ["label 3:", "#RRGGBB"]),
        ({"name": "B", "shortcut": 1}, ["label 3:", "shortcut", "string or null"]),
        ({"name": "B", "shortcut": ["1"]}, ["label 3:", "string or null"]),
        ({"name": "B", "shortcut": ""}, ["label 3:", "shortcut is empty"]),
        ({"name": "B", "shortcut": "1"}, ["label 3:", "shortcut '1'", "label 1"]),
        ({"name": "B", "shortcut": "X"}, ["label 3:", "shortcut 'X'", "label 2"]),
        ({"name": "B", "archived": "false"}, ["label 3:", "archived", "true or false"]),
        ({"name": "B", "archived": 0}, ["label 3:", "archived"]),
    ],
)
def test_bad_labels_are_rejected_with_their_position(
    tmp_path: Path, bad: object, fragments: list[str]
) -> None:
    document = codebook({"name": "A", "shortcut": "1"}, GOOD | {"shortcut": "x"}, bad)
    assert_rejected(json_file(tmp_path / "c.json", document), *fragments)


def test_version_constant_is_the_one_written() -> None:
    out = io.StringIO()
    write_codebook([], out)
    assert json.loads(out.getvalue())["version"] == CODEBOOK_VERSION == 1
