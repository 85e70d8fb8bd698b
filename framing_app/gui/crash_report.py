"""An exception nobody caught, in a slot or anywhere on the GUI thread: shown, logged, survived.

Qt calls Python slots from C++; an exception escaping one goes to
``sys.excepthook``, which by default prints a traceback to a terminal the
coder never looks at, and the program goes on in an unknown state. Here it
becomes a dialog that says what happened and that the work is safe (every
action was committed when it was made), and the traceback goes to a log file
in the platform's log folder for a bug report.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from framing_app import __version__

_log = logging.getLogger(__name__)

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def log_path() -> Path:
    """Where unexpected errors are written: ``framing-app/errors.log`` in the user log folder."""
    return platformdirs.user_log_path("framing-app", appauthor=False) / "errors.log"


def write_report(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> Path | None:
    """Append the traceback to :func:`log_path`; the path, or None if it cannot be written."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()} framing-app {__version__}\n")
            log.write("".join(traceback.format_exception(kind, error, tb)))
    except OSError:
        return None
    return path


def report_unexpected(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """The hook: log the traceback, then tell the person in a dialog (never a crash)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    _log.error("unexpected error", exc_info=(kind, error, tb))
    path = write_report(kind, error, tb)
    if QApplication.instance() is None:
        sys.__excepthook__(kind, error, tb)
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "framing-app: unexpected error",
        f"Something went wrong inside framing-app: {kind.__name__}: {error}".splitlines()[0],
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    where = f"The details are in {path}." if path else "The details could not be written."
    box.setInformativeText(
        "Everything you coded before this is saved: each action is stored when it is made. "
        f"{where} Please send that file with a bug report."
    )
    box.exec()


def install() -> Hook:
    """Make :func:`report_unexpected` the process's excepthook; returns the one it replaces."""
    previous = sys.excepthook
    sys.excepthook = report_unexpected
    return previous
