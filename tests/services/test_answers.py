"""Answering article-level questions: committed at once, status, and exact undo by ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from raw_db import project_url, raw_connection

from framing_app.core.changes import Changes
from framing_app.core.errors import ConflictError, NotFoundError
from framing_app.core.questions import InvalidQuestionError
from framing_app.core.records import CodingStatus
from framing_app.services import answers, coding_status, questions
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project


@pytest.fixture
def asked(project: Project, tmp_path: Path) -> Project:
    for name in ("first", "second"):
        path = tmp_path / "in" / f"{name}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"The {name} article about talks.\n", encoding="utf-8")
    import_articles(project, [tmp_path / "in"])
    questions.add_question(project, "tone", level="ordinal", options=["neg", "neu", "pos"])
    questions.add_question(project, "count", level="interval")
    return project


def rows(project: Project) -> list[tuple[object, ...]]:
    """Every answer row, all columns, as SQLite holds them."""
    with raw_connection(project) as db:
        return [tuple(r) for r in db.execute("SELECT * FROM answer ORDER BY id")]


def test_set_change_clear(asked: Project) -> None:
    first = answers.set_answer(asked, coder="alice", article="first", question="Tone", value="NEU")
    assert first.before is None
    assert (first.value, first.coder, first.question) == ("neu", "alice", "tone")
    article = first.article_id
    assert first.changes == Changes(answered=frozenset({article}), articles=frozenset({article}))
    second = answers.set_answer(asked, coder="alice", article="first", question="tone", value="pos")
    assert second.before == first.after
    assert second.after is not None
    assert first.after is not None
    assert second.after.id == first.after.id  # the same answer, changed
    assert second.after.created_at == first.after.created_at
    same = answers.set_answer(asked, coder="alice", article="first", question="tone", value="pos")
    assert not same.changed
    assert same.changes == Changes()
    cleared = answers.clear_answer(asked, coder="alice", article="first", question="tone")
    assert cleared.before == second.after
    assert cleared.value is None
    assert rows(asked) == []
    nothing = answers.clear_answer(asked, coder="alice", article="first", question="tone")
    assert not nothing.changed


def test_bad_answers_change_nothing(asked: Project) -> None:
    with pytest.raises(InvalidQuestionError, match="not one of its options"):
        answers.set_answer(asked, coder="alice", article="first", question="tone", value="bad")
    with pytest.raises(InvalidQuestionError, match="not a number"):
        answers.set_answer(asked, coder="alice", article="first", question="count", value="x")
    with pytest.raises(NotFoundError, match="no question named 'tones'"):
        answers.set_answer(asked, coder="alice", article="first", question="tones", value="neg")
    with pytest.raises(NotFoundError, match="no coder named 'zed'"):
        answers.clear_answer(asked, coder="zed", article="first", question="tone")
    assert rows(asked) == []


def test_answering_starts_the_article_like_tagging(asked: Project) -> None:
    answers.set_answer(asked, coder="alice", article="first", question="count", value="2")
    assert coding_status.get_status(asked, "alice", "first") is CodingStatus.IN_PROGRESS
    coding_status.set_status(asked, "alice", CodingStatus.DONE, ["first"])
    answers.set_answer(asked, coder="alice", article="first", question="count", value="3")
    assert coding_status.get_status(asked, "alice", "first") is CodingStatus.DONE


def test_only_the_coders_own_answers_are_read(asked: Project) -> None:
    answers.set_answer(asked, coder="alice", article="first", question="tone", value="neg")
    answers.set_answer(asked, coder="bob", article="first", question="tone", value="pos")
    tone = questions.get_question(asked, "tone").id
    assert answers.article_answers(asked, "first", "alice") == {tone: "neg"}
    assert answers.article_answers(asked, "second", "alice") == {}


def test_undo_and_redo_restore_exactly(asked: Project) -> None:
    made = answers.set_answer(asked, coder="alice", article="first", question="tone", value="neg")
    after_make = rows(asked)
    changed = answers.set_answer(asked, coder="alice", article="first", question=1, value="neu")
    after_change = rows(asked)
    cleared = answers.clear_answer(asked, coder="alice", article="first", question="tone")
    answers.apply_answer_change(asked, cleared.reversed())
    assert rows(asked) == after_change  # same id, value and times
    answers.apply_answer_change(asked, changed.reversed())
    assert rows(asked) == after_make
    answers.apply_answer_change(asked, made.reversed())
    assert rows(asked) == []
    answers.apply_answer_change(asked, made)
    answers.apply_answer_change(asked, changed)
    assert rows(asked) == after_change


def test_undo_is_refused_when_someone_changed_the_answer(asked: Project) -> None:
    made = answers.set_answer(asked, coder="alice", article="first", question="tone", value="neg")
    with Project.open(url=project_url(asked)) as other:  # another program, the same coder's slot
        answers.set_answer(other, coder="alice", article="first", question="tone", value="neu")
    before = rows(asked)
    with pytest.raises(ConflictError, match=r"changed meanwhile \(it is 'neu' now, not 'neg'\)"):
        answers.apply_answer_change(asked, made.reversed())
    assert rows(asked) == before
    answers.clear_answer(asked, coder="alice", article="first", question="tone")
    with pytest.raises(ConflictError, match="it is no answer now"):
        answers.apply_answer_change(asked, made.reversed())


def test_redo_is_refused_when_the_option_is_gone(asked: Project) -> None:
    made = answers.set_answer(asked, coder="alice", article="first", question="tone", value="neg")
    answers.apply_answer_change(asked, made.reversed())
    questions.update_question(asked, "tone", options=["neu", "pos"])
    with pytest.raises(ConflictError, match="no longer an answer"):
        answers.apply_answer_change(asked, made)
    assert rows(asked) == []


def test_answers_go_with_their_article(asked: Project) -> None:
    from framing_app.services.article_removal import delete_articles, preview_removal

    made = answers.set_answer(asked, coder="alice", article="first", question="tone", value="neg")
    delete_articles(asked, ["first"], expect=preview_removal(asked, ["first"]))
    assert rows(asked) == []
    with pytest.raises(NotFoundError, match="deleted"):
        answers.apply_answer_change(asked, made)
