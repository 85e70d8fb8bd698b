"""The article list's reads: filters, statuses, orders, positions and neighbours."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from framing_app.core.records import CodingStatus
from framing_app.services.article_browser import (
    ArticleQuery,
    ArticleRow,
    ArticleSort,
    StatusFilter,
    article_rows,
    count_articles,
    like_pattern,
    neighbour,
    progress,
    row_index,
)
from framing_app.services.article_import import import_articles
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project
from framing_app.services.tagging import annotate

# id, title, date, source, text: in import order.
ARTICLES = [
    ("a1", "Beijing rejects report", "2012-05-01", "Xinhua", "Sovereignty is not negotiable."),
    ("a2", "apple of discord", "", "Reuters", "No date here, and 100% sure of it."),
    ("a3", "Zebra crossing talks", "2011-01-01", "", "An under_score in the text."),
    ("a4", "Human rights dialogue", "2012-05-01", "BBC", "Same day as the first one."),
    ("a5", "Double standards", "", "", "Undated as well; a back\\slash."),
    ("a6", "Middle of the road", "2011-06", "NYT", "A partial date only."),
]
EVERY_QUERY_SHAPE = list(
    itertools.product(ArticleSort, StatusFilter, ["", "the", "Double", "zzz"], ["alice", None])
)


def write_corpus(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "title", "date", "source", "text"])
        writer.writerows(rows)
    return path


@pytest.fixture
def corpus(project: Project, tmp_path: Path) -> dict[str, int]:
    """The six ARTICLES; alice: a1 done, a2 in progress (2 tags); bob: a3 done, 1 tag on a2."""
    report = import_articles(project, [write_corpus(tmp_path / "articles.csv", ARTICLES)])
    ids = {a.external_id: a.id for a in report.added}
    set_status(project, "alice", CodingStatus.DONE, ["a1"])
    annotate(project, coder="alice", article="a2", label="sovereignty", start=0, end=2)
    annotate(project, coder="alice", article="a2", label="universal rights", start=3, end=7)
    annotate(project, coder="bob", article="a2", label="sovereignty", start=0, end=2)
    set_status(project, "bob", CodingStatus.DONE, ["a3"])
    return ids


def _all(project: Project, query: ArticleQuery) -> list[ArticleRow]:
    return article_rows(project, query, 0, 1000)


def _external(project: Project, query: ArticleQuery) -> list[str]:
    return [row.external_id for row in _all(project, query)]


def test_rows_carry_the_article_and_the_coders_work(
    project: Project, corpus: dict[str, int]
) -> None:
    rows = _all(project, ArticleQuery("alice"))
    assert [r.external_id for r in rows] == [a[0] for a in ARTICLES]
    first, second, third = rows[:3]
    assert first == ArticleRow(
        corpus["a1"], "a1", "Beijing rejects report", "Xinhua", "2012-05-01", CodingStatus.DONE, 0
    )
    assert (second.source, second.published, second.status, second.annotations) == (
        "Reuters",
        None,
        CodingStatus.IN_PROGRESS,
        2,
    )
    assert (third.source, third.status) == (None, CodingStatus.NOT_STARTED)


def test_two_coders_see_their_own_status_and_counts(
    project: Project, corpus: dict[str, int]
) -> None:
    bob = {r.external_id: r for r in _all(project, ArticleQuery("bob"))}
    assert bob["a1"].status is CodingStatus.NOT_STARTED
    assert bob["a2"].status is CodingStatus.IN_PROGRESS
    assert bob["a2"].annotations == 1
    assert bob["a3"].status is CodingStatus.DONE
    counts = {
        (coder, status): count_articles(project, ArticleQuery(coder, status=status))
        for coder in ("alice", "bob")
        for status in StatusFilter
    }
    assert counts[("alice", StatusFilter.ALL)] == counts[("bob", StatusFilter.ALL)] == 6
    assert counts[("alice", StatusFilter.DONE)] == counts[("bob", StatusFilter.DONE)] == 1
    assert counts[("alice", StatusFilter.IN_PROGRESS)] == 1
    assert counts[("alice", StatusFilter.NOT_STARTED)] == 4
    assert (
        counts[("alice", StatusFilter.UNFINISHED)] == counts[("bob", StatusFilter.UNFINISHED)] == 5
    )
    assert _external(project, ArticleQuery("alice", status=StatusFilter.DONE)) == ["a1"]
    assert _external(project, ArticleQuery("bob", status=StatusFilter.DONE)) == ["a3"]


@pytest.mark.parametrize("coder", [None, "nobody yet", "  "])
def test_without_a_known_coder_nothing_is_started(
    project: Project, corpus: dict[str, int], coder: str | None
) -> None:
    rows = _all(project, ArticleQuery(coder))
    assert {r.status for r in rows} == {CodingStatus.NOT_STARTED}
    assert {r.annotations for r in rows} == {0}
    assert count_articles(project, ArticleQuery(coder, status=StatusFilter.NOT_STARTED)) == 6
    assert count_articles(project, ArticleQuery(coder, status=StatusFilter.UNFINISHED)) == 6
    assert count_articles(project, ArticleQuery(coder, status=StatusFilter.DONE)) == 0
    assert count_articles(project, ArticleQuery(coder, status=StatusFilter.IN_PROGRESS)) == 0
    assert progress(project, coder) == (0, 6)


def test_coder_name_white_space_is_normalised(project: Project, corpus: dict[str, int]) -> None:
    assert count_articles(project, ArticleQuery("  alice ", status=StatusFilter.DONE)) == 1


def test_title_sort_ignores_case(project: Project, corpus: dict[str, int]) -> None:
    assert _external(project, ArticleQuery(None, sort=ArticleSort.TITLE)) == [
        "a2",  # apple
        "a1",  # Beijing
        "a5",  # Double
        "a4",  # Human
        "a6",  # Middle
        "a3",  # Zebra
    ]


def test_date_sort_oldest_first_ties_by_import_undated_last(
    project: Project, corpus: dict[str, int]
) -> None:
    assert _external(project, ArticleQuery(None, sort=ArticleSort.DATE)) == [
        "a3",  # 2011-01-01
        "a6",  # 2011-06
        "a1",  # 2012-05-01, imported first
        "a4",  # 2012-05-01
        "a2",  # no date, imported first
        "a5",  # no date
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("beijing", ["a1"]),  # title, other case
        ("SOVEREIGNTY", ["a1"]),  # full text, other case
        ("double", ["a5"]),  # title and text of the same article: listed once
        ("the", ["a3", "a4", "a6"]),
        ("  the  ", ["a3", "a4", "a6"]),  # surrounding space is not searched for
        ("%", ["a2"]),  # literal, not "anything"
        ("100%", ["a2"]),
        ("_", ["a3"]),  # literal, not "any one character"
        ("a_d", []),  # would match "and" if _ were a wildcard
        ("back\\slash", ["a5"]),
        ("zzz", []),
        ("", ["a1", "a2", "a3", "a4", "a5", "a6"]),
    ],
)
def test_text_filter_matches_title_or_text_literally(
    project: Project, corpus: dict[str, int], text: str, expected: list[str]
) -> None:
    query = ArticleQuery(None, text=text)
    assert _external(project, query) == expected
    assert count_articles(project, query) == len(expected)


def test_like_pattern_escapes_wildcards_and_the_escape_character() -> None:
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_filters_combine(project: Project, corpus: dict[str, int]) -> None:
    query = ArticleQuery(
        "alice", text="the", status=StatusFilter.UNFINISHED, sort=ArticleSort.TITLE
    )
    assert _external(project, query) == ["a4", "a6", "a3"]  # Human, Middle, Zebra


def test_windows_positions_and_neighbours_agree_with_the_full_list(
    project: Project, corpus: dict[str, int]
) -> None:
    """For every query shape: windows, positions and neighbours follow one order."""
    for sort, status, text, coder in EVERY_QUERY_SHAPE:
        query = ArticleQuery(coder, text=text, status=status, sort=sort)
        _check_consistency(project, query, set(corpus.values()))


def _check_consistency(project: Project, query: ArticleQuery, all_ids: set[int]) -> None:
    everything = [r.id for r in _all(project, query)]
    assert count_articles(project, query) == len(everything), query
    windows = [r.id for start in range(0, 8, 2) for r in article_rows(project, query, start, 2)]
    assert windows == everything, query
    for position, article_id in enumerate(everything):
        assert row_index(project, query, article_id) == position, (query, article_id)
        after = everything[position + 1] if position + 1 < len(everything) else None
        before = everything[position - 1] if position > 0 else None
        assert neighbour(project, query, article_id) == after, (query, article_id)
        assert neighbour(project, query, article_id, forward=False) == before, (query, article_id)
    for article_id in all_ids - set(everything):
        assert row_index(project, query, article_id) is None, (query, article_id)
    first = everything[0] if everything else None
    assert neighbour(project, query, None) == first, query
    assert neighbour(project, query, None, forward=False) is None, query


def test_window_edges(project: Project, corpus: dict[str, int]) -> None:
    query = ArticleQuery("alice")
    assert article_rows(project, query, 0, 0) == []
    assert [r.external_id for r in article_rows(project, query, 4, 10)] == ["a5", "a6"]
    assert article_rows(project, query, 6, 10) == []
    with pytest.raises(ValueError, match="negative"):
        article_rows(project, query, -1, 10)


def test_unknown_article_has_no_position_or_neighbour(
    project: Project, corpus: dict[str, int]
) -> None:
    for sort in ArticleSort:
        query = ArticleQuery("alice", sort=sort)
        assert row_index(project, query, 999) is None
        assert neighbour(project, query, 999) is None
        assert neighbour(project, query, 999, unfinished_only=True) is None


def test_neighbour_of_an_article_the_filter_hides(project: Project, corpus: dict[str, int]) -> None:
    """Marked done under "unfinished": the next one is found from where it was."""
    query = ArticleQuery("alice", status=StatusFilter.UNFINISHED, sort=ArticleSort.DATE)
    assert row_index(project, query, corpus["a1"]) is None  # done, so not listed
    assert neighbour(project, query, corpus["a1"]) == corpus["a4"]
    assert neighbour(project, query, corpus["a1"], forward=False) == corpus["a6"]


def test_neighbour_across_the_undated_block(project: Project, corpus: dict[str, int]) -> None:
    query = ArticleQuery(None, sort=ArticleSort.DATE)
    assert neighbour(project, query, corpus["a4"]) == corpus["a2"]
    assert neighbour(project, query, corpus["a2"], forward=False) == corpus["a4"]
    assert neighbour(project, query, corpus["a5"]) is None


def test_next_unfinished_skips_done_and_starts_again_from_the_top(
    project: Project, corpus: dict[str, int]
) -> None:
    query = ArticleQuery("alice")  # a1 done
    assert neighbour(project, query, corpus["a6"]) is None  # no wrap-around for plain "next"
    assert neighbour(project, query, corpus["a6"], unfinished_only=True) == corpus["a2"]
    assert neighbour(project, query, None, unfinished_only=True) == corpus["a2"]
    assert neighbour(project, query, corpus["a2"], forward=False, unfinished_only=True) is None
    set_status(project, "alice", CodingStatus.DONE, ["a3", "a4", "a5", "a6"])
    # a2 is the last unfinished one: from it there is no other ...
    assert neighbour(project, query, corpus["a2"], unfinished_only=True) is None
    # ... and from anywhere else it is found, after or before.
    for ref in ("a1", "a4", "a6"):
        assert neighbour(project, query, corpus[ref], unfinished_only=True) == corpus["a2"]
    set_status(project, "alice", CodingStatus.DONE, ["a2"])
    assert neighbour(project, query, corpus["a6"], unfinished_only=True) is None


def test_unfinished_neighbours_in_title_order(project: Project, corpus: dict[str, int]) -> None:
    # Title order: a2 a1 a5 a4 a6 a3; alice has a1 done.
    query = ArticleQuery("alice", sort=ArticleSort.TITLE)
    assert neighbour(project, query, corpus["a2"], unfinished_only=True) == corpus["a5"]
    assert (
        neighbour(project, query, corpus["a5"], forward=False, unfinished_only=True)
        == (corpus["a2"])
    )
    assert neighbour(project, query, corpus["a3"], unfinished_only=True) == corpus["a2"]


def test_progress_counts_done_per_coder(project: Project, corpus: dict[str, int]) -> None:
    assert progress(project, "alice") == (1, 6)
    assert progress(project, "bob") == (1, 6)
    set_status(project, "alice", CodingStatus.DONE)
    assert progress(project, "alice") == (6, 6)
    assert progress(project, "bob") == (1, 6)


def test_empty_project(project: Project) -> None:
    query = ArticleQuery("alice", sort=ArticleSort.DATE)
    assert count_articles(project, query) == 0
    assert article_rows(project, query, 0, 200) == []
    assert neighbour(project, query, None) is None
    assert progress(project, "alice") == (0, 0)
