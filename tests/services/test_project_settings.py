"""Project settings (issue 7, defect 6): the blind coding switch, and label counts by coder.

Blind coding belongs to the project: it is stored in the project database,
read and written through typed accessors, off unless the lead turns it on,
and an unreadable stored value never stops a project from opening.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from raw_db import raw_connection

from framing_app.core.changes import Changes
from framing_app.services import codebook, project_settings, tagging
from framing_app.services.project import Project


def _stored(project: Project) -> list[tuple[str, str]]:
    """The settings table as the file holds it, read with the standard library."""
    with raw_connection(project) as conn:
        return [
            tuple(r) for r in conn.execute("SELECT name, value FROM project_setting ORDER BY name")
        ]


def _store(project: Project, value: str) -> None:
    """Write *value* for blind coding behind the services' back (a hand edit, a newer version)."""
    with raw_connection(project) as conn:
        conn.execute(
            "INSERT INTO project_setting (name, value) VALUES ('blind-coding', ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (value,),
        )


def test_blind_coding_is_off_in_a_new_project_and_stores_nothing(project: Project) -> None:
    assert project_settings.blind_coding(project) is False
    info, sample, *_backup_settings = project_settings.list_settings(project)
    assert (info.name, info.value, info.default) == ("blind-coding", "off", "off")
    assert "Compare with" in info.description
    assert (sample.name, sample.value, sample.default) == ("show-sample", "off", "off")
    assert _stored(project) == []


def test_set_blind_coding_reports_a_change_only_when_there_is_one(project: Project) -> None:
    assert project_settings.set_blind_coding(project, True) == Changes(settings=True)
    assert project_settings.blind_coding(project) is True
    assert _stored(project) == [("blind-coding", "on")]

    again = project_settings.set_blind_coding(project, True)
    assert again == Changes()
    assert not again

    assert project_settings.set_blind_coding(project, False) == Changes(settings=True)
    assert project_settings.blind_coding(project) is False
    # Off is stored too: the lead's decision, not merely the default.
    assert _stored(project) == [("blind-coding", "off")]
    assert project_settings.set_blind_coding(project, False) == Changes()


def test_the_setting_belongs_to_its_project(tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    with Project.open(path=first) as one, Project.open(path=second) as other:
        project_settings.set_blind_coding(one, True)
        assert project_settings.blind_coding(other) is False
    # Kept in the file: another process (or the next start) reads it back.
    with Project.open(path=first) as again:
        assert project_settings.blind_coding(again) is True
        assert [s.value for s in project_settings.list_settings(again)][:2] == ["on", "off"]


@pytest.mark.parametrize(
    ("stored", "reads"),
    [
        ("on", True),
        ("off", False),
        (" ON\n", True),
        ("true", True),
        ("1", True),
        ("no", False),
        ("maybe", False),
        ("", False),
        ('{"on": true}', False),
        ("\x00", False),
    ],
)
def test_a_stored_value_reads_leniently_and_garbage_as_the_default(
    project: Project, backend: str, stored: str, reads: bool
) -> None:
    if "\x00" in stored and backend == "postgresql":
        pytest.skip("PostgreSQL text cannot hold NUL: no program can store this value there")
    _store(project, stored)
    assert project_settings.blind_coding(project) is reads
    info, *_ = project_settings.list_settings(project)
    assert info.value == ("on" if reads else "off")


def test_setting_over_garbage_writes_a_clean_value(project: Project) -> None:
    _store(project, "maybe")
    # Garbage reads as off: turning it off changes nothing anyone sees ...
    assert project_settings.set_blind_coding(project, False) == Changes()
    # ... but the value is made clean.
    assert _stored(project) == [("blind-coding", "off")]
    _store(project, "maybe")
    assert project_settings.set_blind_coding(project, True) == Changes(settings=True)
    assert _stored(project) == [("blind-coding", "on")]


def _tag(project: Project, coder: str, label: str, start: int, end: int) -> None:
    tagging.annotate(project, coder=coder, article=1, label=label, start=start, end=end)


def label_counts(project: Project, coder: str | None = None) -> dict[int, int]:
    """Annotations per label id as the codebook lists them for *coder* (everyone's: None)."""
    return {label.id: label.annotations for label in codebook.list_labels(project, coder=coder)}


def test_label_counts_of_one_coder_leave_the_others_out(sample_project: Project) -> None:
    _tag(sample_project, "alice", "sovereignty", 0, 5)
    _tag(sample_project, "alice", "sovereignty", 10, 20)
    _tag(sample_project, "bob", "sovereignty", 0, 5)
    _tag(sample_project, "bob", "universal rights", 30, 40)
    ids = {label.name: label.id for label in codebook.list_labels(sample_project)}
    sovereignty, standards, rights = (
        ids["sovereignty"],
        ids["double standards"],
        ids["universal rights"],
    )

    assert label_counts(sample_project, "alice") == {sovereignty: 2, standards: 0, rights: 0}
    assert label_counts(sample_project, "bob") == {sovereignty: 1, standards: 0, rights: 1}
    # Names compare as everywhere: case and white space do not matter.
    assert label_counts(sample_project, "  ALICE ") == label_counts(sample_project, "alice")
    # A coder who has not tagged anything (or is not in the project yet) has nothing.
    assert label_counts(sample_project, "carol") == {sovereignty: 0, standards: 0, rights: 0}
    # Without a coder: everyone's, as the codebook lists them.
    assert label_counts(sample_project) == {
        label.id: label.annotations for label in codebook.list_labels(sample_project)
    }
    assert label_counts(sample_project) == {sovereignty: 3, standards: 0, rights: 1}


def test_label_counts_include_archived_and_new_labels(project: Project) -> None:
    codebook.add_label(project, "economy")
    codebook.update_label(project, "sovereignty", archived=True)
    counts = label_counts(project, "alice")
    assert sorted(counts) == sorted(label.id for label in codebook.list_labels(project))
    assert set(counts.values()) == {0}


def test_show_sample_is_off_by_default_and_never_shown_while_blind(project: Project) -> None:
    assert project_settings.show_sample(project) is False
    assert project_settings.sample_marks_visible(project) is False
    assert project_settings.set_show_sample(project, True) == Changes(settings=True)
    assert project_settings.set_show_sample(project, True) == Changes()
    assert project_settings.show_sample(project) is True
    assert project_settings.sample_marks_visible(project) is True
    project_settings.set_blind_coding(project, True)
    assert project_settings.show_sample(project) is True  # the lead's choice is kept ...
    assert project_settings.sample_marks_visible(project) is False  # ... but blind hides it
    project_settings.set_blind_coding(project, False)
    assert project_settings.sample_marks_visible(project) is True
    assert _stored(project) == [("blind-coding", "off"), ("show-sample", "on")]
