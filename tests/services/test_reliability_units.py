"""Reliability data from real projects: units, overlap rules, included articles, missing values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from framing_app.core.agreement import Level, reliability_data, summarise
from framing_app.core.errors import FramingError
from framing_app.core.records import CodingStatus
from framing_app.services import codebook, coding_status, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.project import Project
from framing_app.services.reliability_units import (
    OVERALL,
    OverlapRule,
    ReliabilityItem,
    ReliabilityItems,
    Unit,
    build_items,
)

SOV, DOUBLE, RIGHTS = "sovereignty", "double standards", "universal rights"

# Three paragraphs; the second has two sentences, one with an emoji (one code
# point) and an abbreviation that must not end a sentence.
TALKS = (
    "Talks open\n\n"
    "China rejects any interference in its internal affairs. "
    "The U.S. disagrees \N{EARTH GLOBE ASIA-AUSTRALIA} strongly.\n\n"
    "Both sides met in Geneva."
)
REPORT = "Annual report\n\nLawyers are detained.\n\nCritics speak of double standards."
LATE = "Late piece\n\nNobody has finished this one."


def add_articles(project: Project, folder: Path, texts: dict[str, str]) -> dict[str, str]:
    """Import each text as EXTERNAL_ID.txt, in this order; returns the stored texts."""
    folder.mkdir(parents=True, exist_ok=True)
    for external_id, text in texts.items():
        path = folder / f"{external_id}.txt"
        path.write_bytes(text.encode("utf-8"))
        import_articles(project, [path])
    stored = {external_id: get_article(project, external_id).text for external_id in texts}
    assert stored == texts  # offsets below are offsets of these very strings
    return stored


def tag(project: Project, coder: str, article: str, label: str, text: str, passage: str) -> None:
    start = text.index(passage)
    tagging.annotate(
        project, coder=coder, article=article, label=label, start=start, end=start + len(passage)
    )


def done(project: Project, coder: str, *articles: str) -> None:
    coding_status.set_status(project, coder, CodingStatus.DONE, list(articles))


def item(items: ReliabilityItems, name: str) -> ReliabilityItem:
    return next(each for each in items.items if each.name == name)


def column(values: np.ndarray) -> list[list[float | None]]:
    return [[None if math.isnan(v) else v for v in row] for row in values.tolist()]


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """alice and bob on TALKS and REPORT (both done); LATE done by alice only."""
    add_articles(project, tmp_path / "in", {"talks": TALKS, "report": REPORT, "late": LATE})
    tag(project, "alice", "talks", SOV, TALKS, "rejects any interference in its internal affairs")
    tag(project, "bob", "talks", SOV, TALKS, "internal affairs. The U.S.")
    tag(project, "bob", "talks", RIGHTS, TALKS, "\N{EARTH GLOBE ASIA-AUSTRALIA} strongly")
    tag(project, "alice", "report", DOUBLE, REPORT, "double standards")
    tag(project, "bob", "report", DOUBLE, REPORT, "Critics speak")
    tag(project, "alice", "late", SOV, LATE, "Nobody")
    done(project, "alice", "talks", "report", "late")
    done(project, "bob", "talks", "report")
    return project


# --------------------------------------------------------------------------- units


def test_article_unit_counts_any_passage(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.ARTICLE)
    assert items.coders == ("alice", "bob")
    assert items.articles == 2
    assert [each.name for each in items.items] == [SOV, DOUBLE, RIGHTS, OVERALL]
    sov = item(items, SOV)
    assert sov.unit_ids == ("talks", "report")
    assert sov.kind == "label"
    assert sov.level is Level.NOMINAL
    assert sov.categories == (0.0, 1.0)
    assert column(sov.values) == [[1.0, 1.0], [0.0, 0.0]]
    assert column(item(items, DOUBLE).values) == [[0.0, 0.0], [1.0, 1.0]]
    assert column(item(items, RIGHTS).values) == [[0.0, 1.0], [0.0, 0.0]]


def test_paragraph_units_and_the_any_rule(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.PARAGRAPH)
    second = TALKS.index("China")
    second_end = TALKS.index("strongly.") + len("strongly.")
    assert item(items, SOV).unit_ids == (
        "talks:0-10",
        f"talks:{second}-{second_end}",
        f"talks:{second_end + 2}-{len(TALKS)}",
        "report:0-13",
        "report:15-36",
        f"report:38-{len(REPORT)}",
    )
    assert column(item(items, SOV).values) == [[0, 0], [1, 1], [0, 0], [0, 0], [0, 0], [0, 0]]
    assert column(item(items, DOUBLE).values) == [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [1, 1]]
    assert column(item(items, RIGHTS).values) == [[0, 0], [0, 1], [0, 0], [0, 0], [0, 0], [0, 0]]


def test_sentence_units_follow_the_splitter(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.SENTENCE)
    sov = item(items, SOV)
    spans = [tuple(map(int, unit.split(":")[1].split("-"))) for unit in sov.unit_ids[:4]]
    assert [TALKS[start:end] for start, end in spans] == [
        "Talks open",
        "China rejects any interference in its internal affairs.",
        "The U.S. disagrees \N{EARTH GLOBE ASIA-AUSTRALIA} strongly.",
        "Both sides met in Geneva.",
    ]
    # bob's passage runs from the first sentence of the paragraph into the second.
    assert column(sov.values)[:4] == [[0, 0], [1, 1], [0, 1], [0, 0]]
    assert column(item(items, RIGHTS).values)[:4] == [[0, 0], [0, 0], [0, 1], [0, 0]]


def test_majority_rule_needs_more_than_half_of_the_unit(coded: Project) -> None:
    any_ = build_items(coded, ["alice", "bob"], Unit.SENTENCE, overlap=OverlapRule.ANY)
    most = build_items(coded, ["alice", "bob"], Unit.SENTENCE, overlap=OverlapRule.MAJORITY)
    assert most.overlap is OverlapRule.MAJORITY
    # alice's passage is 48 of the 55 characters of the second sentence, bob's
    # 17; bob's reaches 8 of the 30 of the third.
    assert column(item(any_, SOV).values)[1:3] == [[1, 1], [0, 1]]
    assert column(item(most, SOV).values)[1:3] == [[1, 0], [0, 0]]
    # "Critics speak" is 13 of the 34 characters of its paragraph sentence.
    assert column(item(any_, DOUBLE).values)[-1] == [1, 1]
    assert column(item(most, DOUBLE).values)[-1] == [0, 0]


def test_majority_counts_the_union_of_a_coders_passages(project: Project, tmp_path: Path) -> None:
    text = "0123456789\n\nabcdefghij"
    add_articles(project, tmp_path / "in", {"digits": text})
    # alice: 0-4 and 1-5, 8 characters if summed, 5 (exactly half) as a union.
    tagging.annotate(project, coder="alice", article="digits", label=SOV, start=0, end=4)
    tagging.annotate(project, coder="alice", article="digits", label=SOV, start=1, end=5)
    # bob: 0-3 and 3-6, which touch: 6 of 10.
    tagging.annotate(project, coder="bob", article="digits", label=SOV, start=0, end=3)
    tagging.annotate(project, coder="bob", article="digits", label=SOV, start=3, end=6)
    # And across the blank line: 7 of the first paragraph, 6 of the second.
    tagging.annotate(project, coder="bob", article="digits", label=RIGHTS, start=3, end=18)
    done(project, "alice", "digits")
    done(project, "bob", "digits")
    items = build_items(project, ["alice", "bob"], Unit.PARAGRAPH, overlap=OverlapRule.MAJORITY)
    assert item(items, SOV).unit_ids == ("digits:0-10", "digits:12-22")
    assert column(item(items, SOV).values) == [[0, 1], [0, 0]]
    assert column(item(items, RIGHTS).values) == [[0, 1], [0, 1]]


def test_character_units_with_an_emoji(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.CHARACTER)
    rights = item(items, RIGHTS)
    assert len(rights.unit_ids) == len(TALKS) + len(REPORT)
    assert rights.unit_ids[:2] == ("talks:0", "talks:1")
    assert rights.unit_ids[len(TALKS)] == "report:0"
    globe = TALKS.index("\N{EARTH GLOBE ASIA-AUSTRALIA}")
    passage = "\N{EARTH GLOBE ASIA-AUSTRALIA} strongly"
    # One code point is one unit: the emoji, then the space after it.
    assert rights.unit_ids[globe] == f"talks:{globe}"
    bob = rights.values[:, 1]
    assert np.flatnonzero(bob).tolist() == list(range(globe, globe + len(passage)))
    assert not rights.values[:, 0].any()
    sov = item(items, SOV).values
    alice_passage = "rejects any interference in its internal affairs"
    start = TALKS.index(alice_passage)
    assert np.flatnonzero(sov[:, 0]).tolist() == list(range(start, start + len(alice_passage)))


def test_the_pooled_item_is_every_label_after_another(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.PARAGRAPH)
    pooled = item(items, OVERALL)
    labels = items.labels
    assert [each.name for each in labels] == [SOV, DOUBLE, RIGHTS]
    assert pooled.kind == "overall"
    assert pooled.categories == (0.0, 1.0)
    np.testing.assert_array_equal(pooled.values, np.vstack([each.values for each in labels]))
    assert pooled.unit_ids == labels[0].unit_ids * 3
    assert items.units == 6
    with pytest.raises(ValueError, match="read-only"):
        pooled.values[0, 0] = 1.0


# --------------------------------------------------------------------------- articles


def test_only_articles_every_coder_marked_done(coded: Project) -> None:
    items = build_items(coded, ["bob", "alice"], Unit.ARTICLE)
    assert items.coders == ("bob", "alice")
    assert items.articles == 2
    assert [(e.external_id, e.title, e.reason) for e in items.excluded] == [
        ("late", "Late piece", "bob has not marked it done")
    ]
    # bob's column first, as asked.
    assert column(item(items, RIGHTS).values) == [[1, 0], [0, 0]]


def test_exclusion_names_every_coder_not_done(coded: Project) -> None:
    tag(coded, "carol", "report", SOV, REPORT, "Lawyers")
    done(coded, "carol", "talks")
    coding_status.set_status(coded, "alice", CodingStatus.IN_PROGRESS, ["report"])
    items = build_items(coded, ["alice", "bob", "carol"], Unit.ARTICLE)
    assert items.articles == 1
    assert [(e.external_id, e.reason) for e in items.excluded] == [
        ("report", "alice and carol have not marked it done"),
        ("late", "bob and carol have not marked it done"),
    ]
    coding_status.set_status(coded, "bob", CodingStatus.NOT_STARTED, ["talks"])
    everyone = build_items(coded, ["alice", "bob", "carol"], Unit.ARTICLE)
    assert everyone.articles == 0
    assert everyone.excluded[0].reason == "bob has not marked it done"
    assert item(everyone, SOV).values.shape == (0, 3)
    assert item(everyone, OVERALL).values.shape == (0, 3)


def test_all_articles_gives_missing_values_to_coders_who_have_not_started(
    coded: Project,
) -> None:
    # carol started REPORT (a tag puts it in progress) and never opened the others.
    tag(coded, "carol", "report", SOV, REPORT, "Lawyers")
    items = build_items(coded, ["alice", "bob", "carol"], Unit.PARAGRAPH, all_articles=True)
    assert items.articles == 3
    assert items.excluded == ()
    sov = item(items, SOV)
    assert sov.unit_ids[-2:] == ("late:0-10", "late:12-41")
    assert column(sov.values) == [
        [0, 0, None],  # talks: carol has not started it
        [1, 1, None],
        [0, 0, None],
        [0, 0, 0],  # report: carol has, so her absent labels are 0
        [0, 0, 1],
        [0, 0, 0],
        [0, None, None],  # late: bob has not started it either
        [1, None, None],
    ]
    # The pooled item keeps the gaps.
    assert np.isnan(item(items, OVERALL).values).sum() == 3 * np.isnan(sov.values).sum()


def test_a_coder_with_passages_has_started_whatever_the_status_says(coded: Project) -> None:
    coding_status.set_status(coded, "bob", CodingStatus.NOT_STARTED, ["talks"])
    items = build_items(coded, ["alice", "bob"], Unit.ARTICLE, all_articles=True)
    # bob has passages on TALKS but no status there: his values count; LATE he never touched.
    assert column(item(items, SOV).values) == [[1, 1], [0, 0], [1, None]]


def test_in_progress_articles_have_values_with_all_articles(coded: Project) -> None:
    coding_status.set_status(coded, "bob", CodingStatus.IN_PROGRESS, ["late"])
    items = build_items(coded, ["alice", "bob"], Unit.ARTICLE, all_articles=True)
    assert column(item(items, SOV).values)[-1] == [1, 0]


# --------------------------------------------------------------------------- names


def test_labels_default_to_the_codebook_order_archived_too(coded: Project) -> None:
    codebook.update_label(coded, DOUBLE, archived=True)
    codebook.move_label(coded, RIGHTS, 0)
    items = build_items(coded, ["alice", "bob"], Unit.ARTICLE)
    assert [each.name for each in items.items] == [RIGHTS, SOV, DOUBLE, OVERALL]
    assert column(item(items, DOUBLE).values) == [[0, 0], [1, 1]]


def test_labels_asked_for_in_their_order_any_case(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.ARTICLE, labels=["Universal Rights", SOV])
    assert [each.name for each in items.items] == [RIGHTS, SOV, OVERALL]
    again = build_items(coded, ["alice", "bob"], Unit.ARTICLE, labels=[SOV, "SOVEREIGNTY"])
    assert [each.name for each in again.items] == [SOV, OVERALL]
    assert item(again, OVERALL).values.shape == (2, 2)


def test_unknown_label_suggests_a_close_one(coded: Project) -> None:
    with pytest.raises(
        FramingError, match=r"no label named 'soverignty'.*did you mean 'sovereignty'"
    ):
        build_items(coded, ["alice", "bob"], Unit.ARTICLE, labels=["soverignty"])


def test_coders_are_named_as_everywhere(coded: Project) -> None:
    items = build_items(coded, ["ALICE", " Bob "], Unit.ARTICLE)
    assert items.coders == ("alice", "bob")
    with pytest.raises(FramingError, match=r"no coder named 'alcie'.*did you mean 'alice'"):
        build_items(coded, ["alcie", "bob"], Unit.ARTICLE)
    with pytest.raises(FramingError, match="at least two coders"):
        build_items(coded, ["alice"], Unit.ARTICLE)
    with pytest.raises(FramingError, match="'alice' is named twice"):
        build_items(coded, ["alice", "Alice"], Unit.ARTICLE)


@pytest.mark.parametrize("unit", [Unit.ARTICLE, Unit.CHARACTER])
def test_the_majority_rule_is_only_for_paragraphs_and_sentences(coded: Project, unit: Unit) -> None:
    with pytest.raises(FramingError, match="paragraph and sentence"):
        build_items(coded, ["alice", "bob"], unit, overlap=OverlapRule.MAJORITY)


def test_strings_are_accepted_for_unit_and_overlap(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], "sentence", overlap="majority")  # type: ignore[arg-type]
    assert items.unit is Unit.SENTENCE
    assert items.overlap is OverlapRule.MAJORITY


def test_reading_changes_nothing(coded: Project) -> None:
    before = coded.db.data_version()
    commits = coded.db.commits
    build_items(coded, ["alice", "bob"], Unit.SENTENCE, all_articles=True)
    assert coded.db.commits == commits
    assert coded.db.data_version() == before


# --------------------------------------------------------------------------- statistics


def test_statistics_match_a_hand_computed_case(project: Project, tmp_path: Path) -> None:
    """Two coders, six paragraphs, one label used; reference values computed by hand.

    sovereignty, paragraphs 1-6: alice 1 1 0 0 0 1, bob 1 0 0 0 0 1.

    * Percent agreement (Krippendorff's pairable-value agreement 1 - D_o):
      5 of 6 units agree, 5/6.
    * Cohen (1960): p_o = 5/6; alice marks 3/6 present, bob 2/6, so
      p_e = 3/6 * 2/6 + 3/6 * 4/6 = 1/2 and kappa = (5/6 - 1/2) / (1/2) = 2/3.
    * Krippendorff (2011, "Computing Krippendorff's Alpha-Reliability",
      nominal data): 12 pairable values, n_1 = 5, n_0 = 7; the one
      disagreeing unit gives o_01 = o_10 = 1, so D_o = 2/12 and
      D_e = 2 * 5 * 7 / (12 * 11) = 70/132: alpha = 1 - (2/12)/(70/132) = 24/35.
    * Pooled over the three labels (the two unused ones all 0): 18 units,
      36 values, n_1 = 5, n_0 = 31: alpha = 1 - (2/36) / (2*5*31/(36*35)) = 24/31;
      kappa: p_o = 17/18, p_e = 3/18 * 2/18 + 15/18 * 16/18 = 246/324,
      kappa = (306 - 246) / (324 - 246) = 10/13.
    """
    text = "\n\n".join(f"Paragraph number {n}." for n in range(1, 7))
    add_articles(project, tmp_path / "in", {"six": text})
    for coder, paragraphs in (("alice", (1, 2, 6)), ("bob", (1, 6))):
        for n in paragraphs:
            tag(project, coder, "six", SOV, text, f"number {n}")
        done(project, coder, "six")
    items = build_items(project, ["alice", "bob"], Unit.PARAGRAPH)
    sov = item(items, SOV)
    assert column(sov.values) == [[1, 1], [1, 0], [0, 0], [0, 0], [0, 0], [1, 1]]

    one = summarise(reliability_data(sov.values, categories=sov.categories), sov.level)
    assert one.percent_agreement.value == pytest.approx(5 / 6, abs=1e-12)
    assert one.cohen_kappa.value == pytest.approx(2 / 3, abs=1e-12)
    assert one.alpha.value == pytest.approx(24 / 35, abs=1e-12)

    pooled = item(items, OVERALL)
    every = summarise(reliability_data(pooled.values, categories=pooled.categories))
    assert every.units == 18
    assert every.alpha.value == pytest.approx(24 / 31, abs=1e-12)
    assert every.cohen_kappa.value == pytest.approx(10 / 13, abs=1e-12)
