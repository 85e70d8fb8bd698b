"""File ▸ Connect to server…: a team server's address, the login, and recent servers.

The password field may stay empty: the system keyring, ``PGPASSWORD``,
``~/.pgpass`` or a client certificate are tried first, and the program asks
when none works. A typed password is kept in the system keyring only when
the person ticks the box; recent servers are remembered without passwords.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

RECENT_KEY = "servers/recent"
RECENT_KEPT = 8
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerChoice:
    url: str  # postgresql://login@host:port/database, never with a password
    password: str | None
    remember: bool


def recent_servers(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings gives a lone string for a one-item list
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def remember_server(settings: QSettings, url: str) -> None:
    recent = [url, *[r for r in recent_servers(settings) if r != url]][:RECENT_KEPT]
    settings.setValue(RECENT_KEY, recent)
    settings.sync()


def server_url(host: str, port: int, database: str, login: str) -> str:
    """``postgresql://login@host:port/database``, each part quoted as a URL needs."""
    host = host.strip()
    shown_host = f"[{host}]" if ":" in host else host  # an IPv6 address
    return (
        f"postgresql://{quote(login.strip(), safe='')}@{shown_host}:{port}/"
        f"{quote(database.strip(), safe='')}"
    )


class ConnectDialog(QDialog):
    """Asks for a server, a database and a login; :meth:`choice` once accepted."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to server")
        self.recent = QComboBox()
        self.recent.addItem("(a new server)")
        self.recent.addItems(recent_servers(settings))
        self.recent.currentTextChanged.connect(self._fill_from)
        self.host = QLineEdit()
        self.host.setPlaceholderText("dbhost.example.edu")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setPlaceholderText("the project's database, e.g. framing")
        self.login = QLineEdit()
        self.login.setPlaceholderText("your login: you code under this name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: keyring, PGPASSWORD or ~/.pgpass, else asked")
        self.remember = QCheckBox("Remember the password in the system keyring")
        form = QFormLayout()
        form.addRow("&Recent:", self.recent)
        form.addRow("&Server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&Login:", self.login)
        form.addRow("Pass&word:", self.password)
        form.addRow("", self.remember)
        self.problem = QLabel()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        if self.recent.count() > 1:
            self.recent.setCurrentIndex(1)
        self.host.setFocus()

    def choice(self) -> ServerChoice:
        url = server_url(
            self.host.text(), self.port.value(), self.database.text(), self.login.text()
        )
        return ServerChoice(url, self.password.text() or None, self.remember.isChecked())

    def _fill_from(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres"):
            return
        self.host.setText(parts.hostname or "")
        self.port.setValue(parts.port or DEFAULT_PORT)
        self.database.setText(parts.path.lstrip("/"))
        self.login.setText(parts.username or "")

    def _accept(self) -> None:
        missing = [
            name
            for name, edit in (
                ("the server", self.host),
                ("the database", self.database),
                ("your login", self.login),
            )
            if not edit.text().strip()
        ]
        if missing:
            self.problem.setText(f"Give {', '.join(missing)}.")
            return
        self.accept()
