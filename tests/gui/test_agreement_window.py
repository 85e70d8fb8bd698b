"""The Agreement window on a real project: the table is the services' report, off the GUI thread.

Reference values are those of ``services.agreement_report.project_report``
and ``services.agreement_breakdown.article_breakdown`` on the same project
(themselves checked against published values in tests/core and
tests/services); here the window must show exactly them.
"""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.core.errors import Cancelled
from framing_app.core.records import CodingStatus
from framing_app.gui import agreement_runner
from framing_app.gui.agreement_export import encode_png
from framing_app.gui.agreement_table_model import MISSING, VALUE_ROLE, VERDICTS, fixed, percent
from framing_app.gui.agreement_window import AgreementWindow
from framing_app.gui.main_window import MainWindow
from framing_app.services import coding_status, tagging
from framing_app.services.agreement_breakdown import article_breakdown
from framing_app.services.agreement_report import AgreementReport, project_report
from framing_app.services.agreement_table import CSV_COLUMNS
from framing_app.services.article_import import import_articles
from framing_app.services.project import Project
from framing_app.services.reliability_units import OVERALL, Unit, build_items
from framing_app.store.models import Coder

WAIT_MS = 20_000
SOV, DOUBLE, RIGHTS = "sovereignty", "double standards", "universal rights"
ARTICLES = {
    "talks": (
        "Talks open\n\nChina rejects interference in its internal affairs.\n\n"
        "The U.S. speaks of universal values.\n\nBoth sides met in Geneva.\n\n"
        "Critics see double standards.\n\nThe talks end."
    ),
    "report": (
        "Annual report\n\nLawyers are detained.\n\nSovereignty is invoked again.\n\n"
        "Critics speak of double standards.\n\nNothing else happened."
    ),
    "late": "Late piece\n\nNobody has finished this one.",
}
CODING = [
    ("alice", "talks", SOV, "rejects interference"),
    ("bob", "talks", SOV, "internal affairs"),
    ("alice", "talks", DOUBLE, "double standards"),
    ("bob", "talks", DOUBLE, "speaks of universal values"),
    ("alice", "report", SOV, "Sovereignty is invoked"),
    ("bob", "report", SOV, "invoked again"),
    ("alice", "report", DOUBLE, "double standards"),
    ("bob", "late", SOV, "Nobody"),
]


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """alice and bob on three articles; talks and report done by both, late by alice only.

    Nobody used "universal rights" on the articles both finished, so its
    alpha is undefined (one category only).
    """
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    import_articles(project, [folder])
    for coder, article, label, passage in CODING:
        start = ARTICLES[article].index(passage)
        tagging.annotate(
            project,
            coder=coder,
            article=article,
            label=label,
            start=start,
            end=start + len(passage),
        )
    coding_status.set_status(project, "alice", CodingStatus.DONE, ["talks", "report", "late"])
    coding_status.set_status(project, "bob", CodingStatus.DONE, ["talks", "report"])
    return project


@pytest.fixture
def window(qtbot: QtBot, coded: Project) -> Iterator[AgreementWindow]:
    win = AgreementWindow(coded)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def compute(qtbot: QtBot, window: AgreementWindow, unit: str = "paragraph") -> AgreementReport:
    window.controls.unit_box.setCurrentIndex(window.controls.unit_box.findData(unit))
    window.controls.bootstrap_box.setValue(300)
    window.controls.seed_box.setValue(7)
    with qtbot.waitSignal(window.computed, timeout=WAIT_MS) as blocker:
        window.compute_button.click()
    qtbot.waitUntil(lambda: not window.runner.running(), timeout=WAIT_MS)
    report = blocker.args[0]
    assert isinstance(report, AgreementReport)
    return report


def cell(window: AgreementWindow, row: int, header: str, role: int = VALUE_ROLE) -> object:
    column = window.model.column_of(header)
    assert column >= 0, header
    return window.model.data(window.model.index(row, column), role)


def text(window: AgreementWindow, row: int, header: str) -> str:
    return str(cell(window, row, header, Qt.ItemDataRole.DisplayRole))


def test_the_table_shows_the_services_report(
    qtbot: QtBot, window: AgreementWindow, coded: Project
) -> None:
    assert window.controls.coders() == ["alice", "bob"]
    compute(qtbot, window)
    expected = project_report(coded, ["alice", "bob"], "paragraph", bootstrap=300, seed=7)
    model = window.model
    assert model.rowCount() == len(expected.rows) == 4
    for n, row in enumerate(expected.rows):
        s = row.summary
        assert cell(window, n, "item") == row.item
        assert cell(window, n, "level") == row.level.value == "nominal"
        assert cell(window, n, "units") == s.units
        assert cell(window, n, "agreement") == s.percent_agreement.value
        assert text(window, n, "agreement") == percent(s.percent_agreement.value)
        assert cell(window, n, "Cohen's kappa") == s.cohen_kappa.value
        assert cell(window, n, "Scott's pi") == s.scott_pi.value
        assert cell(window, n, "alpha") == row.alpha
        assert text(window, n, "alpha") == fixed(row.alpha)
        assert cell(window, n, "95% CI") == row.alpha_ci
        assert cell(window, n, "AC1") == s.gwet_ac1.value
        assert cell(window, n, "verdict") == row.verdict
    assert [model.row(n).item for n in range(4)] == [SOV, DOUBLE, RIGHTS, OVERALL]
    # Two done articles of six and five paragraphs; "late" is left out, and listed.
    assert cell(window, 0, "units") == 11
    assert "2 articles used" in window.summary_label.text()
    assert "1 left out" in window.summary_label.text()
    excluded = window.articles.model
    assert excluded.rowCount() == 1
    assert excluded.data(excluded.index(0, 0)) == "late"
    assert "bob has not marked it done" in str(excluded.data(excluded.index(0, 1)))


def test_thresholds_are_marked_by_colour_shape_and_word(
    qtbot: QtBot, window: AgreementWindow
) -> None:
    report = compute(qtbot, window)
    for n, row in enumerate(report.rows):
        shown = text(window, n, "verdict")
        if row.verdict is None:
            assert shown == MISSING
            continue
        verdict = VERDICTS[row.verdict]
        assert shown == f"{verdict.glyph} {row.verdict}"
        background = cell(window, n, "verdict", Qt.ItemDataRole.BackgroundRole)
        assert background.color().name() == verdict.fill  # type: ignore[attr-defined]


def test_undefined_values_are_a_dash_with_the_reason(qtbot: QtBot, window: AgreementWindow) -> None:
    report = compute(qtbot, window)
    rights = next(n for n, row in enumerate(report.rows) if row.item == RIGHTS)
    reason = report.rows[rights].undefined()["krippendorff_alpha"]
    assert text(window, rights, "alpha") == MISSING
    assert cell(window, rights, "alpha") is None
    tip = str(cell(window, rights, "alpha", Qt.ItemDataRole.ToolTipRole))
    assert reason in tip
    assert "one category only" in tip


def test_the_kappa_paradox_warning_is_visible(qtbot: QtBot, window: AgreementWindow) -> None:
    report = compute(qtbot, window)
    warned = [(n, row) for n, row in enumerate(report.rows) if row.summary.warning]
    assert warned, "the fixture is meant to show the warning"
    notes = window.notes.toPlainText()
    for n, row in warned:
        assert text(window, n, "Cohen's kappa").startswith("⚠")
        assert str(row.summary.warning) in str(
            cell(window, n, "Cohen's kappa", Qt.ItemDataRole.ToolTipRole)
        )
        assert f"{row.item}: {row.summary.warning}" in notes


def test_the_chart_draws_alpha_with_its_interval(qtbot: QtBot, window: AgreementWindow) -> None:
    report = compute(qtbot, window)
    window.tabs.setCurrentWidget(window.chart)
    rows = window.chart.rows
    assert [(r.name, r.alpha, r.ci) for r in rows] == [
        (row.item, row.alpha, row.alpha_ci) for row in report.rows
    ]
    assert rows[-1].pooled
    window.chart.repaint()
    middle = window.chart.row_at(window.chart._row_boxes[0][0].center().y())
    assert middle is not None
    assert middle.name == SOV
    png = encode_png(window.chart.image())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_per_article_view_is_the_service_breakdown(
    qtbot: QtBot, window: AgreementWindow, coded: Project
) -> None:
    compute(qtbot, window)
    box = window.breakdown.item_box
    box.setCurrentIndex(box.findData(DOUBLE))
    with qtbot.waitSignal(window.breakdown_computed, timeout=WAIT_MS) as blocker:
        window.tabs.setCurrentWidget(window.breakdown)
    items = build_items(coded, ["alice", "bob"], Unit.PARAGRAPH)
    expected = article_breakdown(coded, items, DOUBLE)
    assert blocker.args[0] == expected
    model = window.breakdown.model
    assert model.rowCount() == 2
    for n, row in enumerate(expected.rows):
        assert model.data(model.index(n, 0), VALUE_ROLE) == row.external_id
        assert model.data(model.index(n, 4), VALUE_ROLE) == row.percent_agreement
        assert model.data(model.index(n, 5), VALUE_ROLE) == row.alpha
    assert "extra view" in window.tabs.tabText(2)
    assert "pooled figure" in window.breakdown.note.text()


def test_cancel_stops_the_computation(
    qtbot: QtBot, window: AgreementWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()

    def slow(*_args: object, should_cancel: object = None, **_kw: object) -> object:
        started.set()
        deadline = time.monotonic() + 10
        while not should_cancel() and time.monotonic() < deadline:  # type: ignore[operator]
            time.sleep(0.005)
        raise Cancelled("agreement report")

    monkeypatch.setattr(agreement_runner, "report_from_items", slow)
    with qtbot.waitSignal(window.cancelled, timeout=WAIT_MS):
        window.compute_button.click()
        qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
        assert window.cancel_button.isEnabled()
        assert not window.compute_button.isEnabled()
        window.cancel_button.click()
    qtbot.waitUntil(lambda: window.compute_button.isEnabled(), timeout=WAIT_MS)
    assert window.report() is None
    assert window.model.rowCount() == 0
    assert "Cancelled" in window.status_label.text()


def test_closing_during_a_computation_stops_the_worker(
    qtbot: QtBot, window: AgreementWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()

    def slow(*_args: object, should_cancel: object = None, **_kw: object) -> object:
        started.set()
        while not should_cancel():  # type: ignore[operator]
            time.sleep(0.005)
        raise Cancelled("agreement report")

    monkeypatch.setattr(agreement_runner, "report_from_items", slow)
    window.compute_button.click()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    window.close()
    assert not window.runner.running()


def test_exports_write_only_the_files_named(
    qtbot: QtBot,
    window: AgreementWindow,
    coded: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = compute(qtbot, window)
    chosen: list[Path] = []

    def save_as(*_args: object, **_kw: object) -> tuple[str, str]:
        return str(chosen[-1]), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    chosen.append(tmp_path / "table")  # no suffix: .csv is added
    assert window.export_csv() == tmp_path / "table.csv"
    with (tmp_path / "table.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[1] for row in rows[1:]] == [row.item for row in report.rows]
    alpha = CSV_COLUMNS.index("krippendorff_alpha")
    assert rows[1][alpha] == repr(report.rows[0].alpha)

    chosen.append(tmp_path / "chart.png")
    assert window.export_chart("png") == tmp_path / "chart.png"
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    chosen.append(tmp_path / "chart.svg")
    assert window.export_chart("svg") == tmp_path / "chart.svg"
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    assert SOV in svg

    # A slip onto the project's own database is refused; it stays as it was.
    assert coded.path is not None
    before = coded.path.read_bytes()
    chosen.append(coded.path)
    assert window.export_csv() is None
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert len(boxes) == 1
    assert "open project's database" in boxes[0].text()
    boxes[0].close()
    assert coded.path.read_bytes() == before


def test_the_consensus_coder_is_not_offered_by_default(qtbot: QtBot, coded: Project) -> None:
    tagging.annotate(coded, coder="consensus", article="talks", label=SOV, start=0, end=5)
    with coded.db.write() as session:
        session.query(Coder).filter(Coder.name == "consensus").one().consensus = True
    win = AgreementWindow(coded)
    qtbot.addWidget(win)
    assert win.controls.coders() == ["alice", "bob"]
    assert win.controls.coder_list.count() == 2
    win.controls.show_consensus.setChecked(True)
    assert win.controls.coder_list.count() == 3
    assert win.controls.coders() == ["alice", "bob"]  # offered, not chosen


def test_one_coder_is_not_enough(qtbot: QtBot, window: AgreementWindow) -> None:
    window.controls.check_coders(["alice"])
    window.compute_button.click()
    assert not window.runner.running()
    assert "at least two coders" in window.status_label.text()


def test_the_review_hook(qtbot: QtBot, window: AgreementWindow) -> None:
    assert not window.review_button.isEnabled()
    window.set_review_available(True)
    assert not window.review_button.isEnabled()  # nothing computed yet
    compute(qtbot, window)
    assert window.review_button.isEnabled()
    window.table.selectRow(1)
    with qtbot.waitSignal(window.reviewRequested) as blocker:
        window.review_button.click()
    assert blocker.args == [DOUBLE]
    request = window.shown_request()
    assert request is not None
    assert (request.coders, request.unit) == (("alice", "bob"), "paragraph")


def test_opened_from_the_menu_and_out_of_date_after_a_tag(
    qtbot: QtBot, coded: Project, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(coded, "alice", settings)
    qtbot.addWidget(main)
    main.show()
    action = next(
        a for a in main.findChildren(QAction) if a.text().replace("&", "") == "Agreement…"
    )
    assert action.shortcut().toString() == "Ctrl+Shift+G"
    action.trigger()
    window = main.findChild(AgreementWindow)
    assert window is not None
    assert window.isVisible()
    assert not window.isModal()
    compute(qtbot, window)
    assert not window.stale_label.isVisible()

    # A settings-only change (blind coding) does not touch the figures.
    main._set_blind_coding(True)
    assert not window.stale

    start = ARTICLES["report"].index("Lawyers")
    with qtbot.waitSignal(window.outdated):
        main.ops.run(
            "Tag",
            lambda: tagging.annotate(
                coded, coder="bob", article="report", label=RIGHTS, start=start, end=start + 7
            ),
        )
    assert window.stale
    assert window.stale_label.isVisible()
    assert window.model.stale
    assert window.chart.note.startswith("⚠ Out of date")
    # Never recomputed by itself; Compute brings it up to date.
    assert not window.runner.running()
    compute(qtbot, window)
    assert not window.stale
    main.close()
    assert not window.isVisible()


def test_the_span_unit_shows_unitizing_alpha(
    qtbot: QtBot, window: AgreementWindow, coded: Project
) -> None:
    report = compute(qtbot, window, unit="span")
    expected = project_report(coded, ["alice", "bob"], "span", bootstrap=300, seed=7)
    assert [row.item for row in report.rows] == [row.item for row in expected.rows]
    for n, row in enumerate(expected.rows):
        assert cell(window, n, "alpha_u") == row.values()["alpha_u"]
    assert window.model.column_of("Cohen's kappa") == -1
    assert [r.alpha for r in window.chart.rows] == [
        row.values()["alpha_u"] for row in expected.rows
    ]
    window.tabs.setCurrentWidget(window.breakdown)
    assert "not available at the span unit" in window.breakdown.note.text()
    assert not window.runner.running()


def test_questions_can_be_chosen_alone_or_with_labels(
    qtbot: QtBot, window: AgreementWindow, coded: Project
) -> None:
    """The list offers the questions after the labels; ticking only a question reports it alone."""
    from framing_app.services import answers, questions

    questions.add_question(coded, "tone", level="ordinal", options=["neg", "neu", "pos"])
    for coder, article, value in (
        ("alice", "talks", "neg"),
        ("bob", "talks", "neg"),
        ("alice", "report", "pos"),
        ("bob", "report", "neu"),
    ):
        answers.set_answer(coded, coder=coder, article=article, question="tone", value=value)
    window.refresh_choices()
    controls = window.controls
    entries = [controls.label_list.item(n).text() for n in range(controls.label_list.count())]
    assert entries == [SOV, DOUBLE, RIGHTS, "tone (question, ordinal)"]

    everything = compute(qtbot, window, "article")
    assert [row.item for row in everything.rows] == [SOV, DOUBLE, RIGHTS, OVERALL, "tone"]

    controls.all_labels.setChecked(False)
    for n in range(controls.label_list.count()):
        item = controls.label_list.item(n)
        on = item.text().startswith("tone")
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
    only = compute(qtbot, window, "article")
    assert [row.item for row in only.rows] == ["tone"]
    expected = project_report(
        coded, ["alice", "bob"], "article", questions=["tone"], bootstrap=300, seed=7
    )
    assert only.rows[0].alpha == expected.rows[0].alpha
    assert only.rows[0].level.value == "ordinal"

    controls.label_list.item(0).setCheckState(Qt.CheckState.Checked)
    both = compute(qtbot, window, "article")
    assert [row.item for row in both.rows] == [SOV, OVERALL, "tone"]

    for n in range(controls.label_list.count()):
        controls.label_list.item(n).setCheckState(Qt.CheckState.Unchecked)
    assert "Choose at least one label or question" in str(controls.request())
