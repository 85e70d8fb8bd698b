"""The coding window driven as a coder drives it: select, press a key, find it stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from framing_app.core.records import CodingStatus
from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook, coding_status, tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article, list_articles
from framing_app.services.project import Project

EMOJI_ARTICLE = (
    "Beijing rebuffs critics 😀🇨🇳\n\n"
    "人权问题 was the phrase of the day. 👍🏽 Officials said: "
    '"We oppose any country using human rights issues as an excuse to interfere."\n\n'
    "Washington answered that universal rights apply to everyone.\n"
)
PASSAGE = "We oppose any country using human rights issues as an excuse to interfere."


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a-emoji.txt").write_text(EMOJI_ARTICLE, encoding="utf-8")
    (folder / "b-second.txt").write_text("Second article about sovereignty.\n", encoding="utf-8")
    (folder / "c-third.txt").write_text("Third article on double standards.\n", encoding="utf-8")
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(
    qtbot: QtBot, project: Project, corpus: Path, settings: QSettings
) -> Iterator[MainWindow]:
    import_articles(project, [corpus])
    win = MainWindow(project, "alice", settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.article_list.select_article(get_article(project, "a-emoji").id)
    yield win
    win.close()


def _select_utf16(win: MainWindow, text: str, passage: str) -> None:
    """Select *passage* in the reader the way Qt counts: UTF-16 units, computed here."""
    start_cp = text.index(passage)
    start = len(text[:start_cp].encode("utf-16-le")) // 2
    end = start + len(passage.encode("utf-16-le")) // 2
    view = win.reader.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.setFocus()


def _press(
    qtbot: QtBot, win: MainWindow, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier
) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(win.reader.view, key, modifier)


def _mine(project: Project, article: str = "a-emoji") -> list[tagging.AnnotationInfo]:
    return tagging.list_annotations(project, article, "alice")


def test_shortcut_tags_exactly_the_selected_text_after_emoji(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    text = get_article(project, "a-emoji").text
    _select_utf16(window, text, PASSAGE)
    _press(qtbot, window, Qt.Key.Key_1)
    (stored,) = _mine(project)
    assert stored.label == "sovereignty"
    assert stored.text == PASSAGE
    assert (stored.start, stored.end) == (text.index(PASSAGE), text.index(PASSAGE) + len(PASSAGE))
    # The reader paints it and the panel lists it.
    assert [h.annotation_id for h in window.reader.view.highlights()] == [stored.id]
    # The list beside the text follows right after the paint.
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 1, timeout=2000)
    # CJK and a skin-tone emoji (two code points, four UTF-16 units) too.
    _select_utf16(window, text, "人权问题")
    _press(qtbot, window, Qt.Key.Key_3)
    _select_utf16(window, text, "👍🏽")
    _press(qtbot, window, Qt.Key.Key_2)
    assert sorted(a.text for a in _mine(project)) == sorted([PASSAGE, "人权问题", "👍🏽"])
    assert coding_status.get_status(project, "alice", "a-emoji") is CodingStatus.IN_PROGRESS


def test_clicking_a_label_button_tags_too(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    text = get_article(project, "a-emoji").text
    _select_utf16(window, text, "universal rights")
    qtbot.mouseClick(window.panel.label_buttons[2], Qt.MouseButton.LeftButton)
    assert [(a.label, a.text) for a in _mine(project)] == [("universal rights", "universal rights")]


def test_snap_to_words_setting(qtbot: QtBot, window: MainWindow, project: Project) -> None:
    text = get_article(project, "a-emoji").text
    window.snap_action.setChecked(True)
    _select_utf16(window, text, "niversal righ")
    _press(qtbot, window, Qt.Key.Key_3)
    assert [a.text for a in _mine(project)] == ["universal rights"]


def test_no_selection_tags_nothing(qtbot: QtBot, window: MainWindow, project: Project) -> None:
    window.reader.view.setFocus()
    _press(qtbot, window, Qt.Key.Key_1)
    assert _mine(project) == []
    assert "Select a passage" in window.statusBar().currentMessage()


def test_relabel_memo_span_delete_with_undo_and_redo(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    text = get_article(project, "a-emoji").text
    _select_utf16(window, text, PASSAGE)
    _press(qtbot, window, Qt.Key.Key_1)
    (first,) = _mine(project)
    window.panel.select_annotation(first.id)

    window.relabel(first.id, "double standards")
    assert _mine(project)[0].label == "double standards"
    window.panel.memo_edit.setText("official line")
    window.panel.memo_edit.finished.emit()
    assert _mine(project)[0].memo == "official line"
    _select_utf16(window, text, "human rights issues")
    window.panel.span_button.click()
    assert _mine(project)[0].text == "human rights issues"
    window.panel.select_annotation(first.id)
    window.panel.delete_button.click()
    assert _mine(project) == []

    stack = window.undo_stack
    stack.undo()  # delete
    assert [(a.id, a.text) for a in _mine(project)] == [(first.id, "human rights issues")]
    stack.undo()  # span
    assert _mine(project)[0].text == PASSAGE
    stack.undo()  # memo
    assert _mine(project)[0].memo == ""
    stack.undo()  # relabel
    assert _mine(project)[0].label == "sovereignty"
    stack.undo()  # the tag itself
    assert _mine(project) == []
    for _ in range(5):
        stack.redo()
    assert _mine(project) == []  # redone up to the delete
    stack.undo()
    restored = _mine(project)[0]
    assert (restored.label, restored.memo, restored.text) == (
        "double standards",
        "official line",
        "human rights issues",
    )


def test_undo_with_keyboard(qtbot: QtBot, window: MainWindow, project: Project) -> None:
    text = get_article(project, "a-emoji").text
    _select_utf16(window, text, PASSAGE)
    _press(qtbot, window, Qt.Key.Key_2)
    assert len(_mine(project)) == 1
    _press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _mine(project) == []
    _press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert [a.text for a in _mine(project)] == [PASSAGE]


def test_mark_done_moves_to_next_unfinished(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    second = get_article(project, "b-second").id
    third = get_article(project, "c-third").id
    coding_status.set_status(project, "alice", CodingStatus.DONE, [second])
    window.article_list.refresh()
    _press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert coding_status.get_status(project, "alice", "a-emoji") is CodingStatus.DONE
    assert window.article_id == third
    # The list catches up on the next turn of the event loop.
    qtbot.waitUntil(lambda: "2 of 3 done" in window.progress_label.text())


def test_next_and_previous_article(qtbot: QtBot, window: MainWindow, project: Project) -> None:
    ids = [a.id for a in list_articles(project)]
    window.go(forward=True)
    assert window.article_id == ids[1]
    window.go(forward=False)
    assert window.article_id == ids[0]


def test_filter_narrows_the_list(qtbot: QtBot, window: MainWindow) -> None:
    window.article_list.focus_filter()
    qtbot.keyClicks(window.article_list.filter_edit, "double standards")
    model = window.article_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert "Third article" in str(model.index(0, 0).data())


def test_codebook_rename_keeps_annotations_in_the_window(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    text = get_article(project, "a-emoji").text
    _select_utf16(window, text, PASSAGE)
    _press(qtbot, window, Qt.Key.Key_1)
    codebook.update_label(project, "sovereignty", new_name="non-interference")
    window.reload_codebook()
    assert [a.label for a in _mine(project)] == ["non-interference"]
    assert window.panel.label_buttons[0].text().endswith("non-interference")
    assert "non-interference" in window.panel.annotation_list.item(0).text()


def test_other_coder_layer_and_coder_switch(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    text = get_article(project, "a-emoji").text
    start = text.index(PASSAGE)
    tagging.annotate(
        project,
        coder="bob",
        article="a-emoji",
        label="universal rights",
        start=start,
        end=start + 10,
    )
    window._fill_coder_boxes()
    window.compare_box.setCurrentText("bob")
    window._compare_chosen(window.compare_box.currentIndex())
    assert [h.coder for h in window.reader.view._others] == ["bob"]
    assert window.reader.view.highlights() == []  # bob's are not alice's
    window.switch_coder("bob")
    assert [h.label for h in window.reader.view.highlights()] == ["universal rights"]
    assert window.windowTitle().startswith("bob")


def test_settings_are_restored(
    qtbot: QtBot, window: MainWindow, project: Project, settings: QSettings
) -> None:
    window.zoom(3)
    window.snap_action.setChecked(True)
    window.go(forward=True)
    shown = window.article_id
    window.close()
    again = MainWindow(project, "alice", settings)
    qtbot.addWidget(again)
    assert again.font_points == window.font_points
    assert again.snap_action.isChecked()
    assert again.article_id == shown


def test_a_new_window_opens_on_the_first_unfinished_article(
    qtbot: QtBot, project: Project, corpus: Path, settings: QSettings
) -> None:
    import_articles(project, [corpus])
    coding_status.set_status(
        project, "alice", CodingStatus.DONE, [get_article(project, "a-emoji").id]
    )
    win = MainWindow(project, "alice", settings)
    qtbot.addWidget(win)
    assert win.article_id == get_article(project, "b-second").id
    assert win.reader.title.text() == "Second article about sovereignty."


def test_an_empty_project_says_what_to_do(
    qtbot: QtBot, project: Project, settings: QSettings
) -> None:
    win = MainWindow(project, "alice", settings)
    qtbot.addWidget(win)
    assert win.article_id is None
    assert "Import articles" in win.reader.meta.text()
    win.import_sample()  # runs the real import with its progress dialog
    qtbot.waitUntil(lambda: win.article_id is not None, timeout=10_000)
    assert len(list_articles(project)) == 2


def test_a_memo_of_several_lines_is_saved_by_ctrl_return_and_undone(
    qtbot: QtBot, window: MainWindow, project: Project
) -> None:
    """Issue 7, defect 7: the memo was one line. Return makes a new line; Ctrl+Return
    saves (and does not move to the next article); leaving the field saves too."""
    text = get_article(project, "a-emoji").text
    _select_utf16(window, text, PASSAGE)
    _press(qtbot, window, Qt.Key.Key_1)
    (first,) = _mine(project)
    # The annotation list catches up on a later turn of the event loop.
    qtbot.waitUntil(lambda: window.panel.annotation_list.count() == 1)
    window.panel.select_annotation(first.id)
    memo = window.panel.memo_edit
    assert memo.isEnabled()
    # Real focus: Qt offers a key to the focused widget before the window's
    # shortcuts (ShortcutOverride), as with a person typing.
    with qtbot.waitActive(window):
        window.activateWindow()
    memo.setFocus()
    qtbot.waitUntil(memo.hasFocus)
    qtbot.keyClicks(memo, "official line")
    qtbot.keyClick(memo, Qt.Key.Key_Return)
    qtbot.keyClicks(memo, "see 2011 white paper")
    assert _mine(project)[0].memo == ""  # nothing saved while typing
    article_before = window.article_id
    qtbot.keyClick(memo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _mine(project)[0].memo == "official line\nsee 2011 white paper"
    assert window.article_id == article_before
    qtbot.keyClicks(memo, " (p. 4)")
    window.reader.view.setFocus()  # leaving the field saves
    qtbot.waitUntil(lambda: _mine(project)[0].memo.endswith("(p. 4)"))
    window.undo_stack.undo()
    assert _mine(project)[0].memo == "official line\nsee 2011 white paper"
    window.undo_stack.undo()
    assert _mine(project)[0].memo == ""
