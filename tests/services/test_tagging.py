"""Tagging passages: exact code-point offsets, span rules, edits, status."""

from __future__ import annotations

from pathlib import Path

import pytest

from framing_app.core.errors import ConflictError, NotFoundError, SpanError
from framing_app.core.records import CodingStatus
from framing_app.services import tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.codebook import update_label
from framing_app.services.coding_status import get_status, set_status
from framing_app.services.project import Project

# Non-BMP characters (emoji, a CJK Extension B ideograph) before the passage:
# each is one code point but two UTF-16 units.
EMOJI_TEXT = (
    "Beijing 🇨🇳 and Washington 🇺🇸 traded words 😀𠀀.\n"
    '"We oppose any country using human rights issues as an excuse to interfere."\n'
    "人权 is the word.\n"
)


@pytest.fixture
def emoji_article(project: Project, tmp_path: Path) -> str:
    source = tmp_path / "in" / "emoji-story.txt"
    source.parent.mkdir()
    source.write_text(EMOJI_TEXT, encoding="utf-8")
    import_articles(project, [source])
    return "emoji-story"


def test_offsets_are_code_points_after_emoji(project: Project, emoji_article: str) -> None:
    passage = "We oppose any country using human rights issues as an excuse to interfere."
    text = get_article(project, emoji_article).text
    start = text.index(passage)
    # The stored text is the file's text; Python indexes code points.
    assert start == EMOJI_TEXT.index(passage)
    info = tagging.annotate(
        project,
        coder="alice",
        article=emoji_article,
        label="sovereignty",
        start=start,
        end=start + len(passage),
    )
    assert info.text == passage
    assert info.text == text[info.start : info.end]
    cjk = tagging.annotate(
        project,
        coder="alice",
        article=emoji_article,
        label="universal rights",
        start=text.index("人权"),
        end=text.index("人权") + 2,
    )
    assert cjk.text == "人权"
    flag = tagging.annotate(
        project,
        coder="alice",
        article=emoji_article,
        label="double standards",
        start=text.index("🇺🇸"),
        end=text.index("🇺🇸") + 2,
    )
    assert flag.text == "🇺🇸"
    stored = tagging.list_annotations(project, emoji_article, "alice")
    assert [a.text for a in stored] == ["🇺🇸", passage, "人权"]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(5, 5, "empty span"), (7, 3, "empty span"), (-1, 3, "negative"), (0, 10_000, "past the end")],
)
def test_bad_spans_rejected(
    project: Project, emoji_article: str, start: int, end: int, message: str
) -> None:
    with pytest.raises(SpanError, match=message):
        tagging.annotate(
            project, coder="alice", article=emoji_article, label="sovereignty", start=start, end=end
        )
    assert tagging.list_annotations(project, emoji_article) == []


def test_span_up_to_the_last_character_is_accepted(project: Project, emoji_article: str) -> None:
    length = len(get_article(project, emoji_article).text)
    info = tagging.annotate(
        project,
        coder="bob",
        article=emoji_article,
        label="sovereignty",
        start=length - 3,
        end=length,
    )
    assert info.end == length


def test_overlapping_and_nested_annotations_allowed(project: Project, emoji_article: str) -> None:
    for label, (start, end) in [
        ("sovereignty", (0, 40)),
        ("universal rights", (10, 20)),
        ("double standards", (30, 60)),
    ]:
        tagging.annotate(
            project, coder="alice", article=emoji_article, label=label, start=start, end=end
        )
    assert len(tagging.list_annotations(project, emoji_article)) == 3


def test_same_span_same_label_twice_is_a_conflict(project: Project, emoji_article: str) -> None:
    tagging.annotate(
        project, coder="alice", article=emoji_article, label="sovereignty", start=0, end=7
    )
    with pytest.raises(ConflictError, match="already tagged 0-7"):
        tagging.annotate(
            project, coder="alice", article=emoji_article, label="sovereignty", start=0, end=7
        )
    # Another coder may tag the same span.
    tagging.annotate(
        project, coder="bob", article=emoji_article, label="sovereignty", start=0, end=7
    )


def test_unknown_names_are_reported(project: Project, emoji_article: str) -> None:
    with pytest.raises(NotFoundError, match="no label named 'framing'"):
        tagging.annotate(
            project, coder="alice", article=emoji_article, label="framing", start=0, end=3
        )
    with pytest.raises(NotFoundError, match="no article with id 'nope'"):
        tagging.annotate(
            project, coder="alice", article="nope", label="sovereignty", start=0, end=3
        )


def test_archived_label_cannot_tag(project: Project, emoji_article: str) -> None:
    update_label(project, "sovereignty", archived=True)
    with pytest.raises(ConflictError, match="archived"):
        tagging.annotate(
            project, coder="alice", article=emoji_article, label="sovereignty", start=0, end=3
        )


def test_article_found_by_internal_id_too(project: Project, emoji_article: str) -> None:
    internal = get_article(project, emoji_article).id
    info = tagging.annotate(
        project, coder="alice", article=str(internal), label="sovereignty", start=0, end=7
    )
    assert info.article_id == internal
    assert info.text == "Beijing"


def test_edits_relabel_memo_span_delete(project: Project, emoji_article: str) -> None:
    info = tagging.annotate(
        project,
        coder="alice",
        article=emoji_article,
        label="sovereignty",
        start=0,
        end=7,
        memo="first",
    )
    relabelled = tagging.relabel(project, info.id, "universal rights")
    assert relabelled.label == "universal rights"
    assert relabelled.updated_at >= info.updated_at
    assert tagging.set_memo(project, info.id, "second thoughts").memo == "second thoughts"
    moved = tagging.set_span(project, info.id, 0, 9)
    assert moved.text == "Beijing 🇨"
    with pytest.raises(SpanError):
        tagging.set_span(project, info.id, 4, 2)
    gone = tagging.delete_annotation(project, info.id)
    assert gone.memo == "second thoughts"
    assert tagging.list_annotations(project, emoji_article) == []
    with pytest.raises(NotFoundError):
        tagging.delete_annotation(project, info.id)


def test_first_tag_starts_the_article_but_done_stays_done(
    project: Project, emoji_article: str
) -> None:
    assert get_status(project, "alice", emoji_article) is CodingStatus.NOT_STARTED
    tagging.annotate(
        project, coder="alice", article=emoji_article, label="sovereignty", start=0, end=7
    )
    assert get_status(project, "alice", emoji_article) is CodingStatus.IN_PROGRESS
    set_status(project, "alice", CodingStatus.DONE, [emoji_article])
    tagging.annotate(
        project, coder="alice", article=emoji_article, label="sovereignty", start=8, end=12
    )
    assert get_status(project, "alice", emoji_article) is CodingStatus.DONE
    assert get_status(project, "bob", emoji_article) is CodingStatus.NOT_STARTED
