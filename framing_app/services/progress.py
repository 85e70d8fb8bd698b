"""How long-running services report progress and learn of cancellation."""

from __future__ import annotations

from collections.abc import Callable

from framing_app.core.errors import Cancelled

# progress(done, total, what): *what* names the phase ("reading", "saving").
ProgressCallback = Callable[[int, int, str], None]
# should_cancel() -> True once the user asked to stop.
CancelCheck = Callable[[], bool]


def report(progress: ProgressCallback | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


def check_cancel(should_cancel: CancelCheck | None, what: str) -> None:
    """Raise :class:`Cancelled` if the user asked to stop; callers roll back."""
    if should_cancel is not None and should_cancel():
        raise Cancelled(what)
