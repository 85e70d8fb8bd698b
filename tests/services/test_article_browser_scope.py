"""The article list by the coder's assignments: "my articles", "mine first", flags, progress.

Every answer is checked against a list worked out here from the plain list
(every article) and the assignments, for every query shape.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from framing_app.core.records import CodingStatus
from framing_app.services import article_browser, assignments
from framing_app.services.article_browser import (
    ArticleQuery,
    ArticleRow,
    ArticleSort,
    Scope,
    StatusFilter,
    article_rows,
    assigned_progress,
    count_articles,
    neighbour,
    row_index,
    rows_by_id,
)
from framing_app.services.article_import import import_articles
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project

ARTICLES = [
    ("a1", "Beijing rejects report", "2012-05-01", "Sovereignty is not negotiable."),
    ("a2", "apple of discord", "", "No date here, and the talks."),
    ("a3", "Zebra crossing talks", "2011-01-01", "An under_score in the text."),
    ("a4", "Human rights dialogue", "2012-05-01", "Same day as the first one."),
    ("a5", "Double standards", "", "Undated as well; the end."),
    ("a6", "Middle of the road", "2011-06", "A partial date only."),
]
SHAPES = list(itertools.product(Scope, ArticleSort, StatusFilter, ["", "the"], ["alice", "carol"]))


@pytest.fixture
def corpus(project: Project, tmp_path: Path) -> dict[str, int]:
    """alice: a2, a6 assigned, a4 in the sample with bob; a1 done (not hers), a2 in progress."""
    path = tmp_path / "articles.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "title", "date", "text"])
        writer.writerows(ARTICLES)
    ids = {a.external_id: a.id for a in import_articles(project, [path]).added}
    set_status(project, "alice", CodingStatus.DONE, ["a1"])
    set_status(project, "alice", CodingStatus.IN_PROGRESS, ["a2"])
    set_status(project, "bob", CodingStatus.DONE, ["a3"])
    set_status(project, "carol", CodingStatus.NOT_STARTED, ["a3"])  # carol: nothing assigned
    assignments.assign(project, ["alice"], 0, seed=1, articles=["a2", "a6"])
    assignments.assign(project, ["alice", "bob"], "1.0", seed=1, articles=["a4"])
    assignments.assign(project, ["bob"], 0, seed=1, articles=["a5"])
    return ids


def expected(project: Project, query: ArticleQuery) -> list[ArticleRow]:
    """The list *query* should give, from the plain list and each row's flag."""
    plain = article_rows(
        project, ArticleQuery(query.coder, query.text, query.status, query.sort), 0, 100
    )
    mine = [row for row in plain if row.assigned]
    others = [row for row in plain if not row.assigned]
    return {
        Scope.ALL: plain,
        Scope.MINE: mine,
        Scope.NOT_MINE: others,
        Scope.MINE_FIRST: mine + others,
    }[query.scope]


def test_flags_say_what_is_assigned_and_in_the_sample(
    project: Project, corpus: dict[str, int]
) -> None:
    rows = {r.external_id: r for r in article_rows(project, ArticleQuery("alice"), 0, 10)}
    assert {ref for ref, r in rows.items() if r.assigned} == {"a2", "a4", "a6"}
    assert {ref for ref, r in rows.items() if r.in_sample} == {"a4"}
    bob = {r.external_id: r for r in article_rows(project, ArticleQuery("bob"), 0, 10)}
    assert {ref for ref, r in bob.items() if r.assigned} == {"a4", "a5"}
    nobody = article_rows(project, ArticleQuery(None), 0, 10)
    assert not any(r.assigned or r.in_sample for r in nobody)
    by_id = rows_by_id(project, ArticleQuery("alice", scope=Scope.MINE_FIRST), [corpus["a4"]])
    assert by_id[corpus["a4"]].in_sample


def test_my_articles_and_mine_first(project: Project, corpus: dict[str, int]) -> None:
    def refs(query: ArticleQuery) -> list[str]:
        return [r.external_id for r in article_rows(project, query, 0, 100)]

    assert refs(ArticleQuery("alice", scope=Scope.MINE)) == ["a2", "a4", "a6"]
    assert refs(ArticleQuery("alice", scope=Scope.MINE_FIRST)) == [
        "a2",
        "a4",
        "a6",
        "a1",
        "a3",
        "a5",
    ]
    assert refs(ArticleQuery("alice", scope=Scope.MINE_FIRST, sort=ArticleSort.TITLE)) == [
        "a2",  # apple
        "a4",  # Human
        "a6",  # Middle
        "a1",  # Beijing
        "a5",  # Double
        "a3",  # Zebra
    ]
    assert refs(ArticleQuery("alice", scope=Scope.MINE, status=StatusFilter.UNFINISHED)) == [
        "a2",
        "a4",
        "a6",
    ]
    assert refs(ArticleQuery("carol", scope=Scope.MINE)) == []
    assert refs(ArticleQuery(None, scope=Scope.MINE)) == []
    assert count_articles(project, ArticleQuery("alice", scope=Scope.MINE)) == 3
    assert count_articles(project, ArticleQuery("alice", scope=Scope.MINE_FIRST)) == 6
    assert count_articles(project, ArticleQuery("alice", scope=Scope.NOT_MINE, text="the")) == 2


def test_windows_positions_and_neighbours_agree_for_every_shape(
    project: Project, corpus: dict[str, int]
) -> None:
    all_ids = set(corpus.values())
    for scope, sort, status, text, coder in SHAPES:
        query = ArticleQuery(coder, text=text, status=status, sort=sort, scope=scope)
        rows = expected(project, query)
        everything = [r.id for r in rows]
        assert [r.id for r in article_rows(project, query, 0, 100)] == everything, query
        assert count_articles(project, query) == len(everything), query
        windows = [r.id for start in range(0, 8, 2) for r in article_rows(project, query, start, 2)]
        assert windows == everything, query
        for position, article_id in enumerate(everything):
            assert row_index(project, query, article_id) == position, (query, article_id)
            after = everything[position + 1] if position + 1 < len(everything) else None
            before = everything[position - 1] if position > 0 else None
            assert neighbour(project, query, article_id) == after, (query, article_id)
            assert neighbour(project, query, article_id, forward=False) == before, query
        for article_id in all_ids - set(everything):
            assert row_index(project, query, article_id) is None, (query, article_id)
        assert neighbour(project, query, None) == (everything[0] if everything else None)
        assert neighbour(project, query, None, forward=False) is None


def test_next_unfinished_goes_through_my_articles_then_the_others(
    project: Project, corpus: dict[str, int]
) -> None:
    query = ArticleQuery("alice", scope=Scope.MINE_FIRST)  # a2 a4 a6 | a1 a3 a5; a1 done
    order = [r.id for r in expected(project, query)]
    done = {corpus["a1"]}

    def next_unfinished(article_id: int | None) -> int | None:
        start = -1 if article_id is None else order.index(article_id)
        for candidate in order[start + 1 :]:
            if candidate not in done:
                return candidate
        return next((c for c in order if c not in done and c != article_id), None)

    for article_id in [None, *order]:
        assert neighbour(project, query, article_id, unfinished_only=True) == next_unfinished(
            article_id
        ), article_id
    # Backward from the first of the others: the last of mine.
    assert neighbour(project, query, corpus["a1"], forward=False) == corpus["a6"]
    # Done at the end of the list: from the top again, my articles first.
    set_status(project, "alice", CodingStatus.DONE, ["a3", "a5"])
    assert neighbour(project, query, corpus["a5"], unfinished_only=True) == corpus["a2"]
    # An article the filter hides still has its place: "mine" then "the others".
    hidden = ArticleQuery("alice", scope=Scope.MINE_FIRST, status=StatusFilter.UNFINISHED)
    assert row_index(project, hidden, corpus["a1"]) is None
    assert neighbour(project, hidden, corpus["a1"]) is None  # a3, a5 now done too
    assert neighbour(project, hidden, corpus["a1"], forward=False) == corpus["a6"]
    assert neighbour(project, query, 999) is None
    assert neighbour(project, query, 999, unfinished_only=True) is None


def test_assigned_progress(project: Project, corpus: dict[str, int]) -> None:
    assert assigned_progress(project, "alice") == (0, 3)
    set_status(project, "alice", CodingStatus.DONE, ["a4", "a1"])
    assert assigned_progress(project, "alice") == (1, 3)
    assert assigned_progress(project, "carol") == (0, 0)
    assert assigned_progress(project, None) == (0, 0)
    assert assigned_progress(project, "nobody") == (0, 0)


def test_flags_read_whole_for_long_reads(
    project: Project, corpus: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long read takes the coder's assignments in one query: the same flags."""
    short = [
        (r.id, r.assigned, r.in_sample) for r in article_rows(project, ArticleQuery("alice"), 0, 10)
    ]
    monkeypatch.setattr(article_browser, "_WHOLE_LIST", 2)
    long = [
        (r.id, r.assigned, r.in_sample) for r in article_rows(project, ArticleQuery("alice"), 0, 10)
    ]
    assert long == short
    assert sum(assigned for _, assigned, _ in long) == 3
