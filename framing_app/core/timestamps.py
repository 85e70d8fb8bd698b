"""The one textual form of a time in framing-app: ISO 8601, UTC, microseconds."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(value: datetime) -> str:
    """*value* as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (ISO 8601, fixed width, UTC).

    A naive datetime raises ValueError: its zone is unknown, and guessing
    would silently shift the time. ``isoformat`` is implemented in C and
    several times faster than ``strftime``, which matters for bulk exports.
    """
    if value.tzinfo is not UTC:
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: framing-app times are aware UTC")
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:-6] + "Z"
