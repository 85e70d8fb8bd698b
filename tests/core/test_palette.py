"""The default label colours, measured as the reader paints them.

Every colour a new project gives its labels (the three default labels and the
spare colours offered to later ones) is checked alone and overlapping, with
:func:`framing_app.core.colors.highlight_background`, the blend the reader
paints. The margins, in CIEDE2000 units (about 1 is just noticeable; Sharma,
Wu & Dalal 2005):

- a label's highlight differs from white paper by 15 and more, and its colour
  has 3:1 contrast against white (WCAG 2.2 SC 1.4.11, non-text contrast);
- two labels' highlights differ by 10 and more ("another colour");
- an overlap of two labels differs from every single label's highlight by 10
  and more, and from another overlap sharing one of its labels by 5 and more;
- black text keeps 7:1 on any highlight, overlaps of three included (WCAG AAA);
- under simulated protanopia, deuteranopia and tritanopia (Machado, Oliveira
  & Fernandes 2009, severity 1) the colours (swatches, underlines) differ by
  7 and more, and the three default labels' highlights by 10 and more.
"""

from __future__ import annotations

import itertools

import pytest

from framing_app.core.colors import (
    BLACK,
    WHITE,
    ciede2000,
    color_difference,
    contrast_ratio,
    highlight_background,
    parse_hex,
    readable_mix,
    relative_luminance,
    simulate_deficiency,
    to_hex,
)
from framing_app.core.default_codebook import DEFAULT_LABELS, SPARE_LABEL_COLORS

DEFAULTS = tuple(spec.color for spec in DEFAULT_LABELS)
PALETTE = (*DEFAULTS, *SPARE_LABEL_COLORS)
PAIRS = list(itertools.combinations(PALETTE, 2))
DEFICIENCIES = ("protan", "deutan", "tritan")


def _single(color: str) -> tuple[float, float, float]:
    return highlight_background([color])


def _pair(pair: tuple[str, str]) -> tuple[float, float, float]:
    return highlight_background(pair)


def test_the_palette_is_what_new_projects_get() -> None:
    assert len(set(PALETTE)) == len(PALETTE) == 7
    assert all(to_hex(parse_hex(color)) == color for color in PALETTE)


@pytest.mark.parametrize("color", PALETTE)
def test_every_colour_shows_on_white(color: str) -> None:
    assert contrast_ratio(parse_hex(color), WHITE) >= 3.0
    assert color_difference(_single(color), WHITE) >= 15


def test_black_text_stays_legible_on_every_highlight_and_overlap() -> None:
    for size in (1, 2, 3):
        for colors in itertools.combinations(PALETTE, size):
            assert contrast_ratio(highlight_background(colors), BLACK) >= 7.0 - 1e-9, colors


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_two_labels_highlights_differ(first: str, second: str) -> None:
    assert color_difference(_single(first), _single(second)) >= 10


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_an_overlap_differs_from_every_single_highlight(first: str, second: str) -> None:
    overlap = _pair((first, second))
    for color in PALETTE:
        assert color_difference(overlap, _single(color)) >= 10, color
    # Darker than either layer, like two strokes of highlighter ink.
    assert relative_luminance(overlap) < min(
        relative_luminance(_single(first)), relative_luminance(_single(second))
    )


def test_overlaps_sharing_a_label_differ() -> None:
    for one, other in itertools.combinations(PAIRS, 2):
        if set(one) & set(other):
            assert color_difference(_pair(one), _pair(other)) >= 5, (one, other)


@pytest.mark.parametrize("kind", DEFICIENCIES)
def test_colours_stay_apart_with_colour_vision_deficiencies(kind: str) -> None:
    for first, second in PAIRS:
        seen = [simulate_deficiency(parse_hex(c), kind) for c in (first, second)]  # type: ignore[arg-type]
        assert color_difference(*seen) >= 7, (first, second)
    for first, second in itertools.combinations(DEFAULTS, 2):
        seen = [simulate_deficiency(_single(c), kind) for c in (first, second)]  # type: ignore[arg-type]
        assert color_difference(*seen) >= 10, (first, second)


def test_the_pale_colours_of_the_old_palette_fail_these_checks() -> None:
    """Why the palette changed: yellow and sky blue barely show as highlights on white."""
    for pale in ("#F0E442", "#56B4E9", "#E69F00"):
        assert contrast_ratio(parse_hex(pale), WHITE) < 3.0


# -- the blend ----------------------------------------------------------------


def test_blend_ignores_order_and_repeats() -> None:
    a, b, c = DEFAULTS
    assert highlight_background([a, b]) == pytest.approx(highlight_background([b, a]))
    assert highlight_background([a, a]) == highlight_background([a])
    assert highlight_background([a, b, c]) == pytest.approx(highlight_background([c, a, b]))
    assert highlight_background([]) == WHITE


def test_blend_stops_at_three_layers() -> None:
    a, b, c, d = PALETTE[:4]
    assert highlight_background([a, b, c, d]) == highlight_background([a, b, c])


# -- the measures ---------------------------------------------------------------

# Sharma, Wu & Dalal (2005), "The CIEDE2000 Color-Difference Formula:
# Implementation Notes, Supplementary Test Data, and Mathematical Observations",
# Color Research & Application 30(1), 21-30, table 1: L1 a1 b1, L2 a2 b2, dE00.
SHARMA_2005 = [
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("row", SHARMA_2005)
def test_ciede2000_matches_the_published_test_data(row: tuple[float, ...]) -> None:
    first, second, expected = row[:3], row[3:6], row[6]
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)  # type: ignore[arg-type]
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)  # type: ignore[arg-type]


def test_contrast_ratio_follows_wcag() -> None:
    """WCAG 2.2, "contrast ratio": black on white is 21:1; #767676 is the palest
    grey that passes AA (4.5:1) on white, #777777 just fails (WebAIM's checker)."""
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    assert contrast_ratio(parse_hex("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(parse_hex("#777777"), WHITE) < 4.5


def test_deficiency_simulation_keeps_greys_and_merges_red_and_green() -> None:
    for kind in DEFICIENCIES:
        for grey in (WHITE, BLACK, parse_hex("#808080")):
            seen = simulate_deficiency(grey, kind)  # type: ignore[arg-type]
            assert seen == pytest.approx(grey, abs=0.01)
    red, green = parse_hex("#D00000"), parse_hex("#00A000")
    assert color_difference(red, green) > 50
    assert (
        color_difference(simulate_deficiency(red, "deutan"), simulate_deficiency(green, "deutan"))
        < color_difference(red, green) / 2
    )


def test_readable_mix_is_as_pale_as_the_contrast_allows() -> None:
    text, paper = BLACK, parse_hex("#EFEFEF")
    muted = readable_mix(text, paper, 5.5)
    assert contrast_ratio(muted, paper) == pytest.approx(5.5, abs=0.01)
    assert relative_luminance(muted) > relative_luminance(text)
    # A text colour that already has less contrast is kept as it is.
    pale = parse_hex("#AAAAAA")
    assert readable_mix(pale, paper, 5.5) == pale
