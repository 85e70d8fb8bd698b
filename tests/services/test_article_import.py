"""Importing articles from folders: the program's own exports are kept out, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from framing_app.core.errors import InputFileError
from framing_app.services import tagging
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.article_import import import_articles
from framing_app.services.articles import list_articles
from framing_app.services.project import Project


def test_an_annotation_export_in_the_folder_stops_the_whole_import(
    project: Project, tmp_path: Path
) -> None:
    """The researcher exported into the folder articles come from, then imported it again."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Beijing rebuffs critics.\n\nSovereignty first.\n")
    import_articles(project, [folder])
    tagging.annotate(project, coder="alice", article="a", label="sovereignty", start=0, end=23)
    junk = folder / "coded.csv"
    assert export_annotations_to_file(project, junk) == 1
    # A good file and a good table beside the export: they must wait too.
    (folder / "b.txt").write_text("Washington answers.\n")
    (folder / "table.csv").write_text("id,text\r\nt1,A row that is an article.\r\n")
    before = list_articles(project)

    with pytest.raises(InputFileError) as caught:
        import_articles(project, [folder])

    assert caught.value.path == junk
    assert str(caught.value) == (
        f"{junk}: this is an annotation export (columns annotation_id, article_id, "
        f"article_external_id, …), not an article table; "
        f"merge it with `framing-app import-annotations {junk}`"
    )
    assert list_articles(project) == before
