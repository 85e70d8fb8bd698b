"""Deleting articles with their annotations and statuses: counted first, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from raw_db import foreign_key_problems, raw_connection

from framing_app.core.errors import ConflictError, FramingError, NotFoundError
from framing_app.core.records import CodingStatus
from framing_app.services import tagging
from framing_app.services.article_import import import_articles
from framing_app.services.article_removal import (
    ArticleRemoval,
    RemovedArticle,
    delete_articles,
    preview_removal,
)
from framing_app.services.articles import get_article, list_articles
from framing_app.services.codebook import list_labels
from framing_app.services.coders import list_coders
from framing_app.services.coding_status import get_status, set_status
from framing_app.services.project import Project

TEXTS = {
    "junk-1": "annotation_id 1, alice, sovereignty, We oppose any interference.",
    "junk-2": "annotation_id 2, bob, universal rights, Lawyers and bloggers.",
    "keep": "Beijing rebuffs critics over human rights and sovereignty.",
}


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """Three articles; alice and bob coded the two junk ones, alice the kept one too.

    junk-1: alice 2, bob 1; junk-2: alice 1, bob 2; keep: alice 1. Tagging marks
    each coder in progress on the article; bob marked junk-2 done.
    """
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    import_articles(project, [folder])
    for coder, article, label, span in [
        ("alice", "junk-1", "sovereignty", (0, 10)),
        ("alice", "junk-1", "universal rights", (20, 30)),
        ("bob", "junk-1", "sovereignty", (0, 10)),
        ("alice", "junk-2", "sovereignty", (0, 10)),
        ("bob", "junk-2", "sovereignty", (0, 10)),
        ("bob", "junk-2", "universal rights", (11, 20)),
        ("alice", "keep", "sovereignty", (0, 7)),
    ]:
        tagging.annotate(
            project, coder=coder, article=article, label=label, start=span[0], end=span[1]
        )
    set_status(project, "bob", CodingStatus.DONE, ["junk-2"])
    return project


def _rows(project: Project) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a deletion touches, read with the standard library."""
    with raw_connection(project) as connection:
        return {
            table: [tuple(r) for r in connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in ("article", "annotation", "coding_status", "coder", "label")
        }


def _foreign_key_problems(project: Project) -> list[tuple[object, ...]]:
    return foreign_key_problems(project)


def _summary(project: Project, external_id: str) -> RemovedArticle:
    article = get_article(project, external_id)
    return RemovedArticle(article.id, article.external_id, article.title)


def test_preview_counts_annotations_per_coder_and_statuses_and_changes_nothing(
    coded: Project,
) -> None:
    before = _rows(coded)
    preview = preview_removal(coded, ["junk-2", "junk-1"])
    assert preview == ArticleRemoval(
        articles=(_summary(coded, "junk-2"), _summary(coded, "junk-1")),
        annotations_by_coder={"alice": 3, "bob": 3},
        statuses=4,
    )
    assert preview.annotations == 6
    assert _rows(coded) == before


def test_delete_takes_annotations_and_statuses_and_leaves_no_orphans(coded: Project) -> None:
    preview = preview_removal(coded, ["junk-1", "junk-2"])
    keep = get_article(coded, "keep")
    kept_annotations = tagging.list_annotations(coded, "keep")

    report = delete_articles(coded, ["junk-1", "junk-2"], expect=preview)

    assert report == preview
    assert [a.external_id for a in list_articles(coded)] == ["keep"]
    assert get_article(coded, "keep") == keep
    assert tagging.list_annotations(coded, "keep") == kept_annotations
    rows = _rows(coded)
    assert {row[1] for row in rows["annotation"]} == {keep.id}
    assert {row[1] for row in rows["coding_status"]} == {keep.id}
    assert get_status(coded, "alice", "keep") is CodingStatus.IN_PROGRESS
    # Coders and labels stay, even bob, who has nothing left.
    assert [(c.name, c.annotations) for c in list_coders(coded)] == [("alice", 1), ("bob", 0)]
    assert len(list_labels(coded)) == len(rows["label"])
    assert _foreign_key_problems(coded) == []


def test_an_unknown_id_deletes_nothing_and_names_every_unknown_id(coded: Project) -> None:
    before = _rows(coded)
    with pytest.raises(NotFoundError) as caught:
        delete_articles(coded, ["junk-1", "nope", "junk-2", "999"])
    assert str(caught.value) == "no articles with ids 'nope', '999'; nothing was deleted"
    with pytest.raises(NotFoundError) as caught:
        preview_removal(coded, ["junk-1", "nope"])
    assert str(caught.value) == "no article with id 'nope'; nothing was deleted"
    assert _rows(coded) == before


def test_no_ids_is_refused(coded: Project) -> None:
    with pytest.raises(FramingError, match="no articles named"):
        delete_articles(coded, [])


def test_refs_are_external_ids_first_ints_are_internal_ids_only(
    project: Project, tmp_path: Path
) -> None:
    """A table whose ids are numbers: "2" is the researcher's article 2, not the project's row 2."""
    table = tmp_path / "numbered.csv"
    table.write_text("id,text\r\n2,First imported.\r\nx,Second imported.\r\n", encoding="utf-8")
    import_articles(project, [table])
    first, second = list_articles(project)
    assert (first.id, first.external_id, second.id, second.external_id) == (1, "2", 2, "x")

    assert [a.external_id for a in preview_removal(project, ["2"]).articles] == ["2"]
    assert [a.external_id for a in preview_removal(project, [2]).articles] == ["x"]
    # The same article named twice, by external and by internal id, goes once.
    assert preview_removal(project, ["x", 2, " x "]).articles == (
        RemovedArticle(2, "x", "Second imported."),
    )
    with pytest.raises(NotFoundError, match="'3'"):
        preview_removal(project, [3])

    delete_articles(project, [2])
    assert [a.external_id for a in list_articles(project)] == ["2"]


def test_a_change_after_the_confirmation_deletes_nothing(coded: Project) -> None:
    """The user agreed to 3 annotations going; a fourth tagged meanwhile stops the deletion."""
    preview = preview_removal(coded, ["junk-1"])
    assert preview.annotations_by_coder == {"alice": 2, "bob": 1}
    tagging.annotate(coded, coder="carol", article="junk-1", label="sovereignty", start=0, end=10)
    before = _rows(coded)
    with pytest.raises(ConflictError) as caught:
        delete_articles(coded, ["junk-1"], expect=preview)
    assert str(caught.value) == (
        "the annotations on these articles changed since you confirmed "
        "(now 4: alice 2, bob 1, carol 1); nothing was deleted, try again"
    )
    assert _rows(coded) == before
