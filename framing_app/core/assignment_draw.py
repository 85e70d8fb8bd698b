"""The draw of assignments: the reliability sample and the split, as pure functions.

No database here: :mod:`framing_app.services.assignments` reads what a draw
needs (the new articles in a stable order, the coders' loads, who started
what) and writes what it returns. The rules are stated in that module's
docstring; the arithmetic and the randomness are here, where they are tested
on their own.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from random import Random

from framing_app.core.errors import FramingError

DEFAULT_OVERLAP = Fraction(1, 10)
"""The share of a draw in the reliability sample when none is given."""

_NUMBER = re.compile(r"\s*(\d+(\.\d*)?|\.\d+)\s*(%?)\s*")


@dataclass(frozen=True)
class Overlap:
    """How large the reliability sample is: a share of the draw, or a number of articles.

    Exactly one of *fraction* (0 to 1) and *count* (0 or more) is set. A
    share of *n* articles is ``floor(fraction * n + 1/2)`` articles (rounded
    half up, computed exactly), and at least one when the share is above 0
    and there are articles.
    """

    fraction: Fraction | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if (self.fraction is None) == (self.count is None):
            raise ValueError("give the overlap as a fraction or as a count, not both or neither")
        if self.fraction is not None and not 0 <= self.fraction <= 1:
            raise FramingError(
                f"the overlap {_share(self.fraction)} is not a share between 0 and 1 "
                "(0.1 or 10% is a tenth of the articles; a whole number is a number of articles)"
            )
        if self.count is not None and self.count < 0:
            raise FramingError(f"the overlap cannot be negative: {self.count}")

    @classmethod
    def of(cls, value: Overlap | float | Fraction | int | str) -> Overlap:
        """*value* as an overlap: an ``int`` is a count, a ``float`` or ``Fraction`` a share,
        a string is read by :meth:`parse`."""
        if isinstance(value, Overlap):
            return value
        if isinstance(value, bool):
            raise TypeError("the overlap is a share or a number of articles, not a bool")
        if isinstance(value, int):
            return cls(count=value)
        if isinstance(value, float):
            # Through its shortest text, so 0.15 is 3/20 exactly, not the binary float.
            return cls(fraction=Fraction(repr(value)))
        if isinstance(value, Fraction):
            return cls(fraction=value)
        return cls.parse(value)

    @classmethod
    def parse(cls, text: str) -> Overlap:
        """``0.1``, ``.1`` or ``10%``: a share; ``50`` (digits only): 50 articles.

        ``1`` is one article; every article is ``1.0`` or ``100%``. ``0`` is
        no sample.
        """
        match = _NUMBER.fullmatch(text)
        if match is None:
            raise FramingError(
                f"the overlap '{text.strip()}' is not a share (0.1 or 10%) or a number of "
                "articles (50)"
            )
        number, point, percent = match.group(1), match.group(2), match.group(3)
        if percent:
            return cls(fraction=Fraction(number) / 100)
        if point is not None or number.startswith("."):
            return cls(fraction=Fraction(number))
        return cls(count=int(number))

    def target(self, articles: int) -> int:
        """The number of sample articles for a draw of *articles* articles."""
        if self.count is not None:
            return self.count
        assert self.fraction is not None
        wanted = int(self.fraction * articles + Fraction(1, 2))  # floor: both are >= 0
        if self.fraction > 0 and articles > 0:
            wanted = max(wanted, 1)
        return min(wanted, articles)

    @property
    def positive(self) -> bool:
        return bool(self.fraction) if self.fraction is not None else bool(self.count)

    def __str__(self) -> str:
        if self.count is not None:
            return f"{self.count} article{'' if self.count == 1 else 's'}"
        assert self.fraction is not None
        return _share(self.fraction)


def _share(fraction: Fraction) -> str:
    return f"{float(fraction * 100):g}%"


@dataclass(frozen=True)
class Draw:
    """What a draw gives: new sample articles, and the other new articles' coders.

    *sample* holds the new articles drawn into the sample (each goes to every
    coder); *given* (article, coder) pairs for the others, in the order they
    were dealt; *kept* the pairs among them that went to a coder because the
    coder had started the article.
    """

    target: int
    sample: tuple[int, ...]
    given: tuple[tuple[int, int], ...]
    kept: tuple[tuple[int, int], ...]


def draw(
    new: Sequence[int],
    coders: Sequence[int],
    *,
    overlap: Overlap,
    seed: int,
    pool: int,
    in_sample: int = 0,
    loads: Mapping[int, int] | None = None,
    started: Mapping[int, Collection[int]] | None = None,
) -> Draw:
    """Draw the sample from the *new* articles and deal the rest to *coders*.

    *new* must be in a stable order (the service sorts by text hash) and
    *coders* too (the service sorts them by name); *pool* is the number of
    articles of the whole draw (new ones included) and *in_sample* how many
    of them are in the coders' sample already; *loads* the coders' current
    numbers of assignments; *started* which coders have started which new
    article.

    The random number generator is ``random.Random(seed)``; it first
    shuffles *new* (:func:`shuffled`), then the coders, whose shuffled order
    breaks ties between equal loads. The sample is the first
    ``min(target - in_sample, len(new))`` articles of the shuffled order
    (none when the sample is already as large); of the rest, an article a
    listed coder has started goes to every listed coder who started it, and
    every other one, in the shuffled order, to the coder with the fewest
    assignments so far.
    """
    if seed < 0:
        raise FramingError(f"the seed cannot be negative: {seed}")
    rng = Random(seed)
    order = shuffled(new, rng)
    target = overlap.target(pool)
    size = max(0, min(target - in_sample, len(order)))
    sample, rest = order[:size], order[size:]
    load = {coder: 0 for coder in coders}
    load.update((coder, n) for coder, n in (loads or {}).items() if coder in load)
    for coder in coders:
        load[coder] += len(sample)
    starters = started or {}
    given: list[tuple[int, int]] = []
    kept: list[tuple[int, int]] = []
    dealt: list[int] = []
    for article in rest:
        had = starters.get(article, ())
        who = [coder for coder in coders if coder in had]
        if who:
            for coder in who:
                given.append((article, coder))
                kept.append((article, coder))
                load[coder] += 1
        else:
            dealt.append(article)
    rank = shuffled(coders, rng)
    heap = [(load[coder], position, coder) for position, coder in enumerate(rank)]
    heapq.heapify(heap)
    for article in dealt:
        count, position, coder = heapq.heappop(heap)
        given.append((article, coder))
        heapq.heappush(heap, (count + 1, position, coder))
    return Draw(target=target, sample=tuple(sample), given=tuple(given), kept=tuple(kept))


def shuffled(items: Sequence[int], rng: Random) -> list[int]:
    """A Fisher-Yates shuffle of *items* that calls only ``rng.random()``.

    ``Random.random()`` is the one part of the ``random`` module whose
    sequence Python promises to repeat for the same seed across versions;
    ``shuffle`` and ``randrange`` are not promised, so a draw made with them
    could come out differently after an upgrade.
    """
    order = list(items)
    for i in range(len(order) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order
