"""The Qt binding itself must survive a long coding session.

PySide6 6.12.0 dropped a reference to ``True`` on every ``Signal.emit()`` made
from Python; after a few thousand emits (an hour of coding) the interpreter
aborted with "bool_dealloc". pyproject.toml excludes that release; this test
fails on any binding with that defect.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_emitting_signals_keeps_reference_counts() -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(3000):
        emitter.fired.emit(n)
    assert len(received) == 3000
    assert abs(sys.getrefcount(True) - before) < 50
