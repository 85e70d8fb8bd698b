"""What importing an annotation file would do to the project's rows: the plan, before any write.

Both kinds of import are planned here, from the rows the project holds and
the rows the file brings (coders and labels already turned into ids, a new
name into a stand-in id), so that a preview and the import itself compute
exactly the same report:

* adding (the default): a file row the coder already has (same article,
  label and span) is a duplicate; every other row is added. A row that puts
  another label on a span the coder has already tagged, where the file does
  not keep the old label, is an *overlap*: most often a corrected file whose
  relabelling would sit beside the old annotation (``--replace`` is meant).
* replacing: for every coder in the file, the coder's annotations on the
  articles the file covers become exactly the file's rows. The smallest
  change that gets there is planned: a row equal in article, coder, label
  and span keeps its annotation (id included; an edited memo makes it
  *changed*); a row on a span the coder tagged with another label updates
  that annotation in place (*changed*, same id); the coder's remaining
  annotations there are *removed*, and the remaining rows *added*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import NamedTuple

__all__ = ["Incoming", "MergePlan", "Stored", "plan_merge"]


class Stored(NamedTuple):
    """An annotation the project holds."""

    id: int
    article_id: int
    coder_id: int
    label_id: int
    start: int
    end: int
    memo: str


class Incoming(NamedTuple):
    """A row of the file, *row* its number in the file, names resolved to ids.

    Tuples, not dataclasses: an import plans hundreds of thousands of them.
    """

    row: int
    article_id: int
    coder_id: int
    label_id: int
    start: int
    end: int
    memo: str
    created_at: datetime
    updated_at: datetime


@dataclass
class MergePlan:
    """The writes an import makes; nothing in it has been written."""

    inserts: list[Incoming] = field(default_factory=list)
    updates: list[tuple[Stored, Incoming]] = field(default_factory=list)
    deletes: list[Stored] = field(default_factory=list)
    # Rows the project holds already, unchanged (replacing), or skipped (adding).
    unchanged: list[Incoming] = field(default_factory=list)
    # A row repeating an earlier row of the file (same article, coder, label, span).
    repeated: list[Incoming] = field(default_factory=list)
    # Adding only: a new row beside the coder's other label on the same span.
    overlaps: list[tuple[Incoming, Stored]] = field(default_factory=list)


def plan_merge(stored: Iterable[Stored], incoming: list[Incoming], *, replace: bool) -> MergePlan:
    """The plan that merges *incoming* into the project holding *stored*.

    *stored* may hold more than the file's coders and articles: replacing
    touches only the (coder, article) pairs of coders in the file and
    articles the file covers (any row names them), adding only compares.
    """
    if not replace:
        return _plan_adding(stored, incoming)
    plan = MergePlan()
    coders = {row.coder_id for row in incoming}
    articles = {row.article_id for row in incoming}
    held: dict[tuple[int, int], list[Stored]] = defaultdict(list)
    for annotation in stored:
        if annotation.coder_id in coders and annotation.article_id in articles:
            held[(annotation.coder_id, annotation.article_id)].append(annotation)
    rows: dict[tuple[int, int], list[Incoming]] = defaultdict(list)
    seen: set[tuple[int, int, int, int, int]] = set()
    for row in incoming:
        key = (row.article_id, row.coder_id, row.label_id, row.start, row.end)
        if key in seen:
            plan.repeated.append(row)
            continue
        seen.add(key)
        rows[(row.coder_id, row.article_id)].append(row)
    for pair in sorted(set(rows) | set(held)):
        _replace(plan, held.get(pair, []), rows.get(pair, []))
    # New annotations get their ids in the file's order, as an export lists them.
    plan.inserts.sort(key=lambda row: row.row)
    return plan


def _plan_adding(stored: Iterable[Stored], incoming: list[Incoming]) -> MergePlan:
    """The plan of an import that only adds, in one pass over the file in its order.

    The hot path of every merge (hundreds of thousands of rows): no grouping
    or sorting, rows are classified where they stand, so inserts keep the
    file's order as they come.
    """
    plan = MergePlan()
    key_of = _ROW_KEY
    in_file: set[tuple[int, int, int, int, int]] = set()
    fresh: list[tuple[tuple[int, int, int, int, int], Incoming]] = []
    for row in incoming:
        key = key_of(row)
        if key in in_file:
            plan.repeated.append(row)
        else:
            in_file.add(key)
            fresh.append((key, row))
    coders = {row.coder_id for _, row in fresh}
    have: set[tuple[int, int, int, int, int]] = set()
    by_span: dict[tuple[int, int, int, int], list[Stored]] = defaultdict(list)
    for a in stored:
        if a.coder_id in coders:
            have.add((a.article_id, a.coder_id, a.label_id, a.start, a.end))
            by_span[(a.article_id, a.coder_id, a.start, a.end)].append(a)
    inserts, unchanged = plan.inserts, plan.unchanged
    for key, row in fresh:
        if key in have:
            unchanged.append(row)
            continue
        inserts.append(row)
        if not by_span:
            continue
        for annotation in by_span.get((row.article_id, row.coder_id, row.start, row.end), ()):
            kept = (
                annotation.article_id,
                annotation.coder_id,
                annotation.label_id,
                annotation.start,
                annotation.end,
            ) in in_file
            if not kept:
                plan.overlaps.append((row, annotation))
                break
    return plan


_ROW_KEY = itemgetter(1, 2, 3, 4, 5)  # article, coder, label, start, end of an Incoming


def _replace(plan: MergePlan, held: list[Stored], rows: list[Incoming]) -> None:
    # Exact matches first, so that a span tagged with two labels, one of them
    # relabelled, keeps the id of the annotation whose label did not change.
    left = sorted(held, key=lambda a: a.id)
    by_key = {(a.label_id, a.start, a.end): a for a in left}
    unmatched: list[Incoming] = []
    for row in rows:
        match = by_key.pop((row.label_id, row.start, row.end), None)
        if match is None:
            unmatched.append(row)
            continue
        left.remove(match)
        if match.memo == row.memo:
            plan.unchanged.append(row)
        else:
            plan.updates.append((match, row))
    for row in unmatched:
        match = next((a for a in left if (a.start, a.end) == (row.start, row.end)), None)
        if match is None:
            plan.inserts.append(row)
        else:
            left.remove(match)
            plan.updates.append((match, row))
    plan.deletes.extend(left)
