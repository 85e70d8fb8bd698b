"""A setting shared by the CSV readers."""

from __future__ import annotations

import csv

# The csv module refuses fields over 128 KiB by default; a long report, or a
# passage that is a whole long article, is legitimate.
_FIELD_LIMIT = 2**31 - 1


def allow_long_fields() -> None:
    """Raise the csv module's field size limit (process-wide, and only ever raised)."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
