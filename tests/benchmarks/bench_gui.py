"""GUI benchmark: a 50,000-article project with 500 annotations on the open article.

Run: ``python tests/benchmarks/bench_gui.py [--articles N] [--annotations M]``
(offscreen; not part of the test suite). Prints, each with the median of
several runs and a floor measured in the same run:

- show the main window: open the project, build the window, first paint of
  the article (floor: a bare QPlainTextEdit showing the same text);
- switch article: select the next article until the reader has painted it
  with its highlights (floor: setPlainText + paint on a bare QPlainTextEdit);
- shortcut to highlight: key press in the reader until the new highlight is
  painted, the annotation committed to disk first (floor: one INSERT + COMMIT
  with the stdlib sqlite3 module, same pragmas);
- the same with the selection deep in the list (row 45,000 of 50,000, the
  list loaded down to it), and the list's catch-up after the tag and after a
  status change there (floor: the same INSERT + COMMIT).

The window is opened as the application opens it, including the check for an
empty project that offers the sample articles. Goals from the issue: under
1.5 s, 50 ms, 16 ms, and a list catch-up under 50 ms at any depth.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from framing_app.core.records import CodingStatus
from framing_app.gui.app import offer_first_articles
from framing_app.gui.main_window import MainWindow
from framing_app.services import tagging
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article
from framing_app.services.project import Project

WORDS = (
    "human",
    "rights",
    "dialogue",
    "sovereignty",
    "interference",
    "Beijing",
    "Washington",
    "talks",
    "report",
    "detained",
    "lawyers",
    "activists",
    "freedom",
    "expression",
    "universal",
    "double",
    "standards",
    "record",
    "ministry",
    "spokesman",
    "said",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "that",
    "on",
    "for",
    "with",
    "as",
    "by",
    "—",
    "“quoted”",
    "é",
    "😀",
)


def make_corpus(folder: Path, articles: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    path = folder / "articles.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "date", "source", "text"])
        for n in range(articles):
            paragraphs = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 110))).capitalize() + "."
                for _ in range(rng.randint(6, 9))
            ]
            writer.writerow(
                [
                    f"a{n:06d}",
                    f"Article {n}: {' '.join(rng.sample(WORDS, 5))}",
                    f"2011-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    "Synthetic News",
                    "\n\n".join(paragraphs),
                ]
            )
    return path


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def paint_now(app: QApplication, widget: QPlainTextEdit) -> None:
    """Process pending events, then paint the reader synchronously."""
    app.processEvents()
    widget.viewport().repaint()


def timed(action: Callable[[], None], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--annotations", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)

    with tempfile.TemporaryDirectory(prefix="framing-gui-bench-") as work:
        folder = Path(work)
        started = time.perf_counter()
        corpus = make_corpus(folder, args.articles)
        db = folder / "bench.sqlite"
        with Project.open(path=db) as project:
            import_articles(project, [corpus])
            text = _article_text(project, "a000000")
            rng = random.Random(1)
            for n in range(args.annotations):
                start = rng.randrange(0, len(text) - 80)
                tagging.annotate(
                    project,
                    coder="alice",
                    article="a000000",
                    label=("sovereignty", "double standards", "universal rights")[n % 3],
                    start=start,
                    end=start + rng.randint(5, 80),
                    memo=f"note {n}",
                )
        print(
            f"set-up: {args.articles:,} articles, {args.annotations} annotations on the "
            f"open article, in {time.perf_counter() - started:.1f} s (not timed below)"
        )

        settings_path = folder / "settings.ini"

        # 1. Show the main window (open project, build, first paint).
        def show_window() -> None:
            settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
            project = Project.open(path=db)
            window = MainWindow(project, "alice", settings)
            window.show()
            offer_first_articles(window)  # returns at once unless the project is empty
            paint_now(app, window.reader.view)
            window.close()
            window.deleteLater()
            project.close()
            app.processEvents()

        def bare_show() -> None:
            view = QPlainTextEdit()
            view.setPlainText(text)
            view.resize(800, 700)
            view.show()
            paint_now(app, view)
            view.close()
            view.deleteLater()
            app.processEvents()

        show_samples = timed(show_window, max(3, args.repeat // 3))
        show_floor = timed(bare_show, max(3, args.repeat // 3))

        # 2. Switch article; 3. shortcut to highlight.
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        project = Project.open(path=db)
        window = MainWindow(project, "alice", settings)
        window.resize(1400, 860)
        window.show()
        app.processEvents()
        first_id = _article_id(project, "a000000")
        second_id = _article_id(project, "a000001")
        window.article_list.select_article(first_id)
        paint_now(app, window.reader.view)
        assert len(window.reader.view.highlights()) == args.annotations

        def switch() -> None:
            target = second_id if window.article_id == first_id else first_id
            window.article_list.select_article(target)
            paint_now(app, window.reader.view)

        switch_samples = timed(switch, args.repeat * 2)
        bare = QPlainTextEdit()
        bare.resize(800, 700)
        bare.show()

        def bare_switch() -> None:
            bare.setPlainText(text if bare.toPlainText() != text else text[::-1])
            paint_now(app, bare)

        switch_floor = timed(bare_switch, args.repeat * 2)
        bare.close()

        window.article_list.select_article(first_id)
        paint_now(app, window.reader.view)
        view = window.reader.view
        window.activateWindow()
        view.setFocus()
        app.processEvents()
        offsets = iter(range(0, len(text) - 40, 37))

        def press() -> None:
            start = next(offsets)
            view = window.reader.view
            cursor = QTextCursor(view.document())
            cursor.setPosition(start)
            cursor.setPosition(start + 23, QTextCursor.MoveMode.KeepAnchor)
            view.setTextCursor(cursor)
            before = len(view.highlights())
            began = time.perf_counter()
            painted = paints.count
            QTest.keyClick(view, Qt.Key.Key_2)
            # The key's work is done (committed) when keyClick returns; what the
            # coder waits for is the repaint the reader then asks for, delivered
            # here as the event loop would first. The annotation list and the
            # article list follow on later turns of the loop, timed apart.
            QApplication.sendPostedEvents(window, QEvent.Type.UpdateRequest)
            tag_samples.append(time.perf_counter() - began)
            assert paints.count > painted, "the reader was not repainted"
            app.processEvents()
            lists_samples.append(time.perf_counter() - began)
            assert len(view.highlights()) == before + 1, (
                f"the shortcut did not tag: {window.statusBar().currentMessage()!r}, "
                f"focus {QApplication.focusWidget()!r}"
            )

        paints = _PaintCounter()
        view.viewport().installEventFilter(paints)
        tag_samples: list[float] = []
        lists_samples: list[float] = []
        for _ in range(args.repeat):
            press()

        # 4. The same deep in the list: the article at 90% of the import order.
        deep_row = args.articles * 9 // 10
        deep_id = _article_id(project, f"a{deep_row:06d}")
        deep_text = _article_text(project, f"a{deep_row:06d}")
        assert window.article_list.select_article(deep_id)
        paint_now(app, window.reader.view)
        assert window.article_id == deep_id
        assert window.article_list.model.loaded_row(deep_id) == deep_row
        window.activateWindow()
        window.reader.view.setFocus()
        app.processEvents()
        offsets = iter(range(0, len(deep_text) - 40, 37))
        shallow_tag, shallow_lists = tag_samples, lists_samples
        tag_samples, lists_samples = [], []
        for _ in range(args.repeat):
            press()
        deep_tag, deep_lists = tag_samples, lists_samples
        tag_samples, lists_samples = shallow_tag, shallow_lists

        def status_change() -> None:
            done = window.article_list.model.article(deep_row).status is CodingStatus.DONE
            window.set_status(CodingStatus.IN_PROGRESS if done else CodingStatus.DONE)
            app.processEvents()

        status_samples = timed(status_change, args.repeat)
        assert window.article_list.model.loaded_row(deep_id) == deep_row
        window.close()
        project.close()

        floor_db = folder / "floor.sqlite"
        conn = sqlite3.connect(floor_db, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, s INT, e INT, t TEXT)")

        def bare_tag() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO a (s, e, t) VALUES (1, 2, 'x')")
            conn.execute("COMMIT")

        tag_floor = timed(bare_tag, args.repeat)
        conn.close()

    rows = [
        ("show main window", median_ms(show_samples), median_ms(show_floor), 1500.0),
        ("switch article", median_ms(switch_samples), median_ms(switch_floor), 50.0),
        ("shortcut to highlight", median_ms(tag_samples), median_ms(tag_floor), 16.0),
        ("deep: shortcut to paint", median_ms(deep_tag), median_ms(tag_floor), 16.0),
        ("deep: list after tag", median_ms(deep_lists), median_ms(tag_floor), 50.0),
        ("deep: status change", median_ms(status_samples), median_ms(tag_floor), 50.0),
    ]
    worst = {
        "deep_shortcut_to_paint": max(deep_tag) * 1000,
        "deep_list_after_tag": max(deep_lists) * 1000,
        "deep_status_change": max(status_samples) * 1000,
    }
    lists_ms = median_ms(lists_samples)
    print(
        f"machine: Python {platform.python_version()}, {platform.platform()}, "
        f"{os.cpu_count()} CPUs, Qt platform {os.environ['QT_QPA_PLATFORM']}"
    )
    print(f"{'job':<24}{'framing-app ms':>16}{'floor ms':>10}{'ratio':>8}{'goal ms':>9}  met")
    for name, ours, floor, goal in rows:
        ratio = ours / floor if floor else float("nan")
        print(
            f"{name:<24}{ours:>16.1f}{floor:>10.1f}{ratio:>7.1f}x{goal:>9.0f}  "
            f"{'yes' if ours <= goal else 'NO'}"
        )
        key = name.replace(":", "").replace(" ", "_")
        print(f"RESULT {key}_ms={ours:.1f} {key}_floor_ms={floor:.1f}")
    print(
        f"(after a tag, the annotation and article lists are up to date {lists_ms:.1f} ms "
        "after the key press)"
    )
    print(f"RESULT lists_after_tag_ms={lists_ms:.1f}")
    print(
        f"(deep rows are at row {args.articles * 9 // 10:,} of {args.articles:,}; "
        "worst of the runs: "
        + ", ".join(f"{key.replace('_', ' ')} {ms:.1f} ms" for key, ms in worst.items())
        + ")"
    )
    print("RESULT " + " ".join(f"{key}_worst_ms={ms:.1f}" for key, ms in worst.items()))
    return 0


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _article_text(project: Project, external_id: str) -> str:
    return get_article(project, external_id).text


def _article_id(project: Project, external_id: str) -> int:
    return get_article(project, external_id).id


if __name__ == "__main__":
    raise SystemExit(main())
