"""Merging another coder's project: matching, conflicts, --replace, all or nothing, read-only.

Projects are real SQLite files built through the services (import, tag, set
status); questions, answers and assignments are written with SQLAlchemy by
the small helpers below. Results are read back with the standard library's
``sqlite3``, independently of the application's code.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from disk_faults import fill_disk, small_tmpfs
from old_projects import dump_rows, revision
from server_databases import sqlite_only
from sqlalchemy import select
from sqlalchemy.orm import Session

from framing_app.core.errors import FramingError, SchemaError, StorageError
from framing_app.core.records import CodingStatus
from framing_app.services import coding_status, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.lookup import ensure_coder
from framing_app.services.project import Project
from framing_app.services.project_merge import (
    MergeConflictError,
    MergeReport,
    merge_project,
    preview_both,
    preview_merge,
)
from framing_app.store.engine import create_project_engine, sqlite_url
from framing_app.store.migrate import MIGRATIONS_DIR, head_revision, schema_change
from framing_app.store.models import Answer, Article, Assignment, Label, Question

TEXTS = {
    "a": "Beijing rejects the criticism as interference in domestic affairs.\n",
    "b": "Washington insists on universal rights and double standards are denied.\n",
    "c": "Activists call for peaceful reform; officials speak of sovereignty.\n",
}
TONE = ("negative", "neutral", "positive")


# --------------------------------------------------------------------------- building projects


@contextmanager
def opened(path: Path) -> Iterator[Project]:
    with Project.open(path=path) as project:
        yield project


def make_project(root: Path, name: str, articles: dict[str, str]) -> Path:
    """A project ``root/NAME.sqlite`` holding *articles* (external id -> text), imported as .txt."""
    folder = root / f"{name}-articles"
    folder.mkdir(parents=True)
    for external_id, text in articles.items():
        (folder / f"{external_id}.txt").write_text(text, encoding="utf-8")
    path = root / f"{name}.sqlite"
    with opened(path) as project:
        import_articles(project, [folder])
    return path


def span(article: str, passage: str) -> tuple[int, int]:
    start = TEXTS[article].index(passage)
    return start, start + len(passage)


def tag(
    project: Project, coder: str, article: str, label: str, passage: str, memo: str = ""
) -> int:
    start = TEXTS[article].index(passage)
    return tagging.annotate(
        project,
        coder=coder,
        article=article,
        label=label,
        start=start,
        end=start + len(passage),
        memo=memo,
    ).id


def status(project: Project, coder: str, article: str, value: CodingStatus) -> None:
    coding_status.set_status(project, coder, value, [article])


def add_question(
    project: Project,
    name: str,
    level: str = "ordinal",
    options: tuple[str, ...] = TONE,
    definition: str = "",
) -> None:
    with project.db.write() as session:
        session.add(
            Question(
                name=name, level=level, options=json.dumps(list(options)), definition=definition
            )
        )


def answer(project: Project, coder: str, article: str, question: str, value: str) -> None:
    with project.db.write() as session:
        session.add(
            Answer(
                article_id=_article_id(session, article),
                coder_id=ensure_coder(session, coder).id,
                question_id=session.scalar(select(Question.id).where(Question.name == question)),
                value=value,
            )
        )


def assign(project: Project, coder: str, article: str, in_sample: bool = False) -> None:
    with project.db.write() as session:
        session.add(
            Assignment(
                article_id=_article_id(session, article),
                coder_id=ensure_coder(session, coder).id,
                in_sample=in_sample,
            )
        )


def _article_id(session: Session, external_id: str) -> int:
    ident = session.scalar(select(Article.id).where(Article.external_id == external_id))
    assert isinstance(ident, int)
    return ident


def set_label(project: Project, label_name: str, /, **values: object) -> None:
    with project.db.write() as session:
        label = session.scalar(select(Label).where(Label.name == label_name))
        assert label is not None
        for key, value in values.items():
            setattr(label, key, value)


# --------------------------------------------------------------------------- reading results


def rows(path: Path, sql: str) -> set[tuple[object, ...]]:
    # Read-only, and immutable when no log is beside it: a plain read-only open of a
    # WAL-mode file leaves -wal and -shm files behind, which the tests look for.
    logged = path.with_name(path.name + "-wal").exists()
    uri = f"{path.as_uri()}?mode=ro{'' if logged else '&immutable=1'}"
    connection = sqlite3.connect(uri, uri=True)
    try:
        return set(connection.execute(sql).fetchall())
    finally:
        connection.close()


def annotations(path: Path) -> set[tuple[object, ...]]:
    return rows(
        path,
        "SELECT ar.external_id, c.name, l.name, a.start_offset, a.end_offset, a.memo"
        " FROM annotation a JOIN article ar ON ar.id = a.article_id"
        " JOIN coder c ON c.id = a.coder_id JOIN label l ON l.id = a.label_id",
    )


def statuses(path: Path) -> set[tuple[object, ...]]:
    return rows(
        path,
        "SELECT ar.external_id, c.name, s.status FROM coding_status s"
        " JOIN article ar ON ar.id = s.article_id JOIN coder c ON c.id = s.coder_id",
    )


def answers(path: Path) -> set[tuple[object, ...]]:
    return rows(
        path,
        "SELECT ar.external_id, c.name, q.name, a.value FROM answer a"
        " JOIN article ar ON ar.id = a.article_id JOIN coder c ON c.id = a.coder_id"
        " JOIN question q ON q.id = a.question_id",
    )


def assignments(path: Path) -> set[tuple[object, ...]]:
    return rows(
        path,
        "SELECT ar.external_id, c.name, s.in_sample FROM assignment s"
        " JOIN article ar ON ar.id = s.article_id JOIN coder c ON c.id = s.coder_id",
    )


def counts(report: MergeReport) -> dict[str, tuple[int, int, int, int, int]]:
    """(added, unchanged, replaced, removed, conflicts) per kind, kinds with none left out."""
    found = {
        kind: (c.added, c.unchanged, c.replaced, c.removed, c.conflicts)
        for kind, c in report.counts.items()
    }
    return {kind: value for kind, value in found.items() if any(value)}


def file_state(path: Path) -> tuple[str, list[str]]:
    """SHA-256 of the file's bytes, and the names of the files beside it."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, sorted(entry.name for entry in path.parent.iterdir())


def closed_bytes(path: Path) -> bytes:
    """The bytes of a project file no connection holds open (its WAL checkpointed away)."""
    assert not path.with_name(path.name + "-wal").exists(), "the project is still open"
    return path.read_bytes()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def two_coders(tmp_path: Path) -> tuple[Path, Path]:
    """Alice coded articles a and b; Bob, on his own machine, b and c."""
    alice = make_project(tmp_path, "alice", {"a": TEXTS["a"], "b": TEXTS["b"]})
    bob = make_project(tmp_path / "usb", "bob", {"b": TEXTS["b"], "c": TEXTS["c"]})
    with opened(alice) as project:
        tag(project, "alice", "a", "sovereignty", "interference in domestic affairs", "memo A")
        tag(project, "alice", "b", "universal rights", "universal rights")
        status(project, "alice", "a", CodingStatus.DONE)
        add_question(project, "tone")
        answer(project, "alice", "a", "tone", "negative")
        assign(project, "alice", "a")
        assign(project, "bob", "b", in_sample=False)
    with opened(bob) as project:
        tag(project, "bob", "b", "double standards", "double standards are denied", "memo B")
        tag(project, "bob", "c", "sovereignty", "sovereignty")
        status(project, "bob", "b", CodingStatus.DONE)
        status(project, "bob", "c", CodingStatus.IN_PROGRESS)
        add_question(project, "tone")
        answer(project, "bob", "b", "tone", "positive")
        assign(project, "bob", "b", in_sample=True)
        assign(project, "bob", "c")
    return alice, bob


# --------------------------------------------------------------------------- merging


def test_merging_two_coders_projects_brings_everything_in(two_coders: tuple[Path, Path]) -> None:
    alice, bob = two_coders
    bob_before = file_state(bob)
    with opened(alice) as project:
        report = merge_project(project, bob)
    assert report.conflicts == []
    assert counts(report) == {
        "coders": (0, 1, 0, 0, 0),  # bob was in alice's project already (an assignment)
        "labels": (0, 3, 0, 0, 0),
        "questions": (0, 1, 0, 0, 0),
        "articles": (1, 1, 0, 0, 0),
        "annotations": (2, 0, 0, 0, 0),
        "answers": (1, 0, 0, 0, 0),
        "statuses": (2, 0, 0, 0, 0),
        "assignments": (1, 0, 1, 0, 0),  # c added; b joins the reliability sample
    }
    assert report.changes.everything
    assert annotations(alice) == {
        ("a", "alice", "sovereignty", 33, 65, "memo A"),
        ("b", "alice", "universal rights", 22, 38, ""),
        ("b", "bob", "double standards", 43, 70, "memo B"),
        ("c", "bob", "sovereignty", 55, 66, ""),
    }
    # The article Alice lacked arrives with its text, metadata and Bob's timestamps.
    assert rows(alice, "SELECT external_id, title, text, char_count FROM article") >= {
        ("c", TEXTS["c"].strip(), TEXTS["c"], len(TEXTS["c"]))
    }
    assert rows(alice, "SELECT created_at FROM annotation WHERE memo = 'memo B'") == rows(
        bob, "SELECT created_at FROM annotation WHERE memo = 'memo B'"
    )
    assert statuses(alice) == {
        ("a", "alice", "done"),
        ("b", "alice", "in-progress"),  # tagging started it
        ("b", "bob", "done"),
        ("c", "bob", "in-progress"),
    }
    assert answers(alice) == {("a", "alice", "tone", "negative"), ("b", "bob", "tone", "positive")}
    assert assignments(alice) == {("a", "alice", 0), ("b", "bob", 1), ("c", "bob", 0)}
    assert file_state(bob) == bob_before, "the other project must not change"


def test_a_lead_merges_both_coders_into_a_new_project(
    two_coders: tuple[Path, Path], tmp_path: Path
) -> None:
    alice, bob = two_coders
    lead = tmp_path / "lead.sqlite"
    with opened(lead) as project:
        first = merge_project(project, alice)
        second = merge_project(project, bob)
    assert first.new_coders == ["alice", "bob"]
    assert first.new_questions == ["tone"]
    assert counts(first)["articles"] == (2, 0, 0, 0, 0)
    assert counts(second)["articles"] == (1, 1, 0, 0, 0)
    assert annotations(lead) == annotations(alice) | annotations(bob)
    assert rows(lead, "SELECT external_id, sha256 FROM article") == rows(
        alice, "SELECT external_id, sha256 FROM article"
    ) | rows(bob, "SELECT external_id, sha256 FROM article")


def test_running_it_twice_adds_nothing(two_coders: tuple[Path, Path]) -> None:
    alice, bob = two_coders
    with opened(alice) as project:
        merge_project(project, bob)
    after_first = dump_rows(alice)
    with opened(alice) as project:
        again = merge_project(project, bob)
    assert again.written == 0
    assert all(c.added == 0 and c.conflicts == 0 for c in again.counts.values())
    assert not again.changes
    assert dump_rows(alice) == after_first


def test_a_dry_run_reports_the_same_and_writes_nothing(two_coders: tuple[Path, Path]) -> None:
    alice, bob = two_coders
    before = closed_bytes(alice)
    with opened(alice) as project:
        preview = preview_merge(project, bob)
        adding, replacing = preview_both(project, bob)
    assert closed_bytes(alice) == before
    assert preview.dry_run
    assert not preview.changes
    assert counts(adding) == counts(preview)
    assert replacing.replace
    assert not adding.replace
    with opened(alice) as project:
        report = merge_project(project, bob)
    assert counts(report) == counts(preview)


def test_coders_labels_and_questions_match_whatever_their_case(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"]})
    with opened(here) as project:
        ensure_coder_named(project, "alice")
        add_question(project, "Tone")
    with opened(there) as project:
        ensure_coder_named(project, "ALICE")
        add_question(project, "tone")
        set_label(project, "sovereignty", name="SOVEREIGNTY")
        tag(project, "ALICE", "a", "SOVEREIGNTY", "Beijing")
    with opened(here) as project:
        report = merge_project(project, there)
    assert (report.new_coders, report.new_labels, report.new_questions) == ([], [], [])
    assert annotations(here) == {("a", "alice", "sovereignty", 0, 7, "")}


def ensure_coder_named(project: Project, name: str) -> None:
    with project.db.write() as session:
        ensure_coder(session, name)


def test_new_labels_and_questions_arrive_with_their_attributes(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"]})
    with opened(here) as project:
        set_label(project, "double standards", shortcut="5")
    with opened(there) as project:
        with project.db.write() as session:
            session.add(
                Label(name="economy", definition="Trade", color="#123456", shortcut="4", position=9)
            )
            session.add(Label(name="history", definition="Past", color="#654321", shortcut="5"))
        add_question(project, "relevant", level="nominal", options=("yes", "no"), definition="Q")
        tag(project, "bob", "a", "economy", "Beijing")
    with opened(here) as project:
        report = merge_project(project, there)
    assert report.new_labels == ["history", "economy"]  # in the other codebook's order
    assert rows(here, "SELECT name, definition, color, shortcut FROM label WHERE id > 3") == {
        ("economy", "Trade", "#123456", "4"),
        ("history", "Past", "#654321", None),  # key 5 is taken here
    }
    assert (
        "label 'history': its shortcut 5 there is taken here by 'double standards'; added "
        "without a shortcut"
    ) in report.notes
    assert rows(here, "SELECT name, level, options, definition FROM question") == {
        ("relevant", "nominal", '["yes", "no"]', "Q")
    }
    assert annotations(here) == {("a", "bob", "economy", 0, 7, "")}


def test_colour_and_shortcut_differences_keep_ours_and_say_so(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"]})
    with opened(there) as project:
        set_label(project, "sovereignty", color="#000000", shortcut="9")
    ours = rows(here, "SELECT name, color, shortcut FROM label")
    with opened(here) as project:
        report = merge_project(project, there)
    assert report.conflicts == []
    assert rows(here, "SELECT name, color, shortcut FROM label") == ours
    assert report.notes == [
        "label 'sovereignty' (colour, shortcut): different there; this project's kept"
    ]


def test_an_empty_definition_here_takes_the_one_there(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"]})
    with opened(here) as project:
        set_label(project, "sovereignty", definition="")
    with opened(here) as project:
        report = merge_project(project, there)
    assert counts(report)["labels"] == (0, 2, 1, 0, 0)
    definition = rows(there, "SELECT definition FROM label WHERE name = 'sovereignty'")
    assert rows(here, "SELECT definition FROM label WHERE name = 'sovereignty'") == definition


def test_an_article_known_here_by_another_id_is_matched_by_its_text(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"renamed": TEXTS["a"]})
    with opened(there) as project:
        tagging.annotate(
            project, coder="bob", article="renamed", label="sovereignty", start=0, end=7
        )
    with opened(here) as project:
        report = merge_project(project, there)
    assert counts(report)["articles"] == (0, 1, 0, 0, 0)
    assert annotations(here) == {("a", "bob", "sovereignty", 0, 7, "")}
    assert report.notes == ["article 'renamed' there is 'a' here: matched by their text"]


# --------------------------------------------------------------------------- conflicts


def test_every_conflict_is_reported_one_line_each_and_nothing_is_merged(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"], "b": TEXTS["b"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"], "b": TEXTS["c"]})
    with opened(here) as project:
        set_label(project, "sovereignty", definition="Claims of national authority.")
        add_question(project, "tone")
        add_question(project, "frame", level="nominal", options=("conflict", "economy"))
        answer(project, "alice", "a", "tone", "neutral")
        with project.db.write() as session:
            ensure_coder(session, "gold").consensus = True
    with opened(there) as project:
        set_label(project, "sovereignty", definition="Something else entirely.")
        add_question(project, "tone", level="nominal")
        add_question(project, "frame", level="nominal", options=("conflict", "morality"))
        answer(project, "alice", "a", "frame", "conflict")
        ensure_coder_named(project, "gold")
        tag(project, "bob", "a", "universal rights", "Beijing")
    before = closed_bytes(here)
    with opened(here) as project, pytest.raises(MergeConflictError) as refused:
        merge_project(project, there)
    assert str(refused.value) == f"{there}: 5 conflicts with this project; nothing was merged"
    assert refused.value.report.conflicts == [
        "coder 'gold': the consensus coder here, an ordinary coder there",
        "label 'sovereignty': another definition there ('Something else entirely.'; "
        "here 'Claims of national authority.')",
        "question 'tone': ordinal here, nominal there",
        'question \'frame\': options ["conflict", "economy"] here, ["conflict", "morality"] there',
        "article 'b': another text here has this id "
        f"(SHA-256 {_sha(TEXTS['b'])[:12]}… here, {_sha(TEXTS['c'])[:12]}… there)",
    ]
    assert closed_bytes(here) == before
    # The dry run lists the same conflicts instead of raising.
    with opened(here) as project:
        preview = preview_merge(project, there)
    assert preview.conflicts == refused.value.report.conflicts
    assert {k: c.conflicts for k, c in preview.counts.items() if c.conflicts} == {
        "coders": 1,
        "labels": 1,
        "questions": 2,
        "articles": 1,
    }
    # Bob's annotation with a label that is no conflict would be added.
    assert counts(preview)["annotations"] == (1, 0, 0, 0, 0)
    assert closed_bytes(here) == before


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_another_answer_is_a_conflict_unless_replacing(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"]})
    for path, value in ((here, "neutral"), (there, "positive")):
        with opened(path) as project:
            add_question(project, "tone")
            answer(project, "alice", "a", "tone", value)
    with opened(here) as project, pytest.raises(MergeConflictError) as refused:
        merge_project(project, there)
    assert refused.value.report.conflicts == [
        "answer of alice to 'tone' on article 'a': 'neutral' here, 'positive' there "
        "(--replace takes theirs)"
    ]
    with opened(here) as project:
        report = merge_project(project, there, replace=True)
    assert counts(report)["answers"] == (0, 0, 1, 0, 0)
    assert answers(here) == {("a", "alice", "tone", "positive")}


def test_a_definition_differing_only_in_white_space_is_the_same(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"]})
    with opened(here) as project:
        set_label(project, "sovereignty", definition="National  authority.\n")
    with opened(there) as project:
        set_label(project, "sovereignty", definition="National authority.")
    with opened(here) as project:
        assert merge_project(project, there).conflicts == []


# --------------------------------------------------------------------------- statuses, assignments


def test_the_more_advanced_status_wins_unless_replacing(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"], "b": TEXTS["b"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"], "b": TEXTS["b"]})
    with opened(here) as project:
        status(project, "bob", "a", CodingStatus.DONE)
        status(project, "bob", "b", CodingStatus.IN_PROGRESS)
    with opened(there) as project:
        status(project, "bob", "a", CodingStatus.IN_PROGRESS)
        status(project, "bob", "b", CodingStatus.DONE)
    with opened(here) as project:
        report = merge_project(project, there)
    assert counts(report)["statuses"] == (0, 1, 1, 0, 0)
    assert statuses(here) == {("a", "bob", "done"), ("b", "bob", "done")}
    with opened(here) as project:
        replaced = merge_project(project, there, replace=True)
    assert counts(replaced)["statuses"] == (0, 1, 1, 0, 0)
    assert statuses(here) == {("a", "bob", "in-progress"), ("b", "bob", "done")}


def test_assignments_are_joined_and_the_sample_mark_is_ored(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"], "b": TEXTS["b"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"], "b": TEXTS["b"]})
    with opened(here) as project:
        assign(project, "alice", "a", in_sample=True)
        assign(project, "bob", "a", in_sample=False)
    with opened(there) as project:
        assign(project, "alice", "a", in_sample=False)
        assign(project, "bob", "a", in_sample=True)
        assign(project, "bob", "b")
    with opened(here) as project:
        report = merge_project(project, there)
    assert counts(report)["assignments"] == (1, 1, 1, 0, 0)
    assert assignments(here) == {("a", "alice", 1), ("a", "bob", 1), ("b", "bob", 0)}


# --------------------------------------------------------------------------- --replace


def test_replace_makes_the_coders_work_on_its_articles_exactly_theirs(tmp_path: Path) -> None:
    """A lead's project holds Bob's first round; Bob sends his corrected project."""
    lead = make_project(tmp_path, "lead", TEXTS)
    corrected = make_project(tmp_path, "bob", {"a": TEXTS["a"], "b": TEXTS["b"]})
    with opened(lead) as project:
        kept = tag(project, "bob", "a", "sovereignty", "Beijing", "first")
        relabelled = tag(project, "bob", "a", "sovereignty", "criticism")
        tag(project, "bob", "b", "universal rights", "Washington")  # Bob deleted it since
        tag(project, "bob", "c", "sovereignty", "sovereignty")  # c is not in Bob's project
        tag(project, "alice", "a", "sovereignty", "Beijing")  # not Bob's
        status(project, "bob", "a", CodingStatus.DONE)
        status(project, "bob", "b", CodingStatus.DONE)
        add_question(project, "tone")
        answer(project, "bob", "a", "tone", "neutral")
        answer(project, "bob", "b", "tone", "neutral")
        add_question(project, "lead only", level="nominal", options=("x",))
        answer(project, "bob", "a", "lead only", "x")  # a question Bob's project lacks
    with opened(corrected) as project:
        tag(project, "bob", "a", "sovereignty", "Beijing", "corrected memo")
        tag(project, "bob", "a", "double standards", "criticism")
        tag(project, "bob", "a", "universal rights", "domestic affairs")
        status(project, "bob", "a", CodingStatus.IN_PROGRESS)
        add_question(project, "tone")
        answer(project, "bob", "a", "tone", "negative")
    lead_ids = dict(rows(lead, "SELECT start_offset, id FROM annotation WHERE article_id = 1"))

    with opened(lead) as project:
        preview = preview_merge(project, corrected, replace=True)
        report = merge_project(project, corrected, replace=True)
    assert counts(report) == counts(preview)
    assert counts(report)["annotations"] == (1, 0, 2, 1, 0)
    assert counts(report)["answers"] == (0, 0, 1, 1, 0)
    assert counts(report)["statuses"] == (0, 0, 1, 1, 0)
    assert annotations(lead) == {
        ("a", "bob", "sovereignty", 0, 7, "corrected memo"),
        ("a", "bob", "double standards", 20, 29, ""),
        ("a", "bob", "universal rights", 49, 65, ""),
        ("c", "bob", "sovereignty", 55, 66, ""),
        ("a", "alice", "sovereignty", 0, 7, ""),
    }
    # Changed in place: the same ids.
    after = rows(lead, "SELECT start_offset, id FROM annotation WHERE coder_id = 1")
    assert {(0, kept), (20, relabelled)} <= after
    assert lead_ids[20] == relabelled
    assert statuses(lead) == {
        ("a", "bob", "in-progress"),
        ("c", "bob", "in-progress"),
        ("a", "alice", "in-progress"),
    }
    assert answers(lead) == {("a", "bob", "tone", "negative"), ("a", "bob", "lead only", "x")}
    # And a second replacing merge finds nothing left to do.
    with opened(lead) as project:
        again = merge_project(project, corrected, replace=True)
    assert again.written == 0


def test_replace_leaves_coders_without_work_there_alone(tmp_path: Path) -> None:
    here = make_project(tmp_path, "here", {"a": TEXTS["a"]})
    there = make_project(tmp_path, "there", {"a": TEXTS["a"]})
    with opened(here) as project:
        tag(project, "alice", "a", "sovereignty", "Beijing")
    with opened(there) as project:
        ensure_coder_named(project, "alice")  # a coder row, but no work of hers there
        tag(project, "bob", "a", "sovereignty", "Beijing")
    with opened(here) as project:
        report = merge_project(project, there, replace=True)
    assert counts(report)["annotations"] == (1, 0, 0, 0, 0)
    assert annotations(here) == {
        ("a", "alice", "sovereignty", 0, 7, ""),
        ("a", "bob", "sovereignty", 0, 7, ""),
    }


# --------------------------------------------------------------------------- all or nothing


def test_a_row_breaking_a_rule_midway_leaves_this_project_byte_identical(
    two_coders: tuple[Path, Path],
) -> None:
    """Bob's file, edited by hand, holds an empty span; the merge fails after writing articles."""
    alice, bob = two_coders
    connection = sqlite3.connect(bob)
    with connection:
        connection.execute("PRAGMA ignore_check_constraints=ON")
        connection.execute("UPDATE annotation SET end_offset = start_offset WHERE memo = 'memo B'")
    connection.close()
    bob_before = file_state(bob)
    before = closed_bytes(alice)
    with opened(alice) as project, pytest.raises(FramingError) as failed:
        merge_project(project, bob)
    message = str(failed.value)
    assert message.startswith(f"{bob}: a row of it breaks a rule of this project (")
    assert "CHECK constraint failed" in message
    assert message.endswith("nothing was changed")
    assert closed_bytes(alice) == before
    assert file_state(bob) == bob_before


def test_a_fault_in_the_last_step_rolls_everything_back(two_coders: tuple[Path, Path]) -> None:
    """A trigger refuses assignments, the last rows a merge writes."""
    alice, bob = two_coders
    connection = sqlite3.connect(alice)
    with connection:
        connection.execute(
            "CREATE TRIGGER no_assignments BEFORE INSERT ON assignment"
            " BEGIN SELECT RAISE(ABORT, 'assignments are frozen'); END"
        )
    connection.close()
    before = closed_bytes(alice)
    with opened(alice) as project, pytest.raises(FramingError, match="assignments are frozen"):
        merge_project(project, bob)
    assert closed_bytes(alice) == before


def test_a_full_disk_leaves_this_project_byte_identical(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "small-disk", 2048) as disk:
        here = make_project(disk, "here", {"a": TEXTS["a"]})
        big = {f"long{n}": f"Article {n}. " + "Many words here. " * 20_000 for n in range(4)}
        there = make_project(tmp_path, "there", big)
        before = closed_bytes(here)
        fill_disk(disk, leave_bytes=256 * 1024)
        try:
            with opened(here) as project, pytest.raises(StorageError, match="full"):
                merge_project(project, there)
        finally:
            (disk / ".filler").unlink()
        assert closed_bytes(here) == before


def test_cancel_changes_nothing(two_coders: tuple[Path, Path]) -> None:
    alice, bob = two_coders
    before = closed_bytes(alice)
    with opened(alice) as project, pytest.raises(FramingError, match="cancelled"):
        merge_project(project, bob, should_cancel=lambda: True)
    assert closed_bytes(alice) == before


# --------------------------------------------------------------------------- the other file


def test_the_other_file_is_never_written_nor_given_side_files(
    two_coders: tuple[Path, Path],
) -> None:
    alice, bob = two_coders
    before = file_state(bob)
    assert not bob.with_name("bob.sqlite-wal").exists()
    with opened(alice) as project:
        preview_both(project, bob)
        merge_project(project, bob, replace=True)
    assert file_state(bob) == before


def test_a_project_open_elsewhere_is_read_with_its_log(two_coders: tuple[Path, Path]) -> None:
    """Bob's framing-app is still running: his last tag is in the -wal file, not yet in the file."""
    alice, bob = two_coders
    with opened(bob) as elsewhere:
        tag(elsewhere, "bob", "c", "universal rights", "Activists")
        assert bob.with_name("bob.sqlite-wal").exists()
        before = file_state(bob)
        with opened(alice) as project:
            merge_project(project, bob)
        assert file_state(bob) == before
    assert ("c", "bob", "universal rights", 0, 9, "") in annotations(alice)


def test_an_older_project_is_read_through_an_upgraded_copy(
    two_coders: tuple[Path, Path],
) -> None:
    alice, bob = two_coders
    downgrade(bob, "0005")
    before = file_state(bob)
    with opened(alice) as project:
        report = merge_project(project, bob)
    assert report.upgraded_from == "0005"
    assert counts(report)["annotations"] == (2, 0, 0, 0, 0)
    assert ("c", "bob", "sovereignty", 55, 66, "") in annotations(alice)
    assert file_state(bob) == before
    assert revision(bob) == "0005"
    assert not [p for p in bob.parent.iterdir() if "backup" in p.name]


def downgrade(path: Path, target: str) -> None:
    """Take the project at *path* back to schema *target* (as an older framing-app left it)."""
    engine = create_project_engine(sqlite_url(path))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with schema_change(engine, str(path)) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, target)
    finally:
        engine.dispose()


def test_a_newer_project_is_refused(two_coders: tuple[Path, Path]) -> None:
    alice, bob = two_coders
    connection = sqlite3.connect(bob)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = closed_bytes(alice)
    with opened(alice) as project, pytest.raises(SchemaError) as refused:
        merge_project(project, bob)
    assert str(refused.value) == (
        f"{bob}: was written by a newer version of framing-app (schema 9999; this version "
        f"knows up to {head_revision()}); upgrade framing-app to merge it"
    )
    assert closed_bytes(alice) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.sqlite", None, "no such file"),
        ("empty.sqlite", b"", "not a framing-app project (an empty file)"),
        (
            "annotations.csv",
            b"annotation_id,article_id\n1,2\n",
            "not a framing-app project (a table: import-annotations merges an annotation CSV)",
        ),
        ("recipes.sqlite", "sqlite", "not a framing-app project (a SQLite database of another"),
        ("blank.sqlite", "blank", "not a framing-app project (an empty database)"),
    ],
)
def test_files_that_are_no_project_are_refused(
    project: Project, tmp_path: Path, name: str, content: bytes | str | None, expected: str
) -> None:
    path = tmp_path / name
    if content == "sqlite":
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE recipe (name TEXT)")
        connection.close()
    elif content == "blank":
        sqlite3.connect(path).execute("VACUUM").connection.close()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(FramingError) as refused:
        merge_project(project, path)
    assert str(refused.value).startswith(f"{path}: {expected}")


@sqlite_only
def test_merging_a_project_into_itself_is_refused_by_any_path(
    project: Project, tmp_path: Path
) -> None:
    assert project.path is not None
    link = tmp_path / "link.sqlite"
    link.symlink_to(project.path)
    folder = tmp_path / "folder"
    folder.mkdir()
    for path in (project.path, folder / ".." / project.path.name, link):
        with pytest.raises(FramingError, match="is this project itself"):
            merge_project(project, path)
    with pytest.raises(FramingError, match="is a folder"):
        merge_project(project, folder)
