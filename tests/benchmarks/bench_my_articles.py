"""GUI benchmark: "My articles" over 50,000 articles, three coders, a 10% reliability sample.

Run: ``python tests/benchmarks/bench_my_articles.py [--articles N] [--repeat R]``
(offscreen; not part of the test suite). The project is the corpus of
``bench_gui.py``; ``assign --coders alice bob carol --overlap 0.1`` gives alice
about 20,000 of the 50,000 articles (5,000 of them in the sample), and the
sample is shown to coders. Printed, each as the median and the worst of the
runs, beside the same job on the plain list (every article) in the same run:

- assign: the draw itself (50,000 articles, 3 coders), once;
- show the main window opening on "My articles" (open, build, first paint);
- change the list's scope (My articles / Mine first / All articles): the
  first window read and shown;
- go to an article deep in the list (row 15,000 of My articles; row 45,000 of
  Mine first, in the second part) and select it, reading the windows down to it;
- the list's catch-up after a status change there (the operations path);
- "next unfinished" from there;
- the status-bar text (with the "assigned done" count).

Goals as for the plain list (bench_gui.py): the window under 1.5 s, a list
catch-up under 50 ms at any depth.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_gui import make_corpus  # the same corpus as the plain list's benchmark
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from framing_app.core.records import CodingStatus
from framing_app.gui.main_window import MainWindow
from framing_app.services import assignments, project_settings
from framing_app.services.article_browser import Scope, article_rows
from framing_app.services.article_import import import_articles
from framing_app.services.coders import add_coder
from framing_app.services.project import Project


def measure(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    results: list[tuple[str, list[float], list[float] | None]] = []

    with tempfile.TemporaryDirectory(prefix="framing-mine-bench-") as work:
        folder = Path(work)
        db = folder / "bench.sqlite"
        with Project.open(path=db) as project:
            import_articles(project, [make_corpus(folder, args.articles)])
            for name in ("alice", "bob", "carol", "dave"):
                add_coder(project, name)
            began = time.perf_counter()
            report = assignments.assign(project, ["alice", "bob", "carol"], 0.1, seed=1)
            assign_ms = (time.perf_counter() - began) * 1000
            project_settings.set_show_sample(project, True)
        mine = next(load.assigned for load in report.loads if load.coder == "alice")
        print(
            f"set-up: {args.articles:,} articles; alice has {mine:,} assigned "
            f"({report.sample:,} in the sample); assign took {assign_ms:.0f} ms"
        )
        settings = folder / "settings.ini"

        def show(coder: str) -> Callable[[], None]:
            def run() -> None:
                project = Project.open(path=db)
                window = MainWindow(
                    project, coder, QSettings(str(settings), QSettings.Format.IniFormat)
                )
                window.show()
                app.processEvents()
                window.reader.view.viewport().repaint()
                window.close()
                window.deleteLater()
                project.close()
                app.processEvents()

            return run

        results.append(
            ("show window (My articles)", measure(show("alice"), 3), measure(show("dave"), 3))
        )

        project = Project.open(path=db)
        window = MainWindow(project, "alice", QSettings(str(settings), QSettings.Format.IniFormat))
        window.resize(1400, 860)
        window.show()
        app.processEvents()
        pane = window.article_list
        assert pane.model.query().scope is Scope.MINE

        def scope(value: Scope) -> Callable[[], None]:
            def run() -> None:
                pane.scope_box.setCurrentIndex(pane.scope_box.findData(value))
                app.processEvents()
                pane.view.viewport().repaint()

            return run

        cycle = [Scope.MINE, Scope.MINE_FIRST, Scope.ALL]
        samples: dict[Scope, list[float]] = {s: [] for s in cycle}
        for _ in range(args.repeat):
            for value in cycle:
                samples[value] += measure(scope(value), 1)
        results.append(("scope: My articles", samples[Scope.MINE], samples[Scope.ALL]))
        results.append(("scope: Mine first", samples[Scope.MINE_FIRST], samples[Scope.ALL]))

        def deep(value: Scope, row: int) -> tuple[list[float], list[float], list[float]]:
            """Go to *row* (fresh list each time), then change its status, then "next"."""
            scope(value)()
            going, catching, following = [], [], []
            for attempt in range(args.repeat):
                scope(Scope.ALL if value is not Scope.ALL else Scope.MINE)()
                scope(value)()
                query = pane.model.query()
                target = article_rows(project, query, row + attempt, 1)[0].id
                began = time.perf_counter()
                assert pane.select_article(target)
                app.processEvents()
                going.append((time.perf_counter() - began) * 1000)
                done = pane.model.article(pane.model.loaded_row(target) or 0).status
                began = time.perf_counter()
                window.set_status(
                    CodingStatus.IN_PROGRESS if done is CodingStatus.DONE else CodingStatus.DONE
                )
                app.processEvents()
                catching.append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                pane.neighbour(forward=True, unfinished_only=True)
                following.append((time.perf_counter() - began) * 1000)
            return going, catching, following

        mine_deep = deep(Scope.MINE, mine * 3 // 4)
        first_deep = deep(Scope.MINE_FIRST, args.articles * 9 // 10)
        plain_deep = deep(Scope.ALL, args.articles * 9 // 10)
        names = ("go to row", "list after status change", "next unfinished")
        for index, name in enumerate(names):
            results.append(
                (f"My articles: {name}", mine_deep[index], plain_deep[index]),
            )
            results.append(
                (f"Mine first: {name}", first_deep[index], plain_deep[index]),
            )
        results.append(
            (
                "status-bar text",
                measure(pane.progress_text, args.repeat),
                None,
            )
        )
        window.close()
        project.close()

    print(
        f"(deep rows: My articles row {mine * 3 // 4:,} of {mine:,}; Mine first and the plain "
        f"list row {args.articles * 9 // 10:,} of {args.articles:,})"
    )
    print(f"{'job':<38}{'median ms':>10}{'worst ms':>10}{'plain list ms':>15}")
    for name, ours, plain in results:
        reference = f"{statistics.median(plain):>15.1f}" if plain else f"{'-':>15}"
        print(f"{name:<38}{statistics.median(ours):>10.1f}{max(ours):>10.1f}{reference}")
        key = name.replace(":", "").replace(" ", "_").replace("(", "").replace(")", "").lower()
        print(f"RESULT {key}_ms={statistics.median(ours):.1f} {key}_worst_ms={max(ours):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
