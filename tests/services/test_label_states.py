"""Codebook edits by label id, as undo and redo apply them (services.label_states)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from framing_app.core.errors import ConflictError, NotFoundError
from framing_app.services import article_removal, codebook, label_states, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a1.txt").write_text("Sovereignty first, rights second.\n", encoding="utf-8")
    (folder / "a2.txt").write_text("Double standards everywhere you look.\n", encoding="utf-8")
    import_articles(project, [folder])
    tagging.annotate(project, coder="ana", article="a1", label="sovereignty", start=0, end=11)
    tagging.annotate(project, coder="ben", article="a2", label="sovereignty", start=0, end=6)
    return project


def _id(project: Project, name: str) -> int:
    return next(lab.id for lab in codebook.list_labels(project) if lab.name == name)


def _names(project: Project) -> list[str]:
    return [lab.name for lab in codebook.list_labels(project)]


def test_a_state_applies_by_id_whatever_the_name_is_now(coded: Project) -> None:
    ident = _id(coded, "sovereignty")
    before = label_states.label_state(coded, ident)
    codebook.update_label(coded, "sovereignty", new_name="Sovereignty claims", color="#112233")
    label_states.apply_label_state(coded, before)
    assert label_states.label_state(coded, ident) == before
    # Every annotation still points at it.
    assert [a.label for a in tagging.list_annotations(coded, "a1")] == ["sovereignty"]


def test_a_name_or_shortcut_taken_meanwhile_is_refused_and_changes_nothing(
    coded: Project,
) -> None:
    ident = _id(coded, "sovereignty")
    state = label_states.label_state(coded, ident)
    with pytest.raises(ConflictError, match="already has a label named 'double standards'"):
        label_states.apply_label_state(coded, replace(state, name="Double Standards"))
    with pytest.raises(ConflictError, match="shortcut '2' is already used"):
        label_states.apply_label_state(coded, replace(state, shortcut="2"))
    assert label_states.label_state(coded, ident) == state


def test_order_skips_deleted_labels_and_keeps_new_ones_after(coded: Project) -> None:
    order = label_states.label_order(coded).ids
    codebook.delete_label(coded, "universal rights")
    codebook.add_label(coded, "whataboutism")
    label_states.set_label_order(coded, tuple(reversed(order)))
    assert _names(coded) == ["double standards", "sovereignty", "whataboutism"]


def test_removed_label_comes_back_with_the_same_ids_place_and_annotations(
    coded: Project,
) -> None:
    before = (codebook.list_labels(coded), tagging.list_annotations(coded, "a1"))
    removed = label_states.remove_label(
        coded, _id(coded, "sovereignty"), with_annotations=True, expect=2
    )
    assert removed.changes.coded == {a.article_id for a in removed.annotations}
    assert "sovereignty" not in _names(coded)
    label_states.restore_removed_label(coded, removed)
    assert (codebook.list_labels(coded), tagging.list_annotations(coded, "a1")) == before


def test_removal_asks_for_the_count_the_user_was_told(coded: Project) -> None:
    ident = _id(coded, "sovereignty")
    with pytest.raises(ConflictError, match="is used by 2 annotation"):
        label_states.remove_label(coded, ident, with_annotations=False)
    with pytest.raises(ConflictError, match="has 2 annotation\\(s\\) now, not 1"):
        label_states.remove_label(coded, ident, with_annotations=True, expect=1)
    assert "sovereignty" in _names(coded)


def test_putting_back_is_all_or_nothing(coded: Project) -> None:
    removed = label_states.remove_label(
        coded, _id(coded, "sovereignty"), with_annotations=True, expect=2
    )
    article_removal.delete_articles(coded, ["a2"])
    with pytest.raises(NotFoundError, match="was deleted meanwhile"):
        label_states.restore_removed_label(coded, removed)
    # Not even the label came back without its annotations.
    assert "sovereignty" not in _names(coded)
    assert tagging.list_annotations(coded, "a1") == []


def test_a_label_cannot_come_back_twice(coded: Project) -> None:
    state = label_states.label_state(coded, _id(coded, "universal rights"))
    with pytest.raises(ConflictError, match="already in the codebook"):
        label_states.restore_label(coded, state)
