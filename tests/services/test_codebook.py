"""The codebook: defaults, editing, JSON exchange (all or nothing)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from framing_app.core.errors import ConflictError, FramingError, InputFileError
from framing_app.services import codebook, tagging
from framing_app.services.project import Project


def _names(project: Project) -> list[str]:
    return [label.name for label in codebook.list_labels(project)]


def test_new_project_has_the_default_codebook(project: Project) -> None:
    labels = codebook.list_labels(project)
    assert [(lab.name, lab.shortcut) for lab in labels] == [
        ("sovereignty", "1"),
        ("double standards", "2"),
        ("universal rights", "3"),
    ]
    for label in labels:
        assert len(label.definition) > 150, "a coder needs a usable definition"
        assert re.fullmatch(r"#[0-9A-F]{6}", label.color)
    assert "non-interference" in labels[0].definition
    assert "hypocrisy" in labels[1].definition
    assert "regardless of the state" in labels[2].definition


def test_add_rename_recolour_reorder_archive(project: Project) -> None:
    codebook.add_label(project, "  economic   growth ", color="#112233", shortcut="4")
    assert _names(project)[-1] == "economic growth"
    codebook.update_label(project, "economic growth", new_name="development", color="#aabbcc")
    codebook.move_label(project, "development", 0)
    assert _names(project) == ["development", "sovereignty", "double standards", "universal rights"]
    codebook.update_label(project, "development", archived=True)
    assert "development" not in [
        lab.name for lab in codebook.list_labels(project, include_archived=False)
    ]
    (dev,) = [lab for lab in codebook.list_labels(project) if lab.name == "development"]
    assert (dev.color, dev.archived, dev.shortcut) == ("#AABBCC", True, "4")


def test_rename_keeps_annotations(sample_project: Project) -> None:
    from framing_app.services.articles import list_articles

    article = list_articles(sample_project)[0].external_id
    tagging.annotate(
        sample_project, coder="alice", article=article, label="sovereignty", start=0, end=5
    )
    codebook.update_label(sample_project, "sovereignty", new_name="non-interference")
    (annotation,) = tagging.list_annotations(sample_project, article)
    assert annotation.label == "non-interference"


def test_conflicts_are_refused(project: Project) -> None:
    with pytest.raises(ConflictError, match="already has a label named 'sovereignty'"):
        codebook.add_label(project, "sovereignty")
    with pytest.raises(ConflictError, match="shortcut '1' is already used by label 'sovereignty'"):
        codebook.add_label(project, "other", shortcut="1")
    with pytest.raises(FramingError, match="#RRGGBB"):
        codebook.add_label(project, "other", color="red")
    with pytest.raises(FramingError, match="cannot be empty"):
        codebook.add_label(project, "   ")


def test_delete_in_use_needs_confirmation(sample_project: Project) -> None:
    from framing_app.services.articles import list_articles

    article = list_articles(sample_project)[0].external_id
    tagging.annotate(
        sample_project, coder="alice", article=article, label="sovereignty", start=0, end=5
    )
    with pytest.raises(ConflictError, match="used by 1 annotation"):
        codebook.delete_label(sample_project, "sovereignty")
    assert codebook.delete_label(sample_project, "sovereignty", with_annotations=True) == 1
    assert "sovereignty" not in _names(sample_project)
    assert tagging.list_annotations(sample_project, article) == []
    assert codebook.delete_label(sample_project, "universal rights") == 0


def test_json_round_trip_between_projects(project: Project, tmp_path: Path) -> None:
    codebook.add_label(
        project, "economic pragmatism", definition="Trade first.", color="#0072B2", shortcut="4"
    )
    codebook.update_label(project, "double standards", archived=True)
    path = tmp_path / "codebook.json"
    assert codebook.export_codebook(project, path) == 4
    assert (
        json.loads(path.read_text(encoding="utf-8"))["labels"][3]["name"] == "economic pragmatism"
    )
    with Project.open(path=tmp_path / "second.sqlite") as second:
        report = codebook.import_codebook(second, path)
        assert report.added == ["economic pragmatism"]
        assert sorted(report.updated) == ["double standards", "sovereignty", "universal rights"]
        first = [
            (lab.name, lab.definition, lab.color, lab.shortcut, lab.archived)
            for lab in codebook.list_labels(project)
        ]
        again = [
            (lab.name, lab.definition, lab.color, lab.shortcut, lab.archived)
            for lab in codebook.list_labels(second)
        ]
        assert again == first


def test_import_can_swap_shortcuts(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "swap.json"
    path.write_text(
        json.dumps(
            {
                "format": "framing-app codebook",
                "version": 1,
                "labels": [
                    {"name": "double standards", "shortcut": "1", "color": "#56B4E9"},
                    {"name": "sovereignty", "shortcut": "2", "color": "#E69F00"},
                ],
            }
        ),
        encoding="utf-8",
    )
    codebook.import_codebook(project, path)
    assert [(lab.name, lab.shortcut) for lab in codebook.list_labels(project)] == [
        ("double standards", "1"),
        ("sovereignty", "2"),
        ("universal rights", "3"),
    ]


def test_import_refusing_a_taken_shortcut_changes_nothing(project: Project, tmp_path: Path) -> None:
    before = codebook.list_labels(project)
    path = tmp_path / "clash.json"
    path.write_text(
        json.dumps(
            {
                "format": "framing-app codebook",
                "version": 1,
                "labels": [
                    {"name": "sovereignty", "shortcut": "9", "color": "#000000"},
                    {"name": "new one", "shortcut": "3", "color": "#000000"},
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="shortcut '3' of label 'new one' is already used"):
        codebook.import_codebook(project, path)
    assert codebook.list_labels(project) == before
