"""One naming rule on every path a coder or label name enters by (issue 6, defect 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing_app.core.errors import ConflictError, FramingError, InputFileError
from framing_app.formats.annotation_csv import read_annotation_csv, write_annotation_csv
from framing_app.services import codebook, coders, tagging
from framing_app.services.annotation_export import export_annotations_to_file
from framing_app.services.annotation_import import import_annotations
from framing_app.services.articles import list_articles
from framing_app.services.project import Project

NPR = "2011-04-26_npr_china-us-human-rights-talks"


def _label_names(project: Project) -> list[str]:
    return [label.name for label in codebook.list_labels(project)]


def _rewrite_names(path: Path, *, coder: str, label: str) -> None:
    rows = [row._replace(coder=coder, label=label) for row in read_annotation_csv(path)]
    # The writer writes any string; the reader is what applies the rule.
    with path.open("w", encoding="utf-8", newline="") as out:
        write_annotation_csv(rows, out)


def _export_one(project: Project, tmp_path: Path) -> Path:
    tagging.annotate(
        project, coder="alice", article=NPR, label="sovereignty", start=0, end=5, memo="m"
    )
    out = tmp_path / "alice.csv"
    export_annotations_to_file(project, out)
    return out


@pytest.fixture
def other(tmp_path: Path, sample_project: Project) -> Project:
    """A second project with the same articles (another coder's copy)."""
    from framing_app.services.article_import import import_articles
    from framing_app.services.sample_corpus import sample_folder

    with Project.open(path=tmp_path / "other.sqlite") as opened, sample_folder() as folder:
        import_articles(opened, [folder])
    return Project.open(path=tmp_path / "other.sqlite")


@pytest.mark.parametrize(
    ("coder", "label"),
    [("alice ", "sovereignty "), ("ALICE", "Sovereignty"), (" Alice", "SOVEREIGNTY\u00a0")],
)
def test_annotation_import_matches_names_after_cleaning_and_case_folding(
    sample_project: Project, other: Project, tmp_path: Path, coder: str, label: str
) -> None:
    path = _export_one(sample_project, tmp_path)
    tagging.annotate(other, coder="alice", article=NPR, label="sovereignty", start=10, end=20)
    _rewrite_names(path, coder=coder, label=label)

    report = import_annotations(other, path)

    assert (report.added, report.new_coders, report.new_labels) == (1, [], [])
    assert _label_names(other) == ["sovereignty", "double standards", "universal rights"]
    assert [c.name for c in coders.list_coders(other)] == ["alice"]
    other.close()


def test_two_spellings_in_one_file_make_one_new_label(
    sample_project: Project, other: Project, tmp_path: Path
) -> None:
    tagging.annotate(sample_project, coder="bob", article=NPR, label="sovereignty", start=0, end=5)
    tagging.annotate(sample_project, coder="bob", article=NPR, label="sovereignty", start=6, end=9)
    path = tmp_path / "bob.csv"
    export_annotations_to_file(sample_project, path)
    rows = read_annotation_csv(path)
    rows = [rows[0]._replace(label="Economy"), rows[1]._replace(label=" economy ")]
    with path.open("w", encoding="utf-8", newline="") as out:
        write_annotation_csv(rows, out)

    report = import_annotations(other, path)

    assert report.new_labels == ["Economy"]
    assert _label_names(other)[-1] == "Economy"
    assert len(_label_names(other)) == 4
    other.close()


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("sover\neignty", "control character (U+000A)"),
        ("y" * 100_000, "is 100,000 characters long; the limit is 200"),
    ],
    ids=["newline", "100k"],
)
def test_annotation_import_refuses_bad_names_and_changes_nothing(
    sample_project: Project, other: Project, tmp_path: Path, label: str, problem: str
) -> None:
    path = _export_one(sample_project, tmp_path)
    _rewrite_names(path, coder="alice", label=label)
    with pytest.raises(InputFileError) as caught:
        import_annotations(other, path)
    assert str(caught.value).startswith(f"{path}, row 2: label name ")
    assert problem in str(caught.value)
    assert _label_names(other) == ["sovereignty", "double standards", "universal rights"]
    assert coders.list_coders(other) == []
    other.close()


def test_tagging_and_coders_use_the_rule(sample_project: Project) -> None:
    info = tagging.annotate(
        sample_project, coder="  Alice  Smith ", article=NPR, label=" SOVEREIGNTY", start=0, end=5
    )
    assert (info.coder, info.label) == ("Alice Smith", "sovereignty")
    assert (
        coders.add_coder(sample_project, "alice smith").id
        == coders.list_coders(sample_project)[0].id
    )
    with pytest.raises(FramingError, match="control character"):
        coders.add_coder(sample_project, "bob\nby")
    with pytest.raises(FramingError, match="the limit is 200"):
        tagging.annotate(
            sample_project, coder="c" * 201, article=NPR, label="sovereignty", start=0, end=5
        )
    assert [c.name for c in coders.list_coders(sample_project)] == ["Alice Smith"]
    counts = {a.external_id: a.annotations_by_coder for a in list_articles(sample_project)}
    assert counts[NPR] == {"Alice Smith": 1}


def test_codebook_edits_compare_names_case_insensitively(project: Project) -> None:
    with pytest.raises(ConflictError, match="already has a label named 'sovereignty'"):
        codebook.add_label(project, "Sovereignty ")
    with pytest.raises(ConflictError, match="already has a label named 'sovereignty'"):
        codebook.update_label(project, "universal rights", new_name="SOVEREIGNTY")
    # Changing only the case of a label's own name is a rename, not a clash.
    codebook.update_label(project, "sovereignty", new_name="Sovereignty")
    assert _label_names(project)[0] == "Sovereignty"
    with pytest.raises(FramingError, match="control character"):
        codebook.add_label(project, "new\nlabel")
    with pytest.raises(FramingError, match="the limit is 200"):
        codebook.update_label(project, "Sovereignty", new_name="z" * 500)
    assert _label_names(project) == ["Sovereignty", "double standards", "universal rights"]


def test_codebook_import_matches_labels_case_insensitively(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "codebook.json"
    path.write_text(
        json.dumps(
            {
                "format": "framing-app codebook",
                "version": 1,
                "labels": [{"name": " SOVEREIGNTY ", "definition": "new definition"}],
            }
        ),
        encoding="utf-8",
    )
    report = codebook.import_codebook(project, path)
    assert (report.added, report.updated) == ([], ["SOVEREIGNTY"])
    assert _label_names(project) == ["sovereignty", "double standards", "universal rights"]
    assert codebook.list_labels(project)[0].definition == "new definition"


def test_codebook_json_with_a_bad_name_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "codebook.json"
    path.write_text(
        '{"format": "framing-app codebook", "version": 1, '
        '"labels": [{"name": "a\\nb"}, {"name": "c\\ud800"}]}',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="label 1: label name 'a\\\\nb' contains a control"):
        codebook.import_codebook(project, path)
    assert _label_names(project) == ["sovereignty", "double standards", "universal rights"]
