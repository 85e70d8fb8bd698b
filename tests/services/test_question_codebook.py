"""Article-level questions in the codebook: the rules, adding, editing, ordering, deleting."""

from __future__ import annotations

from pathlib import Path

import pytest
from raw_db import raw_connection

from framing_app.core.errors import ConflictError, InputFileError, NotFoundError
from framing_app.core.questions import (
    InvalidQuestionError,
    QuestionSpec,
    checked_answer,
    checked_question,
    split_options,
)
from framing_app.services import answers, codebook, questions
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project


@pytest.fixture
def with_article(project: Project, tmp_path: Path) -> Project:
    path = tmp_path / "in" / "only.txt"
    path.parent.mkdir()
    path.write_text("Officials rejected the criticism.\n", encoding="utf-8")
    import_articles(project, [path])
    return project


# -- the rules (core) -----------------------------------------------------------


def test_a_question_is_cleaned_and_checked() -> None:
    spec = checked_question("  Tone ", "Ordinal", [" negative", "neutral ", "positive"])
    assert spec == QuestionSpec("Tone", "ordinal", ("negative", "neutral", "positive"))


@pytest.mark.parametrize(
    ("level", "options", "problem"),
    [
        ("nominal", [], "needs its options"),
        ("ordinal", ["only"], "at least two options"),
        ("nominal", ["yes", "Yes"], "given twice"),
        ("nominal", ["yes", " "], "is empty"),
        ("interval", ["1", "one"], "is not a number"),
        ("interval", ["1", "1.0"], "given twice"),
        ("ratio", ["-1", "2"], "is negative"),
        ("nominal", ["a\nb"], "control character"),
        ("scale", ["a", "b"], "unknown level"),
    ],
)
def test_bad_questions_are_refused_in_one_line(
    level: str, options: list[str], problem: str
) -> None:
    with pytest.raises(InvalidQuestionError, match=problem) as caught:
        checked_question("q", level, options)
    assert "\n" not in str(caught.value)


def test_numeric_options_are_stored_as_numbers_and_any_number_without_options() -> None:
    spec = checked_question("count", "interval", ["1.0", "2", "2.5e0"])
    assert spec.options == ("1", "2", "2.5")
    assert checked_answer(spec, "2.50") == "2.5"
    free = checked_question("count", "ratio")
    assert free.free
    assert checked_answer(free, " 3.0 ") == "3"
    with pytest.raises(InvalidQuestionError, match="negative"):
        checked_answer(free, "-1")
    with pytest.raises(InvalidQuestionError, match="not a number"):
        checked_answer(free, "three")


def test_an_answer_takes_its_options_spelling() -> None:
    spec = checked_question("relevant", "nominal", ["Yes", "No"])
    assert checked_answer(spec, "  yes ") == "Yes"
    with pytest.raises(InvalidQuestionError, match=r"'maybe' is not one of its options \(Yes, No"):
        checked_answer(spec, "maybe")


def test_options_from_the_command_line() -> None:
    assert split_options("a, b ,c") == ["a", "b", "c"]
    assert split_options("  ") == []
    with pytest.raises(InvalidQuestionError, match="empty"):
        checked_question("q", "nominal", split_options("a,,b"))


# -- the service ------------------------------------------------------------------


def test_add_list_in_order(project: Project) -> None:
    questions.add_question(project, "tone", level="ordinal", options=["neg", "neu", "pos"])
    questions.add_question(project, "relevant", level="nominal", options=["yes", "no"])
    listed = questions.list_questions(project)
    assert [(q.name, q.level, q.options, q.position) for q in listed] == [
        ("tone", "ordinal", ("neg", "neu", "pos"), 0),
        ("relevant", "nominal", ("yes", "no"), 1),
    ]
    with pytest.raises(ConflictError, match="already has a question named 'tone'"):
        questions.add_question(project, "TONE", level="nominal", options=["x"])


def test_unknown_question_suggests_a_close_name(project: Project) -> None:
    questions.add_question(project, "primary frame", level="nominal", options=["a"])
    with pytest.raises(NotFoundError, match="did you mean 'primary frame'"):
        questions.get_question(project, "primary fame")


def test_rename_archive_and_move_keep_answers(with_article: Project) -> None:
    p = with_article
    questions.add_question(p, "tone", level="ordinal", options=["neg", "neu", "pos"])
    questions.add_question(p, "relevant", level="nominal", options=["yes", "no"])
    answers.set_answer(p, coder="alice", article="only", question="tone", value="neu")
    renamed = questions.update_question(p, "tone", new_name="Tone of coverage")
    assert renamed.answers == 1
    questions.update_question(p, "tone of coverage", archived=True)
    questions.move_question(p, "relevant", 0)
    listed = questions.list_questions(p)
    assert [(q.name, q.archived) for q in listed] == [
        ("relevant", False),
        ("Tone of coverage", True),
    ]
    assert answers.article_answers(p, "only", "alice") == {listed[1].id: "neu"}
    with pytest.raises(ConflictError, match="archived"):
        answers.set_answer(p, coder="alice", article="only", question=listed[1].id, value="pos")


def test_options_cannot_drop_an_answer_but_may_change_case(with_article: Project) -> None:
    p = with_article
    questions.add_question(p, "relevant", level="nominal", options=["yes", "no"])
    answers.set_answer(p, coder="alice", article="only", question="relevant", value="yes")
    with pytest.raises(ConflictError, match=r"1 stored answer\(s\) would not fit \(e.g. 'yes'\)"):
        questions.update_question(p, "relevant", options=["no", "maybe"])
    with pytest.raises(ConflictError, match="would not fit"):
        questions.update_question(p, "relevant", level="interval", options=[])
    questions.update_question(p, "relevant", options=["Yes", "No", "Maybe"])
    (question,) = questions.list_questions(p)
    assert answers.article_answers(p, "only", "alice") == {question.id: "Yes"}


def test_delete_refuses_answered_unless_with_answers(with_article: Project) -> None:
    p = with_article
    questions.add_question(p, "relevant", level="nominal", options=["yes", "no"])
    answers.set_answer(p, coder="alice", article="only", question="relevant", value="yes")
    answers.set_answer(p, coder="bob", article="only", question="relevant", value="no")
    with pytest.raises(ConflictError, match=r"2 answer\(s\) \(alice 1, bob 1\)"):
        questions.delete_question(p, "relevant")
    removed = questions.delete_question(p, "relevant", with_answers=True)
    assert removed.answers_by_coder == {"alice": 1, "bob": 1}
    assert questions.list_questions(p) == []
    questions.add_question(p, "again", level="nominal", options=["x"])
    with raw_connection(p) as db:
        assert db.execute("SELECT id FROM question").fetchall() == [(2,)]  # ids never reused
        assert db.execute("SELECT count(*) FROM answer").fetchone() == (0,)


def test_blind_counts_only_the_coders_answers(with_article: Project) -> None:
    p = with_article
    questions.add_question(p, "relevant", level="nominal", options=["yes", "no"])
    answers.set_answer(p, coder="bob", article="only", question="relevant", value="no")
    assert questions.list_questions(p)[0].answers == 1
    assert questions.list_questions(p, coder="alice")[0].answers == 0
    assert questions.list_questions(p, coder="nobody")[0].answers == 0


# -- codebook files -------------------------------------------------------------


def test_codebook_export_import_carries_questions(with_article: Project, tmp_path: Path) -> None:
    questions.add_question(with_article, "tone", level="ordinal", options=["neg", "neu", "pos"])
    questions.add_question(with_article, "count", level="interval", definition="How many")
    path = tmp_path / "codebook.json"
    codebook.export_codebook(with_article, path)
    with Project.open(path=tmp_path / "other.sqlite") as other:
        questions.add_question(other, "Count", level="ratio")
        questions.add_question(other, "kept", level="nominal", options=["x"])
        report = codebook.import_codebook(other, path)
        assert (report.questions_added, report.questions_updated) == (["tone"], ["count"])
        listed = questions.list_questions(other)
        assert [(q.name, q.level, q.options, q.definition) for q in listed] == [
            ("tone", "ordinal", ("neg", "neu", "pos"), ""),
            ("count", "interval", (), "How many"),
            ("kept", "nominal", ("x",), ""),
        ]


def test_a_codebook_that_would_strand_answers_changes_nothing(
    with_article: Project, tmp_path: Path
) -> None:
    p = with_article
    questions.add_question(p, "tone", level="ordinal", options=["neg", "neu", "pos"])
    answers.set_answer(p, coder="alice", article="only", question="tone", value="neg")
    path = tmp_path / "codebook.json"
    path.write_text(
        '{"format": "framing-app codebook", "version": 1, "labels": [{"name": "new label"}],'
        ' "questions": [{"name": "tone", "level": "ordinal", "options": ["low", "high"]}]}',
        encoding="utf-8",
    )
    before = (codebook.list_labels(p), questions.list_questions(p))
    with pytest.raises(InputFileError, match=r"codebook.json: question 'tone': 1 stored answer"):
        codebook.import_codebook(p, path)
    assert (codebook.list_labels(p), questions.list_questions(p)) == before
