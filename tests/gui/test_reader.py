"""The reader widget: offsets at the Qt boundary, highlights, tooltips."""

from __future__ import annotations

import random

from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from framing_app.gui.reader import Highlight, ReaderView, tooltip_text

TEXT = "Emoji 😀🇨🇳 first. 人权 then 👍🏽 and plain text after that.\nSecond line.\n"


def _view(qtbot: QtBot, text: str = TEXT) -> ReaderView:
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show_text(text)
    view.show()
    return view


def test_selection_is_reported_in_code_points(qtbot: QtBot) -> None:
    view = _view(qtbot)
    passage = "plain text"
    start = TEXT.index(passage)
    cursor = QTextCursor(view.document())
    cursor.setPosition(len(TEXT[:start].encode("utf-16-le")) // 2)
    cursor.setPosition(
        len(TEXT[: start + len(passage)].encode("utf-16-le")) // 2, QTextCursor.MoveMode.KeepAnchor
    )
    view.setTextCursor(cursor)
    assert view.selection() == (start, start + len(passage))
    view.set_selection(TEXT.index("👍🏽"), TEXT.index("👍🏽") + 2)
    assert view.textCursor().selectedText() == "👍🏽"


def test_no_selection_is_none(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.selection() is None


def _highlight(n: int, start: int, end: int, color: str = "#E69F00") -> Highlight:
    return Highlight(n, start, end, color, f"label {n % 3}", "alice", f"memo {n}")


def test_add_highlight_equals_recomputing_everything(qtbot: QtBot) -> None:
    text = "word " * 400
    rng = random.Random(5)
    colors = ["#E69F00", "#56B4E9", "#009E73"]
    spans = []
    for n in range(120):
        start = rng.randrange(0, len(text) - 40)
        spans.append(_highlight(n, start, start + rng.randint(1, 60), colors[n % 3]))
    incremental = _view(qtbot, text)
    incremental.set_highlights(spans[:60])
    for highlight in spans[60:]:
        incremental.add_highlight(highlight)
    full = _view(qtbot, text)
    full.set_highlights(spans)
    assert incremental._runs == full._runs
    assert [c.name() for c in incremental._run_colors] == [c.name() for c in full._run_colors]


def test_highlights_at_and_tooltip(qtbot: QtBot) -> None:
    view = _view(qtbot)
    first = TEXT.index("first")
    outer = _highlight(1, 0, first + 5)
    inner = _highlight(2, first, first + 5, "#009E73")
    other = Highlight(9, first, first + 2, "#56B4E9", "double standards", "bob", "")
    view.set_highlights([outer, inner], [other])
    assert view.highlights_at(first) == [outer, inner, other]
    assert view.highlights_at(first + 4) == [outer, inner]
    assert view.highlights_at(len(TEXT) - 2) == []
    html = tooltip_text([outer, other])
    assert "label 1" in html
    assert "alice" in html
    assert "memo 1" in html
    assert "bob" in html
    # Label and coder names are text, not markup.
    escaped = tooltip_text([Highlight(3, 0, 1, "#000000", "<b>x</b>", "a&b", "")])
    assert "&lt;b&gt;x&lt;/b&gt;" in escaped
    assert "a&amp;b" in escaped


def test_selected_annotation_survives_only_while_it_exists(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.set_highlights([_highlight(1, 0, 5), _highlight(2, 6, 9)])
    view.select_annotation(2)
    assert view.selected_annotation() == 2
    view.set_highlights([_highlight(1, 0, 5)])
    assert view.selected_annotation() is None


def test_overlaps_are_painted_without_errors(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.set_highlights(
        [_highlight(1, 0, 20), _highlight(2, 3, 12, "#56B4E9"), _highlight(3, 5, 8, "#009E73")],
        [_highlight(4, 2, 30, "#000000")],
    )
    view.select_annotation(2, scroll=False)
    image = view.viewport().grab().toImage()
    # Something other than the white page was painted in the first line.
    colors = {image.pixelColor(x, 14).name() for x in range(0, 200, 3)}
    assert len(colors) > 3
