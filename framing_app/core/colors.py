"""Colours as numbers: contrast, colour difference, colour-vision deficiency, highlight blends.

Everything works on sRGB triples of floats in 0..1 (``#RRGGBB`` strings at the
edges), so that the reader paints exactly what the palette tests measure:
:func:`highlight_background` is the one blend the reader uses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

RGB = tuple[float, float, float]  # sRGB, each channel 0..1
Lab = tuple[float, float, float]  # CIELAB (D65), L* 0..100

WHITE: RGB = (1.0, 1.0, 1.0)
BLACK: RGB = (0.0, 0.0, 0.0)

# How strongly one label's colour tints the paper under its passage (0: not
# at all, 1: the full colour). Strong enough that the palest default colour
# is plainly visible on white, light enough that black text on three
# overlapping layers keeps a contrast above 7:1 (WCAG AAA).
HIGHLIGHT_STRENGTH = 0.40
# Overlapping layers multiply, like transparent highlighter ink: an overlap is
# darker than either of its layers, so it never looks like a third label.
# Past three layers the background stays as it is (the tooltip lists them all).
MAX_BLENDED_LAYERS = 3
# Black text keeps at least this contrast on any highlight (WCAG 2.2 AAA for
# body text): a blend darker than that is lightened towards the paper.
MIN_TEXT_CONTRAST = 7.0

Deficiency = Literal["protan", "deutan", "tritan"]
# Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for
# Simulation of Color Vision Deficiency", IEEE TVCG 15(6), table of matrices
# for severity 1.0 (dichromacy), applied to linear RGB.
_CVD: dict[str, tuple[RGB, RGB, RGB]] = {
    "protan": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deutan": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritan": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def parse_hex(color: str) -> RGB:
    """``#RRGGBB`` (or ``RRGGBB``) as an sRGB triple; ValueError for anything else."""
    digits = color.removeprefix("#")
    if len(digits) != 6:
        raise ValueError(f"not a #RRGGBB colour: {color!r}")
    value = int(digits, 16)
    return ((value >> 16) / 255, ((value >> 8) & 0xFF) / 255, (value & 0xFF) / 255)


def to_hex(rgb: RGB) -> str:
    """The ``#RRGGBB`` string nearest to *rgb* (channels clamped to 0..1)."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02X}" for c in rgb)


def _linear(channel: float) -> float:
    """sRGB channel to linear light (IEC 61966-2-1)."""
    if channel <= 0.04045:
        return channel / 12.92
    return float(((channel + 0.055) / 1.055) ** 2.4)


def _encoded(channel: float) -> float:
    """Linear light to sRGB channel (IEC 61966-2-1), clamped to 0..1."""
    channel = min(1.0, max(0.0, channel))
    if channel <= 0.0031308:
        return channel * 12.92
    return float(1.055 * channel ** (1 / 2.4) - 0.055)


def relative_luminance(rgb: RGB) -> float:
    """Relative luminance as WCAG 2.2 defines it (0 for black, 1 for white)."""
    red, green, blue = (_linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: RGB, second: RGB) -> float:
    """WCAG 2.2 contrast ratio, 1 to 21; AA asks 4.5 for text, 3 for graphics."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mix(first: RGB, second: RGB, amount: float) -> RGB:
    """*first* moved *amount* (0..1) of the way to *second*, channel by channel."""
    return (
        first[0] + (second[0] - first[0]) * amount,
        first[1] + (second[1] - first[1]) * amount,
        first[2] + (second[2] - first[2]) * amount,
    )


def readable_mix(text: RGB, background: RGB, least: float) -> RGB:
    """The colour nearest *background* on the way from *text* that still has a
    contrast of at least *least* against *background* (for secondary text).

    *text* itself when even it has less contrast than that.
    """
    if contrast_ratio(text, background) <= least:
        return text
    low, high = 0.0, 1.0  # fractions of the way to the background
    for _ in range(30):
        middle = (low + high) / 2
        if contrast_ratio(mix(text, background, middle), background) >= least:
            low = middle
        else:
            high = middle
    return mix(text, background, low)


def tint(color: RGB, strength: float = HIGHLIGHT_STRENGTH) -> RGB:
    """*color* laid over white paper at *strength* (0..1)."""
    return mix(WHITE, color, strength)


def highlight_background(colors: Sequence[str]) -> RGB:
    """The background the reader paints under text covered by labels of *colors*.

    Each distinct colour is a tint (:data:`HIGHLIGHT_STRENGTH`); overlapping
    tints multiply, as transparent inks do, up to :data:`MAX_BLENDED_LAYERS`
    of them (the first ones given). An empty sequence is white paper.
    """
    red, green, blue = WHITE
    for color in list(dict.fromkeys(colors))[:MAX_BLENDED_LAYERS]:
        layer = tint(parse_hex(color), HIGHLIGHT_STRENGTH)
        red, green, blue = red * layer[0], green * layer[1], blue * layer[2]
    blend = (red, green, blue)
    if contrast_ratio(blend, BLACK) >= MIN_TEXT_CONTRAST:
        return blend
    # Too dark for the text on it: lighten towards the paper, keeping the hue.
    low, high = 0.0, 1.0
    for _ in range(30):
        middle = (low + high) / 2
        if contrast_ratio(mix(blend, WHITE, middle), BLACK) >= MIN_TEXT_CONTRAST:
            high = middle
        else:
            low = middle
    return mix(blend, WHITE, high)


def simulate_deficiency(rgb: RGB, kind: Deficiency) -> RGB:
    """*rgb* as a dichromat of *kind* sees it (Machado et al. 2009, severity 1)."""
    matrix = _CVD[kind]
    linear = [_linear(c) for c in rgb]
    red, green, blue = (_encoded(sum(row[i] * linear[i] for i in range(3))) for row in matrix)
    return red, green, blue


def to_lab(rgb: RGB) -> Lab:
    """CIELAB of an sRGB colour (D65 white, 2° observer)."""
    red, green, blue = (_linear(c) for c in rgb)
    x = (0.4124564 * red + 0.3575761 * green + 0.1804375 * blue) / 0.95047
    y = 0.2126729 * red + 0.7151522 * green + 0.0721750 * blue
    z = (0.0193339 * red + 0.1191920 * green + 0.9503041 * blue) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(first: Lab, second: Lab) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1).

    Follows Sharma, Wu & Dalal (2005), "The CIEDE2000 Color-Difference
    Formula: Implementation Notes, Supplementary Test Data, and Mathematical
    Observations", Color Research & Application 30(1), eqs. 1-22. About 1 is
    a just noticeable difference; 10 and more reads as another colour.
    """
    l1, a1, b1 = first
    l2, a2, b2 = second
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    delta_l = l2 - l1
    delta_c = c2p - c1p
    if c1p * c2p == 0:
        delta_h_angle = 0.0
    elif abs(h2p - h1p) <= 180:
        delta_h_angle = h2p - h1p
    elif h2p - h1p > 180:
        delta_h_angle = h2p - h1p - 360
    else:
        delta_h_angle = h2p - h1p + 360
    delta_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(delta_h_angle) / 2)

    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_mean = (h1p + h2p + 360) / 2
    else:
        h_mean = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    delta_theta = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * delta_theta)) * r_c
    return math.sqrt(
        (delta_l / s_l) ** 2
        + (delta_c / s_c) ** 2
        + (delta_h / s_h) ** 2
        + r_t * (delta_c / s_c) * (delta_h / s_h)
    )


def color_difference(first: RGB, second: RGB) -> float:
    """CIEDE2000 between two sRGB colours."""
    return ciede2000(to_lab(first), to_lab(second))
