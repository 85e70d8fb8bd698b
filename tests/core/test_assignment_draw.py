"""The draw of assignments: the overlap's size and rounding, the shuffle, the balanced split."""

from __future__ import annotations

from fractions import Fraction
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framing_app.core.assignment_draw import DEFAULT_OVERLAP, Overlap, draw, shuffled
from framing_app.core.errors import FramingError


@pytest.mark.parametrize(
    ("text", "fraction", "count"),
    [
        ("0.1", Fraction(1, 10), None),
        (".1", Fraction(1, 10), None),
        ("10%", Fraction(1, 10), None),
        ("12.5%", Fraction(1, 8), None),
        (" 0.25 ", Fraction(1, 4), None),
        ("1.0", Fraction(1), None),
        ("1.", Fraction(1), None),
        ("100%", Fraction(1), None),
        ("0.0", Fraction(0), None),
        ("50", None, 50),
        ("1", None, 1),  # one article, not every article
        ("0", None, 0),
    ],
)
def test_overlap_is_read_as_a_share_or_a_count(
    text: str, fraction: Fraction | None, count: int | None
) -> None:
    overlap = Overlap.parse(text)
    assert (overlap.fraction, overlap.count) == (fraction, count)


@pytest.mark.parametrize("text", ["1.5", "150%", "-0.1", "-3", "ten", "", "0.1.2", "1e-1", "%"])
def test_overlap_out_of_range_or_unreadable_is_refused(text: str) -> None:
    with pytest.raises(FramingError, match="overlap"):
        Overlap.parse(text)


def test_overlap_from_python_values() -> None:
    # A float through its shortest text: 0.15 is 3/20 exactly.
    assert Overlap.of(0.15).fraction == Fraction(3, 20)
    assert Overlap.of(7).count == 7
    assert Overlap.of(Fraction(1, 3)).fraction == Fraction(1, 3)
    assert Overlap.of("20%").fraction == Fraction(1, 5)
    assert Overlap.of(DEFAULT_OVERLAP).fraction == Fraction(1, 10)
    with pytest.raises(TypeError):
        Overlap.of(True)
    with pytest.raises(FramingError):
        Overlap.of(-1)
    with pytest.raises(FramingError):
        Overlap.of(1.01)


@pytest.mark.parametrize(
    ("share", "articles", "expected"),
    [
        ("0.1", 100, 10),
        ("0.15", 10, 2),  # 1.5 rounds half up (exactly: 0.15 * 10 is 1.4999... in floats)
        ("0.15", 30, 5),  # 4.5 -> 5
        ("0.25", 2, 1),  # 0.5 -> 1
        ("0.1", 4, 1),  # 0.4 rounds to 0, but a share above 0 gives at least one article
        ("0.1", 14, 1),  # 1.4 -> 1
        ("0.1", 15, 2),  # 1.5 -> 2
        ("0.1", 0, 0),  # no articles, no sample
        ("0", 100, 0),
        ("1.0", 37, 37),
        ("50", 80, 50),
        ("0", 80, 0),
    ],
)
def test_target_rounds_half_up_and_at_least_one(share: str, articles: int, expected: int) -> None:
    assert Overlap.parse(share).target(articles) == expected


def test_shuffle_is_pinned() -> None:
    """The draw's reproducibility promise: these orders must never change.

    They come from ``random.Random(seed).random()`` only, the sequence Python
    keeps across versions; a change here means old draws cannot be repeated.
    """
    assert shuffled(list(range(10)), Random(0)) == [9, 4, 0, 5, 2, 7, 1, 3, 6, 8]
    assert shuffled(list(range(10)), Random(1)) == [8, 0, 3, 4, 5, 2, 9, 6, 7, 1]
    result = draw(list(range(20)), [1, 2, 3], overlap=Overlap.parse("0.2"), seed=7, pool=20)
    assert result.sample == (12, 10, 7, 18)
    # The rest in shuffled order, each to the least loaded coder (ties: seeded coder order).
    assert result.given == (
        (16, 1), (15, 3), (14, 2), (3, 1), (9, 3), (17, 2), (4, 1), (13, 3),
        (19, 2), (0, 1), (5, 3), (8, 2), (1, 1), (11, 3), (2, 2), (6, 1),
    )  # fmt: skip


def test_same_seed_same_draw_other_seed_other_draw() -> None:
    articles = list(range(100, 400))
    first = draw(articles, [1, 2, 3], overlap=Overlap.parse("0.1"), seed=11, pool=300)
    again = draw(articles, [1, 2, 3], overlap=Overlap.parse("0.1"), seed=11, pool=300)
    other = draw(articles, [1, 2, 3], overlap=Overlap.parse("0.1"), seed=12, pool=300)
    assert first == again
    assert first.sample != other.sample
    assert len(first.sample) == first.target == 30


@given(
    n=st.integers(0, 120),
    coders=st.integers(1, 6),
    share=st.fractions(0, 1),
    seed=st.integers(0, 2**32),
)
def test_a_first_draw_partitions_and_balances(
    n: int, coders: int, share: Fraction, seed: int
) -> None:
    articles = list(range(1000, 1000 + n))
    ids = list(range(1, coders + 1))
    result = draw(articles, ids, overlap=Overlap(fraction=share), seed=seed, pool=n)
    dealt = [a for a, _ in result.given]
    # Every article once: in the sample, or dealt to one coder.
    assert sorted([*result.sample, *dealt]) == articles
    assert len(result.sample) == Overlap(fraction=share).target(n)
    counts = [sum(1 for _, c in result.given if c == coder) for coder in ids]
    assert max(counts) - min(counts) <= 1
    assert result.kept == ()


def test_loads_are_evened_out() -> None:
    """A coder with more work already gets fewer new articles."""
    result = draw(
        list(range(30)),
        [1, 2, 3],
        overlap=Overlap(count=0),
        seed=5,
        pool=30,
        loads={1: 20, 2: 0, 3: 10},
    )
    counts = {c: sum(1 for _, who in result.given if who == c) for c in (1, 2, 3)}
    # 60 in all: 20 each; coder 1 already has 20.
    assert counts == {1: 0, 2: 20, 3: 10}


def test_started_articles_stay_with_who_started_them() -> None:
    started = {3: [2], 4: [1, 3], 5: [9]}  # 9 is not a listed coder
    result = draw(
        list(range(10)),
        [1, 2, 3],
        overlap=Overlap(count=0),
        seed=1,
        pool=10,
        started=started,
    )
    owners: dict[int, set[int]] = {}
    for article, coder in result.given:
        owners.setdefault(article, set()).add(coder)
    assert owners[3] == {2}
    assert owners[4] == {1, 3}
    assert len(owners[5]) == 1
    assert sorted(result.kept) == [(3, 2), (4, 1), (4, 3)]
    # Started articles in the sample go to everyone: nothing is taken from anyone.
    in_sample = draw(
        list(range(10)),
        [1, 2, 3],
        overlap=Overlap(count=10),
        seed=1,
        pool=10,
        started=started,
    )
    assert sorted(in_sample.sample) == list(range(10))
    assert in_sample.given == ()


def test_the_sample_grows_only_to_its_target() -> None:
    # 100 in the draw, 12 in the sample already, 10% asked: nothing more.
    result = draw(
        list(range(40)), [1, 2], overlap=Overlap.parse("0.1"), seed=2, pool=100, in_sample=12
    )
    assert result.sample == ()
    # 150 in the draw, 10 in the sample: 5 more, from the new articles.
    result = draw(
        list(range(50)), [1, 2], overlap=Overlap.parse("0.1"), seed=2, pool=150, in_sample=10
    )
    assert len(result.sample) == 5
    # Fewer new articles than the sample lacks: all of them, the rest stays short.
    result = draw(list(range(3)), [1, 2], overlap=Overlap(count=10), seed=2, pool=10, in_sample=0)
    assert sorted(result.sample) == [0, 1, 2]


def test_negative_seed_is_refused() -> None:
    with pytest.raises(FramingError, match="seed"):
        draw([1], [1, 2], overlap=Overlap(count=0), seed=-1, pool=1)
