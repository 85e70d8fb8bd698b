"""File ▸ Connect to server…: typed, opened as the login, remembered without the password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from server_team import Team

from framing_app.gui.app import Launcher
from framing_app.gui.connect_dialog import ConnectDialog, recent_servers, server_url
from framing_app.services.server_login import stored_password


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[None]:
    previous = keyring.get_keyring()
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_server_url_quotes_what_a_url_must() -> None:
    assert server_url(" db.lab ", 5433, "framing", "ann") == "postgresql://ann@db.lab:5433/framing"
    assert server_url("::1", 5432, "my db", "o'neil@x") == (
        "postgresql://o%27neil%40x@[::1]:5432/my%20db"
    )


@pytest.mark.usefixtures("file_keyring")
def test_connecting_opens_the_server_as_the_login_and_remembers_it_without_password(
    qtbot: QtBot, team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = ConnectDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    ann = team.coders[0]
    qtbot.keyClicks(dialog.host, team.server.host)
    dialog.port.setValue(team.server.port)
    qtbot.keyClicks(dialog.database, team.database)
    qtbot.keyClicks(dialog.login, ann)
    qtbot.keyClicks(dialog.password, team.passwords[ann])
    qtbot.keyClick(dialog.remember, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.login, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    choice = dialog.choice()
    assert team.passwords[ann] not in choice.url

    launcher = Launcher(settings)
    assert launcher.open(None, choice.url, password=choice.password, remember=choice.remember)
    window = launcher.window
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.coder == ann
        assert recent_servers(settings) == [choice.url]
        assert stored_password(choice.url) == team.passwords[ann]
        written = (tmp_path / "settings.ini").read_text(encoding="utf-8")
        assert team.passwords[ann] not in written
    finally:
        window.close()
        window.project.close()
    # Next time: picked from the recent list, the password from the keyring.
    again = ConnectDialog(settings)
    qtbot.addWidget(again)
    assert again.choice().url == choice.url
    assert again.choice().password is None
    second = Launcher(settings)
    assert second.open(None, again.choice().url)
    assert second.window is not None
    qtbot.addWidget(second.window)
    second.window.close()
    second.window.project.close()


def test_a_missing_field_is_named_and_the_dialog_stays(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = ConnectDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.host, "db.lab")
    qtbot.keyClick(dialog.host, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.problem.text() == "Give the database, your login."
