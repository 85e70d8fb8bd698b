"""Adjudication into the consensus coder: each decision, exact undo and redo by ids, refusals,
closing an article, progress.

Real projects in temporary files; the consensus coder's rows are read back
through the services' own listing and, for the undo checks, compared field by
field (ids, spans, memos and times).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from raw_db import raw_connection

from framing_app.core.errors import ConflictError, FramingError
from framing_app.core.records import CodingStatus
from framing_app.services import answers, coding_status, questions, tagging
from framing_app.services.adjudication import (
    Choice,
    Take,
    consensus_coder,
    decide,
    parse_choice,
)
from framing_app.services.adjudication_close import close_article, plan_close
from framing_app.services.adjudication_record import redo_adjudication, undo_adjudication
from framing_app.services.annotation_export import export_annotations
from framing_app.services.answer_disagreements import decide_answer, list_answer_disagreements
from framing_app.services.article_import import import_articles
from framing_app.services.coders import add_coder
from framing_app.services.disagreements import Disagreement, list_disagreements
from framing_app.services.project import Project

SOV, DOUBLE, RIGHTS = "sovereignty", "double standards", "universal rights"
GLOBE = "\N{EARTH GLOBE ASIA-AUSTRALIA}"
TEXT = (
    "Talks open\n\n"
    "China rejects any interference in its internal affairs. "
    f"The U.S. disagrees {GLOBE} strongly.\n\n"
    "Both sides met in Geneva to discuss double standards."
)


def at(passage: str) -> tuple[int, int]:
    start = TEXT.index(passage)
    return start, start + len(passage)


def tag(project: Project, coder: str, label: str, passage: str, memo: str = "") -> int:
    start, end = at(passage)
    info = tagging.annotate(
        project, coder=coder, article="talks", label=label, start=start, end=end, memo=memo
    )
    return info.id


@pytest.fixture
def talks(project: Project, tmp_path: Path) -> Project:
    """alice and bob (both done) on one article with an emoji."""
    path = tmp_path / "talks.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    import_articles(project, [path])
    tag(project, "alice", SOV, "rejects any interference")
    tag(project, "bob", SOV, "interference in its internal affairs")
    tag(project, "bob", RIGHTS, f"{GLOBE} strongly")
    tag(project, "alice", DOUBLE, "double standards")
    tag(project, "bob", DOUBLE, "double standards")  # agreed at every unit
    for coder in ("alice", "bob"):
        coding_status.set_status(project, coder, CodingStatus.DONE, ["talks"])
    return project


def items(project: Project, unit: str = "span", **options: object) -> list[Disagreement]:
    return list(list_disagreements(project, ["alice", "bob"], unit, **options).items)  # type: ignore[arg-type]


def first(project: Project, label: str, unit: str = "span") -> Disagreement:
    return next(item for item in items(project, unit) if item.label == label)


def consensus_rows(project: Project) -> list[tuple[int, str, int, int, str]]:
    return [
        (a.id, a.label, a.start, a.end, a.memo)
        for a in tagging.list_annotations(project, "talks", "consensus")
    ]


def full_state(project: Project) -> list[tagging.AnnotationInfo]:
    """Every annotation with every field (ids, times): what an exact undo must restore."""
    return tagging.list_annotations(project, "talks")


def test_consensus_coder_is_created_once_and_marked(talks: Project) -> None:
    made = consensus_coder(talks)
    assert made.created
    assert made.name == "consensus"
    assert made.changes.coders
    again = consensus_coder(talks, "Consensus ")
    assert (again.id, again.created) == (made.id, False)
    assert not again.changes


def test_a_coder_of_that_name_who_codes_is_refused(talks: Project) -> None:
    add_coder(talks, "gold")
    with pytest.raises(ConflictError, match="'gold' codes articles and is not a consensus coder"):
        consensus_coder(talks, "gold")
    with pytest.raises(ConflictError, match="not a consensus coder"):
        decide(talks, first(talks, SOV), Choice.accept("alice"), consensus="alice")


def test_accept_one_coder_copies_their_passage_with_a_new_id_and_its_source(
    talks: Project,
) -> None:
    item = first(talks, SOV)
    alice = item.side("alice").passages[0]
    record = decide(talks, item, Choice.accept("alice"))
    assert record.deleted == ()
    (made,) = record.created
    assert made.id not in {p.id for side in item.sides for p in side.passages}
    assert consensus_rows(talks) == [
        (made.id, SOV, alice.start, alice.end, f"from alice #{alice.id}")
    ]
    assert record.changes.annotations == {made.id}
    assert record.changes.coders  # the consensus coder was created by this decision
    assert record.status == (None, "in-progress")
    assert first(talks, SOV).resolved


def test_accept_both_takes_the_union_each_span_once(talks: Project) -> None:
    """Three coders: alice and bob tagged one span identically, carol an overlapping one."""
    tag(talks, "carol", DOUBLE, "Geneva to discuss double")
    coding_status.set_status(talks, "carol", CodingStatus.DONE, ["talks"])
    found = list_disagreements(talks, ["alice", "bob", "carol"], "span", labels=[DOUBLE])
    (item,) = found.items
    record = decide(talks, item, Choice.both())
    ids = {side.coder: [p.id for p in side.passages] for side in item.sides}
    assert sorted((s.start, s.end, s.memo) for s in record.created) == sorted(
        [
            (*at("Geneva to discuss double"), f"from carol #{ids['carol'][0]}"),
            (*at("double standards"), f"from alice #{ids['alice'][0]}; bob #{ids['bob'][0]}"),
        ]
    )


def test_a_new_passage_and_its_limits(talks: Project) -> None:
    item = first(talks, SOV)
    start, end = at("any interference in its")
    record = decide(talks, item, Choice.new(start, end))
    assert consensus_rows(talks) == [(record.created[0].id, SOV, start, end, "new in adjudication")]
    with pytest.raises(FramingError, match="outside the unit"):
        decide(talks, item, Choice.new(*at("Talks open")))
    with pytest.raises(FramingError, match="runs past the end"):
        decide(talks, item, Choice.new(start, len(TEXT) + 5))
    assert len(consensus_rows(talks)) == 1  # refused decisions changed nothing


def test_a_new_passage_after_an_emoji_is_in_code_points(talks: Project) -> None:
    item = first(talks, RIGHTS)
    start, end = at("strongly")
    decide(talks, item, Choice.new(start, end), memo="the adverb only")
    (row,) = tagging.list_annotations(talks, "talks", "consensus")
    assert (row.text, row.memo) == ("strongly", "the adverb only")


def test_a_decision_replaces_the_previous_one_in_the_unit(talks: Project) -> None:
    item = first(talks, SOV)
    accepted = decide(talks, item, Choice.accept("alice"))
    again = decide(talks, first(talks, SOV), Choice.accept("bob"))
    assert again.deleted_ids == accepted.created_ids
    bob = item.side("bob").passages[0]
    assert [(s, e) for _, _, s, e, _ in consensus_rows(talks)] == [(bob.start, bob.end)]
    # Deciding what is there already changes nothing.
    same = decide(talks, first(talks, SOV), Choice.accept("bob"))
    assert not same.changed
    assert not same.changes


def test_absent_keeps_the_decided_parts_outside_the_unit(talks: Project) -> None:
    """A consensus passage over two sentences; deciding the second absent keeps the first part."""
    tag(talks, "bob", SOV, "The U.S. disagrees")  # sovereignty in the second sentence: bob only
    (second,) = [i for i in items(talks, "sentence") if i.label == SOV]
    assert TEXT[second.start : second.end].startswith("The U.S. disagrees")
    across = at("internal affairs. The U.S.")
    made = decide(talks, second, Choice.new(*across), memo="over both")
    record = decide(talks, second, Choice.none())
    assert record.deleted_ids == made.created_ids
    (kept,) = record.created
    # The part before the unit, without the space before the next sentence, same memo.
    assert (kept.start, kept.end, kept.memo) == (*at("internal affairs."), "over both")


def test_a_source_changed_since_the_listing_is_refused(talks: Project) -> None:
    item = first(talks, SOV)
    alice = item.side("alice").passages[0]
    tagging.set_span(talks, alice.id, alice.start, alice.end + 1)
    with pytest.raises(ConflictError, match=f"alice's annotation {alice.id} was changed"):
        decide(talks, item, Choice.accept("alice"))
    assert consensus_rows(talks) == []


def test_undo_and_redo_are_exact_by_ids(talks: Project) -> None:
    decide(talks, first(talks, SOV), Choice.accept("alice"))
    before = full_state(talks)
    record = decide(talks, first(talks, SOV), Choice.both())
    after = full_state(talks)
    assert before != after
    changes = undo_adjudication(talks, record)
    assert full_state(talks) == before  # same ids, spans, memos, times
    assert changes.annotations == {*record.created_ids, *record.deleted_ids}
    redo_adjudication(talks, record)
    assert full_state(talks) == after
    undo_adjudication(talks, record)
    assert full_state(talks) == before


def test_a_stale_undo_is_refused_and_changes_nothing(talks: Project) -> None:
    record = decide(talks, first(talks, SOV), Choice.accept("alice"))
    (made,) = record.created_ids
    tagging.set_memo(talks, made, "edited in the coding window")
    state = full_state(talks)
    with pytest.raises(ConflictError, match=f"annotation {made} of consensus was changed"):
        undo_adjudication(talks, record)
    assert full_state(talks) == state
    tagging.delete_annotation(talks, made)
    with pytest.raises(ConflictError, match="changed or deleted"):
        undo_adjudication(talks, record)


def test_a_stale_redo_is_refused(talks: Project) -> None:
    first_record = decide(talks, first(talks, SOV), Choice.accept("alice"))
    second = decide(talks, first(talks, SOV), Choice.accept("bob"))
    undo_adjudication(talks, second)  # alice's copy is back
    tagging.set_memo(talks, first_record.created_ids[0], "kept, with a note")
    with pytest.raises(ConflictError, match="changed or deleted since; nothing to redo"):
        redo_adjudication(talks, second)


def test_undo_puts_the_status_back_unless_changed_since(talks: Project) -> None:
    record = decide(talks, first(talks, SOV), Choice.accept("alice"))
    undo_adjudication(talks, record)
    assert coding_status.get_status(talks, "consensus", "talks") is CodingStatus.NOT_STARTED
    redo_adjudication(talks, record)
    coding_status.set_status(talks, "consensus", CodingStatus.DONE, ["talks"])
    undo_adjudication(talks, record)
    assert coding_status.get_status(talks, "consensus", "talks") is CodingStatus.DONE


def test_progress_counts_every_decision_at_once_absent_included(talks: Project) -> None:
    found = list_disagreements(talks, ["alice", "bob"], "span")
    assert found.progress == "0 of 2 resolved"
    decide(talks, found.items[0], Choice.both())
    absent = decide(talks, found.items[1], Choice.accept("alice"))  # alice: absent there
    found = list_disagreements(talks, ["alice", "bob"], "span")
    # An absent decision leaves no passage, but its decision row counts at once.
    assert found.progress == "2 of 2 resolved"
    assert not found.items[1].consensus
    assert found.items[1].decision is not None
    assert found.items[1].decision.decision == "coder"
    undo_adjudication(talks, absent)
    found = list_disagreements(talks, ["alice", "bob"], "span")
    assert found.progress == "1 of 2 resolved"
    # Closing decides the rest absent; undoing the close takes that back.
    plan = plan_close(talks, ["alice", "bob"], "span", "talks")
    assert plan.absent == ((RIGHTS, *at(f"{GLOBE} strongly")),)
    record = close_article(talks, plan)
    found = list_disagreements(talks, ["alice", "bob"], "span")
    assert found.progress == "2 of 2 resolved"
    assert found.items[1].closed
    undo_adjudication(talks, record)
    assert list_disagreements(talks, ["alice", "bob"], "span").progress == "1 of 2 resolved"


def decision_rows(project: Project) -> list[tuple[object, ...]]:
    """Every decision row, every column, read with the standard library's sqlite3."""
    with raw_connection(project) as conn:
        return [tuple(r) for r in conn.execute("SELECT * FROM adjudication_decision ORDER BY id")]


def test_a_decision_records_its_row_in_the_same_transaction(talks: Project) -> None:
    item = first(talks, RIGHTS)
    record = decide(talks, item, Choice.none())
    (row,) = decision_rows(talks)
    (state,) = record.decided
    assert row[:9] == (
        state.id,
        record.consensus_id,
        item.article_id,
        item.label_id,
        None,
        "span",
        item.start,
        item.end,
        "none",
    )
    assert record.changed
    assert record.changes.articles == {item.article_id}
    # Deciding the same again changes nothing; deciding otherwise replaces the row.
    assert not decide(talks, first(talks, RIGHTS), Choice.none()).changed
    other = decide(talks, first(talks, RIGHTS), Choice.accept("bob"))
    assert other.undecided == record.decided
    ((_, *rest),) = decision_rows(talks)
    assert rest[7] == "coder"
    # A refused decision records nothing either.
    with pytest.raises(FramingError, match="outside the unit"):
        decide(talks, first(talks, RIGHTS), Choice.new(*at("Talks open")))
    assert len(decision_rows(talks)) == 1


def test_undo_and_redo_restore_the_decision_rows_exactly_by_id(talks: Project) -> None:
    decide(talks, first(talks, SOV), Choice.none())
    before = decision_rows(talks), full_state(talks)
    record = decide(talks, first(talks, SOV), Choice.accept("alice"))
    after = decision_rows(talks), full_state(talks)
    assert before[0] != after[0]
    undo_adjudication(talks, record)
    assert (decision_rows(talks), full_state(talks)) == before  # same ids, times
    redo_adjudication(talks, record)
    assert (decision_rows(talks), full_state(talks)) == after
    # A decision row changed since refuses the undo, changing nothing.
    with raw_connection(talks) as conn:
        conn.execute("UPDATE adjudication_decision SET decision = 'both'")
    changed = decision_rows(talks), full_state(talks)
    with pytest.raises(ConflictError, match=r"decision \d+ was changed or deleted since"):
        undo_adjudication(talks, record)
    assert (decision_rows(talks), full_state(talks)) == changed


def test_a_decision_on_a_larger_unit_covers_and_replaces_those_inside(talks: Project) -> None:
    """Sentences decided one by one, then their paragraph: the paragraph's row settles them."""
    tag(talks, "bob", SOV, "The U.S. disagrees")
    sentences = [i for i in items(talks, "sentence") if i.label == SOV]
    (paragraph,) = [i for i in items(talks, "paragraph") if i.label == RIGHTS]
    rights = [i for i in items(talks, "sentence") if i.label == RIGHTS]
    decide(talks, rights[0], Choice.none())
    assert len(decision_rows(talks)) == 1
    record = decide(talks, paragraph, Choice.none())
    assert [d.unit for d in record.undecided] == ["sentence"]
    assert [(d.unit, d.start, d.end) for d in record.decided] == [
        ("paragraph", paragraph.start, paragraph.end)
    ]
    # The sentence inside the paragraph is resolved by the paragraph's decision.
    assert all(i.resolved for i in items(talks, "sentence") if i.label == RIGHTS)
    assert not any(i.resolved for i in sentences)


def test_closing_takes_over_the_agreements(talks: Project) -> None:
    plan = plan_close(talks, ["alice", "bob"], "paragraph", "talks")
    ids = {(a.coder, a.label): a.id for a in tagging.list_annotations(talks, "talks")}
    # double standards: the same passage; sovereignty: both present in the second
    # paragraph, with different passages (an agreement at this unit): both taken over.
    assert sorted((p.label, p.start, p.end, p.memo) for p in plan.agreed) == sorted(
        [
            (
                DOUBLE,
                *at("double standards"),
                f"agreed: alice #{ids['alice', DOUBLE]}; bob #{ids['bob', DOUBLE]}",
            ),
            (SOV, *at("rejects any interference"), f"agreed: alice #{ids['alice', SOV]}"),
            (SOV, *at("interference in its internal affairs"), f"agreed: bob #{ids['bob', SOV]}"),
        ]
    )
    assert plan.absent == ((RIGHTS, *at(TEXT.split("\n\n")[1])),)
    assert "takes over 3 agreed passages and decides 1 disagreement absent" in plan.summary()
    record = close_article(talks, plan)
    assert len(record.created) == 3
    assert coding_status.get_status(talks, "consensus", "talks") is CodingStatus.DONE
    assert list_disagreements(talks, ["alice", "bob"], "paragraph").progress == "1 of 1 resolved"
    # A passage changed since the plan was made refuses the close, changing nothing.
    undo_adjudication(talks, record)
    assert consensus_rows(talks) == []
    tagging.set_span(talks, ids["alice", DOUBLE], *at("standards"))
    with pytest.raises(ConflictError, match="changed or deleted since closing was prepared"):
        close_article(talks, plan)
    assert consensus_rows(talks) == []


def test_closing_is_refused_when_a_coder_has_not_started(talks: Project) -> None:
    add_coder(talks, "carol")
    with pytest.raises(FramingError, match="carol has not started article 'talks'"):
        plan_close(talks, ["alice", "bob", "carol"], "span", "talks", all_articles=True)


def test_consensus_annotations_export_like_any_coders(talks: Project) -> None:
    record = decide(talks, first(talks, SOV), Choice.accept("bob"))
    out = io.StringIO()
    export_annotations(talks, out, coders=["consensus"])
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["annotation_id"], r["coder"], r["label"], r["text"]) for r in rows] == [
        (str(record.created_ids[0]), "consensus", SOV, "interference in its internal affairs")
    ]


def test_parse_choice() -> None:
    coders = ["alice", "bob"]
    assert parse_choice("Alice", coders) == Choice.accept("alice")
    assert parse_choice("both", coders).take is Take.BOTH
    assert parse_choice("all", coders).take is Take.BOTH
    assert parse_choice("none", coders).take is Take.NONE
    assert parse_choice("new", coders, (3, 9)) == Choice.new(3, 9)
    with pytest.raises(FramingError, match="needs its span"):
        parse_choice("new", coders)
    with pytest.raises(FramingError, match="only with a new passage"):
        parse_choice("alice", coders, (3, 9))
    with pytest.raises(FramingError, match="choose one of alice, bob, both"):
        parse_choice("carol", coders)
    with pytest.raises(FramingError, match="both a coder and a choice"):
        parse_choice("none", ["alice", "None"])


def test_closing_takes_over_the_answers_the_coders_agree_on(talks: Project) -> None:
    """tone: the same answer (taken over); relevant: different (left unanswered); count:
    one coder's answer only (no comparison: not taken over)."""
    questions.add_question(talks, "tone", level="ordinal", options=["neg", "neu", "pos"])
    questions.add_question(talks, "relevant", level="nominal", options=["yes", "no"])
    questions.add_question(talks, "count", level="ratio")
    for coder, tone, relevant in (("alice", "neg", "yes"), ("bob", "neg", "no")):
        answers.set_answer(talks, coder=coder, article="talks", question="tone", value=tone)
        answers.set_answer(talks, coder=coder, article="talks", question="relevant", value=relevant)
    answers.set_answer(talks, coder="alice", article="talks", question="count", value="3")
    plan = plan_close(talks, ["alice", "bob"], "paragraph", "talks")
    assert [(a.question, a.value) for a in plan.answers] == [("tone", "neg")]
    assert plan.unanswered == ("relevant",)
    assert "takes over 3 agreed passages and 1 agreed answer and decides 2" in plan.summary()
    record = close_article(talks, plan)
    tone = next(q.id for q in questions.list_questions(talks) if q.name == "tone")
    assert answers.article_answers(talks, "talks", "consensus") == {tone: "neg"}
    assert record.changes.answered == {record.article_id}
    (made,) = record.answered
    undo_adjudication(talks, record)
    assert answers.article_answers(talks, "talks", "consensus") == {}
    redo_adjudication(talks, record)
    assert answers.answer_state(talks, made.id).value == "neg"  # the same answer, same id
    undo_adjudication(talks, record)
    # A question the consensus decided is left as decided; a changed answer refuses the close.
    (relevant,) = list_answer_disagreements(talks, ["alice", "bob"], questions=["relevant"])
    decide_answer(talks, relevant)  # no answer
    assert plan_close(talks, ["alice", "bob"], "paragraph", "talks").unanswered == ()
    answers.set_answer(talks, coder="bob", article="talks", question="tone", value="pos")
    with pytest.raises(ConflictError, match="changed or cleared since closing was prepared"):
        close_article(talks, plan)
    assert answers.article_answers(talks, "talks", "consensus") == {}


def test_undoing_a_label_delete_gives_back_its_decisions(talks: Project) -> None:
    """An "absent" decision leaves no annotation; deleting its label and undoing must keep it."""
    from framing_app.services import codebook
    from framing_app.services.label_states import remove_label, restore_removed_label

    decide(talks, first(talks, RIGHTS), Choice.none())
    decide(talks, first(talks, SOV), Choice.accept("alice"))

    def decisions() -> list[tuple[object, ...]]:
        return decision_rows(talks)

    before = decisions()
    assert len(before) == 2
    rights = next(label.id for label in codebook.list_labels(talks) if label.name == RIGHTS)
    removed = remove_label(talks, rights, with_annotations=True)
    assert len(removed.decisions) == 1
    assert [row for row in decisions() if row in before] == decisions()
    assert len(decisions()) == 1
    restore_removed_label(talks, removed)
    assert decisions() == before
