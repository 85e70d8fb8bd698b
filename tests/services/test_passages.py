"""Finding a passage by its text: exact code-point spans, occurrences, clear errors."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from framing_app.core.errors import FramingError, NotFoundError
from framing_app.services import passages, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.project import Project

TEXT = "Café 😀 talks: aaa, then aaaa.\nRights, rights and more rights.\n"


@pytest.fixture
def article(project: Project, tmp_path: Path) -> str:
    source = tmp_path / "in" / "story.txt"
    source.parent.mkdir()
    source.write_text(TEXT, encoding="utf-8")
    import_articles(project, [source])
    return "story"


def test_span_is_in_code_points_and_slices_the_stored_text(project: Project, article: str) -> None:
    found = passages.find_passage(project, article, "talks")
    text = get_article(project, article).text
    assert text[found.start : found.end] == "talks"
    assert (found.occurrence, found.occurrences) == (1, 1)
    info = tagging.annotate(
        project, coder="a", article=article, label="sovereignty", start=found.start, end=found.end
    )
    assert info.text == "talks"


def test_decomposed_text_finds_the_precomposed_article(project: Project, article: str) -> None:
    decomposed = unicodedata.normalize("NFD", "Café")
    assert decomposed != "Café"
    found = passages.find_passage(project, article, decomposed)
    assert (found.start, found.end, found.text) == (0, 4, "Café")


def test_occurrences_do_not_overlap_and_are_counted_from_one(
    project: Project, article: str
) -> None:
    # Non-overlapping matches of "aa": one in "aaa", then two in "aaaa".
    text = get_article(project, article).text
    first, second, third = (
        passages.find_passage(project, article, "aa", n).start for n in (1, 2, 3)
    )
    assert (first, second, third) == (
        text.index("aaa"),
        text.index("aaaa"),
        text.index("aaaa") + 2,
    )
    with pytest.raises(passages.AmbiguousPassageError) as ambiguous:
        passages.find_passage(project, article, "aa")
    assert ambiguous.value.count == 3
    assert str(ambiguous.value) == (
        "'aa' occurs 3 times in article 'story'; say which occurrence (1 to 3)"
    )
    with pytest.raises(passages.PassageNotFoundError, match="occurs only 3 times"):
        passages.find_passage(project, article, "aa", 4)
    # Case matters: "Rights" once, "rights" twice.
    assert passages.find_passage(project, article, "Rights").occurrences == 1
    assert passages.find_passage(project, article, "rights", 2).occurrences == 2


def test_errors_are_one_line(project: Project, article: str) -> None:
    with pytest.raises(passages.PassageNotFoundError) as missing:
        passages.find_passage(project, article, "line one\nline two")
    assert str(missing.value) == "'line one line two' is not in the text of article 'story'"
    with pytest.raises(FramingError, match="empty"):
        passages.find_passage(project, article, "")
    with pytest.raises(FramingError, match="first is 1"):
        passages.find_passage(project, article, "talks", 0)
    with pytest.raises(NotFoundError, match="no article"):
        passages.find_passage(project, "nope", "talks")


def test_known_coder_and_annotations(project: Project, article: str) -> None:
    found = passages.find_passage(project, article, "talks")
    tagging.annotate(
        project, coder="Alice", article=article, label="sovereignty",
        start=found.start, end=found.end,
    )  # fmt: skip
    assert passages.known_coder(project, " alice ") == "Alice"
    assert [a.coder for a in passages.article_annotations(project, article, "ALICE")] == ["Alice"]
    with pytest.raises(NotFoundError, match="did you mean 'Alice'"):
        passages.known_coder(project, "Alicia")
    with pytest.raises(NotFoundError) as stranger:
        passages.known_coder(project, "zed")
    assert str(stranger.value) == "no coder named 'zed'"
