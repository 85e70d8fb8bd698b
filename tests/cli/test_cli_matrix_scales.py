"""``agreement --matrix`` with a level per item (``--level ITEM=LEVEL``) and scales (``--scale``).

A matrix file holds values only: an ordinal question's answers as text have
no order, and categories nobody chose are not in it. The options give both,
and the report must then equal what the `krippendorff` package computes
with the same order (``value_domain``), and AC1 must use q = the scale's size.
"""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from cli_harness import Cli, check_error, check_ok, check_usage_error

TONES = ("negative", "neutral", "positive", "very positive")
# Three coders' tones on six articles (the last option never used), and a
# 0/1 label in the same file.
MATRIX = (
    "unit,item,ann,ben,cat\r\n"
    "a1,tone,negative,negative,neutral\r\n"
    "a2,tone,positive,positive,positive\r\n"
    "a3,tone,neutral,positive,neutral\r\n"
    "a4,tone,negative,neutral,\r\n"
    "a5,tone,positive,positive,neutral\r\n"
    "a6,tone,neutral,neutral,neutral\r\n"
    "a1,conflict,1,1,0\r\n"
    "a2,conflict,0,0,0\r\n"
    "a3,conflict,1,1,1\r\n"
)


def _rows(result: object) -> dict[str, dict[str, object]]:
    data = json.loads(check_ok(result).stdout)  # type: ignore[arg-type]
    return {row["item"]: row for row in data["rows"]}


def _tone_ranks() -> np.ndarray:
    ranks = {name: float(i) for i, name in enumerate(TONES)}
    table = [line.split(",") for line in MATRIX.split("\r\n")[1:7]]
    return np.array([[ranks.get(cell, np.nan) for cell in row[2:]] for row in table]).T


def test_ordinal_text_on_a_scale_is_krippendorffs_ordinal_alpha(bare_cli: Cli) -> None:
    (bare_cli.root / "m.csv").write_text(MATRIX, encoding="utf-8", newline="")
    scale = "tone=" + ",".join(TONES)
    result = bare_cli(
        "agreement", "--matrix", "m.csv", "--level", "TONE=ordinal", "--scale", scale,
        "--format", "json", project=None,
    )  # fmt: skip
    rows = _rows(result)
    expected = krippendorff.alpha(
        reliability_data=_tone_ranks(), level_of_measurement="ordinal", value_domain=[0, 1, 2, 3]
    )
    assert rows["tone"]["level"] == "ordinal"
    assert rows["tone"]["krippendorff_alpha"] == pytest.approx(expected, abs=1e-9)
    # The 0/1 label stays nominal (the level named only tone).
    assert rows["conflict"]["level"] == "nominal"
    # The coincidence matrix is labelled with the scale, the unused option included.
    assert rows["tone"]["counts"]["categories"] == list(TONES)


def test_the_scale_gives_gwets_q_and_nominal_alpha_is_unchanged(bare_cli: Cli) -> None:
    (bare_cli.root / "m.csv").write_text(MATRIX, encoding="utf-8", newline="")
    plain, scaled = bare_cli.many(
        ["agreement", "--matrix", "m.csv", "--label", "tone", "--format", "json"],
        ["agreement", "--matrix", "m.csv", "--label", "tone", "--format", "json",
         "--scale", "tone=" + ",".join(TONES)],
        project=None,
    )  # fmt: skip
    before, after = _rows(plain)["tone"], _rows(scaled)["tone"]
    # Unused categories change nothing in alpha or kappa (zero marginals)...
    for name in ("krippendorff_alpha", "fleiss_kappa", "percent_agreement"):
        assert after[name] == pytest.approx(before[name], abs=1e-12), name
    # ... but AC1's chance term divides by q - 1: 3 categories seen, 4 on the scale.
    assert after["gwet_ac1"] != pytest.approx(before["gwet_ac1"], abs=1e-6)


@pytest.mark.parametrize(
    ("options", "expect"),
    [
        (["--scale", "tone=negative,neutral"], ["m.csv", "item 'tone'", "'positive'", "scale"]),
        (["--scale", "mood=a,b"], ["m.csv has no item named 'mood'", "'tone'"]),
        (["--level", "mood=ordinal"], ["m.csv has no item named 'mood'"]),
        (["--scale", "tone=a,a"], ["m.csv", "each category once"]),
        (["--level", "tone=interval", "--scale", "tone=" + ",".join(TONES)], ["m.csv", "tone"]),
    ],
    ids=["off-scale", "unknown-scale-item", "unknown-level-item", "repeated", "interval-text"],
)
def test_bad_levels_and_scales_are_one_line(
    bare_cli: Cli, options: list[str], expect: list[str]
) -> None:
    (bare_cli.root / "m.csv").write_text(MATRIX, encoding="utf-8", newline="")
    result = bare_cli("agreement", "--matrix", "m.csv", *options, project=None)
    check_error(result, expect)


@pytest.mark.parametrize(
    ("options", "expect"),
    [
        (["--level", "tone=wobbly"], "the level is one of nominal"),
        (["--level", "=ordinal"], "name the item before '='"),
        (["--scale", "tone"], "give ITEM=A,B,C"),
        (["--scale", "tone=a,,b"], "a category of the scale is empty"),
        (["--level", "ordinal", "--level", "nominal"], "one level for every item"),
    ],
)
def test_usage_errors_of_levels_and_scales(bare_cli: Cli, options: list[str], expect: str) -> None:
    (bare_cli.root / "m.csv").write_text(MATRIX, encoding="utf-8", newline="")
    result = bare_cli("agreement", "--matrix", "m.csv", *options, project=None)
    check_usage_error(result, [expect])


def test_levels_and_scales_are_for_matrices_only(bare_cli: Cli) -> None:
    for option in (["--level", "tone=ordinal"], ["--scale", "tone=a,b"]):
        result = bare_cli("agreement", "--coders", "a", "b", "--unit", "article", *option)
        check_usage_error(result, ["only with --matrix"])
    assert not Path(bare_cli.project).exists()
