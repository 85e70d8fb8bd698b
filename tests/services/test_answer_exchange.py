"""export answers / import-answers: the project's answers as CSV and back, all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from raw_db import raw_connection

from framing_app.core.errors import InputFileError
from framing_app.core.records import CodingStatus
from framing_app.formats.answer_csv import ANSWER_COLUMNS
from framing_app.services import answers, coding_status, questions
from framing_app.services.answer_exchange import (
    export_answers_to_file,
    import_answers,
    preview_answer_import,
)
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.project import Project

TEXTS = {"a1": "The first article.\n", "a2": "The second article.\n"}


def make_project(path: Path, folder: Path) -> Project:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    project = Project.open(path=path)
    import_articles(project, [folder])
    questions.add_question(project, "tone", level="ordinal", options=["neg", "neu", "pos"])
    questions.add_question(project, "count", level="ratio")
    return project


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Project]:
    with make_project(tmp_path / "source.sqlite", tmp_path / "in") as project:
        answers.set_answer(project, coder="alice", article="a1", question="tone", value="neg")
        answers.set_answer(project, coder="alice", article="a2", question="count", value="2.50")
        answers.set_answer(project, coder="bob", article="a1", question="tone", value="pos")
        yield project


def dump(project: Project) -> dict[str, list[tuple[object, ...]]]:
    with raw_connection(project) as db:
        return {
            table: [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("answer", "question", "coder", "coding_status")
        }


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_rows_and_columns(source: Project, tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    assert export_answers_to_file(source, out) == 3
    rows = read_rows(out)
    assert list(rows[0]) == list(ANSWER_COLUMNS)
    article = get_article(source, "a1")
    assert rows[0] == {
        "article_id": str(article.id),
        "article_external_id": "a1",
        "article_title": "The first article.",
        "article_sha256": article.sha256,
        "coder": "alice",
        "question": "tone",
        "answer": "neg",
    }
    assert [(r["coder"], r["question"], r["answer"]) for r in rows[1:]] == [
        ("bob", "tone", "pos"),
        ("alice", "count", "2.5"),
    ]
    assert export_answers_to_file(source, out, coders=["Bob"]) == 1


def test_export_never_writes_over_the_project(source: Project) -> None:
    assert source.path is not None
    before = source.path.read_bytes()
    with pytest.raises(InputFileError, match="open project's database"):
        export_answers_to_file(source, source.path)
    assert source.path.read_bytes() == before


def test_round_trip_into_another_project_and_twice_adds_nothing(
    source: Project, tmp_path: Path
) -> None:
    out = tmp_path / "answers.csv"
    export_answers_to_file(source, out)
    with make_project(tmp_path / "target.sqlite", tmp_path / "in2") as target:
        report = import_answers(target, out)
        assert (report.added, report.changed, report.unchanged) == (3, 0, 0)
        assert report.new_coders == ["alice", "bob"]
        assert report.new_questions == []
        again = import_answers(target, out)
        assert (again.added, again.unchanged) == (0, 3)
        assert not again.changes
        back = tmp_path / "back.csv"
        export_answers_to_file(target, back)
        assert read_rows(back) == read_rows(out)
        assert coding_status.get_status(target, "bob", "a1") is CodingStatus.IN_PROGRESS


def test_unknown_question_becomes_nominal_with_the_answers_seen(
    source: Project, tmp_path: Path
) -> None:
    path = tmp_path / "new.csv"
    path.write_text(
        ",".join(ANSWER_COLUMNS)
        + "\n,a1,,,carol,Primary frame,sovereignty\n,a2,,,carol,primary frame,rights"
        + "\n,a2,,,dave,PRIMARY FRAME,Sovereignty\n,a1,,,carol,tones,x\n",
        encoding="utf-8",
    )
    report = import_answers(source, path)
    assert report.new_questions == ["Primary frame", "tones"]
    assert report.notes == ["row 5: question 'tones' is new to the codebook; did you mean 'tone'?"]
    frame = questions.get_question(source, "primary frame")
    assert (frame.level, frame.options, frame.answers) == (
        "nominal",
        ("sovereignty", "rights"),
        3,
    )


def test_replace_makes_the_coders_answers_the_files(source: Project, tmp_path: Path) -> None:
    path = tmp_path / "corrected.csv"
    path.write_text(
        ",".join(ANSWER_COLUMNS) + "\n,a1,,,alice,tone,neu\n,a1,,,alice,count,3\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match=r"row 2: alice has answered 'tone' .*--replace"):
        import_answers(source, path)
    preview = preview_answer_import(source, path, replace=True)
    before = dump(source)
    report = import_answers(source, path, replace=True)
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 1, 0, 0)
    assert (preview.added, preview.changed) == (report.added, report.changed)
    tone = questions.get_question(source, "tone").id
    count = questions.get_question(source, "count").id
    assert answers.article_answers(source, "a1", "alice") == {tone: "neu", count: "3"}
    # alice's answer about a2 (no row names a2) and bob's answers are untouched.
    assert answers.article_answers(source, "a2", "alice") == {count: "2.5"}
    assert answers.article_answers(source, "a1", "bob") == {tone: "pos"}
    same_id = next(r for r in dump(source)["answer"] if r[4] == "neu")[0]
    assert same_id == next(r for r in before["answer"] if r[4] == "neg")[0]
    # A file without the count row removes alice's count answer on a1.
    path.write_text(",".join(ANSWER_COLUMNS) + "\n,a1,,,alice,tone,neu\n", encoding="utf-8")
    removed = import_answers(source, path, replace=True)
    assert (removed.removed, removed.unchanged) == (1, 1)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (",nope,,,alice,tone,neg", "row 2: unknown article 'nope'"),
        (",a1,,,alice,tone,awful", "row 2: question 'tone': 'awful' is not one of its options"),
        (",a1,,,alice,count,-2", "row 2: question 'count' is ratio: answer '-2' is negative"),
        (",a1,," + "0" * 64 + ",alice,tone,neg", "row 2: article 'a1' has a different text"),
        (",a1,,,alice,tone,neg\n,a1,,,alice,Tone,pos", "row 3: alice's answer to 'Tone' about"),
    ],
)
def test_bad_rows_change_nothing(source: Project, tmp_path: Path, row: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(",".join(ANSWER_COLUMNS) + "\n" + row + "\n,a2,,,zed,tone,neu\n", "utf-8")
    before = dump(source)
    with pytest.raises(InputFileError) as caught:
        import_answers(source, path)
    assert str(caught.value).startswith(f"{path}, ")
    assert problem in str(caught.value)
    assert dump(source) == before  # zed, a new coder, is not created either
