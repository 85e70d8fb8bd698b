"""Starting the coding window: project, coder, first-run help."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from framing_app import __version__
from framing_app.core.errors import FramingError
from framing_app.core.names import clean_name
from framing_app.core.permissions import LeadAction
from framing_app.gui import crash_report
from framing_app.gui.connect_dialog import remember_server
from framing_app.gui.main_window import MainWindow, remember_project
from framing_app.gui.platform_check import window_problem
from framing_app.services import articles, coders
from framing_app.services.project import Project, is_server_url
from framing_app.services.server_identity import lead_refusal, server_identity
from framing_app.services.server_login import open_server

ORGANISATION = "framing-app"


def app_settings() -> QSettings:
    """The person's settings (window layout, last project and coder): not project data."""
    return QSettings(ORGANISATION, "framing-app")


CODER_PROMPT = "Your name as a coder (it is stored with every annotation you make):"


def coder_dialog(parent: QWidget | None, known: list[str]) -> QInputDialog:
    """The "Who is coding?" question: the project's coders to pick from, none chosen.

    Nothing is pre-selected: a new coder who presses Enter must not code under
    someone else's name.
    """
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Who is coding?")
    dialog.setLabelText(CODER_PROMPT)
    dialog.setComboBoxItems(known)
    dialog.setComboBoxEditable(True)
    dialog.setTextValue("")
    return dialog


def coder_name_problem(name: str) -> str | None:
    """What is wrong with *name* as a coder name, for the dialog, or None."""
    if not name.strip():
        return "Type your name (or pick it from the list) to start coding."
    try:
        clean_name(name, "coder")
    except FramingError as error:
        return str(error)[:1].upper() + str(error)[1:] + "."
    return None


def ask_coder(parent: QWidget | None, project: Project) -> str | None:
    """Ask who is coding, offering the project's coders; None if the person cancels."""
    dialog = coder_dialog(parent, [c.name for c in coders.list_coders(project)])
    while dialog.exec() == QDialog.DialogCode.Accepted:
        name = dialog.textValue()
        problem = coder_name_problem(name)
        if problem is None:
            return clean_name(name, "coder")
        dialog.setLabelText(f"{problem}\n\n{CODER_PROMPT}")
    return None


def offer_first_articles(window: MainWindow) -> None:
    """On an empty project, offer to import files or open the sample articles.

    Not to a coder on a server: only a lead may import there.
    """
    if lead_refusal(window.project, LeadAction.ARTICLES) is not None:
        return
    if articles.has_articles(window.project):
        return
    box = QMessageBox(window)
    box.setWindowTitle("An empty project")
    box.setText("This project has no articles yet.")
    box.setInformativeText(
        "Import your own files (.txt, .md, .html, .docx, .csv), or open the two sample "
        "news articles to try coding right away."
    )
    files = box.addButton("Import files…", QMessageBox.ButtonRole.AcceptRole)
    sample = box.addButton("Open sample articles", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is files:
        window.import_files()
    elif box.clickedButton() is sample:
        window.import_sample()


def ask_password(parent: QWidget | None, location: str) -> str | None:
    """The password of *location*, asked for; None if the person cancels."""
    password, ok = QInputDialog.getText(
        parent, "Password", f"Password for {location}:", QLineEdit.EchoMode.Password
    )
    return password if ok else None


class Launcher:
    """Keeps one main window open and can replace it with another project's."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings
        self.window: MainWindow | None = None

    def open(
        self,
        path: Path | None = None,
        url: str | None = None,
        *,
        password: str | None = None,
        remember: bool = False,
    ) -> bool:
        try:
            if is_server_url(url):
                assert url is not None
                prompt = partial(ask_password, self.window)
                project = open_server(url, prompt, password=password, remember=remember)
                remember_server(self.settings, project.location)
            else:
                project = Project.open(path=path, url=url)
        except FramingError as error:
            QMessageBox.critical(self.window, "framing-app", str(error))
            return False
        identity = server_identity(project)
        # On a server the coder is the login; nobody is asked for a name.
        coder = identity.login if identity is not None else None
        coder = coder or self.settings.value(f"coder/{project.location}")
        if not coder:
            coder = ask_coder(self.window, project)
            if coder is None:
                project.close()
                return False
        old = self.window
        self.settings.setValue(f"coder/{project.location}", str(coder))
        remember_project(self.settings, project.location)
        self.settings.sync()
        self.window = MainWindow(project, str(coder), self.settings, open_project=self.open)
        self.window.show()
        if old is not None:
            old.close()
            old.project.close()
        offer_first_articles(self.window)
        return True


def run_gui(project_path: Path | None = None, db_url: str | None = None) -> int:
    # Before QApplication: Qt aborts the process when it cannot load its platform plugin.
    problem = window_problem()
    if problem is not None:
        print(f"framing-app: error: {problem}", file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    crash_report.install()
    app.setApplicationName("framing-app")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION)
    settings = app_settings()
    if project_path is None and db_url is None:
        last = settings.value("projects/last")
        if last and Path(str(last)).exists():
            project_path = Path(str(last))
    launcher = Launcher(settings)
    if not launcher.open(project_path, db_url):
        print(
            "framing-app: nothing was opened (no coder name was given, or the project "
            "could not be opened; see the message shown)",
            file=sys.stderr,
        )
        return 1
    try:
        return app.exec()
    finally:
        if launcher.window is not None:
            launcher.window.project.close()
