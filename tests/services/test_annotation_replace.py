"""Importing a coder's corrected file: --replace, the notes of an adding import, --no-new-labels."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from framing_app.core.errors import InputFileError
from framing_app.services import tagging
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.annotation_import import (
    CoderChanges,
    import_annotations,
    preview_import,
)
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.codebook import list_labels
from framing_app.services.project import Project

HK = 'Hong Kong "quoted", with commas\nand a second line.\n\nIt looks like rain.\n'
CN = "We oppose interference.\nEnd of story.\n"


def _tag(
    project: Project, coder: str, article: str, label: str, passage: str, memo: str = ""
) -> int:
    start = get_article(project, article).text.index(passage)
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
def coded(project: Project, tmp_path: Path) -> tuple[Project, dict[str, int]]:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "hk.txt").write_bytes(HK.encode("utf-8"))
    (folder / "cn.txt").write_bytes(CN.encode("utf-8"))
    import_articles(project, [folder])
    ids = {
        "same": _tag(project, "alice", "hk", "sovereignty", "Hong Kong"),
        "relabel": _tag(project, "alice", "hk", "double standards", '"quoted"'),
        "memo": _tag(project, "alice", "hk", "universal rights", "commas", memo="first"),
        "gone": _tag(project, "alice", "hk", "sovereignty", "looks like rain"),
        "other article": _tag(project, "alice", "cn", "sovereignty", "End of story."),
        "other coder": _tag(project, "bob", "hk", "sovereignty", "Hong Kong"),
    }
    return project, ids


def _table(project: Project) -> list[tuple[Any, ...]]:
    """Every annotation as (id, coder, article, label, start, end, memo)."""
    with project.db.read() as session:
        from sqlalchemy import text

        return [
            tuple(row)
            for row in session.execute(
                text(
                    "SELECT a.id, c.name, r.external_id, l.name, a.start_offset, a.end_offset, "
                    "a.memo FROM annotation a JOIN coder c ON c.id = a.coder_id "
                    "JOIN article r ON r.id = a.article_id JOIN label l ON l.id = a.label_id "
                    "ORDER BY a.id"
                )
            )
        ]


def _export(project: Project, path: Path, coder: str = "alice") -> list[dict[str, str]]:
    export_annotations_to_file(project, path, coders=[coder])
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _span(row: dict[str, str], passage: str, text: str = HK) -> dict[str, str]:
    start = text.index(passage)
    return {**row, "start": str(start), "end": str(start + len(passage)), "text": passage}


def _corrected(project: Project, tmp_path: Path) -> Path:
    """Alice's corrected file for article hk: one relabelled, one memo edited, one gone, one new."""
    rows = [
        row for row in _export(project, tmp_path / "alice.csv") if row["text"] != "End of story."
    ]
    by_text = {row["text"]: row for row in rows}
    by_text['"quoted"']["label"] = "universal rights"
    by_text["commas"]["memo"] = "second thoughts"
    new = _span(
        {**by_text["Hong Kong"], "annotation_id": "", "label": "sovereignty"}, "second line"
    )
    kept = [by_text[t] for t in ("Hong Kong", '"quoted"', "commas")]
    return _write(tmp_path / "corrected.csv", [*kept, new])


def test_replace_makes_the_coders_rows_exactly_the_files(
    coded: tuple[Project, dict[str, int]], tmp_path: Path
) -> None:
    project, ids = coded
    assert get_article(project, "hk").text == HK
    assert get_article(project, "cn").text == CN
    path = _corrected(project, tmp_path)
    before = _table(project)

    preview = preview_import(project, path, replace=True)
    assert _table(project) == before

    report = import_annotations(project, path, replace=True)
    assert report == preview
    assert report.coders == {"alice": CoderChanges(added=1, changed=2, removed=1, unchanged=1)}
    assert (report.added, report.changed, report.removed) == (1, 2, 1)
    after = {row[0]: row[1:] for row in _table(project)}
    hk = HK.index
    assert after[ids["same"]] == ("alice", "hk", "sovereignty", 0, 9, "")
    # Relabelled and re-memoed in place: the ids stay.
    assert after[ids["relabel"]][2] == "universal rights"
    assert after[ids["memo"]][2:] == (
        "universal rights",
        hk("commas"),
        hk("commas") + 6,
        "second thoughts",
    )
    assert ids["gone"] not in after
    # Alice's other article and Bob are untouched.
    assert after[ids["other article"]] == ("alice", "cn", "sovereignty", 24, 37, "")
    assert after[ids["other coder"]] == ("bob", "hk", "sovereignty", 0, 9, "")
    new = [row for ident, row in after.items() if ident not in ids.values()]
    assert new == [("alice", "hk", "sovereignty", hk("second line"), hk("second line") + 11, "")]

    # The same file again changes nothing.
    again = import_annotations(project, path, replace=True)
    assert again.coders == {"alice": CoderChanges(unchanged=4)}
    assert {row[0]: row[1:] for row in _table(project)} == after


def test_replace_is_all_or_nothing(coded: tuple[Project, dict[str, int]], tmp_path: Path) -> None:
    project, _ = coded
    rows = list(csv.DictReader(_corrected(project, tmp_path).open(encoding="utf-8", newline="")))
    rows[-1]["text"] = "second lime"
    path = _write(tmp_path / "bad.csv", rows)
    before = _table(project)
    with pytest.raises(InputFileError, match=r"bad\.csv, row 5: text does not match"):
        import_annotations(project, path, replace=True)
    assert _table(project) == before


def test_adding_a_relabelled_row_or_a_new_label_says_so(
    coded: tuple[Project, dict[str, int]], tmp_path: Path
) -> None:
    project, ids = coded
    rows = _export(project, tmp_path / "alice.csv")
    by_text = {row["text"]: row for row in rows}
    relabelled = {**by_text['"quoted"'], "label": "universal rights"}
    typo = _span({**by_text["Hong Kong"], "label": "Soverignty"}, "second line")
    # Another label beside an old one the file keeps is deliberate: no note.
    both = {**by_text["Hong Kong"], "label": "double standards"}
    rows.remove(by_text['"quoted"'])
    path = _write(tmp_path / "more.csv", [*rows, relabelled, typo, both])

    report = import_annotations(project, path)
    quoted = HK.index('"quoted"')
    assert (report.added, report.duplicates) == (3, 4)
    assert report.coders["alice"] == CoderChanges(added=3, unchanged=4)
    assert report.new_labels == ["Soverignty"]
    assert report.notes == [
        f"row 6: alice already tagged {quoted}-{quoted + 8} in "
        "article 'hk' as 'double standards'; this adds 'universal rights' beside it "
        "(replacing the coder's annotations would relabel it instead)",
        "row 7: label 'Soverignty' is new to the codebook; did you mean 'sovereignty'?",
    ]
    assert "Soverignty" in [label.name for label in list_labels(project)]
    assert ids["relabel"] in [row[0] for row in _table(project)]


def test_no_new_labels_refuses_an_unknown_label(
    coded: tuple[Project, dict[str, int]], tmp_path: Path
) -> None:
    project, _ = coded
    rows = _export(project, tmp_path / "alice.csv")
    rows.append(_span({**rows[0], "label": "Soverignty"}, "second line"))
    path = _write(tmp_path / "typo.csv", rows)
    before = _table(project)
    labels = list_labels(project)
    message = (
        r"typo\.csv, row 7: label 'Soverignty' is not in the codebook, and new labels are "
        r"refused; did you mean 'sovereignty'\?$"
    )
    for call in (preview_import, import_annotations):
        for replace in (False, True):
            with pytest.raises(InputFileError, match=message):
                call(project, path, replace=replace, new_labels=False)
    assert _table(project) == before
    assert list_labels(project) == labels
    # Known labels only: imported as before.
    rows.pop()
    assert import_annotations(project, _write(path, rows), new_labels=False).duplicates == 5
    assert _table(project) == before
