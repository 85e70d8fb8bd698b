"""Blind coding (issue 7, defect 6): a per-project switch that hides other coders' work.

While it is on, the "Compare with" layer is off and cannot be chosen, and the
codebook editor counts only the coder's own uses; the switch is the
project's (stored in it), so a second window or the CLI turning it on
reaches this window through the outside-change path.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from framing_app.gui.codebook_editor import CodebookEditor
from framing_app.gui.main_window import MainWindow
from framing_app.services import project_settings, tagging
from framing_app.services.project import Project

ARTICLE = "Officials rejected the criticism as interference in internal affairs.\n"


def _bob_tags(project: Project) -> None:
    tagging.annotate(project, coder="bob", article="only", label="sovereignty", start=0, end=9)


@pytest.fixture
def coded(open_window: Callable[..., MainWindow], project: Project) -> MainWindow:
    win = open_window({"only": ARTICLE}, select="only")
    _bob_tags(project)
    win.refresh_annotations()
    win._fill_coder_boxes()
    return win


def _compare_with_bob(win: MainWindow) -> None:
    win.compare_box.setCurrentText("bob")
    win._compare_chosen(win.compare_box.currentIndex())


def test_switching_blind_coding_on_hides_the_compare_layer(
    qtbot: QtBot, coded: MainWindow, project: Project
) -> None:
    _compare_with_bob(coded)
    assert [h.coder for h in coded.reader.view._others] == ["bob"]

    coded.blind_action.trigger()

    assert project_settings.blind_coding(project) is True
    assert coded.reader.view._others == []
    assert not coded.compare_box.isEnabled()
    assert coded.compare_box.currentText() == "(nobody)"
    assert "Blind coding is on" in coded.compare_box.toolTip()
    # Off again: the layer can be chosen again (it is not forced back on).
    coded.blind_action.trigger()
    assert project_settings.blind_coding(project) is False
    assert coded.compare_box.isEnabled()
    assert coded.reader.view._others == []


def test_blind_coding_set_by_another_program_reaches_the_window(
    qtbot: QtBot, coded: MainWindow, project: Project
) -> None:
    _compare_with_bob(coded)
    assert project.path is not None
    with Project.open(path=project.path) as other:
        project_settings.set_blind_coding(other, True)
    coded.check_outside_changes()
    assert coded.blind_action.isChecked()
    assert coded.reader.view._others == []
    assert not coded.compare_box.isEnabled()


def test_the_codebook_editor_counts_only_the_coders_own_uses_when_blind(
    qtbot: QtBot, coded: MainWindow, project: Project
) -> None:
    project_settings.set_blind_coding(project, True)
    coded.check_outside_changes()
    dialog = CodebookEditor(project, coded, counts_of="alice")
    qtbot.addWidget(dialog)
    assert {lab.name: lab.annotations for lab in dialog._labels}["sovereignty"] == 0
    everyone = CodebookEditor(project, coded)
    qtbot.addWidget(everyone)
    assert {lab.name: lab.annotations for lab in everyone._labels}["sovereignty"] == 1
