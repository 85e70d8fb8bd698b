"""Starting the GUI (a placeholder window until the coding workbench lands)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from framing_app import __version__
from framing_app.core.errors import FramingError
from framing_app.services.articles import list_articles
from framing_app.services.project import Project


class PlaceholderWindow(QMainWindow):
    """Shows which project is open and how many articles it holds."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.setWindowTitle(f"framing-app {__version__} — {project.location}")
        count = len(list_articles(project))
        text = QLabel(
            f"<h2>framing-app</h2><p>Project: {project.location}</p>"
            f"<p>{count} article(s). The coding window is under construction; "
            "use the <code>framing-app</code> commands meanwhile.</p>"
        )
        text.setMargin(24)
        text.setWordWrap(True)
        self.setCentralWidget(text)
        self.resize(720, 320)


def run_gui(project_path: Path | None = None, db_url: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    try:
        project = Project.open(path=project_path, url=db_url)
    except FramingError as error:
        QMessageBox.critical(None, "framing-app", str(error))
        return 1
    window = PlaceholderWindow(project)
    window.show()
    try:
        return app.exec()
    finally:
        project.close()
