"""The disagreement review window: step, decide, undo with the main window's stack, export.

Real windows (pytest-qt, offscreen) over a real project: alice and bob coded
two articles (one with an emoji before the passages, so that the panes'
UTF-16 positions differ from the stored code points) and marked them done.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.core.errors import Cancelled
from framing_app.core.records import CodingStatus
from framing_app.gui import disagreement_list
from framing_app.gui.disagreement_review import DisagreementReview
from framing_app.gui.help_dialogs import shortcut_rows
from framing_app.gui.main_window import MainWindow
from framing_app.gui.review_keys import REVIEW_KEYS
from framing_app.services import answers, coding_status, questions, tagging
from framing_app.services.annotation_export import export_annotations
from framing_app.services.project import Project

SOV, RIGHTS = "sovereignty", "universal rights"
GLOBE = "\N{EARTH GLOBE ASIA-AUSTRALIA}"
TALKS = (
    f"Talks open {GLOBE}{GLOBE}\n\n"
    "China rejects any interference in its internal affairs.\n\n"
    "The U.S. speaks of universal rights."
)
LATER = "Later talks\n\nNothing was agreed in Geneva."


def at(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def tag(project: Project, coder: str, article: str, label: str, passage: str) -> None:
    text = {"talks": TALKS, "talks2": LATER}[article]
    start, end = at(text, passage)
    tagging.annotate(project, coder=coder, article=article, label=label, start=start, end=end)


@pytest.fixture
def review(
    open_window: Callable[..., MainWindow], project: Project, qtbot: QtBot
) -> DisagreementReview:
    """The review of alice and bob at the paragraph unit: three disagreements."""
    window = open_window({"talks": TALKS, "talks2": LATER}, select="talks")
    tag(project, "alice", "talks", SOV, "rejects any interference")
    tag(project, "bob", "talks", RIGHTS, "universal rights")
    tag(project, "bob", "talks2", SOV, "Nothing was agreed")
    for coder in ("alice", "bob"):
        coding_status.set_status(project, coder, CodingStatus.DONE, ["talks", "talks2"])
    window.open_review(["alice", "bob"], "paragraph")
    found = window.findChild(DisagreementReview)
    assert found is not None
    wait_listed(found, qtbot)
    qtbot.waitExposed(found)
    with qtbot.waitActive(found):
        found.activateWindow()
    return found


def wait_listed(review: DisagreementReview, qtbot: QtBot) -> None:
    """Wait for the background listing to be shown."""
    qtbot.waitUntil(lambda: review.review.loaded and not review.lister.running(), timeout=10_000)


def main_window(review: DisagreementReview) -> MainWindow:
    parent = review.parentWidget()
    assert isinstance(parent, MainWindow)
    return parent


def consensus_spans(project: Project, article: str) -> list[tuple[str, int, int]]:
    return [
        (a.label, a.start, a.end) for a in tagging.list_annotations(project, article, "consensus")
    ]


def test_steps_through_the_disagreements_with_the_keyboard(
    review: DisagreementReview, qtbot: QtBot
) -> None:
    assert [(i.external_id, i.label) for i in review.items] == [
        ("talks", SOV),
        ("talks", RIGHTS),
        ("talks2", SOV),
    ]
    assert review.progress_label.text() == "<b>0 of 3 resolved</b>"
    assert "1 of 3" in review.heading.text()
    qtbot.keyClick(review, Qt.Key.Key_N)
    assert review.index == 1
    qtbot.keyClick(review, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert review.index == 2
    assert review.buttons.next_button.isEnabled() is False
    qtbot.keyClick(review, Qt.Key.Key_P)
    qtbot.keyClick(review, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert review.index == 0
    # One pane per coder and one for the consensus, each painting only its coder's passages.
    alice, bob, consensus = review.panes
    start, end = at(TALKS, "rejects any interference")
    assert [(h.start, h.end, h.coder) for h in alice.view.highlights()] == [(start, end, "alice")]
    assert bob.view.highlights() == []
    assert consensus.view.highlights() == []
    assert "absent" in bob.summary.text()


def test_filter_by_label(review: DisagreementReview) -> None:
    review.label_box.setCurrentText(RIGHTS)
    review.label_box.activated.emit(review.label_box.currentIndex())
    assert [(i.external_id, i.label) for i in review.items] == [("talks", RIGHTS)]
    assert review.progress_label.text() == "<b>0 of 1 resolved</b>"


def test_accept_one_then_undo_and_redo_with_the_main_windows_stack(
    review: DisagreementReview, project: Project, qtbot: QtBot
) -> None:
    window = main_window(review)
    qtbot.keyClick(review, Qt.Key.Key_A)  # accept alice's sovereignty in the second paragraph
    assert consensus_spans(project, "talks") == [(SOV, *at(TALKS, "rejects any interference"))]
    assert review.index == 1  # on to the next one
    assert review.progress_label.text() == "<b>1 of 3 resolved</b>"
    assert window.undo_stack.undoText().startswith("Accept alice's sovereignty")
    # The main window's Edit ▸ Undo undoes it; so does Ctrl+Z in the review.
    undo = next(a for a in window.menuBar().actions() if a.text() == "&Edit").menu().actions()[0]
    undo.trigger()
    assert consensus_spans(project, "talks") == []
    assert review.progress_label.text() == "<b>0 of 3 resolved</b>"
    window.undo_stack.redo()
    assert consensus_spans(project, "talks") == [(SOV, *at(TALKS, "rejects any interference"))]
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert consensus_spans(project, "talks") == []


def test_the_consensus_annotations_appear_in_the_export(
    review: DisagreementReview, project: Project, qtbot: QtBot
) -> None:
    qtbot.keyClick(review, Qt.Key.Key_N)
    qtbot.keyClick(review, Qt.Key.Key_B)  # bob's universal rights
    out = io.StringIO()
    export_annotations(project, out)
    rows = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["coder"] == "consensus"]
    assert [(r["label"], r["text"], r["memo"][:8]) for r in rows] == [
        (RIGHTS, "universal rights", "from bob")
    ]


def test_new_from_a_selection_after_an_emoji(
    review: DisagreementReview, project: Project, qtbot: QtBot
) -> None:
    """The selection is made in code points past two emoji (four UTF-16 units)."""
    start, end = at(TALKS, "any interference in its")
    pane = review.panes[1]
    pane.view.set_selection(start, end)
    assert pane.view.textCursor().selectionStart() == start + 2  # Qt counts UTF-16
    qtbot.keyClick(review, Qt.Key.Key_S)
    assert consensus_spans(project, "talks") == [(SOV, start, end)]
    (made,) = tagging.list_annotations(project, "talks", "consensus")
    assert made.text == "any interference in its"


def test_absent_counts_at_once_then_close_the_article(
    review: DisagreementReview, project: Project, qtbot: QtBot
) -> None:
    qtbot.keyClick(review, Qt.Key.Key_X)  # sovereignty absent in the second paragraph
    assert review.progress_label.text() == "<b>1 of 3 resolved</b>"  # at once
    review.previous()
    assert "absent (decided)" in review.decision_label.text()
    qtbot.keyClick(review, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert review.index == 1  # the next one not decided
    # Both coders answered the tone alike: closing takes that answer over.
    questions.add_question(project, "tone", level="ordinal", options=["neg", "neu", "pos"])
    for coder in ("alice", "bob"):
        answers.set_answer(project, coder=coder, article="talks", question="tone", value="neg")
    qtbot.keyClick(review, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = _message_box()
    decided_absent = box.text().split("Decided absent:")[1]
    assert "universal rights" in decided_absent
    assert "sovereignty" not in decided_absent  # decided already
    assert "tone: neg" in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert coding_status.get_status(project, "consensus", "talks") is CodingStatus.DONE
    assert answers.article_answers(project, "talks", "consensus") == {1: "neg"}
    assert review.progress_label.text() == "<b>2 of 3 resolved</b>"
    main_window(review).undo_stack.undo()
    assert coding_status.get_status(project, "consensus", "talks") is not CodingStatus.DONE
    assert answers.article_answers(project, "talks", "consensus") == {}
    assert review.progress_label.text() == "<b>1 of 3 resolved</b>"  # the absent decision


def test_open_review_from_the_agreement_window(review: DisagreementReview, qtbot: QtBot) -> None:
    """What the Agreement window calls: one review window, moved to what it asks for."""
    window = main_window(review)
    window.open_review(["alice", "bob"], "character", RIGHTS)
    wait_listed(review, qtbot)
    assert window.findChildren(DisagreementReview) == [review]
    assert review.unit.value == "span"
    assert [(i.external_id, i.label) for i in review.items] == [("talks", RIGHTS)]


def test_screenshot_sizes_fit(review: DisagreementReview) -> None:
    """The window fits a 1024x640 screen: nothing forces it wider."""
    review.resize(1024, 640)
    QApplication.processEvents()
    assert review.width() <= 1024


def _message_box() -> QMessageBox:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    visible = [b for b in boxes if b.isVisible()]
    assert len(visible) == 1, boxes
    return visible[0]


def test_a_question_disagreement_is_settled_and_undone(
    review: DisagreementReview, project: Project, qtbot: QtBot
) -> None:
    questions.add_question(project, "tone", level="ordinal", options=["neg", "neu", "pos"])
    for coder, value in (("alice", "neg"), ("bob", "pos")):
        answers.set_answer(project, coder=coder, article="talks", question="tone", value=value)
    with qtbot.waitSignal(review.listed, timeout=10_000):
        review.reload()
    assert review.label_box.findText("Question: tone") >= 0
    # The article's question after its labels, before the next article.
    assert [getattr(i, "question", None) for i in review.items] == [None, None, "tone", None]
    review.label_box.setCurrentText("Question: tone")
    review.label_box.activated.emit(review.label_box.currentIndex())
    assert "answer: neg" in review.panes[0].summary.text()
    assert not review.buttons.new_button.isEnabled()
    qtbot.keyClick(review, Qt.Key.Key_B)
    assert answers.article_answers(project, "talks", "consensus") == {1: "pos"}
    assert review.progress_label.text() == "<b>1 of 1 resolved</b>"
    main_window(review).undo_stack.undo()
    assert answers.article_answers(project, "talks", "consensus") == {}
    assert review.progress_label.text() == "<b>0 of 1 resolved</b>"


def test_the_coding_menu_opens_it(open_window: Callable[..., MainWindow], project: Project) -> None:
    window = open_window({"talks": TALKS}, select="talks")
    coding = next(a for a in window.menuBar().actions() if a.text() == "&Coding").menu()
    action = next(a for a in coding.actions() if a.text() == "&Review disagreements…")
    assert action.shortcut().toString() == "Ctrl+Shift+R"
    action.trigger()
    review = window.findChild(DisagreementReview)
    assert review is not None
    assert review.isVisible()
    assert review.coders == ("alice",)  # the only coder so far
    assert "Choose two or more coders" in review.heading.text()


# --------------------------------------------------------------------------- listing


@pytest.fixture
def slow_listing(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Listing that waits for a go (or a cancel) in its worker thread, and says where it ran."""
    seen: dict[str, object] = {"go": threading.Event()}
    real = disagreement_list.list_disagreements

    def slow(*args: object, **kwargs: object) -> object:
        seen["main thread"] = threading.current_thread() is threading.main_thread()
        should_cancel = kwargs["should_cancel"]
        go = seen["go"]
        assert isinstance(go, threading.Event)
        assert callable(should_cancel)
        while not go.wait(0.01):
            if should_cancel():
                raise Cancelled("listing")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(disagreement_list, "list_disagreements", slow)
    return seen


def test_listing_runs_off_the_gui_thread_with_a_busy_bar(
    review: DisagreementReview, slow_listing: dict[str, object], qtbot: QtBot
) -> None:
    review.reload()
    assert review.lister.running()
    qtbot.waitUntil(lambda: "main thread" in slow_listing)
    assert slow_listing["main thread"] is False
    # Busy: the bar and Cancel show, the decisions wait, the window still answers.
    assert review.controls.busy_row.isVisible()
    assert review.controls.cancel_button.isEnabled()
    assert review.controls.busy_label.text().startswith("Listing the disagreements")
    assert review.progress_label.text() == ""  # no "0 of 0 resolved" meanwhile
    assert not review.buttons.absent_button.isEnabled()
    qtbot.keyClick(review, Qt.Key.Key_X)  # ignored while listing
    assert tagging.list_annotations(project_of(review), "talks", "consensus") == []
    go = slow_listing["go"]
    assert isinstance(go, threading.Event)
    with qtbot.waitSignal(review.listed, timeout=10_000):
        go.set()
    qtbot.waitUntil(lambda: not review.controls.busy_row.isVisible())
    assert len(review.items) == 3
    assert review.buttons.absent_button.isEnabled()


def test_escape_cancels_the_listing(
    review: DisagreementReview, slow_listing: dict[str, object], qtbot: QtBot
) -> None:
    review.reload()
    qtbot.waitUntil(lambda: "main thread" in slow_listing)
    with qtbot.waitSignal(review.listing_cancelled, timeout=10_000):
        qtbot.keyClick(review, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not review.lister.running())
    assert not review.controls.busy_row.isVisible()
    assert "Listing cancelled" in review.heading.text()
    assert review.items == []
    # Asking again lists again.
    go = slow_listing["go"]
    assert isinstance(go, threading.Event)
    go.set()
    with qtbot.waitSignal(review.listed, timeout=10_000):
        review.reload()
    assert len(review.items) == 3


def test_a_new_choice_while_listing_lists_that_instead(
    review: DisagreementReview, slow_listing: dict[str, object], qtbot: QtBot
) -> None:
    review.reload()
    qtbot.waitUntil(lambda: "main thread" in slow_listing)
    go = slow_listing["go"]
    assert isinstance(go, threading.Event)
    go.set()
    with qtbot.waitSignal(review.listed, timeout=10_000):
        review.set_comparison(["alice", "bob"], "span")
    qtbot.waitUntil(lambda: not review.lister.running())
    assert review.unit.value == "span"
    assert [(i.external_id, i.label) for i in review.items] == [
        ("talks", SOV),
        ("talks", RIGHTS),
        ("talks2", SOV),
    ]


def project_of(review: DisagreementReview) -> Project:
    return review.project


# --------------------------------------------------------------------------- keys


def test_help_lists_the_review_keys_from_the_same_table(review: DisagreementReview) -> None:
    rows = dict((what, keys) for keys, what in shortcut_rows(main_window(review).menuBar(), []))
    native = QKeySequence.SequenceFormat.NativeText
    assert rows["Review disagreements ▸ Next disagreement"] == " or ".join(
        QKeySequence(k).toString(native) for k in ("N", "Alt+Right")
    )
    assert (
        rows["Review disagreements ▸ Accept the first, second, third… coder's passages (or answer)"]
        == "A, B, C…"
    )
    assert QKeySequence("Ctrl+Return").toString(native) in rows.values()
    # Every key of the table is a shortcut of the window, calling what the row says.
    made = {s.key().toString() for s in review.findChildren(QShortcut) if s.isEnabled()}
    for spec in REVIEW_KEYS:
        assert hasattr(review, spec.slot)
        assert {QKeySequence(k).toString() for k in spec.keys} <= made
    assert {"A", "B"} <= made


def test_a_listing_that_fails_says_why(review: DisagreementReview, qtbot: QtBot) -> None:
    with qtbot.waitSignal(review.listing_failed, timeout=10_000) as failed:
        review.set_comparison(["alice", "nobody"], "paragraph")
    assert "nobody" in failed.args[0]
    qtbot.waitUntil(lambda: not review.lister.running())
    assert "could not be listed" in review.heading.text()
    assert "nobody" in _message_box().text()
    assert review.items == []
