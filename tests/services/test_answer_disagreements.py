"""Disagreements on article-level questions and the consensus coder's answers to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from framing_app.core.errors import ConflictError, FramingError
from framing_app.core.records import CodingStatus
from framing_app.services import answers, coding_status, questions
from framing_app.services.adjudication import consensus_coder
from framing_app.services.adjudication_record import redo_adjudication, undo_adjudication
from framing_app.services.answer_disagreements import (
    decide_answer,
    list_answer_disagreements,
    with_consensus_answers,
)
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project


@pytest.fixture
def answered(project: Project, tmp_path: Path) -> Project:
    """Three articles; tone answered differently on one, alike on one, by one coder on one."""
    for name in ("a1", "a2", "a3"):
        path = tmp_path / f"{name}.txt"
        path.write_text(f"Article {name}\n\nText of {name}.", encoding="utf-8")
        import_articles(project, [path])
    questions.add_question(project, "tone", level="ordinal", options=["neg", "neu", "pos"])
    questions.add_question(project, "count", level="ratio")
    for coder, a1, a2 in (("alice", "neg", "pos"), ("bob", "neu", "pos")):
        answers.set_answer(project, coder=coder, article="a1", question="tone", value=a1)
        answers.set_answer(project, coder=coder, article="a2", question="tone", value=a2)
        coding_status.set_status(project, coder, CodingStatus.DONE, ["a1", "a2", "a3"])
    answers.set_answer(project, coder="alice", article="a3", question="tone", value="neg")
    answers.set_answer(project, coder="alice", article="a2", question="count", value="3")
    answers.set_answer(project, coder="bob", article="a2", question="count", value="3.0")
    return project


def test_only_differing_answers_are_disagreements(answered: Project) -> None:
    found = list_answer_disagreements(answered, ["alice", "bob"])
    # a2: the same tone, and the same count written two ways (stored as 3);
    # a3: bob gave no answer, a missing value rather than another answer.
    assert [(d.external_id, d.question, [s.value for s in d.sides]) for d in found] == [
        ("a1", "tone", ["neg", "neu"])
    ]
    assert not found[0].resolved


def test_decide_a_coders_answer_a_new_one_or_none_and_undo(answered: Project) -> None:
    (item,) = list_answer_disagreements(answered, ["alice", "bob"])
    record = decide_answer(answered, item, coder="bob")
    assert (record.consensus, record.answer) == ("consensus", "neu")
    assert record.title == "Accept bob's answer to tone (a1)"
    (fresh,) = with_consensus_answers(answered, [item])
    assert fresh.consensus == "neu"
    assert fresh.resolved
    other = decide_answer(answered, fresh, value="pos")
    assert other.unanswered == record.answered
    assert [d.decision for d in other.decided] == ["new"]
    assert other.undecided == record.decided
    cleared = decide_answer(answered, fresh)
    assert cleared.answer is None
    assert cleared.unanswered == other.answered
    # "No answer" is a decision too: it counts as resolved at once.
    (fresh,) = with_consensus_answers(answered, [item])
    assert fresh.consensus is None
    assert fresh.decision is not None
    assert fresh.decision.decision == "none"
    assert fresh.resolved
    # Undo, exactly: the answer comes back with its id, the decision with its own.
    undo_adjudication(answered, cleared)
    assert answers.answer_state(answered, other.answered[0].id).value == "pos"
    (fresh,) = with_consensus_answers(answered, [item])
    assert fresh.decision == other.decided[0]
    redo_adjudication(answered, cleared)
    assert answers.article_answers(answered, "a1", "consensus") == {}
    with pytest.raises(FramingError, match="furious"):
        decide_answer(answered, item, value="furious")


def test_a_stale_answer_undo_is_refused(answered: Project) -> None:
    (item,) = list_answer_disagreements(answered, ["alice", "bob"])
    record = decide_answer(answered, item, coder="alice")
    answers.set_answer(answered, coder="consensus", article="a1", question="tone", value="pos")
    with pytest.raises(ConflictError, match="changed or cleared since; nothing to undo"):
        undo_adjudication(answered, record)
    assert answers.article_answers(answered, "a1", "consensus") == {1: "pos"}


def test_a_changed_answer_is_refused(answered: Project) -> None:
    (item,) = list_answer_disagreements(answered, ["alice", "bob"])
    answers.set_answer(answered, coder="bob", article="a1", question="tone", value="pos")
    with pytest.raises(ConflictError, match="bob's answer to 'tone' was changed"):
        decide_answer(answered, item, coder="bob")


def test_closing_the_article_resolves_it(answered: Project) -> None:
    (item,) = list_answer_disagreements(answered, ["alice", "bob"])
    consensus_coder(answered)  # first: set_status would make an ordinary coder of that name
    coding_status.set_status(answered, "consensus", CodingStatus.DONE, ["a1"])
    (fresh,) = with_consensus_answers(answered, [item])
    assert fresh.closed
    assert fresh.resolved


def test_question_filter(answered: Project) -> None:
    assert list_answer_disagreements(answered, ["alice", "bob"], questions=["count"]) == ()
    with pytest.raises(FramingError):
        list_answer_disagreements(answered, ["alice", "bob"], questions=["mood"])
