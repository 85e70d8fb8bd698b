"""Passages named by their text, and an article's annotations as a reader lists them.

Scripts and the command line name a passage by what it says rather than by
offsets: :func:`find_passage` turns the text into the exact code-point span
that :func:`framing_app.services.tagging.annotate` stores.
"""

from __future__ import annotations

from dataclasses import dataclass

from framing_app.core.errors import ConflictError, FramingError, NotFoundError
from framing_app.core.text import excerpt, normalise_text
from framing_app.services.lookup import article_by_ref, coder_by_name
from framing_app.services.project import Project
from framing_app.services.tagging import AnnotationInfo, list_annotations


@dataclass(frozen=True)
class Passage:
    """``text == article_text[start:end]``; it is match *occurrence* of *occurrences*."""

    article_id: int
    external_id: str
    start: int
    end: int
    text: str
    occurrence: int
    occurrences: int


class PassageNotFoundError(NotFoundError):
    """The text does not occur in the article (or not that many times)."""


class AmbiguousPassageError(ConflictError):
    """The text occurs more than once and no occurrence was chosen."""

    def __init__(self, shown: str, article: str, count: int) -> None:
        self.shown = shown
        self.article = article
        self.count = count
        super().__init__(
            f"{shown} occurs {count} times in article '{article}'; "
            f"say which occurrence (1 to {count})"
        )


def find_passage(
    project: Project, article: str | int, text: str, occurrence: int | None = None
) -> Passage:
    """The span of *text* in *article*: its only match, or match number *occurrence* (1-based).

    Matches are counted from the start of the article, each search resuming
    after the previous match (as find-next does in an editor), so they never
    overlap. *text* is normalised as stored article text is (NFC, LF line
    ends; :func:`~framing_app.core.text.normalise_text`), so a decomposed "é"
    typed on one system finds the precomposed one imported on another.

    Raises :class:`PassageNotFoundError` when there is no such match and
    :class:`AmbiguousPassageError` when *text* occurs more than once and
    *occurrence* is None; each is one line quoting the text.
    """
    needle = normalise_text(text)
    if not needle:
        raise FramingError("the text to find is empty")
    if occurrence is not None and occurrence < 1:
        raise FramingError(f"occurrence {occurrence} does not exist; the first is 1")
    with project.db.read() as session:
        art = article_by_ref(session, article)
        haystack, external_id, article_id = art.text, art.external_id, art.id
    starts = _match_starts(haystack, needle)
    shown = repr(excerpt(needle, 40))
    if not starts:
        raise PassageNotFoundError(f"{shown} is not in the text of article '{external_id}'")
    if occurrence is None:
        if len(starts) > 1:
            raise AmbiguousPassageError(shown, external_id, len(starts))
        occurrence = 1
    if occurrence > len(starts):
        times = "once" if len(starts) == 1 else f"{len(starts)} times"
        raise PassageNotFoundError(
            f"{shown} occurs only {times} in article '{external_id}', "
            f"so there is no occurrence {occurrence}"
        )
    start = starts[occurrence - 1]
    return Passage(
        article_id, external_id, start, start + len(needle), needle, occurrence, len(starts)
    )


def _match_starts(haystack: str, needle: str) -> list[int]:
    starts = []
    at = haystack.find(needle)
    while at != -1:
        starts.append(at)
        at = haystack.find(needle, at + len(needle))
    return starts


def known_coder(project: Project, name: str) -> str:
    """The stored spelling of coder *name* (compared as names are); never creates one.

    For commands that only read a coder's work: an unknown or mistyped name is
    a :class:`NotFoundError` (with a close name suggested), not an empty result.
    """
    with project.db.read() as session:
        return coder_by_name(session, name).name


def article_annotations(
    project: Project, article: str | int, coder: str | None = None
) -> list[AnnotationInfo]:
    """The annotations of *article* in text order, of the coder *name* only when given.

    Unlike :func:`~framing_app.services.tagging.list_annotations`, *coder*
    matches case-insensitively and an unknown coder is an error.
    """
    if coder is not None:
        coder = known_coder(project, coder)
    return list_annotations(project, article, coder)
