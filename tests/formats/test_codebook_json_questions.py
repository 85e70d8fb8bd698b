"""Questions travel in the codebook JSON with the labels; older files still read."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from framing_app.core.errors import InputFileError
from framing_app.core.questions import QuestionSpec
from framing_app.core.records import LabelSpec
from framing_app.formats.codebook_json import read_codebook, read_codebook_file, write_codebook

LABELS = [LabelSpec("sovereignty", color="#D55E00", shortcut="1")]
QUESTIONS = [
    QuestionSpec("tone", "ordinal", ("negative", "neutral", "positive"), "Toward China"),
    QuestionSpec("sources", "ratio", ()),
    QuestionSpec("relevant", "nominal", ("yes", "no"), archived=True),
]


def document(questions: object = None, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {"format": "framing-app codebook", "version": 1, "labels": []}
    if questions is not None:
        data["questions"] = questions
    data.update(extra)
    return data


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_round_trip_with_questions(tmp_path: Path) -> None:
    out = io.StringIO()
    write_codebook(LABELS, out, QUESTIONS)
    path = tmp_path / "c.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    read = read_codebook_file(path)
    assert read.labels == LABELS
    assert read.questions == QUESTIONS
    assert read_codebook(path) == LABELS
    assert json.loads(out.getvalue())["questions"][0] == {
        "name": "tone",
        "level": "ordinal",
        "options": ["negative", "neutral", "positive"],
        "definition": "Toward China",
        "archived": False,
    }


def test_a_file_without_questions_reads_and_writes_as_before(tmp_path: Path) -> None:
    out = io.StringIO()
    write_codebook(LABELS, out)
    assert "questions" not in json.loads(out.getvalue())
    path = write_json(tmp_path / "old.json", document())
    assert read_codebook_file(path).questions == []


def test_numbers_as_options_of_a_numeric_question(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "c.json", document([{"name": "n", "level": "interval", "options": [1, 2.5]}])
    )
    assert read_codebook_file(path).questions == [QuestionSpec("n", "interval", ("1", "2.5"))]


@pytest.mark.parametrize(
    ("questions", "problem"),
    [
        ({"name": "x"}, '"questions" must be a list'),
        (["tone"], "question 1: expected an object"),
        ([{"level": "nominal"}], "question 1: has no name"),
        ([{"name": "t", "level": "ordinal", "options": ["a"]}], "question 1: question 't'"),
        ([{"name": "t", "options": "a,b"}], "question 1: options must be a list"),
        ([{"name": "t", "options": [True]}], "question 1: option True"),
        ([{"name": "t", "level": "likert", "options": ["a"]}], "unknown level"),
        (
            [{"name": "t", "options": ["a"]}, {"name": "T", "options": ["b"]}],
            "question 2: name 'T' is already used by question 1",
        ),
        ([{"name": "t", "options": ["a"], "archived": "no"}], "archived must be true or false"),
    ],
)
def test_bad_questions_refuse_the_file_in_one_line(
    tmp_path: Path, questions: object, problem: str
) -> None:
    path = write_json(tmp_path / "bad.json", document(questions))
    with pytest.raises(InputFileError) as caught:
        read_codebook_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message


def test_writing_an_invalid_question_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot write codebook: question 1"):
        write_codebook([], io.StringIO(), [QuestionSpec("t", "ordinal", ("one",))])
