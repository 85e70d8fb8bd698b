"""Render the README's screenshots from the real application, offscreen.

Run from the repository: ``python docs/make_screenshots.py`` (writes
``docs/screenshots/*.png``). It builds a throw-away project with the bundled
sample articles, codes a few passages as two coders, and photographs the
main window (at 1600x900 and at 1024x640), find-in-article, the codebook
editor, the report a replacing annotation import shows before it commits,
the keyboard-shortcut help, the Agreement window and the disagreement
review (each at 1600x900 and at 1024x640) and the import progress dialog.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from framing_app.core.records import CodingStatus
from framing_app.gui.agreement_window import AgreementWindow
from framing_app.gui.codebook_editor import CodebookEditor
from framing_app.gui.disagreement_review import DisagreementReview
from framing_app.gui.file_jobs import import_articles_interactive
from framing_app.gui.help_dialogs import ShortcutsDialog, shortcut_rows
from framing_app.gui.import_preview import ImportPreviewDialog
from framing_app.gui.main_window import MainWindow
from framing_app.services import codebook, coding_status, tagging
from framing_app.services.annotation_export import export_annotations
from framing_app.services.annotation_import import preview_import
from framing_app.services.article_import import import_articles
from framing_app.services.articles import get_article, list_articles
from framing_app.services.project import Project
from framing_app.services.sample_corpus import sample_folder

OUT = Path(__file__).resolve().parent / "screenshots"
NPR = "2011-04-26_npr_china-us-human-rights-talks"
CODING = [
    (
        "alice",
        "sovereignty",
        "We oppose any country using human rights issues as an excuse to "
        "interfere in China's domestic affairs.",
    ),
    ("alice", "universal rights", "human rights issues"),
    (
        "alice",
        "sovereignty",
        "the two sides can enhance mutual understanding on a basis of equality and mutual respect",
    ),
    (
        "alice",
        "double standards",
        "accused the U.S. of having double standards when it comes to human rights",
    ),
    (
        "alice",
        "universal rights",
        "dozens of people including public-interest lawyers, writers, "
        "artists, intellectuals and activists have been arbitrarily detained and arrested",
    ),
    ("bob", "double standards", "the United States applies double standards"),
    ("bob", "sovereignty", "excuse to interfere in China's domestic affairs"),
]


def code_sample(project: Project) -> None:
    text = get_article(project, NPR).text
    for coder, label, passage in CODING:
        start = text.index(passage)
        memo = "Spokesman's standard formula" if label == "sovereignty" and coder == "alice" else ""
        tagging.annotate(
            project,
            coder=coder,
            article=NPR,
            label=label,
            start=start,
            end=start + len(passage),
            memo=memo if start < 800 else "",
        )


def photograph_replace_report(
    app: QApplication, window: MainWindow, project: Project, folder: Path
) -> None:
    """Bob corrects his file (one relabel, one deletion, a typo'd new label): the report."""
    exported = folder / "bob.csv"
    with exported.open("w", encoding="utf-8", newline="") as out:
        export_annotations(project, out, coders=["bob"])
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    corrected = [rows[0].replace(",double standards,", ",soverignty,"), *rows[2:]]
    exported.write_text(header + "".join(corrected), encoding="utf-8")
    adding = preview_import(project, exported)
    replacing = preview_import(project, exported, replace=True)
    dialog = ImportPreviewDialog(window, exported.name, adding, replacing)
    dialog.replace_box.setChecked(True)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "replace-import-report.png"))
    dialog.close()


def photograph_agreement(app: QApplication, window: MainWindow, project: Project) -> None:
    """Both coders finish both articles; the Agreement window at the paragraph unit."""
    finished = [article.external_id for article in list_articles(project)]
    for coder in ("alice", "bob"):
        coding_status.set_status(project, coder, CodingStatus.DONE, finished)
    window.show_agreement()
    agreement = window.findChild(AgreementWindow)
    assert agreement is not None
    loop = QEventLoop()
    agreement.computed.connect(lambda _report: loop.quit())
    agreement.failed.connect(lambda _message: loop.quit())
    agreement.compute()
    loop.exec()
    for size, name in (
        ((1600, 900), "agreement-window.png"),
        ((1024, 640), "agreement-window-1024.png"),
    ):
        agreement.resize(*size)
        app.processEvents()
        agreement.grab().save(str(OUT / name))
    agreement.tabs.setCurrentWidget(agreement.chart)
    agreement.resize(1600, 900)
    app.processEvents()
    agreement.grab().save(str(OUT / "agreement-chart.png"))
    agreement.close()


def photograph_review(app: QApplication, window: MainWindow) -> None:
    """The disagreement review at the span unit, one passage accepted into the consensus."""
    window.open_review(["alice", "bob"], "span")
    review = window.findChild(DisagreementReview)
    assert review is not None
    if not review.review.loaded:  # listed in the background
        loop = QEventLoop()
        review.listed.connect(loop.quit)
        loop.exec()
    review.advance_box.setChecked(False)
    review.index = next(
        n for n, item in enumerate(review.items) if all(side.passages for side in item.sides)
    )
    review.show_current()
    review.accept("alice")
    for size, name in (
        ((1600, 900), "disagreement-review.png"),
        ((1024, 640), "disagreement-review-1024.png"),
    ):
        review.resize(*size)
        app.processEvents()
        review.show_current()  # scrolled to the unit at this width
        app.processEvents()
        review.grab().save(str(OUT / name))
    window.undo_stack.undo()
    review.close()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="framing-shots-") as work:
        folder = Path(work)
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        project = Project.open(path=folder / "sample.sqlite")
        with sample_folder() as sample:
            import_articles(project, [sample])
        code_sample(project)

        window = MainWindow(project, "alice", settings)
        window.resize(1600, 900)
        window.show()
        window.article_list.select_article(get_article(project, NPR).id)
        window.compare_box.setCurrentText("bob")
        window._compare_chosen(window.compare_box.currentIndex())
        selected = tagging.list_annotations(project, NPR, "alice")[3].id
        window.panel.select_annotation(selected)
        app.processEvents()
        window.grab().save(str(OUT / "main-window.png"))
        window.resize(1024, 640)
        app.processEvents()
        window.grab().save(str(OUT / "main-window-1024.png"))
        window.resize(1600, 900)

        window.find_bar.open_bar()
        window.find_bar.edit.setText("human rights")
        window.find_bar.find_next()
        app.processEvents()
        window.grab().save(str(OUT / "find-in-article.png"))
        window.find_bar.close_bar()

        keys = [
            (label.shortcut, label.name)
            for label in codebook.list_labels(project, include_archived=False)
            if label.shortcut
        ]
        shortcuts = ShortcutsDialog(shortcut_rows(window.menuBar(), keys), window)
        shortcuts.show()
        app.processEvents()
        shortcuts.grab().save(str(OUT / "help-shortcuts.png"))
        shortcuts.close()

        photograph_replace_report(app, window, project, folder)
        photograph_agreement(app, window, project)
        photograph_review(app, window)

        editor = CodebookEditor(project, window)
        editor.resize(780, 500)
        editor.show()
        app.processEvents()
        editor.grab().save(str(OUT / "codebook-editor.png"))
        editor.close()

        # A folder big enough for the progress dialog to show; photographed
        # at its first update, then cancelled (the project stays unchanged).
        many = folder / "many"
        many.mkdir()
        for n in range(3000):
            (many / f"article-{n:04d}.txt").write_text(
                f"Article {n}\n\nHuman rights dialogue, round {n}.\n", encoding="utf-8"
            )
        shot: dict[str, bool] = {}

        def photograph() -> None:
            dialogs = [
                w for w in app.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()
            ]
            if dialogs and dialogs[0].value() > dialogs[0].maximum() // 3 and not shot:
                dialogs[0].grab().save(str(OUT / "import-progress.png"))
                shot["done"] = True
                dialogs[0].cancel()
            elif not shot:
                QTimer.singleShot(20, photograph)

        QTimer.singleShot(20, photograph)
        import_articles_interactive(window, project, [many])
        window.close()
        project.close()
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))} to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
