"""Agreement per article (the extra view of the Agreement window) and the window's options.

Hand-computed values use Krippendorff (2011), "Computing Krippendorff's
Alpha-Reliability", section D: for a present/absent variable,
alpha = 1 - (n - 1) o_01 / (n_0 n_1) and percent agreement = 1 - 2 o_01 / n,
with o the coincidence matrix and n_c its marginals.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from server_databases import sqlite_only

from framing_app.core.agreement import krippendorff_alpha, percent_agreement, reliability_data
from framing_app.core.errors import FramingError, InputFileError
from framing_app.core.records import CodingStatus
from framing_app.services import coding_status, tagging
from framing_app.services.agreement_breakdown import article_breakdown
from framing_app.services.agreement_options import (
    agreement_coders,
    write_image_file,
    write_report_csv_file,
)
from framing_app.services.agreement_report import project_report
from framing_app.services.agreement_table import CSV_COLUMNS
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project
from framing_app.services.reliability_units import OVERALL, Unit, build_items
from framing_app.store.models import Coder

SOV, DOUBLE, RIGHTS = "sovereignty", "double standards", "universal rights"

TALKS = (
    "Talks open\n\n"
    "China rejects any interference in its internal affairs. The U.S. disagrees.\n\n"
    "Both sides met in Geneva."
)
REPORT = "Annual report\n\nLawyers are detained.\n\nCritics speak of double standards."


def _tag(project: Project, coder: str, article: str, label: str, text: str, passage: str) -> None:
    start = text.index(passage)
    tagging.annotate(
        project, coder=coder, article=article, label=label, start=start, end=start + len(passage)
    )


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """alice and bob, both done, on two articles of three paragraphs each."""
    folder = tmp_path / "in"
    folder.mkdir()
    # The external id holds a colon: units are still told apart by article.
    for name, text in (("talks:2011", TALKS), ("report", REPORT)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        import_articles(project, [folder / f"{name}.txt"])
    _tag(project, "alice", "talks:2011", SOV, TALKS, "rejects any interference")
    _tag(project, "bob", "talks:2011", SOV, TALKS, "internal affairs")
    _tag(project, "bob", "talks:2011", RIGHTS, TALKS, "The U.S. disagrees")
    _tag(project, "alice", "report", DOUBLE, REPORT, "double standards")
    _tag(project, "bob", "report", DOUBLE, REPORT, "Critics speak")
    for coder in ("alice", "bob"):
        coding_status.set_status(project, coder, CodingStatus.DONE, ["talks:2011", "report"])
    return project


def test_one_label_per_article_by_hand(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.PARAGRAPH)
    result = article_breakdown(coded, items, RIGHTS)
    assert result.item == RIGHTS
    assert result.unit == "paragraph"
    talks, report = result.rows
    assert (talks.external_id, talks.title, talks.units) == ("talks:2011", "Talks open", 3)
    # talks: alice 0 0 0, bob 0 1 0 -> o_00 = 4, o_01 = o_10 = 1; n = 6, n_0 = 5, n_1 = 1.
    assert talks.pairable_units == 3
    assert talks.percent_agreement == pytest.approx(1 - 2 / 6)
    assert talks.alpha == pytest.approx(1 - 5 * 1 / (5 * 1))
    assert talks.counts is not None
    assert (talks.counts.both, talks.counts.only_first, talks.counts.only_second) == (0, 0, 1)
    assert talks.counts.neither == 2
    assert talks.undefined == {}
    # report: nobody used the label, so alpha is 0/0 with the core's reason.
    assert report.percent_agreement == 1.0
    assert report.alpha is None
    assert "one category only" in report.undefined["krippendorff_alpha"]


def test_rows_match_the_core_on_each_article_and_the_pooled_figure(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.SENTENCE)
    sov = next(each for each in items.items if each.name == SOV)
    result = article_breakdown(coded, items, SOV)
    start = 0
    for row in result.rows:
        part = sov.values[start : start + row.units]
        start += row.units
        data = reliability_data(part, categories=sov.categories)
        assert row.alpha == krippendorff_alpha(data).value
        assert row.percent_agreement == percent_agreement(data).value
    assert start == len(sov.unit_ids)
    report = project_report(coded, ["alice", "bob"], "sentence", bootstrap=0)
    pooled = next(row for row in report.rows if row.item == SOV)
    assert result.pooled_alpha == pooled.alpha
    assert result.pooled_percent_agreement == pooled.summary.percent_agreement.value


def test_the_pooled_variable_groups_every_label_by_article(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.PARAGRAPH)
    result = article_breakdown(coded, items, OVERALL)
    assert [row.units for row in result.rows] == [9, 9]  # 3 paragraphs x 3 labels
    assert result.rows[0].counts is not None
    assert result.rows[0].counts.both == 1  # sovereignty in the second paragraph
    assert result.rows[0].counts.only_second == 1  # bob's universal rights


def test_article_and_character_units_and_three_coders(coded: Project) -> None:
    _tag(coded, "carol", "report", DOUBLE, REPORT, "double")
    coding_status.set_status(coded, "carol", CodingStatus.DONE, ["talks:2011", "report"])
    by_article = article_breakdown(
        coded, build_items(coded, ["alice", "bob"], Unit.ARTICLE), DOUBLE
    )
    assert [(row.external_id, row.units) for row in by_article.rows] == [
        ("talks:2011", 1),
        ("report", 1),
    ]
    by_char = article_breakdown(
        coded, build_items(coded, ["alice", "bob", "carol"], Unit.CHARACTER), "Double Standards"
    )
    assert [row.units for row in by_char.rows] == [len(TALKS), len(REPORT)]
    assert all(row.counts is None for row in by_char.rows)


def test_unknown_item_and_cancel(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.ARTICLE)
    with pytest.raises(FramingError, match="not among the variables"):
        article_breakdown(coded, items, "tone")
    with pytest.raises(FramingError, match="cancelled"):
        article_breakdown(coded, items, SOV, should_cancel=lambda: True)


@sqlite_only
def test_coders_on_offer_and_the_report_files(coded: Project, tmp_path: Path) -> None:
    coders = {choice.name: choice for choice in agreement_coders(coded)}
    assert coders["alice"].done == 2
    assert coders["bob"].annotations == 3
    assert not coders["alice"].consensus
    report = project_report(coded, ["alice", "bob"], "paragraph", bootstrap=0)
    out = tmp_path / "agreement.csv"
    assert write_report_csv_file(report, out, coded) == 4
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[1] for row in rows[1:]] == [SOV, DOUBLE, RIGHTS, OVERALL]
    image = tmp_path / "chart.png"
    assert write_image_file(b"\x89PNG\r\n\x1a\n", image, coded) == 8
    assert image.read_bytes() == b"\x89PNG\r\n\x1a\n"
    assert coded.path is not None
    before = coded.path.read_bytes()
    with pytest.raises(InputFileError, match="open project's database"):
        write_image_file(b"x", coded.path, coded)
    assert coded.path.read_bytes() == before


def test_the_consensus_coder_is_flagged(coded: Project) -> None:
    tagging.annotate(coded, coder="consensus", article="report", label=SOV, start=0, end=6)
    with coded.db.write() as session:
        session.query(Coder).filter(Coder.name == "consensus").one().consensus = True
    flagged = {choice.name: choice.consensus for choice in agreement_coders(coded)}
    assert flagged == {"alice": False, "bob": False, "consensus": True}
