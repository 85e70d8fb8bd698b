"""The codebook editor on real projects: every change is committed through the services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor
from pytestqt.qtbot import QtBot

from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.gui.codebook_editor import CodebookEditor
from framing_app.gui.codebook_form import DEFINITION_IDLE_MS
from framing_app.services import codebook
from framing_app.services.project import Project
from framing_app.services.tagging import annotate, list_annotations

DEFAULT_NAMES = ["sovereignty", "double standards", "universal rights"]


def _editor(qtbot: QtBot, project: Project) -> CodebookEditor:
    dialog = CodebookEditor(project)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # focus tests need an active window
        dialog.show()
        dialog.activateWindow()
    return dialog


def _names(project: Project) -> list[str]:
    return [label.name for label in codebook.list_labels(project)]


def _label(project: Project, name: str) -> codebook.LabelInfo:
    return next(label for label in codebook.list_labels(project) if label.name == name)


def _shown_names(dialog: CodebookEditor) -> list[str]:
    return [dialog.label_list.item(row).text() for row in range(dialog.label_list.count())]


def _type_name(qtbot: QtBot, dialog: CodebookEditor, text: str) -> None:
    """Replace the name field's text as a user would, finishing with Return."""
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, text)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)


def _refuse_to_ask(text: str) -> bool:
    raise AssertionError(f"the editor should not have asked: {text}")


def test_lists_the_codebook_in_order_and_selects_the_first_label(
    qtbot: QtBot, project: Project
) -> None:
    dialog = _editor(qtbot, project)
    assert _shown_names(dialog) == DEFAULT_NAMES
    assert dialog.name_edit.text() == "sovereignty"
    assert "non-interference" in dialog.definition_edit.toPlainText()
    assert dialog.shortcut_edit.keySequence().toString() == "1"
    assert not dialog.up_button.isEnabled()
    # Showing (filling) the form must not write anything back.
    assert _label(project, "sovereignty").definition == DEFAULT_LABELS[0].definition


def test_rows_show_shortcut_count_and_archived_state(qtbot: QtBot, sample_project: Project) -> None:
    annotate(sample_project, coder="ana", article=1, label="sovereignty", start=0, end=10)
    codebook.update_label(sample_project, "universal rights", archived=True, clear_shortcut=True)
    dialog = _editor(qtbot, sample_project)
    rows = [dialog.label_list.item(row).toolTip().splitlines()[0] for row in range(3)]
    assert rows == [
        "sovereignty: shortcut 1, 1 annotation",
        "double standards: shortcut 2, unused",
        "universal rights: no shortcut, unused, archived",
    ]
    dialog.select_label("universal rights")
    assert dialog.archived_check.isChecked()
    assert not dialog.grab().isNull()  # the row painter copes with every kind of row


def test_add_creates_a_label_and_lets_the_user_name_it(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    with qtbot.waitSignal(dialog.codebook_changed):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert _names(project) == [*DEFAULT_NAMES, "new label"]
    assert dialog.name_edit.text() == "new label"
    assert dialog.name_edit.hasFocus()
    # A new label gets a colour no other label has.
    assert _label(project, "new label").color not in {spec.color for spec in DEFAULT_LABELS}

    with qtbot.waitSignal(dialog.codebook_changed):
        _type_name(qtbot, dialog, "economic development")
    assert _names(project) == [*DEFAULT_NAMES, "economic development"]
    assert dialog.label_list.currentItem().text() == "economic development"
    assert dialog.isVisible(), "Return in the name field must not close the dialog"

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert _names(project)[-1] == "new label"


def test_rename_keeps_the_annotations(qtbot: QtBot, sample_project: Project) -> None:
    annotate(sample_project, coder="ana", article=1, label="sovereignty", start=0, end=10)
    dialog = _editor(qtbot, sample_project)
    _type_name(qtbot, dialog, "  national   sovereignty ")
    assert _names(sample_project)[0] == "national sovereignty"
    assert dialog.name_edit.text() == "national sovereignty"
    assert [a.label for a in list_annotations(sample_project, 1)] == ["national sovereignty"]
    assert dialog.message_label.text() == ""


@pytest.mark.parametrize("taken", ["double standards", "   "])
def test_a_refused_name_is_explained_and_the_field_reverts(
    qtbot: QtBot, project: Project, taken: str
) -> None:
    dialog = _editor(qtbot, project)
    with qtbot.assertNotEmitted(dialog.codebook_changed):
        _type_name(qtbot, dialog, taken)
    assert _names(project) == DEFAULT_NAMES
    assert dialog.name_edit.text() == "sovereignty"
    assert dialog.message_label.text()
    assert not dialog.message_label.isHidden()
    # The next committed change clears the message.
    _type_name(qtbot, dialog, "autonomy")
    assert dialog.message_label.text() == ""


def test_recolour(qtbot: QtBot, project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _editor(qtbot, project)
    dialog.select_label("double standards")
    with qtbot.waitSignal(dialog.codebook_changed):
        dialog.apply_color(QColor("#123abc"))
    assert _label(project, "double standards").color == "#123ABC"
    assert "#123ABC" in dialog.color_button.text()

    asked: list[str] = []

    def answer(current: QColor) -> QColor | None:
        asked.append(current.name().upper())
        return QColor("#00ff00") if len(asked) == 1 else None

    monkeypatch.setattr(dialog, "_ask_color", answer)
    qtbot.mouseClick(dialog.color_button, Qt.MouseButton.LeftButton)
    assert asked == ["#123ABC"]
    assert _label(project, "double standards").color == "#00FF00"
    with qtbot.assertNotEmitted(dialog.codebook_changed):
        qtbot.mouseClick(dialog.color_button, Qt.MouseButton.LeftButton)  # cancelled
    assert _label(project, "double standards").color == "#00FF00"


def test_set_and_clear_a_shortcut(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.select_label("universal rights")
    with qtbot.waitSignal(dialog.codebook_changed):
        qtbot.keyClick(dialog.shortcut_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert _label(project, "universal rights").shortcut == "Ctrl+U"

    with qtbot.waitSignal(dialog.codebook_changed):
        qtbot.mouseClick(dialog.clear_shortcut_button, Qt.MouseButton.LeftButton)
    assert _label(project, "universal rights").shortcut is None
    assert dialog.shortcut_edit.keySequence().isEmpty()


def test_a_taken_shortcut_is_refused(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.select_label("universal rights")
    with qtbot.assertNotEmitted(dialog.codebook_changed):
        qtbot.keyClick(dialog.shortcut_edit, Qt.Key.Key_1)
    assert _label(project, "universal rights").shortcut == "3"
    assert _label(project, "sovereignty").shortcut == "1"
    assert dialog.shortcut_edit.keySequence().toString() == "3"
    assert "sovereignty" in dialog.message_label.text()


def test_definition_is_committed_when_typing_stops(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.select_label("double standards")
    dialog.definition_edit.setPlainText("Hypocrisy charges.")
    assert "hypocrisy" in _label(project, "double standards").definition  # not yet
    with qtbot.waitSignal(dialog.codebook_changed, timeout=DEFINITION_IDLE_MS * 5):
        pass
    assert _label(project, "double standards").definition == "Hypocrisy charges."


def test_definition_is_committed_when_focus_leaves(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.definition_edit.setFocus()
    qtbot.waitUntil(dialog.definition_edit.hasFocus)
    dialog.definition_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(dialog.definition_edit, " Also: ")
    dialog.name_edit.setFocus()
    qtbot.waitUntil(dialog.name_edit.hasFocus)
    assert _label(project, "sovereignty").definition.endswith("expert). Also: ")


def test_pending_edits_go_to_the_label_being_left(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.definition_edit.setPlainText("First label's new definition.")
    dialog.select_label("universal rights")  # before the idle timer fires
    assert _label(project, "sovereignty").definition == "First label's new definition."
    assert "regardless of the state" in _label(project, "universal rights").definition
    assert "regardless of the state" in dialog.definition_edit.toPlainText()


def test_close_commits_what_is_being_typed(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.definition_edit.setPlainText("Closing now.")
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _label(project, "sovereignty").definition == "Closing now."


def test_archive_and_restore(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.select_label("double standards")
    with qtbot.waitSignal(dialog.codebook_changed):
        dialog.archived_check.click()
    assert _label(project, "double standards").archived
    assert "double standards" not in [
        label.name for label in codebook.list_labels(project, include_archived=False)
    ]
    assert "archived" in dialog.label_list.currentItem().toolTip()
    with qtbot.waitSignal(dialog.codebook_changed):
        dialog.archived_check.click()
    assert not _label(project, "double standards").archived


def test_move_up_and_down(qtbot: QtBot, project: Project) -> None:
    dialog = _editor(qtbot, project)
    dialog.select_label("universal rights")
    assert not dialog.down_button.isEnabled()
    with qtbot.waitSignal(dialog.codebook_changed):
        qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert _names(project) == ["sovereignty", "universal rights", "double standards"]
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert _names(project) == ["universal rights", "sovereignty", "double standards"]
    assert _shown_names(dialog) == _names(project)
    assert dialog.name_edit.text() == "universal rights", "the moved label stays selected"
    assert not dialog.up_button.isEnabled()
    qtbot.mouseClick(dialog.down_button, Qt.MouseButton.LeftButton)
    assert _names(project) == ["sovereignty", "universal rights", "double standards"]


def test_an_unused_label_is_deleted_at_once(
    qtbot: QtBot, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _editor(qtbot, project)
    monkeypatch.setattr(dialog, "_confirm", _refuse_to_ask)
    dialog.select_label("double standards")
    with qtbot.waitSignal(dialog.codebook_changed):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert _names(project) == ["sovereignty", "universal rights"]
    assert dialog.name_edit.text() == "universal rights", "the next label is selected"


def test_deleting_a_used_label_asks_first(
    qtbot: QtBot, sample_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotate(sample_project, coder="ana", article=1, label="sovereignty", start=0, end=10)
    annotate(sample_project, coder="ben", article=1, label="sovereignty", start=5, end=20)
    annotate(sample_project, coder="ana", article=1, label="universal rights", start=0, end=10)
    dialog = _editor(qtbot, sample_project)
    questions: list[str] = []
    answers = [False, True]

    def confirm(text: str) -> bool:
        questions.append(text)
        return answers.pop(0)

    monkeypatch.setattr(dialog, "_confirm", confirm)
    with qtbot.assertNotEmitted(dialog.codebook_changed):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    # Whose annotations go, per coder (issue 7): the count alone hid that.
    assert questions == [
        "Delete label 'sovereignty' and its 2 annotations (ana 1, ben 1)? Undo puts them back."
    ]
    assert _names(sample_project) == DEFAULT_NAMES

    with qtbot.waitSignal(dialog.codebook_changed):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert _names(sample_project) == ["double standards", "universal rights"]
    assert [a.label for a in list_annotations(sample_project, 1)] == ["universal rights"]


def test_export_then_import_reproduces_the_codebook(
    qtbot: QtBot, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    codebook.add_label(project, "economy", definition="Growth first.", color="#0072B2")
    codebook.update_label(project, "economy", archived=True, shortcut="Ctrl+E")
    codebook.move_label(project, "economy", 1)
    dialog = _editor(qtbot, project)
    target = tmp_path / "exchange" / "codebook.json"
    target.parent.mkdir()
    monkeypatch.setattr(dialog, "_ask_save_path", lambda: target)
    with qtbot.assertNotEmitted(dialog.codebook_changed):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert json.loads(target.read_text(encoding="utf-8"))["labels"][1]["name"] == "economy"
    assert "4 label(s)" in dialog.message_label.text()

    with Project.open(path=tmp_path / "second.sqlite") as second:
        codebook.delete_label(second, "double standards")
        other = _editor(qtbot, second)
        monkeypatch.setattr(other, "_ask_open_path", lambda: target)
        with qtbot.waitSignal(other.codebook_changed):
            qtbot.mouseClick(other.import_button, Qt.MouseButton.LeftButton)
        assert "2 label(s) added, 2 updated" in other.message_label.text()
        mine = [
            (lab.name, lab.definition, lab.color, lab.shortcut, lab.archived)
            for lab in codebook.list_labels(project)
        ]
        theirs = [
            (lab.name, lab.definition, lab.color, lab.shortcut, lab.archived)
            for lab in codebook.list_labels(second)
        ]
        assert theirs == mine
        assert _shown_names(other) == [name for name, *_ in mine]


def test_a_bad_codebook_file_is_reported_and_changes_nothing(
    qtbot: QtBot, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    dialog = _editor(qtbot, project)
    monkeypatch.setattr(dialog, "_ask_open_path", lambda: bad)
    with qtbot.assertNotEmitted(dialog.codebook_changed):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "bad.json" in dialog.message_label.text()
    assert _names(project) == DEFAULT_NAMES


def test_cancelled_file_dialogs_do_nothing(
    qtbot: QtBot, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _editor(qtbot, project)
    monkeypatch.setattr(dialog, "_ask_open_path", lambda: None)
    monkeypatch.setattr(dialog, "_ask_save_path", lambda: None)
    with qtbot.assertNotEmitted(dialog.codebook_changed):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message_label.text() == ""


def test_an_empty_codebook_disables_the_form(qtbot: QtBot, project: Project) -> None:
    for name in DEFAULT_NAMES:
        codebook.delete_label(project, name)
    dialog = _editor(qtbot, project)
    assert dialog.label_list.count() == 0
    assert not dialog.name_edit.isEnabled()
    assert not dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert _names(project) == ["new label"]
    assert dialog.name_edit.isEnabled()
