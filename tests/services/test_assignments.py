"""Assignments and the reliability sample: the draw, re-runs, started work, refusals.

Real projects in temporary SQLite files; the stored rows are read back with
the standard library's sqlite3, independently of the service.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from raw_db import raw_connection

from framing_app.core.errors import FramingError, NotFoundError
from framing_app.core.records import CodingStatus
from framing_app.services import assignments
from framing_app.services.article_import import import_articles
from framing_app.services.coders import add_coder
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project
from framing_app.services.tagging import annotate

CODERS = ["alice", "bob", "carol"]


def add_articles(project: Project, folder: Path, first: int, count: int) -> list[str]:
    """Import articles ``x{first}`` ... with distinct texts; returns their external ids."""
    path = folder / f"articles-{first}-{count}.csv"
    refs = [f"x{n:04d}" for n in range(first, first + count)]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "title", "text"])
        for ref in refs:
            writer.writerow([ref, f"Title {ref}", f"The text of article {ref}, unique."])
    import_articles(project, [path])
    return refs


def rows(project: Project) -> set[tuple[str, str, int]]:
    """(external id, coder, in_sample) of every assignment, read with sqlite3."""
    with raw_connection(project) as db:
        found = db.execute(
            "SELECT a.external_id, c.name, s.in_sample FROM assignment s "
            "JOIN article a ON a.id = s.article_id JOIN coder c ON c.id = s.coder_id"
        ).fetchall()
    return {(ref, coder, int(flag)) for ref, coder, flag in found}


def sample_of(found: set[tuple[str, str, int]], coders: list[str]) -> set[str]:
    per_article: dict[str, set[str]] = {}
    for ref, coder, flag in found:
        if flag:
            per_article.setdefault(ref, set()).add(coder)
    return {ref for ref, who in per_article.items() if set(coders) <= who}


@pytest.fixture
def team(project: Project, tmp_path: Path) -> Project:
    """100 articles and the coders alice, bob and carol (nothing assigned)."""
    add_articles(project, tmp_path, 0, 100)
    for name in CODERS:
        add_coder(project, name)
    return project


def test_first_draw_sample_and_balanced_split(team: Project) -> None:
    report = assignments.assign(team, CODERS, 0.1, seed=4)
    found = rows(team)
    sample = sample_of(found, CODERS)
    assert len(sample) == report.sample == report.target == 10
    assert {r.external_id for r in report.sample_added} == sample
    # Every article assigned; the others to exactly one coder each.
    per_article = Counter(ref for ref, _, _ in found)
    assert len(per_article) == 100
    assert all(per_article[ref] == 3 for ref in sample)
    assert all(n == 1 for ref, n in per_article.items() if ref not in sample)
    split = Counter(coder for ref, coder, flag in found if not flag)
    assert sorted(split.values()) == [30, 30, 30]
    assert [(load.coder, load.added, load.added_in_sample) for load in report.loads] == [
        ("alice", 40, 10),
        ("bob", 40, 10),
        ("carol", 40, 10),
    ]
    assert report.changes.assignments
    assert report.changes.articles == frozenset(report.new)
    assert assignments.sample_articles(team, ["Bob", "alice"]) == sorted(
        r.id for r in report.sample_added
    )


def test_uneven_split_differs_by_at_most_one(project: Project, tmp_path: Path) -> None:
    add_articles(project, tmp_path, 0, 23)
    for name in CODERS:
        add_coder(project, name)
    assignments.assign(project, CODERS, "3", seed=1)  # a count: 3 articles
    found = rows(project)
    assert len(sample_of(found, CODERS)) == 3
    split = Counter(coder for _, coder, flag in found if not flag)
    assert sorted(split.values()) == [6, 7, 7]


def test_same_seed_same_articles_same_draw_in_any_import_order(tmp_path: Path) -> None:
    """The draw depends on the seed, the coders and the articles, not on import order."""
    draws = []
    for order, name in ((range(0, 60), "forward"), (range(59, -1, -1), "backward")):
        folder = tmp_path / name
        folder.mkdir()
        with Project.open(path=folder / "p.sqlite") as project:
            for n in order:
                add_articles(project, folder, n, 1)
            for coder in reversed(CODERS):  # coders created in another order too
                add_coder(project, coder)
            assignments.assign(project, ["carol", "alice", "bob"], 0.2, seed=9)
            draws.append(rows(project))
    assert draws[0] == draws[1]
    other = tmp_path / "other"
    other.mkdir()
    with Project.open(path=other / "p.sqlite") as project:
        add_articles(project, other, 0, 60)
        for coder in CODERS:
            add_coder(project, coder)
        assignments.assign(project, CODERS, 0.2, seed=10)
        assert sample_of(rows(project), CODERS) != sample_of(draws[0], CODERS)


def test_rerun_adds_new_articles_without_moving_any(team: Project, tmp_path: Path) -> None:
    assignments.assign(team, CODERS, 0.1, seed=4)
    before = rows(team)
    again = assignments.assign(team, CODERS, 0.1, seed=4)
    assert again.new == ()
    assert not again.changes
    assert rows(team) == before

    add_articles(team, tmp_path, 100, 50)
    report = assignments.assign(team, CODERS, 0.1, seed=5)
    after = rows(team)
    assert before <= after  # nothing moved, nothing removed
    added = after - before
    assert {ref for ref, _, _ in added} == {f"x{n:04d}" for n in range(100, 150)}
    # The sample stays at 10% of the whole draw: 15 of 150, 5 of them new.
    assert report.pool == 150
    assert report.target == 15
    assert report.sample == 15
    assert len(report.sample_added) == 5
    assert all(r.external_id >= "x0100" for r in report.sample_added)
    assert len(sample_of(after, CODERS)) == 15
    # The 45 others went to the coders, balanced with their loads (40 each before).
    split = Counter(coder for _, coder, flag in added if not flag)
    assert sorted(split.values()) == [15, 15, 15]


def test_rerun_evens_out_uneven_loads(team: Project, tmp_path: Path) -> None:
    assignments.assign(team, ["bob", "carol"], 0, seed=1, articles=[f"x{n:04d}" for n in range(30)])
    # alice has 0, bob and carol 15 each; 30 new articles, no sample: alice catches up.
    report = assignments.assign(
        team, CODERS, 0, seed=2, articles=[f"x{n:04d}" for n in range(30, 60)]
    )
    assert {load.coder: load.added for load in report.loads} == {
        "alice": 20,
        "bob": 5,
        "carol": 5,
    }


def test_started_work_is_never_dealt_away(team: Project) -> None:
    # bob tagged x0003, carol marked x0004 in progress, alice and bob marked x0005 done.
    annotate(team, coder="bob", article="x0003", label="sovereignty", start=0, end=3)
    set_status(team, "carol", CodingStatus.IN_PROGRESS, ["x0004"])
    set_status(team, "alice", CodingStatus.DONE, ["x0005"])
    set_status(team, "bob", CodingStatus.DONE, ["x0005"])
    report = assignments.assign(team, CODERS, "0", seed=3)
    found = rows(team)
    assert {c for ref, c, _ in found if ref == "x0003"} == {"bob"}
    assert {c for ref, c, _ in found if ref == "x0004"} == {"carol"}
    assert {c for ref, c, _ in found if ref == "x0005"} == {"alice", "bob"}
    kept = {load.coder: load.kept_started for load in report.loads}
    assert kept == {"alice": 1, "bob": 2, "carol": 1}
    # With everything in the sample, started articles go to everyone (nobody loses them).
    other = assignments.unassign(team, "alice")
    assert other.started == 1  # x0005, which alice marked done; her status stays
    for name in ("bob", "carol"):
        assignments.unassign(team, name)
    assert rows(team) == set()
    assignments.assign(team, CODERS, "1.0", seed=3)
    assert len(sample_of(rows(team), CODERS)) == 100


def test_articles_restricts_the_draw(team: Project) -> None:
    chosen = ["x0001", "x0002", "x0003", "x0004", "x0005", "x0006", "x0007", "x0008"]
    report = assignments.assign(team, ["alice", "bob"], "25%", seed=0, articles=chosen)
    found = rows(team)
    assert {ref for ref, _, _ in found} == set(chosen)
    assert report.pool == 8
    assert len(sample_of(found, ["alice", "bob"])) == 2
    # By internal id too; an article given twice counts once.
    report = assignments.assign(team, ["alice", "bob"], 0, seed=0, articles=["x0050", "x0050"])
    assert len(report.new) == 1
    assert report.left_alone == 0


def test_refusals_change_nothing(team: Project) -> None:
    cases: list[tuple[dict[str, object], type[Exception], str]] = [
        ({"coders": ["alcie", "bob"]}, NotFoundError, "did you mean 'alice'"),
        ({"coders": ["alice", "ALICE"]}, FramingError, "named twice"),
        ({"coders": ["alice"]}, FramingError, "at least two coders"),
        ({"coders": []}, FramingError, "name the coders"),
        ({"coders": CODERS, "overlap": 1.5}, FramingError, "between 0 and 1"),
        ({"coders": CODERS, "overlap": 101}, FramingError, "has only 100"),
        ({"coders": CODERS, "seed": -1}, FramingError, "seed"),
        ({"coders": CODERS, "articles": ["x0001", "nope"]}, NotFoundError, "nope"),
        ({"coders": ["alice", "dave"]}, NotFoundError, "--create-coders"),
    ]
    for options, error, message in cases:
        arguments: dict[str, object] = {"seed": 1, **options}
        with pytest.raises(error, match=message):
            assignments.assign(team, **arguments)  # type: ignore[arg-type]
        assert rows(team) == set()
    with raw_connection(team) as db:
        assert db.execute("SELECT count(*) FROM coder WHERE name = 'dave'").fetchone() == (0,)


def test_one_coder_without_a_sample_and_new_coders(team: Project) -> None:
    report = assignments.assign(team, ["dave"], 0, seed=1, create_coders=True)
    assert report.coders == ("dave",)
    assert len(rows(team)) == 100


def test_the_consensus_coder_is_never_assigned(team: Project) -> None:
    add_coder(team, "consensus")
    with raw_connection(team) as db:
        db.execute("UPDATE coder SET consensus = TRUE WHERE name = 'consensus'")
    with pytest.raises(FramingError, match="consensus coder"):
        assignments.assign(team, ["alice", "consensus"], seed=1)
    assert rows(team) == set()


def test_lists_and_samples(team: Project) -> None:
    assignments.assign(team, ["alice", "bob"], 0.1, seed=2, articles=["x0001", "x0002"])
    assignments.assign(team, CODERS, 0.1, seed=2, articles=[f"x{n:04d}" for n in range(10, 40)])
    set_status(team, "alice", CodingStatus.DONE, ["x0001"])
    groups = assignments.sample_groups(team)
    assert [(g.coders, g.articles) for g in groups] == [
        (("alice", "bob", "carol"), 3),
        (("alice", "bob"), 1),
    ]
    assert len(assignments.sample_articles(team, ["alice", "bob"])) == 4
    assert len(assignments.sample_articles(team, CODERS)) == 3
    summary = {line.coder: line for line in assignments.coder_assignments(team)}
    assert summary["alice"].in_sample == 4
    has_x0001 = any(ref == "x0001" and coder == "alice" for ref, coder, _ in rows(team))
    assert summary["alice"].done == int(has_x0001)
    assert summary["alice"].not_started == summary["alice"].assigned - int(has_x0001)
    listed = assignments.list_assignments(team, "ALICE")
    assert [line.article_id for line in listed] == sorted(line.article_id for line in listed)
    assert sum(line.in_sample for line in listed) == 4
    assert assignments.has_assignments(team, "alice")
    assert not assignments.has_assignments(team, "nobody")
    with pytest.raises(NotFoundError, match="did you mean"):
        assignments.list_assignments(team, "alicia")


def test_unassign(team: Project) -> None:
    assignments.assign(team, CODERS, 0.1, seed=4)
    sample = sample_of(rows(team), CODERS)
    one = sorted(sample)[0]
    report = assignments.unassign(team, "bob", [one])
    assert (report.removed, report.removed_in_sample) == (1, 1)
    assert report.changes.assignments
    assert report.changes.articles == report.article_ids
    # Out of bob's sample, so out of the sample of every set of coders with bob.
    assert one not in sample_of(rows(team), CODERS)
    assert one in sample_of(rows(team), ["alice", "carol"])
    nothing = assignments.unassign(team, "bob", [one])
    assert nothing.removed == 0
    assert not nothing.changes
    with pytest.raises(NotFoundError):
        assignments.unassign(team, "bob", ["x0001", "missing"])
    everything = assignments.unassign(team, "alice")
    assert everything.removed == 40
    assert {c for _, c, _ in rows(team)} == {"bob", "carol"}
