"""Merging carries the consensus coder's adjudication decisions, absent ones included.

A consensus meeting held in one copy of the project (alice's) is merged into
the lead's: the decisions arrive matched by coder, article text, label or
question name, unit and offsets (the label has another id in the lead's
project), the disagreements are resolved there too, and merging again adds
nothing. Real project files; decision rows read back with ``sqlite3``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from framing_app.core.records import CodingStatus
from framing_app.services import answers, codebook, coding_status, questions, tagging
from framing_app.services.adjudication import Choice, decide
from framing_app.services.answer_disagreements import decide_answer, list_answer_disagreements
from framing_app.services.article_import import import_articles
from framing_app.services.disagreements import list_disagreements
from framing_app.services.project import Project
from framing_app.services.project_merge import merge_project

TEXT = (
    "Talks open\n\n"
    "China rejects any interference in its internal affairs.\n\n"
    "Critics speak of double standards and of whataboutism."
)
CODERS = ["alice", "bob"]


def at(passage: str) -> tuple[int, int]:
    start = TEXT.index(passage)
    return start, start + len(passage)


def tag(project: Project, coder: str, label: str, passage: str) -> None:
    tagging.annotate(project, coder=coder, article="talks", label=label, start=at(passage)[0],
                     end=at(passage)[1])  # fmt: skip


def new_project(path: Path, folder: Path, *, extra_label: str | None = None) -> Project:
    project = Project.open(path=path)
    if extra_label is not None:
        codebook.add_label(project, extra_label)  # takes the next label id here
    folder.mkdir(exist_ok=True)
    (folder / "talks.txt").write_text(TEXT, encoding="utf-8")
    import_articles(project, [folder / "talks.txt"])
    questions.add_question(project, "tone", level="nominal", options=["neg", "pos"])
    return project


@pytest.fixture
def meeting(tmp_path: Path) -> Path:
    """alice's copy: both coders' work and a consensus meeting on it (two absent decisions)."""
    path = tmp_path / "alice.sqlite"
    with new_project(path, tmp_path / "a") as project:
        codebook.add_label(project, "whataboutism")
        tag(project, "alice", "sovereignty", "rejects any interference")
        tag(project, "bob", "whataboutism", "whataboutism")
        for coder, tone in (("alice", "neg"), ("bob", "pos")):
            answers.set_answer(project, coder=coder, article="talks", question="tone", value=tone)
        coding_status.set_status(project, "alice", CodingStatus.DONE, ["talks"])
        coding_status.set_status(project, "bob", CodingStatus.DONE, ["talks"])
        sovereignty, whataboutism = list_disagreements(project, CODERS, "paragraph").items
        decide(project, sovereignty, Choice.accept("alice"))
        decide(project, whataboutism, Choice.none())
        (tone,) = list_answer_disagreements(project, CODERS)
        decide_answer(project, tone)  # no answer
        assert list_disagreements(project, CODERS, "paragraph").progress == "2 of 2 resolved"
    return path


def decisions(path: Path) -> list[tuple[object, ...]]:
    """(label or question name, unit, start, end, decision) of every decision row."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT coalesce(label.name, question.name), unit, start_offset, end_offset, decision"
            " FROM adjudication_decision d LEFT JOIN label ON label.id = d.label_id"
            " LEFT JOIN question ON question.id = d.question_id ORDER BY 1"
        ).fetchall()
    conn.close()
    return rows


def test_the_decisions_merge_and_resolve_there_too(meeting: Path, tmp_path: Path) -> None:
    lead = tmp_path / "lead.sqlite"
    with new_project(lead, tmp_path / "l", extra_label="economy") as project:
        report = merge_project(project, meeting)
        assert report.conflicts == []
        counts = report.counts["decisions"]
        assert (counts.added, counts.unchanged, counts.replaced, counts.removed) == (3, 0, 0, 0)
        assert decisions(lead) == decisions(meeting)
        # The label has another id here; the disagreements are resolved all the same.
        assert list_disagreements(project, CODERS, "paragraph").progress == "2 of 2 resolved"
        (tone,) = list_answer_disagreements(project, CODERS)
        assert tone.resolved
        assert tone.consensus is None
        again = merge_project(project, meeting)
        counts = again.counts["decisions"]
        assert (counts.added, counts.unchanged) == (0, 3)
        assert again.written == 0
    assert decisions(lead) == decisions(meeting)


def test_another_decision_here_is_kept_unless_replacing(meeting: Path, tmp_path: Path) -> None:
    lead = tmp_path / "lead.sqlite"
    with new_project(lead, tmp_path / "l") as project:
        merge_project(project, meeting)
        (whataboutism,) = [
            i for i in list_disagreements(project, CODERS, "paragraph").items
            if i.label == "whataboutism"
        ]  # fmt: skip
        decide(project, whataboutism, Choice.accept("bob"))
        kept = merge_project(project, meeting)
        assert kept.written == 0
        assert any(
            "decision of consensus on 'whataboutism'" in note
            and "'coder' here, 'none' there" in note
            for note in kept.notes
        )
        paragraph = at(TEXT.split("\n\n")[2])
        assert ("whataboutism", "paragraph", *paragraph, "coder") in decisions(lead)
        replaced = merge_project(project, meeting, replace=True)
        assert replaced.counts["decisions"].replaced == 1
    assert decisions(lead) == decisions(meeting)
