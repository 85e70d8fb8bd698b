"""An exception no one caught in a slot is a dialog and a log entry, never a silent traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from framing_app.gui import crash_report


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    boxes: list[tuple[str, str]] = []

    def exec_(box: QMessageBox) -> int:
        boxes.append((box.text(), box.informativeText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return boxes


@pytest.fixture
def our_hook() -> Iterator[None]:
    previous = crash_report.install()
    try:
        yield
    finally:
        sys.excepthook = previous


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_shown_and_logged(
    qtbot: QtBot, shown: list[tuple[str, str]], our_hook: None
) -> None:
    """Issue 7: an uncaught exception in a slot only printed a traceback to a terminal."""
    calls: list[str] = []

    def broken_slot() -> None:
        calls.append("ran")
        raise RuntimeError("the coding panel lost its button\nsecond line")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(shown))
    ((text, detail),) = shown
    assert (
        text
        == "Something went wrong inside framing-app: RuntimeError: the coding panel lost its button"
    )
    assert "Everything you coded before this is saved" in detail
    log = crash_report.log_path()
    assert f"The details are in {log}." in detail
    written = log.read_text(encoding="utf-8")
    assert "RuntimeError: the coding panel lost its button" in written
    assert "broken_slot" in written  # the traceback, for a bug report
    # The program goes on: the event loop still runs slots.
    QTimer.singleShot(0, lambda: calls.append("after"))
    qtbot.waitUntil(lambda: calls == ["ran", "after"])
