"""Coders' spans on continua: the input of the span-level statistics, checked once.

A *continuum* is one article's text, positions 0 .. L_a (code points, end
exclusive, as everywhere in framing-app). Each coder marks spans [start, end)
of categories (labels) in it. :class:`CodedSpans` holds every span of every
coder as parallel arrays; :func:`coded_spans` builds one and refuses
malformed input (a span outside its continuum, start >= end, an index out of
range) with :class:`~framing_app.core.agreement.results.ReliabilityDataError`.

Both :mod:`~framing_app.core.agreement.unitizing` and
:mod:`~framing_app.core.agreement.span_match` lay the continua end to end on
one line per category (a *coordinate*), so that numpy can sort and search
every article at once; spans never cross an article's end, so no span of one
article can overlap or contain a span of another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from framing_app.core.agreement.reliability_data import BoolArray, IntArray
from framing_app.core.agreement.results import ReliabilityDataError

_LIMIT = 2**62
"""Coordinates stay below this, so that sums and differences of two never overflow int64."""


@dataclass(frozen=True, eq=False)
class CodedSpans:
    """Every span of ``n_coders`` coders, ``n_categories`` categories, ``lengths.size`` continua.

    Span k is ``[start[k], end[k])`` in continuum ``continuum[k]`` (whose
    length is ``lengths[continuum[k]]``), marked by coder ``coder[k]`` with
    category ``category[k]``; all are int64 arrays of one length. Spans of
    one coder may repeat, overlap or touch; each statistic says what it makes
    of that.
    """

    lengths: IntArray
    n_coders: int
    n_categories: int
    continuum: IntArray
    coder: IntArray
    category: IntArray
    start: IntArray
    end: IntArray

    @property
    def total_length(self) -> int:
        """L = the sum of the continua's lengths."""
        return int(self.lengths.sum())

    @property
    def offsets(self) -> IntArray:
        """Where each continuum begins when they are laid end to end."""
        out = np.zeros(self.lengths.size, dtype=np.int64)
        np.cumsum(self.lengths[:-1], out=out[1:])
        return out

    def coordinates(self, block: IntArray) -> tuple[IntArray, IntArray]:
        """Start and end of every span on a line where block b occupies [b W, (b + 1) W).

        W is :attr:`total_length`; *block* (one per span) separates what must
        never overlap, e.g. categories. Within a block, continuum a occupies
        [offset_a, offset_a + L_a), so two spans overlap on the line exactly
        when they share a block, a continuum and a character.
        """
        width = self.total_length
        shift = block * width + self.offsets[self.continuum]
        return shift + self.start, shift + self.end


def coded_spans(
    lengths: npt.ArrayLike,
    n_coders: int,
    n_categories: int,
    continuum: npt.ArrayLike,
    coder: npt.ArrayLike,
    category: npt.ArrayLike,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
) -> CodedSpans:
    """Check and hold spans (see :class:`CodedSpans`); raises ``ReliabilityDataError``.

    Refused: a negative length; arrays of different lengths or not of whole
    numbers; a continuum, coder or category index out of range; a span with
    start < 0, start >= end or end past its continuum's length; continua so
    long that their coordinates would not fit in 64 bits.
    """
    if n_coders < 0 or n_categories < 0:
        raise ReliabilityDataError("the numbers of coders and categories cannot be negative")
    sizes = _ints(lengths, "lengths")
    if sizes.size and int(sizes.min()) < 0:
        raise ReliabilityDataError("a continuum cannot have a negative length")
    columns = [
        _ints(values, name)
        for values, name in (
            (continuum, "continuum"),
            (coder, "coder"),
            (category, "category"),
            (start, "start"),
            (end, "end"),
        )
    ]
    if len({column.size for column in columns}) > 1:
        raise ReliabilityDataError("continuum, coder, category, start and end differ in length")
    where, who, what, first, last = columns
    for values, limit, name in (
        (where, sizes.size, "continuum"),
        (who, n_coders, "coder"),
        (what, n_categories, "category"),
    ):
        if values.size and (int(values.min()) < 0 or int(values.max()) >= limit):
            raise ReliabilityDataError(f"a span's {name} index is out of range (0 .. {limit - 1})")
    bad: BoolArray = (first < 0) | (first >= last)
    if where.size:
        bad |= last > sizes[where]
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ReliabilityDataError(
            f"span [{int(first[k])}, {int(last[k])}) of continuum {int(where[k])} is empty, "
            "reversed or outside the continuum"
        )
    blocks = max(n_categories, 1) * max(n_coders, 1) + 1
    if blocks * (int(sizes.sum()) + 1) >= _LIMIT:
        raise ReliabilityDataError("the continua are too long to be laid on one 64-bit line")
    return CodedSpans(sizes, n_coders, n_categories, where, who, what, first, last)


def _ints(values: npt.ArrayLike, name: str) -> IntArray:
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ReliabilityDataError(f"{name} must be a one-dimensional array of whole numbers")
    return array.astype(np.int64, copy=False)


def merge_overlapping(
    starts: IntArray, ends: IntArray, *, join_touching: bool = False
) -> tuple[IntArray, IntArray, IntArray]:
    """The union of intervals [starts, ends), as sorted disjoint intervals.

    Intervals that share a point are merged; touching ones (one ends where
    the next begins) are merged only with *join_touching*. Returns the merged
    starts and ends, and for each input interval the index of the merged
    interval it went into.
    """
    n = starts.size
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    order = np.lexsort((ends, starts))
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(n, dtype=bool)
    new[0] = True
    if join_touching:
        new[1:] = s[1:] > reach[:-1]
    else:
        new[1:] = s[1:] >= reach[:-1]
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:] - 1, n - 1)
    which = np.empty(n, dtype=np.int64)
    which[order] = np.cumsum(new) - 1
    return s[firsts], reach[lasts], which
