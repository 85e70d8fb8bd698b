"""Agreement over the reliability sample: which articles are compared, and what the report says.

A real project: six articles, alice and bob; the sample (drawn by
``assignments.assign``) is a0, a1, a2; alice and bob marked a0, a1, a3 and
a4 done, a2 only alice.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from framing_app.core.errors import FramingError
from framing_app.core.records import CodingStatus
from framing_app.services import assignments, coding_status, tagging
from framing_app.services.agreement_report import project_report, to_json
from framing_app.services.agreement_table import report_table
from framing_app.services.article_import import import_articles
from framing_app.services.coders import add_coder
from framing_app.services.project import Project
from framing_app.services.reliability_export import export_reliability
from framing_app.services.reliability_units import ArticleSet, Unit, build_items

TEXT = "First paragraph about sovereignty.\n\nSecond paragraph about rights."


@pytest.fixture
def sampled(project: Project, tmp_path: Path) -> Project:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(6):
        (folder / f"a{n}.txt").write_text(f"Article {n}\n\n{TEXT} ({n})", encoding="utf-8")
    import_articles(project, [folder])
    for name in ("alice", "bob", "carol"):
        add_coder(project, name)
    report = assignments.assign(
        project, ["alice", "bob"], "1.0", seed=1, articles=["a0", "a1", "a2"]
    )
    assert {ref.external_id for ref in report.sample_added} == {"a0", "a1", "a2"}
    for coder in ("alice", "bob"):
        tagging.annotate(project, coder=coder, article="a0", label="sovereignty", start=0, end=7)
        coding_status.set_status(project, coder, CodingStatus.DONE, ["a0", "a1", "a3", "a4"])
    tagging.annotate(project, coder="bob", article="a3", label="sovereignty", start=0, end=7)
    coding_status.set_status(project, "alice", CodingStatus.DONE, ["a2"])
    return project


def articles_of(unit_ids: tuple[str, ...]) -> list[str]:
    return sorted({unit_id.split(":")[0] for unit_id in unit_ids})


def test_the_sample_is_the_default(sampled: Project) -> None:
    items = build_items(sampled, ["alice", "bob"], Unit.PARAGRAPH)
    assert items.article_set is ArticleSet.SAMPLE
    assert items.sample == 3
    assert items.articles == 2
    assert articles_of(items.labels[0].unit_ids) == ["a0", "a1"]
    # Only the sample's articles that are not done are listed as left out.
    assert [(a.external_id, a.reason) for a in items.excluded] == [
        ("a2", "bob has not marked it done")
    ]
    # Asked for by name, the same.
    named = build_items(sampled, ["bob", "alice"], Unit.ARTICLE, articles="sample")
    assert (named.article_set, named.articles, named.sample) == (ArticleSet.SAMPLE, 2, 3)


def test_done_and_all_still_mean_what_they_meant(sampled: Project) -> None:
    done = build_items(sampled, ["alice", "bob"], Unit.ARTICLE, articles=ArticleSet.DONE)
    assert done.article_set is ArticleSet.DONE
    assert done.sample == 3  # known, and said in the report, but not used
    assert articles_of(done.labels[0].unit_ids) == ["a0", "a1", "a3", "a4"]
    assert [a.external_id for a in done.excluded] == ["a2", "a5"]
    for every in (
        build_items(sampled, ["alice", "bob"], Unit.ARTICLE, all_articles=True),
        build_items(sampled, ["alice", "bob"], Unit.ARTICLE, articles="all"),
        build_items(sampled, ["alice", "bob"], Unit.ARTICLE, all_articles=True, articles="all"),
    ):
        assert every.article_set is ArticleSet.ALL
        assert every.sample is None
        assert every.articles == 6
        assert every.excluded == ()


def test_coders_without_a_sample_compare_what_they_all_marked_done(sampled: Project) -> None:
    coding_status.set_status(sampled, "carol", CodingStatus.DONE, ["a1", "a4"])
    items = build_items(sampled, ["alice", "carol"], Unit.ARTICLE)
    assert (items.article_set, items.sample) == (ArticleSet.DONE, 0)
    assert articles_of(items.labels[0].unit_ids) == ["a1", "a4"]
    # A sample of alice and bob is not one of alice, bob and carol.
    three = build_items(sampled, ["alice", "bob", "carol"], Unit.ARTICLE)
    assert (three.article_set, three.sample) == (ArticleSet.DONE, 0)
    with pytest.raises(FramingError, match="no reliability sample"):
        build_items(sampled, ["alice", "carol"], Unit.ARTICLE, articles="sample")
    with pytest.raises(FramingError, match="choose one"):
        build_items(sampled, ["alice", "bob"], Unit.ARTICLE, all_articles=True, articles="done")
    with pytest.raises(FramingError, match="unknown set of articles"):
        build_items(sampled, ["alice", "bob"], Unit.ARTICLE, articles="some")


def test_the_report_says_which_articles(sampled: Project) -> None:
    report = project_report(sampled, ["alice", "bob"], "article", bootstrap=0)
    above = report_table(report).above
    assert "articles: reliability sample, 2 of 3 done by all coders, 1 excluded (listed below)" in (
        above
    )
    data = to_json(report)
    assert (data["article_set"], data["sample_articles"], data["articles"]) == ("sample", 3, 2)

    done = report_table(project_report(sampled, ["alice", "bob"], "article", articles="done"))
    assert (
        "articles: 4 used: every article done by all coders (not only their reliability sample "
        "of 3 (--articles done)), 2 excluded (listed below)"
    ) in done.above
    every = report_table(project_report(sampled, ["alice", "bob"], "article", all_articles=True))
    assert "articles: 6 used: every article, done or not (--all-articles)" in every.above
    none = project_report(sampled, ["alice", "carol"], "article", bootstrap=0)
    assert (
        "articles: 0 used: every article done by all coders (these coders have no reliability "
        "sample), 6 excluded (listed below)"
    ) in report_table(none).above
    assert (to_json(none)["article_set"], to_json(none)["sample_articles"]) == ("done", 0)


def test_the_export_uses_the_sample_too(sampled: Project) -> None:
    out = io.StringIO(newline="")
    written = export_reliability(sampled, out, ["alice", "bob"], "article", labels=["sovereignty"])
    assert (written.article_set, written.sample, written.articles) == ("sample", 3, 2)
    units = [line.split(",")[0] for line in out.getvalue().splitlines()[1:]]
    assert units == ["a0", "a1"]
    out = io.StringIO(newline="")
    written = export_reliability(
        sampled, out, ["alice", "bob"], "article", labels=["sovereignty"], articles="done"
    )
    units = [line.split(",")[0] for line in out.getvalue().splitlines()[1:]]
    assert units == ["a0", "a1", "a3", "a4"]


def test_a_sample_nobody_finished_is_an_error_that_says_so(sampled: Project) -> None:
    coding_status.set_status(sampled, "bob", CodingStatus.IN_PROGRESS, ["a0", "a1"])
    with pytest.raises(FramingError, match="no article in their reliability sample has been"):
        export_reliability(sampled, io.StringIO(), ["alice", "bob"], "article")
