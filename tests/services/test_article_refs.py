"""Internal ids and the researcher's numeric external ids never stand in for each other."""

from __future__ import annotations

from pathlib import Path

from framing_app.core.records import CodingStatus
from framing_app.services import coding_status, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article, list_articles
from framing_app.services.project import Project


def _numbered(project: Project, tmp_path: Path) -> dict[str, int]:
    """Articles whose external ids are the digits of other articles' internal ids."""
    table = tmp_path / "articles.csv"
    table.write_text(
        "id,title,text\r\n"
        "2,Second by id,Text of the article the researcher numbered 2.\r\n"
        "1,First by id,Text of the article the researcher numbered 1.\r\n",
        encoding="utf-8",
    )
    import_articles(project, [table])
    return {a.external_id: a.id for a in list_articles(project)}


def test_an_int_is_an_internal_id_a_string_an_external_one_first(
    project: Project, tmp_path: Path
) -> None:
    ids = _numbered(project, tmp_path)
    assert ids == {"2": 1, "1": 2}  # internal ids follow the file's order
    assert get_article(project, 1).external_id == "2"
    assert get_article(project, "1").external_id == "1"
    assert get_article(project, 2).title == "First by id"


def test_tagging_and_status_by_internal_id_reach_that_article(
    project: Project, tmp_path: Path
) -> None:
    _numbered(project, tmp_path)
    info = tagging.annotate(project, coder="alice", article=1, label="sovereignty", start=0, end=4)
    assert info.article_id == 1
    coding_status.set_status(project, "alice", CodingStatus.DONE, [2])
    assert coding_status.get_status(project, "alice", 2) == CodingStatus.DONE
    assert coding_status.get_status(project, "alice", 1) == CodingStatus.IN_PROGRESS
