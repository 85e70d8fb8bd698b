"""The coding window stays readable in a small window (issue 7).

At 1024 x 640 (and at 1600 x 900) the reader keeps a readable line, the side
panes give way without cutting a button, a box or a column header; the
codebook's definitions show whole and in plain text colour; the metadata line
under the title passes WCAG AA; overlapping highlights carry a pattern and
the colours the palette tests measure; a filtered list says how many match.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from framing_app.core.colors import contrast_ratio, highlight_background, to_hex
from framing_app.core.default_codebook import DEFAULT_LABELS
from framing_app.core.records import CodingStatus
from framing_app.gui.article_list_model import ANNOTATIONS, SOURCE_DATE, STATUS, TITLE
from framing_app.gui.main_window import MainWindow
from framing_app.gui.reader import Highlight, ReaderView
from framing_app.services import codebook
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.coding_status import set_status
from framing_app.services.project import Project
from framing_app.services.tagging import annotate

OpenWindow = Callable[..., MainWindow]

PARAGRAPH = (
    "The foreign ministry spokesman said that the two sides can enhance mutual "
    "understanding on a basis of equality and mutual respect, and that no country "
    "should use human rights as an excuse to interfere in another's domestic affairs. "
)
ARTICLE = "Human rights dialogue resumes\n\n" + "\n\n".join([PARAGRAPH * 3] * 12)
SIZES = [(1024, 640), (1600, 900)]


def _articles(count: int = 40) -> dict[str, str]:
    """*count* long articles whose names give a source and a date, as files from a newsroom."""
    return {
        f"2011-04-{1 + n % 28:02d}_globalpost_dialogue-{n:02d}": ARTICLE.replace(
            "resumes", f"resumes, part {n}"
        )
        for n in range(count)
    }


FIRST = "2011-04-01_globalpost_dialogue-00"


def _at(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().width() == width and window.size().height() == height)
    QApplication.processEvents()


def _reader_columns(window: MainWindow) -> float:
    """How many average characters of the reader's font fit on one of its lines."""
    view = window.reader.view
    line = view.viewport().width() - 2 * view.document().documentMargin()
    return line / view.fontMetrics().averageCharWidth()


def _clipped(window: MainWindow) -> list[str]:
    """Buttons, boxes and one-line labels on screen narrower than their text needs."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        one_line_label = isinstance(widget, QLabel) and not widget.wordWrap() and widget.text()
        if not isinstance(widget, QAbstractButton | QComboBox) and not one_line_label:
            continue
        if widget.width() < widget.sizeHint().width() or widget.height() < min(
            widget.sizeHint().height(), widget.minimumSizeHint().height()
        ):
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            found.append(f"{type(widget).__name__} {text!r} {widget.size()} < {widget.sizeHint()}")
    return found


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_reader_keeps_a_readable_line_and_nothing_is_cut(
    qtbot: QtBot, open_window: OpenWindow, width: int, height: int
) -> None:
    window = open_window(_articles(), select=FIRST)
    assert window.reader.view.font().pointSizeF() == 13.0  # the default
    _at(qtbot, window, width, height)
    assert _reader_columns(window) >= 45
    # The side panes gave way; they are not folded away.
    sizes = window.splitter.sizes()
    assert sizes[0] > 0, sizes
    assert sizes[2] > 0, sizes
    assert _clipped(window) == []


def test_a_layout_restored_from_a_wide_window_still_reads_at_1024(
    qtbot: QtBot, open_window: OpenWindow, project: Project, tmp_path: Path
) -> None:
    """Geometry and splitter come back from QSettings: a wide layout, then a small window."""
    window = open_window(_articles(), select=FIRST)
    _at(qtbot, window, 1600, 900)
    window.splitter.setSizes([520, 700, 380])  # the coder made the list wider
    window.close()  # saves geometry and splitter
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    again = MainWindow(project, "alice", settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    _at(qtbot, again, 1024, 640)
    assert _reader_columns(again) >= 45
    assert _clipped(again) == []
    again.close()


def test_definitions_show_whole_in_the_text_colour(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(_articles(3), select=FIRST)
    _at(qtbot, window, 1024, 640)
    panel = window.panel
    panel.definitions_toggle.setChecked(True)
    QApplication.processEvents()
    # The window keeps its size: the definitions scroll inside the panel.
    assert (window.width(), window.height()) == (1024, 640)
    labels = [
        label
        for label in panel.codebook_box.findChildren(QLabel)
        if label.text() in {spec.definition for spec in DEFAULT_LABELS}
    ]
    assert sorted(label.text() for label in labels) == sorted(s.definition for s in DEFAULT_LABELS)
    text_color = panel.palette().color(QPalette.ColorRole.WindowText)
    background = panel.palette().color(QPalette.ColorRole.Window)
    for label in labels:
        assert label.isVisibleTo(window)
        assert label.wordWrap()
        # As tall as its wrapped text needs: no line cut off.
        assert label.height() >= label.heightForWidth(label.width())
        assert label.styleSheet() == ""
        color = label.palette().color(label.foregroundRole())
        assert color == text_color
        assert contrast_ratio(_rgb(color), _rgb(background)) >= 4.5
        assert label.font().pointSizeF() >= panel.font().pointSizeF()
    # Every definition can be scrolled into view, its last line included.
    scroll = panel.codebook_scroll
    for label in labels:
        scroll.ensureWidgetVisible(label, 0, 0)
        QApplication.processEvents()
        top_left = label.mapTo(scroll.viewport(), label.rect().topLeft())
        shown = QRect(top_left, label.size())
        if label.height() <= scroll.viewport().height():
            assert scroll.viewport().rect().contains(shown), (shown, scroll.viewport().rect())
    # The label buttons are not cut either.
    assert _clipped(window) == []


def _rgb(color: QColor) -> tuple[float, float, float]:
    return color.redF(), color.greenF(), color.blueF()


def test_metadata_line_has_aa_contrast(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(_articles(3), select=FIRST)
    meta = window.reader.meta
    assert "characters" in meta.text()
    palette = meta.palette()
    text = palette.color(meta.foregroundRole())
    background = window.reader.palette().color(QPalette.ColorRole.Window)
    assert contrast_ratio(_rgb(text), _rgb(background)) >= 4.5
    # What is on screen: the darkest pixel of the line against its background.
    image = meta.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    commonest = max(set(p.rgb() for p in pixels), key=[p.rgb() for p in pixels].count)
    darkest = min(pixels, key=lambda p: p.lightnessF())
    assert contrast_ratio(_rgb(darkest), _rgb(QColor.fromRgb(commonest))) >= 4.5
    assert meta.font().pointSizeF() >= window.reader.font().pointSizeF()


# -- overlaps ---------------------------------------------------------------


@pytest.fixture
def blank_reader(qtbot: QtBot) -> ReaderView:
    """A reader over a line of spaces: what is painted there is highlight only."""
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(700, 200)
    view.show_text("x" + " " * 60 + "x\n")
    view.show()
    qtbot.waitExposed(view)
    return view


def _run_pixels(view: ReaderView, start: int, end: int) -> set[str]:
    """The colours painted over text[start:end], away from the underlines at the bottom."""
    image = view.viewport().grab().toImage()
    left = view.cursorRect(view.cursor_for(start, start)).left() + 2
    right = view.cursorRect(view.cursor_for(end, end)).left() - 2
    top = view.cursorRect(view.cursor_for(start, start)).top() + 2
    bottom = top + view.fontMetrics().ascent() - 4
    return {image.pixelColor(x, y).name() for x in range(left, right) for y in range(top, bottom)}


def test_reader_paints_the_blend_the_palette_is_measured_with(
    blank_reader: ReaderView,
) -> None:
    first, second, third = (spec.color for spec in DEFAULT_LABELS)
    blank_reader.set_highlights(
        [
            Highlight(1, 1, 50, first, "a", "alice"),
            Highlight(2, 20, 50, second, "b", "alice"),
            Highlight(3, 35, 50, third, "c", "alice"),
        ]
    )
    QApplication.processEvents()
    single = _run_pixels(blank_reader, 2, 18)
    assert single == {to_hex(highlight_background([first])).lower()}
    double = _run_pixels(blank_reader, 21, 33)
    triple = _run_pixels(blank_reader, 36, 49)
    assert to_hex(highlight_background([first, second])).lower() in double
    assert to_hex(highlight_background([first, second, third])).lower() in triple


def _pattern(view: ReaderView, start: int, end: int) -> int:
    """How many pixels over text[start:end] differ from the commonest there (a pattern's)."""
    image = view.viewport().grab().toImage()
    left = view.cursorRect(view.cursor_for(start, start)).left() + 2
    right = view.cursorRect(view.cursor_for(end, end)).left() - 2
    top = view.cursorRect(view.cursor_for(start, start)).top() + 2
    bottom = top + view.fontMetrics().ascent() - 4
    colors = [image.pixel(x, y) for x in range(left, right) for y in range(top, bottom)]
    commonest = max(set(colors), key=colors.count)
    return sum(color != commonest for color in colors)


def test_each_extra_layer_adds_a_pattern_of_its_own(blank_reader: ReaderView) -> None:
    """Two layers are hatched one way, a third layer crosses it: seen without colour."""
    first, second, third = (spec.color for spec in DEFAULT_LABELS)
    blank_reader.set_highlights(
        [
            Highlight(1, 1, 50, first, "a", "alice"),
            Highlight(2, 20, 50, second, "b", "alice"),
            Highlight(3, 35, 50, third, "c", "alice"),
        ]
    )
    QApplication.processEvents()
    plain = _pattern(blank_reader, 2, 18)
    double = _pattern(blank_reader, 21, 33)
    triple = _pattern(blank_reader, 36, 49)
    assert plain == 0
    assert double > 0
    assert triple > 1.5 * double * (49 - 36) / (33 - 21)  # both diagonals


def test_same_label_nested_still_shows_the_overlap(blank_reader: ReaderView) -> None:
    color = DEFAULT_LABELS[0].color
    blank_reader.set_highlights(
        [Highlight(1, 1, 50, color, "a", "alice"), Highlight(2, 20, 40, color, "a", "alice")]
    )
    QApplication.processEvents()
    assert _pattern(blank_reader, 2, 18) == 0
    assert _pattern(blank_reader, 21, 39) > 0


# -- the article list -------------------------------------------------------


def _header_cut(window: MainWindow) -> list[str]:
    header = window.article_list.view.horizontalHeader()
    model = window.article_list.model
    cut = []
    for column in (SOURCE_DATE, STATUS, ANNOTATIONS):
        name = model.headerData(column, Qt.Orientation.Horizontal)
        if header.isSectionHidden(column):
            cut.append(f"{name} hidden")
        elif header.sectionSize(column) < header.sectionSizeHint(column):
            cut.append(f"{name}: {header.sectionSize(column)} < {header.sectionSizeHint(column)}")
    # The status words show whole, or give way to the dot (its shape says the same).
    view = window.article_list.view
    words = window.article_list.shows_status_words()
    needed = max(
        (
            view.sizeHintForIndex(model.index(row, STATUS)).width()
            for row in range(model.rowCount())
        ),
        default=0,
    )
    if words and header.sectionSize(STATUS) < needed:
        cut.append(f"status words: {header.sectionSize(STATUS)} < {needed}")
    return cut


@pytest.mark.parametrize(("width", "height"), [(1400, 860), *SIZES])
def test_column_headers_show_whole(
    qtbot: QtBot, open_window: OpenWindow, width: int, height: int
) -> None:
    """At the default size (the splitter's 400 px list) and in small and large windows."""
    window = open_window(_articles(), select=FIRST)
    _at(qtbot, window, width, height)
    view = window.article_list.view
    assert view.verticalScrollBar().isVisible()  # the narrowest case: a long list
    assert _header_cut(window) == []
    # The title takes the rest, and it is the title that is elided.
    header = view.horizontalHeader()
    assert header.sectionSize(TITLE) >= 0.25 * view.viewport().width()
    # A filter brings new rows: the columns are fitted again, no header cut.
    pane = window.article_list
    pane.filter_edit.setText("dialogue")
    pane.status_box.setCurrentIndex(pane.status_box.findText("Not started"))
    qtbot.waitUntil(lambda: pane.model.query().text == "dialogue", timeout=3000)
    QApplication.processEvents()
    assert _header_cut(window) == []


def _project_csv(folder: Path, count: int) -> Path:
    path = folder / "many.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "title", "date", "source", "text"])
        for n in range(count):
            word = "sovereignty" if n % 4 == 0 else "dialogue"
            text = f"Story {n} is about {word}."
            writer.writerow([f"m{n:04d}", f"Story {n}", "2012-05-01", "Xinhua", text])
    return path


def test_filtered_list_says_how_many_match(qtbot: QtBot, project: Project, tmp_path: Path) -> None:
    """More articles than one window of rows, so the count is not just the rows read."""
    import_articles(project, [_project_csv(tmp_path, 1030)])
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(project, "alice", settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    pane = window.article_list
    assert window.progress_label.text() == "0 of 1,030 done"

    with qtbot.waitSignal(pane.progress_changed, timeout=3000) as changed:
        qtbot.keyClicks(pane.filter_edit, "dialogue")
    assert changed.args == ["772 of 1,030 articles match · 0 of 1,030 done"]
    assert window.progress_label.text() == changed.args[0]

    pane.filter_edit.clear()
    qtbot.waitUntil(lambda: window.progress_label.text() == "0 of 1,030 done", timeout=3000)

    set_done = get_article(project, "m0000").id
    set_status(project, "alice", CodingStatus.DONE, [set_done])
    pane.refresh()
    with qtbot.waitSignal(pane.progress_changed) as changed:
        pane.status_box.setCurrentIndex(pane.status_box.findText("Done"))
    assert changed.args == ["1 of 1,030 articles matches · 1 of 1,030 done"]
    with qtbot.waitSignal(pane.progress_changed) as changed:
        pane.status_box.setCurrentIndex(pane.status_box.findText("Unfinished"))
    assert changed.args == ["1,029 of 1,030 articles match · 1 of 1,030 done"]
    window.close()


LONG_NAME = "economic pragmatism and the primacy of trade over human rights concerns"


def test_a_long_label_name_does_not_squeeze_the_reader(
    qtbot: QtBot, open_window: OpenWindow, project: Project
) -> None:
    """Names run to 200 characters: the panel shows the start (the tooltip all of it)."""
    codebook.add_label(project, LONG_NAME, definition="Trade first.", color="#0072B2")
    window = open_window(_articles(3), select=FIRST)
    _at(qtbot, window, 1024, 640)
    assert (window.width(), window.height()) == (1024, 640)
    assert _reader_columns(window) >= 45
    assert _clipped(window) == []
    button = window.panel.label_buttons[-1]
    assert "…" in button.text()
    assert LONG_NAME in button.toolTip()

    # Relabelling through the box still names the whole label.
    text = get_article(project, FIRST).text
    start = text.index("human rights")
    info = annotate(
        project, coder="alice", article=FIRST, label="sovereignty", start=start, end=start + 12
    )
    window.refresh_annotations(select=info.id)
    box = window.panel.relabel_box
    assert box.currentText() == "sovereignty"
    index = box.findData(LONG_NAME, Qt.ItemDataRole.ToolTipRole)
    assert "…" in box.itemText(index)
    with qtbot.waitSignal(window.panel.relabel_requested) as relabel:
        box.activated.emit(index)
    assert relabel.args == [info.id, box.itemData(index)]
