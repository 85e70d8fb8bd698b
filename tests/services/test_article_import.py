"""Importing articles from folders: the program's own exports are kept out, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from framing_app.core.errors import InputFileError
from framing_app.services import tagging
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.annotation_import import import_annotations
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article, list_articles
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


def test_nul_and_controls_in_a_utf16_article_are_removed_so_exports_merge(
    project: Project, tmp_path: Path
) -> None:
    """A NUL inside a UTF-16 article used to be stored, and cut the exported passage short."""
    folder = tmp_path / "news"
    folder.mkdir()
    raw = "Title\n\nBeijing\x00 said\x1b it opposes\x0cinterference.\n"
    (folder / "a.txt").write_bytes(raw.encode("utf-16"))
    import_articles(project, [folder])
    (article,) = list_articles(project)
    text = get_article(project, article.id).text
    assert text == "Title\n\nBeijing said it opposes\ninterference.\n"
    start = text.index("Beijing")
    tagging.annotate(
        project, coder="alice", article="a", label="sovereignty", start=start, end=len(text) - 1
    )
    out = tmp_path / "alice.csv"
    export_annotations_to_file(project, out)
    assert "\x00" not in out.read_text(encoding="utf-8")
    with Project.open(path=tmp_path / "other.sqlite") as other:
        import_articles(other, [folder])
        assert import_annotations(other, out).added == 1


@pytest.mark.parametrize(
    ("name", "size", "shown"),
    [("huge.txt", 21 * 1024 * 1024, "21 MB"), ("dump.html", 1_181_116_006, "1.1 GB")],
)
def test_an_article_file_over_the_limit_is_refused_before_it_is_read(
    project: Project, tmp_path: Path, name: str, size: int, shown: str
) -> None:
    """A sparse file: refusing it must not need to read (or even allocate) its content."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fine.txt").write_text("A fine article.\n")
    big = folder / name
    with big.open("wb") as handle:
        handle.truncate(size)
    with pytest.raises(InputFileError) as caught:
        import_articles(project, [folder])
    assert str(caught.value) == (
        f"{big}: is {shown}, more than the 20 MB allowed for one article; "
        "is it really an article file?"
    )
    assert list_articles(project) == []


def test_a_table_cell_over_the_article_limit_is_refused(project: Project, tmp_path: Path) -> None:
    table = tmp_path / "table.csv"
    with table.open("w", encoding="utf-8", newline="") as out:
        out.write('id,text\r\nok,"A short article."\r\nbig,"')
        chunk = "x" * 1_000_000
        for _ in range(21):
            out.write(chunk)
        out.write('"\r\n')
    with pytest.raises(InputFileError) as caught:
        import_articles(project, [table])
    assert str(caught.value).startswith(f"{table}, row 3: a cell is longer than 20,000,000")
    assert list_articles(project) == []
