"""CSV export, and merging an exported CSV into another project (all or nothing)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from framing_app.core.errors import InputFileError, NotFoundError
from framing_app.core.records import ANNOTATION_COLUMNS
from framing_app.services import tagging
from framing_app.services.annotation_export import export_annotations, export_annotations_to_file
from framing_app.services.annotation_import import import_annotations
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.codebook import list_labels
from framing_app.services.coders import list_coders
from framing_app.services.project import Project

ARTICLES = {
    "hk": 'Hong Kong 🌏 "quoted", with commas\nand a second line.\n\n'
    "=SUM(A1) looks like a formula; -5 too; @home; +1.\n",
    "cn": "中国外交部发言人说\uff1a我们反对任何国家干涉中国内政。\r\nEnd of story.\r\n",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    return folder


def _tag(
    project: Project, coder: str, article: str, label: str, passage: str, memo: str = ""
) -> int:
    text = get_article(project, article).text
    start = text.index(passage)
    return tagging.annotate(
        project,
        coder=coder,
        article=article,
        label=label,
        start=start,
        end=start + len(passage),
        memo=memo,
    ).id


@pytest.fixture
def coded(project: Project, corpus: Path) -> Project:
    import_articles(project, [corpus])
    _tag(project, "alice", "hk", "sovereignty", 'Hong Kong 🌏 "quoted", with commas\nand a second')
    _tag(project, "alice", "hk", "double standards", "=SUM(A1)", memo="=cmd|' /C calc'!A0")
    _tag(project, "bob", "hk", "universal rights", "🌏")
    _tag(
        project,
        "bob",
        "cn",
        "sovereignty",
        "我们反对任何国家干涉中国内政",
        memo="line one\nline two",
    )
    _tag(project, "alice", "cn", "universal rights", "End of story.\n")
    return project


def _export(project: Project, **kwargs: object) -> str:
    out = io.StringIO(newline="")
    export_annotations(project, out, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


def _rows(csv_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text, newline="")))


def test_export_columns_and_passages(coded: Project) -> None:
    text = _export(coded)
    assert text.splitlines()[0] == ",".join(ANNOTATION_COLUMNS)
    rows = _rows(text)
    assert len(rows) == 5
    for row in rows:
        article = get_article(coded, row["article_external_id"])
        assert article.text[int(row["start"]) : int(row["end"])] == row["text"]
        assert row["article_sha256"] == article.sha256
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", row["created_at"])
    # CRLF in the source file was normalised: the passage ends in LF.
    assert rows[4]["text"] == "End of story.\n"


def test_export_one_coder_and_unknown_coder(coded: Project) -> None:
    assert {r["coder"] for r in _rows(_export(coded, coders=["bob"]))} == {"bob"}
    with pytest.raises(NotFoundError, match="no coder named 'carol'"):
        _export(coded, coders=["carol"])


def test_excel_flavour_has_bom_and_inert_formulas(coded: Project) -> None:
    text = _export(coded, excel=True)
    assert text.startswith("\ufeff")
    rows = _rows(text[1:])
    formula = next(r for r in rows if r["label"] == "double standards")
    assert formula["text"] == "'=SUM(A1)"
    assert formula["memo"] == "'=cmd|' /C calc'!A0"


def test_loads_unchanged_in_pandas(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert export_annotations_to_file(coded, path) == 5
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(ANNOTATION_COLUMNS)
    for _, row in frame.iterrows():
        article = get_article(coded, row["article_external_id"])
        assert article.text[int(row["start"]) : int(row["end"])] == row["text"]
    assert frame.loc[3, "memo"] == "line one\nline two"


def _rscript() -> str | None:
    found = shutil.which("Rscript")
    if found is None and not os.environ.get("CI"):
        pytest.skip("R is not installed here; CI installs it and runs this test")
    assert found is not None, "CI must install R (r-base-core) for this test"
    return found


def test_loads_unchanged_in_r(coded: Project, tmp_path: Path) -> None:
    rscript = _rscript()
    path = tmp_path / "out.csv"
    export_annotations_to_file(coded, path)
    script = (
        'x <- read.csv(commandArgs(TRUE)[1], encoding="UTF-8", stringsAsFactors=FALSE,'
        ' colClasses="character");'
        'cat(ncol(x), nrow(x), "\\n", sep=" ");'
        "for (i in seq_len(nrow(x))) cat(x$start[i], x$end[i], nchar(x$text[i]),"
        ' utf8ToInt(x$text[i]), "\\n")'
    )
    result = subprocess.run(
        [rscript, "--vanilla", "-e", script, str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["13", "5"]
    for line, row in zip(lines[1:], _rows(path.read_bytes().decode("utf-8")), strict=True):
        numbers = [int(n) for n in line.split()]
        start, end, length, *code_points = numbers
        # R sees the same offsets, the same number of characters, the same characters.
        assert (start, end) == (int(row["start"]), int(row["end"]))
        assert length == end - start == len(row["text"])
        assert code_points == [ord(ch) for ch in row["text"]]


def _second_project(tmp_path: Path, corpus: Path, name: str = "second.sqlite") -> Project:
    second = Project.open(path=tmp_path / name)
    import_articles(second, [corpus])
    return second


def test_round_trip_gives_the_same_rows(coded: Project, corpus: Path, tmp_path: Path) -> None:
    exported = tmp_path / "alice-bob.csv"
    export_annotations_to_file(coded, exported)
    with _second_project(tmp_path, corpus) as second:
        report = import_annotations(second, exported)
        assert (report.rows, report.added, report.duplicates) == (5, 5, 0)
        assert sorted(report.new_coders) == ["alice", "bob"]
        assert _export(second) == exported.read_bytes().decode("utf-8")
        # Importing the same file again adds nothing.
        again = import_annotations(second, exported)
        assert (again.added, again.duplicates) == (0, 5)
        assert _export(second) == exported.read_bytes().decode("utf-8")


def test_round_trip_with_gaps_keeps_all_but_internal_ids(
    coded: Project, corpus: Path, tmp_path: Path
) -> None:
    tagging.delete_annotation(coded, 1)
    before = _rows(_export(coded))
    path = tmp_path / "gap.csv"
    export_annotations_to_file(coded, path)
    with _second_project(tmp_path, corpus) as second:
        import_annotations(second, path)
        after = _rows(_export(second))
    strip = lambda rows: [{k: v for k, v in r.items() if k != "annotation_id"} for r in rows]  # noqa: E731
    assert strip(after) == strip(before)


def test_excel_flavour_imports_back(coded: Project, corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    export_annotations_to_file(coded, path, excel=True)
    with _second_project(tmp_path, corpus) as second:
        assert import_annotations(second, path).added == 5
        assert _export(second) == _export(coded)


def test_unknown_labels_are_created(coded: Project, corpus: Path, tmp_path: Path) -> None:
    text = _export(coded).replace(",universal rights,", ",economic pragmatism,")
    path = tmp_path / "new-label.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with _second_project(tmp_path, corpus) as second:
        report = import_annotations(second, path)
        assert report.new_labels == ["economic pragmatism"]
        assert "economic pragmatism" in [label.name for label in list_labels(second)]


def _state(project: Project) -> tuple[str, list[str], list[str]]:
    return (
        _export(project),
        [c.name for c in list_coders(project)],
        [label.name for label in list_labels(project)],
    )


def _corrupt(csv_text: str, row: int, changes: dict[str, str]) -> str:
    rows = _rows(csv_text)
    rows[row].update(changes)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(ANNOTATION_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("row", "changes", "message"),
    [
        (
            3,
            {"article_external_id": "missing", "article_sha256": "f" * 64},
            "row 5: unknown article 'missing'",
        ),
        (3, {"article_sha256": "0" * 64}, "row 5: article 'cn' has a different text"),
        (3, {"end": "9999"}, "row 5: span .* runs past the end of article 'cn'"),
        (3, {"text": "我们支持"}, "row 5: text does not match article 'cn'"),
        (0, {"start": "2"}, "row 2: text does not match article 'hk'"),
    ],
)
def test_bad_row_rejects_whole_file(
    coded: Project, corpus: Path, tmp_path: Path, row: int, changes: dict[str, str], message: str
) -> None:
    # Rows before the bad one carry a new coder and a new label: neither may appear.
    text = _export(coded).replace("alice", "carol").replace(",sovereignty,", ",brand new,")
    path = tmp_path / "bad.csv"
    path.write_text(_corrupt(text, row, changes), encoding="utf-8", newline="")
    with _second_project(tmp_path, corpus) as second:
        before = _state(second)
        with pytest.raises(InputFileError, match=message) as caught:
            import_annotations(second, path)
        assert str(path) in str(caught.value)
        assert "\n" not in str(caught.value)
        assert _state(second) == before


def test_unknown_article_matched_by_sha_when_ids_differ(
    coded: Project, corpus: Path, tmp_path: Path
) -> None:
    text = _export(coded).replace(",hk,", ",hong-kong-renamed,")
    path = tmp_path / "renamed.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with _second_project(tmp_path, corpus) as second:
        assert import_annotations(second, path).added == 5


def test_row_numbers_count_blank_lines_and_multiline_records(
    coded: Project, corpus: Path, tmp_path: Path
) -> None:
    """Row numbers are those of the CSV reader: header 1, one per record, blank lines too."""
    lines = _corrupt(_export(coded), 3, {"text": "wrong"}).split("\r\n")
    lines.insert(1, "")  # a blank line after the header
    path = tmp_path / "blank.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    with (
        _second_project(tmp_path, corpus) as second,
        pytest.raises(InputFileError, match="row 6: text does not match"),
    ):
        import_annotations(second, path)
