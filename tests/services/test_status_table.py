"""A coder's status table and the empty-project check: reads bounded whatever the size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from framing_app.core.errors import NotFoundError
from framing_app.core.records import CodingStatus
from framing_app.services.article_import import import_articles
from framing_app.services.articles import has_articles
from framing_app.services.coding_status import StatusLine, set_status, status_table
from framing_app.services.project import Project


@contextmanager
def counted(project: Project) -> Iterator[list[str]]:
    """The SQL statements *project* runs inside the block."""
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements.append(sql)

    engine = project.db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _import(project: Project, folder: Path, count: int) -> None:
    corpus = folder / "articles.csv"
    lines = ["id,title,text"]
    lines += [f"e{n},Title {n},Text of article {n}." for n in range(count)]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_articles(project, [corpus])


@pytest.mark.parametrize("count", [3, 120])
def test_whole_table_in_a_fixed_number_of_queries(
    project: Project, tmp_path: Path, count: int
) -> None:
    _import(project, tmp_path, count)
    set_status(project, "alice", CodingStatus.DONE, ["e1"])
    set_status(project, "alice", CodingStatus.IN_PROGRESS, ["e2"])
    set_status(project, "bob", CodingStatus.DONE, ["e0"])
    with counted(project) as statements:
        table = status_table(project, "alice")
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects  # coder, articles, statuses: not per article
    assert [line.external_id for line in table] == [f"e{n}" for n in range(count)]
    assert [line.id for line in table] == sorted(line.id for line in table)
    assert table[0] == StatusLine(table[0].id, "e0", "Title 0", CodingStatus.NOT_STARTED)
    assert table[1].status is CodingStatus.DONE
    assert table[2].status is CodingStatus.IN_PROGRESS
    assert {line.status for line in table[3:]} <= {CodingStatus.NOT_STARTED}


def test_given_articles_keep_their_order_and_repeats(project: Project, tmp_path: Path) -> None:
    _import(project, tmp_path, 4)
    set_status(project, "alice", CodingStatus.DONE, ["e3"])
    table = status_table(project, " alice ", ["e3", "e0", "e3"])
    assert [(line.external_id, line.status) for line in table] == [
        ("e3", CodingStatus.DONE),
        ("e0", CodingStatus.NOT_STARTED),
        ("e3", CodingStatus.DONE),
    ]
    by_internal_id = status_table(project, "alice", [table[0].id])
    assert by_internal_id == [table[0]]


def test_unknown_article_or_coder(project: Project, tmp_path: Path) -> None:
    _import(project, tmp_path, 2)
    with pytest.raises(NotFoundError):
        status_table(project, "alice", ["e0", "missing"])
    # A coder with no rows (the CLI refuses unknown coders before asking).
    assert {line.status for line in status_table(project, "nobody")} == {CodingStatus.NOT_STARTED}


def test_has_articles_reads_one_row(project: Project, tmp_path: Path) -> None:
    assert has_articles(project) is False
    _import(project, tmp_path, 50)
    with counted(project) as statements:
        assert has_articles(project) is True
    (select,) = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert "LIMIT" in select.upper()
