"""Per-coder, per-article status."""

from __future__ import annotations

import pytest

from framing_app.core.errors import FramingError, NotFoundError
from framing_app.core.records import CodingStatus
from framing_app.services.articles import list_articles
from framing_app.services.coding_status import (
    get_status,
    parse_status,
    set_status,
    status_counts,
)
from framing_app.services.project import Project


def test_set_one_all_and_back(sample_project: Project) -> None:
    first, second = (a.external_id for a in list_articles(sample_project))
    assert set_status(sample_project, "alice", CodingStatus.DONE, [first]).count == 1
    assert get_status(sample_project, "alice", first) is CodingStatus.DONE
    assert get_status(sample_project, "alice", second) is CodingStatus.NOT_STARTED
    assert status_counts(sample_project, "alice") == {
        CodingStatus.NOT_STARTED: 1,
        CodingStatus.IN_PROGRESS: 0,
        CodingStatus.DONE: 1,
    }
    assert set_status(sample_project, "alice", CodingStatus.IN_PROGRESS).count == 2
    assert status_counts(sample_project, "alice")[CodingStatus.IN_PROGRESS] == 2
    set_status(sample_project, "alice", CodingStatus.NOT_STARTED, [first, second])
    assert status_counts(sample_project, "alice")[CodingStatus.NOT_STARTED] == 2


def test_unknown_article_changes_nothing(sample_project: Project) -> None:
    first = list_articles(sample_project)[0].external_id
    with pytest.raises(NotFoundError):
        set_status(sample_project, "alice", CodingStatus.DONE, [first, "missing"])
    assert get_status(sample_project, "alice", first) is CodingStatus.NOT_STARTED


@pytest.mark.parametrize("text", ["done", "DONE", "in_progress", "Not Started", " in-progress "])
def test_status_names(text: str) -> None:
    assert parse_status(text).value in {"done", "in-progress", "not-started"}


def test_unknown_status_name() -> None:
    with pytest.raises(FramingError, match="choose one of not-started, in-progress, done"):
        parse_status("finished")
