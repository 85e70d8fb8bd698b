"""Listing disagreements: what a disagreement is at each unit, which articles, order, refusals.

Real projects in temporary files. The paragraph and sentence disagreements
are checked against the agreement report's own reliability data
(``build_items``): the units where two coders' values differ are exactly
the units listed, for both overlap rules.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from framing_app.core.errors import Cancelled, FramingError
from framing_app.core.records import CodingStatus
from framing_app.services import coding_status, tagging
from framing_app.services.adjudication import consensus_coder
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.coders import add_coder
from framing_app.services.disagreements import (
    ReviewUnit,
    independent_coders,
    list_disagreements,
)
from framing_app.services.project import Project
from framing_app.services.reliability_units import OverlapRule, Unit, build_items

SOV, DOUBLE, RIGHTS = "sovereignty", "double standards", "universal rights"
GLOBE = "\N{EARTH GLOBE ASIA-AUSTRALIA}"
TALKS = (
    "Talks open\n\n"
    "China rejects any interference in its internal affairs. "
    f"The U.S. disagrees {GLOBE} strongly.\n\n"
    "Both sides met in Geneva."
)
REPORT = "Annual report\n\nLawyers are detained.\n\nCritics speak of double standards."
LATE = "Late piece\n\nNobody has finished this one."


def add_articles(project: Project, folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for external_id, text in texts.items():
        path = folder / f"{external_id}.txt"
        path.write_bytes(text.encode("utf-8"))
        import_articles(project, [path])
        assert get_article(project, external_id).text == text


def tag(project: Project, coder: str, article: str, label: str, passage: str) -> int:
    text = {"talks": TALKS, "report": REPORT, "late": LATE}[article]
    start = text.index(passage)
    return tagging.annotate(
        project, coder=coder, article=article, label=label, start=start, end=start + len(passage)
    ).id


def done(project: Project, coder: str, *articles: str) -> None:
    coding_status.set_status(project, coder, CodingStatus.DONE, list(articles))


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """alice and bob on TALKS and REPORT (both done); LATE done by alice only."""
    add_articles(project, tmp_path / "in", {"talks": TALKS, "report": REPORT, "late": LATE})
    tag(project, "alice", "talks", SOV, "rejects any interference in its internal affairs")
    tag(project, "bob", "talks", SOV, "internal affairs. The U.S.")
    tag(project, "bob", "talks", RIGHTS, f"{GLOBE} strongly")
    tag(project, "alice", "report", DOUBLE, "double standards")
    tag(project, "bob", "report", DOUBLE, "Critics speak")
    tag(project, "alice", "report", RIGHTS, "Lawyers are detained.")
    tag(project, "alice", "late", SOV, "Nobody")
    done(project, "alice", "talks", "report", "late")
    done(project, "bob", "talks", "report")
    return project


def listed(project: Project, unit: str, **options: object) -> list[tuple[str, str, int, int]]:
    found = list_disagreements(project, ["alice", "bob"], unit, **options)  # type: ignore[arg-type]
    return [(d.external_id, d.label, d.start, d.end) for d in found.items]


def span(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def test_article_unit_lists_labels_one_coder_used_and_the_other_did_not(coded: Project) -> None:
    assert listed(coded, "article") == [
        ("talks", RIGHTS, 0, len(TALKS)),
        ("report", RIGHTS, 0, len(REPORT)),
    ]


def test_paragraph_unit_lists_present_for_one_absent_for_the_other(coded: Project) -> None:
    second = span(TALKS, TALKS.split("\n\n")[1])
    lawyers = span(REPORT, "Lawyers are detained.")
    assert listed(coded, "paragraph") == [
        ("talks", RIGHTS, *second),
        ("report", RIGHTS, *lawyers),
    ]


def test_sentence_unit_splits_the_paragraph(coded: Project) -> None:
    first = span(TALKS, "China rejects any interference in its internal affairs.")
    second = span(TALKS, f"The U.S. disagrees {GLOBE} strongly.")
    assert listed(coded, "sentence") == [
        ("talks", SOV, *second),  # bob's passage reaches into it, alice's does not
        ("talks", RIGHTS, *second),
        ("report", RIGHTS, *span(REPORT, "Lawyers are detained.")),
    ]
    assert first[1] < second[0]


def test_offsets_are_code_points_past_an_emoji(coded: Project) -> None:
    item = list_disagreements(coded, ["alice", "bob"], "span", labels=[RIGHTS]).items[0]
    bob = item.side("bob").passages[0]
    assert TALKS[bob.start : bob.end] == f"{GLOBE} strongly"
    assert (item.start, item.end) == (bob.start, bob.end)


def test_span_unit_groups_overlapping_passages_and_skips_identical_ones(
    coded: Project,
) -> None:
    tag(coded, "alice", "report", SOV, "Annual report")
    tag(coded, "bob", "report", SOV, "Annual report")  # identical: no disagreement
    found = list_disagreements(coded, ["alice", "bob"], "span")
    keys = [(d.external_id, d.label, d.start, d.end) for d in found.items]
    alice = span(TALKS, "rejects any interference in its internal affairs")
    bob = span(TALKS, "internal affairs. The U.S.")
    assert keys == [
        ("talks", SOV, alice[0], bob[1]),
        ("talks", RIGHTS, *span(TALKS, f"{GLOBE} strongly")),
        ("report", RIGHTS, *span(REPORT, "Lawyers are detained.")),
        ("report", DOUBLE, *span(REPORT, "Critics speak")),
        ("report", DOUBLE, *span(REPORT, "double standards")),
    ]
    sovereignty = found.items[0]
    assert [(p.start, p.end) for p in sovereignty.side("alice").passages] == [alice]
    assert [(p.start, p.end) for p in sovereignty.side("bob").passages] == [bob]
    assert all(side.present for side in sovereignty.sides)


def test_order_is_import_order_then_position_then_codebook_order(coded: Project) -> None:
    items = list_disagreements(coded, ["alice", "bob"], "sentence").items
    keys = [(d.article_id, d.start, d.end) for d in items]
    assert keys == sorted(keys)
    # Same sentence: sovereignty before universal rights, as in the codebook.
    assert [d.label for d in items[:2]] == [SOV, RIGHTS]


@pytest.mark.parametrize(
    ("unit", "overlap"),
    [
        (Unit.ARTICLE, OverlapRule.ANY),
        (Unit.PARAGRAPH, OverlapRule.ANY),
        (Unit.PARAGRAPH, OverlapRule.MAJORITY),
        (Unit.SENTENCE, OverlapRule.ANY),
        (Unit.SENTENCE, OverlapRule.MAJORITY),
    ],
)
def test_disagreements_are_the_units_where_the_report_values_differ(
    coded: Project, unit: Unit, overlap: OverlapRule
) -> None:
    """The cells of the agreement report's reliability data where alice and bob differ."""
    items = build_items(coded, ["alice", "bob"], unit, overlap=overlap)
    expected = set()
    for item in items.labels:
        for unit_id, (a, b) in zip(item.unit_ids, item.values.tolist(), strict=True):
            if not (math.isnan(a) or math.isnan(b)) and a != b:
                expected.add((item.name, unit_id))
    found = list_disagreements(coded, ["alice", "bob"], unit.value, overlap=overlap)
    got = {
        (d.label, d.external_id if unit is Unit.ARTICLE else f"{d.external_id}:{d.start}-{d.end}")
        for d in found.items
    }
    assert got == expected
    assert expected  # the fixture has disagreements at every unit


def test_majority_rule_drops_a_sentence_touched_by_a_few_characters(coded: Project) -> None:
    touched = span(TALKS, f"The U.S. disagrees {GLOBE} strongly.")
    anyway = listed(coded, "sentence")
    strict = listed(coded, "sentence", overlap="majority")
    assert ("talks", SOV, *touched) in anyway
    assert ("talks", SOV, *touched) not in strict


def test_only_articles_done_by_every_coder_unless_all_articles(coded: Project) -> None:
    found = list_disagreements(coded, ["alice", "bob"], "article")
    assert found.articles == 2
    assert [e.external_id for e in found.excluded] == ["late"]
    assert "bob has not marked it done" in found.excluded[0].reason
    # With every article, bob (who never started LATE) has no value there: alice alone
    # is not a disagreement.
    every = list_disagreements(coded, ["alice", "bob"], "article", all_articles=True)
    assert every.articles == 3
    assert [d.external_id for d in every.items] == ["talks", "report"]


def test_a_coder_who_has_not_started_is_left_out_of_the_comparison(coded: Project) -> None:
    tag(coded, "carol", "late", DOUBLE, "Late piece")
    found = list_disagreements(coded, ["alice", "bob", "carol"], "article", all_articles=True)
    late = [d for d in found.items if d.external_id == "late"]
    assert [(d.label, [s.present for s in d.sides]) for d in late] == [
        (SOV, [True, None, False]),
        (DOUBLE, [False, None, True]),
    ]


def test_label_filter_and_one_article(coded: Project) -> None:
    only = list_disagreements(coded, ["alice", "bob"], "span", labels=["Double Standards"])
    assert {d.label for d in only.items} == {DOUBLE}
    assert only.labels == (DOUBLE,)
    one = list_disagreements(coded, ["alice", "bob"], "span", article="talks")
    assert {d.external_id for d in one.items} == {"talks"}
    with pytest.raises(FramingError, match="not compared: bob has not marked it done"):
        list_disagreements(coded, ["alice", "bob"], "span", article="late")


def test_refusals(coded: Project) -> None:
    with pytest.raises(FramingError, match="use the span unit"):
        list_disagreements(coded, ["alice", "bob"], "character")
    with pytest.raises(FramingError, match="overlap rule applies to paragraph and sentence"):
        list_disagreements(coded, ["alice", "bob"], "span", overlap="majority")
    with pytest.raises(FramingError, match="at least two coders"):
        list_disagreements(coded, ["alice"], "article")
    with pytest.raises(FramingError, match="did you mean 'alice'"):
        list_disagreements(coded, ["alcie", "bob"], "article")
    consensus_coder(coded)
    with pytest.raises(FramingError, match="is a consensus coder"):
        list_disagreements(coded, ["alice", "consensus"], "article")
    add_coder(coded, "gold")
    with pytest.raises(FramingError, match="not a consensus coder"):
        list_disagreements(coded, ["alice", "bob"], "article", consensus="gold")


def test_independent_coders_leave_out_the_consensus(coded: Project) -> None:
    consensus_coder(coded, "adjudicated")
    assert independent_coders(coded) == ["alice", "bob"]


def test_nothing_to_review_when_the_coders_agree(project: Project, tmp_path: Path) -> None:
    add_articles(project, tmp_path / "in", {"report": REPORT})
    for coder in ("alice", "bob"):
        tag(project, coder, "report", DOUBLE, "double standards")
        done(project, coder, "report")
    for unit in ReviewUnit:
        found = list_disagreements(project, ["alice", "bob"], unit)
        assert found.items == ()
        assert found.progress == "0 of 0 resolved"


def test_listing_reports_progress_and_stops_when_cancelled(coded: Project) -> None:
    seen: list[tuple[int, int, str]] = []
    found = list_disagreements(
        coded, ["alice", "bob"], "sentence", progress=lambda *args: seen.append(args)
    )
    assert found.items
    assert seen[0] == (0, 0, "choosing the articles")
    assert seen[-1] == (2, 2, "comparing the coders' passages")  # talks and report, tagged
    asked: list[bool] = []

    def cancel_on_the_second_look() -> bool:
        asked.append(True)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        list_disagreements(
            coded, ["alice", "bob"], "sentence", should_cancel=cancel_on_the_second_look
        )
