"""Plain-text tables for the terminal."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Collection, Sequence
from typing import TextIO


def format_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Collection[int] = (),
    wide: int | None = None,
    width: int | None = None,
) -> str:
    """Columns padded to a common width, *right* ones right-aligned.

    The *wide* column (a title, a definition) is cut with "…" so that a line
    fits the terminal (*width*, default its current width, at least 80); the
    other columns are never cut.
    """
    cells = [[" ".join(str(c).split()) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    if wide is not None:
        limit = width or max(80, shutil.get_terminal_size((100, 24)).columns)
        others = sum(w for i, w in enumerate(widths) if i != wide) + 2 * (len(widths) - 1)
        widths[wide] = max(10, min(widths[wide], limit - others))
    lines = []
    for row in cells:
        parts = []
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                cell = cell[: widths[i] - 1] + "…"
            parts.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def print_table(
    header: list[str],
    rows: list[list[str]],
    tsv: bool,
    *,
    right: Collection[int] = (),
    wide: int | None = None,
    out: TextIO | None = None,
) -> None:
    """Print *rows* under *header*: tab-separated (one line per row) or as a table."""
    out = out or sys.stdout
    if tsv:
        for row in [header, *rows]:
            print("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row), file=out)
        return
    print(format_table(header, rows, right=right, wide=wide), file=out)
