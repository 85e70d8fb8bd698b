"""The reliability matrix a project exports, read back by the matrix reader and report."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from server_databases import sqlite_only

from framing_app.core.agreement import reliability_data, summarise
from framing_app.core.errors import FramingError, InputFileError
from framing_app.core.records import CodingStatus
from framing_app.formats.reliability_matrix import read_matrix
from framing_app.services import coding_status, tagging
from framing_app.services.agreement_matrix import matrix_report
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project
from framing_app.services.reliability_export import (
    export_reliability,
    export_reliability_to_file,
    to_matrix_items,
)
from framing_app.services.reliability_units import OVERALL, Unit, build_items

TEXTS = {
    "first": "Heading\n\nThe ministry rejected the report. It spoke of interference.\n\nEnd.",
    "second": "Другой текст 🌏\n\nOfficials met in Geneva.\n\nCritics spoke of double standards.",
    "third": "Nobody coded this.",
}


def passage(project: Project, coder: str, article: str, label: str, text: str) -> None:
    start = TEXTS[article].index(text)
    tagging.annotate(
        project, coder=coder, article=article, label=label, start=start, end=start + len(text)
    )


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    for name, text in TEXTS.items():
        path = tmp_path / "in" / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        import_articles(project, [path])
    passage(project, "alice", "first", "sovereignty", "It spoke of interference.")
    passage(project, "bob", "first", "sovereignty", "The ministry rejected")
    passage(project, "bob", "second", "universal rights", "🌏")
    passage(project, "alice", "second", "double standards", "double standards")
    passage(project, "bob", "second", "double standards", "Critics spoke")
    for coder in ("alice", "bob"):
        coding_status.set_status(project, coder, CodingStatus.DONE, ["first", "second"])
    return project


def test_one_matrix_item_per_label_with_text_cells(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.SENTENCE, all_articles=True)
    matrix = to_matrix_items(items)
    assert [m.item for m in matrix] == ["sovereignty", "double standards", "universal rights"]
    sov = matrix[0]
    assert sov.coders == ("alice", "bob")
    assert sov.units == items.items[0].unit_ids
    assert sov.units[:3] == ("first:0-7", "first:9-42", "first:43-68")
    assert sov.values[:3] == (("0", "0"), ("0", "1"), ("1", "0"))
    # "third": nobody has started it, so both cells are empty.
    assert sov.units[-1] == "third:0-18"
    assert sov.values[-1] == ("", "")


def test_the_pooled_item_only_when_asked_named_by_unit_and_label(coded: Project) -> None:
    items = build_items(coded, ["alice", "bob"], Unit.ARTICLE)
    matrix = to_matrix_items(items, overall=True)
    assert [m.item for m in matrix][-1] == OVERALL
    assert matrix[-1].units == (
        "first [sovereignty]",
        "second [sovereignty]",
        "first [double standards]",
        "second [double standards]",
        "first [universal rights]",
        "second [universal rights]",
    )
    assert matrix[-1].values == tuple(v for m in matrix[:-1] for v in m.values)


def test_the_file_reads_back_to_the_same_items(coded: Project, tmp_path: Path) -> None:
    out = tmp_path / "matrix.csv"
    written = export_reliability_to_file(coded, out, ["alice", "bob"], Unit.PARAGRAPH)
    assert (written.rows, written.labels, written.units, written.articles) == (18, 3, 6, 2)
    assert [e.external_id for e in written.excluded] == ["third"]
    data = out.read_bytes()
    assert data.startswith(b"unit,item,alice,bob\r\n")
    assert data.count(b"\r\n") == 19
    items = build_items(coded, ["alice", "bob"], Unit.PARAGRAPH)
    assert read_matrix(out) == to_matrix_items(items)
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1:4] == [
        ["first:0-7", "sovereignty", "0", "0"],
        ["first:9-68", "sovereignty", "1", "1"],
        ["first:70-74", "sovereignty", "0", "0"],
    ]
    assert ["second:0-14", "universal rights", "0", "1"] in rows


@pytest.mark.parametrize("unit", [unit for unit in Unit if unit is not Unit.SPAN])  # no matrix
def test_the_matrix_report_gives_the_projects_numbers(
    coded: Project, tmp_path: Path, unit: Unit
) -> None:
    out = tmp_path / "matrix.csv"
    export_reliability_to_file(coded, out, ["alice", "bob"], unit, all_articles=True)
    report = matrix_report(out, bootstrap=0)
    items = build_items(coded, ["alice", "bob"], unit, all_articles=True)
    assert [row.item for row in report.rows] == [item.name for item in items.labels]
    for row, item in zip(report.rows, items.labels, strict=True):
        expected = summarise(reliability_data(item.values, categories=item.categories))
        assert row.summary.units == expected.units
        for got, want in (
            (row.summary.alpha.value, expected.alpha.value),
            (row.summary.cohen_kappa.value, expected.cohen_kappa.value),
            (row.summary.gwet_ac1.value, expected.gwet_ac1.value),
            (row.summary.percent_agreement.value, expected.percent_agreement.value),
        ):
            assert (got is None) == (want is None)
            if got is not None and want is not None:
                assert got == pytest.approx(want, abs=1e-12)


@sqlite_only
def test_the_project_database_is_never_the_output(coded: Project) -> None:
    assert coded.path is not None
    before = coded.path.read_bytes()[:100]
    with pytest.raises(InputFileError, match="open project's database"):
        export_reliability_to_file(coded, coded.path, ["alice", "bob"], Unit.ARTICLE)
    assert coded.path.read_bytes()[:100] == before


def test_nothing_to_export_writes_nothing(coded: Project, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "old.csv"
    out.parent.mkdir()
    out.write_text("an older export\n", encoding="utf-8")
    coding_status.set_status(coded, "bob", CodingStatus.IN_PROGRESS, ["first", "second"])
    with pytest.raises(
        FramingError, match="no article has been marked done by all of alice and bob"
    ):
        export_reliability_to_file(coded, out, ["alice", "bob"], Unit.ARTICLE)
    assert out.read_text(encoding="utf-8") == "an older export\n"
    assert [p.name for p in out.parent.iterdir()] == ["old.csv"]


def test_an_empty_project_has_nothing_to_export(project: Project, tmp_path: Path) -> None:
    coding_status.set_status(project, "alice", CodingStatus.DONE)
    coding_status.set_status(project, "bob", CodingStatus.DONE)
    out = tmp_path / "m.csv"
    with pytest.raises(FramingError, match="no articles"):
        export_reliability_to_file(project, out, ["alice", "bob"], Unit.ARTICLE, all_articles=True)
    assert not out.exists()


def test_a_stream_gets_the_same_bytes(coded: Project, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    export_reliability_to_file(coded, out, ["alice", "bob"], "character", labels=["sovereignty"])
    stream = tmp_path / "stream.csv"
    with open(stream, "w", encoding="utf-8", newline="") as handle:
        written = export_reliability(
            coded, handle, ["alice", "bob"], "character", labels=["sovereignty"]
        )
    assert stream.read_bytes() == out.read_bytes()
    assert written.rows == written.units == len(TEXTS["first"]) + len(TEXTS["second"])
    cells = np.array([row[2:] for row in csv.reader(stream.open(encoding="utf-8"))][1:])
    start = TEXTS["first"].index("It spoke of interference.")
    assert (cells[start : start + 25, 0] == "1").all()
    assert (cells[:, 0] == "1").sum() == 25
