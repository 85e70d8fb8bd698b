"""The agreement report: issue 8's JSON contract, its values, the CSV and the terminal table.

Project mode is tested on hand-made ``ReliabilityItems`` (what
``reliability_units.build_items`` returns), so that the report is checked
apart from how annotations become units. Every statistic is compared with
``framing_app.core.agreement`` called directly on the same data, and matrix
mode with the independent ``krippendorff`` package (Castro 2017,
https://github.com/pln-fing-udelar/fast-krippendorff) on the same matrix.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import krippendorff
import numpy as np
import numpy.typing as npt
import pytest

from framing_app.core.agreement import Level, reliability_data, summarise
from framing_app.core.errors import InputFileError, NotFoundError
from framing_app.formats.reliability_matrix import MatrixItem, write_matrix
from framing_app.services.agreement_matrix import matrix_report
from framing_app.services.agreement_report import (
    MATRIX_KIND,
    STATISTICS,
    AgreementReport,
    alpha_verdict,
    report_from_items,
    to_json,
)
from framing_app.services.agreement_table import CSV_COLUMNS, report_table, write_report_csv
from framing_app.services.reliability_units import (
    OVERALL,
    ExcludedArticle,
    OverlapRule,
    ReliabilityItem,
    ReliabilityItems,
    Unit,
)

N = math.nan
CONTRACT_ROW_KEYS = {
    "item",
    "kind",
    "level",
    "units",
    "percent_agreement",
    "cohen_kappa",
    "cohen_kappa_se",
    "scotts_pi",
    "fleiss_kappa",
    "krippendorff_alpha",
    "alpha_ci",
    "gwet_ac1",
    "alpha_u",
    "counts",
    "undefined",
}
# Beyond the contract: Byrt et al.'s indices and the kappa-paradox warning the
# issue asks for next to kappa, and the bootstrap's settings and q.
EXTRA_ROW_KEYS = {"pabak", "prevalence_index", "bias_index", "warning", "bootstrap"}
NULLABLE = set(STATISTICS)

SOVEREIGNTY = [[1, 1], [1, 0], [0, 0], [0, 0], [1, 1], [N, 1], [0, 0], [0, 1], [1, 1], [0, 0]]
NEVER_USED = [[0, 0]] * 10


def label(name: str, values: npt.ArrayLike, kind: str = "label") -> ReliabilityItem:
    array = np.asarray(values, dtype=np.float64)
    return ReliabilityItem(
        name=name,
        kind=kind,
        level=Level.NOMINAL,
        unit_ids=tuple(f"art{i}" for i in range(len(array))),
        values=array,
        categories=(0.0, 1.0),
    )


def project_items(coders: Sequence[str], labels: dict[str, npt.ArrayLike]) -> ReliabilityItems:
    items = [label(name, values) for name, values in labels.items()]
    pooled = np.vstack([item.values for item in items])
    items.append(label(OVERALL, pooled, kind="overall"))
    return ReliabilityItems(
        coders=tuple(coders),
        unit=Unit.ARTICLE,
        overlap=OverlapRule.ANY,
        articles=10,
        excluded=(ExcludedArticle("art99", "Late piece", "bob has not marked it done"),),
        items=tuple(items),
    )


TWO = project_items(["alice", "bob"], {"sovereignty": SOVEREIGNTY, "rights": NEVER_USED})
THREE = project_items(
    ["alice", "bob", "carol"],
    {
        "sovereignty": [[1, 1, 1], [1, 0, 1], [0, 0, 0], [0, N, 0], [1, 1, 0], [0, 0, 0]],
        # Every unit lacks one coder: Fleiss' kappa (complete units only) is undefined.
        "rights": [[1, 1, N], [0, N, 0], [N, 1, 1], [0, 0, N]],
    },
)


def rows_by_item(json_report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["item"]: row for row in json_report["rows"]}


def check_contract(data: dict[str, Any]) -> None:
    """Keys and types of issue 8's JSON contract, on any report."""
    assert json.loads(json.dumps(data, allow_nan=False)) == data  # no NaN, plain JSON
    assert isinstance(data["coders"], list)
    assert all(isinstance(c, str) for c in data["coders"])
    assert data["unit"] is None or isinstance(data["unit"], str)
    assert data["articles"] is None or isinstance(data["articles"], int)
    for row in data["rows"]:
        assert set(row) - {"bootstrap"} == CONTRACT_ROW_KEYS | (EXTRA_ROW_KEYS - {"bootstrap"})
        assert isinstance(row["item"], str)
        assert row["kind"] in ("label", "question", "overall", MATRIX_KIND)
        assert row["level"] in ("nominal", "ordinal", "interval", "ratio")
        assert isinstance(row["units"], int)
        for name in NULLABLE - {"alpha_ci"}:
            assert row[name] is None or isinstance(row[name], float), name
        ci = row["alpha_ci"]
        assert ci is None or (len(ci) == 2 and all(isinstance(v, float) for v in ci))
        if row["percent_agreement"] is not None:
            assert 0.0 <= row["percent_agreement"] <= 1.0
        # A statistic is null exactly when the row says why.
        nulls = {name for name in NULLABLE if row[name] is None}
        assert set(row["undefined"]) == nulls
        assert all(isinstance(r, str) and r for r in row["undefined"].values())
        assert row["warning"] is None or isinstance(row["warning"], str)


def test_project_report_keeps_the_json_contract() -> None:
    data = to_json(report_from_items(TWO, bootstrap=200, seed=3))
    check_contract(data)
    assert set(data) == {
        "coders",
        "unit",
        "articles",
        "overlap",
        "article_set",
        "sample_articles",
        "excluded_articles",
        "rows",
    }
    assert data["coders"] == ["alice", "bob"]
    assert data["unit"] == "article"
    assert data["articles"] == 10
    assert data["overlap"] == "any"
    # Items built without a sample look: every article done by all (ReliabilityItems' default).
    assert (data["article_set"], data["sample_articles"]) == ("done", None)
    assert data["excluded_articles"] == [
        {"external_id": "art99", "title": "Late piece", "reason": "bob has not marked it done"}
    ]
    assert [(r["item"], r["kind"]) for r in data["rows"]] == [
        ("sovereignty", "label"),
        ("rights", "label"),
        (OVERALL, "overall"),
    ]
    check_contract(to_json(report_from_items(THREE, bootstrap=0)))


@pytest.mark.parametrize("items", [TWO, THREE], ids=["two coders", "three coders"])
def test_every_value_is_what_the_core_computes(items: ReliabilityItems) -> None:
    rows = rows_by_item(to_json(report_from_items(items, bootstrap=300, seed=11)))
    for item in items.items:
        data = reliability_data(item.values, categories=item.categories)
        core = summarise(data, item.level, positive=1.0, bootstrap=300, rng=11)
        row = rows[item.name]
        assert row["units"] == len(item.values)
        # The report tallies identical units before summing: the same numbers
        # up to the order of the additions.
        for name, value in (
            ("percent_agreement", core.percent_agreement.value),
            ("cohen_kappa", core.cohen_kappa.value),
            ("cohen_kappa_se", core.cohen_kappa.se),
            ("scotts_pi", core.scott_pi.value),
            ("fleiss_kappa", core.fleiss_kappa.value),
            ("krippendorff_alpha", core.alpha.value),
            ("gwet_ac1", core.gwet_ac1.value),
            ("pabak", core.prevalence.value),
        ):
            assert (row[name] is None) == (value is None), name
            if value is not None:
                assert row[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name
        assert core.bootstrap is not None
        if core.bootstrap.ci is None:
            assert row["alpha_ci"] is None
        else:
            assert row["alpha_ci"] == pytest.approx(list(core.bootstrap.ci), abs=1e-9)
        for name, reason in core.undefined().items():
            assert row["undefined"][name] == reason
        assert row["warning"] == core.warning


def test_undefined_statistics_are_null_with_the_core_reason() -> None:
    rows = rows_by_item(to_json(report_from_items(TWO, bootstrap=100)))
    never = rows["rights"]
    # One category only: alpha, kappa and pi are 0/0; AC1 (q = 2) and agreement are defined.
    for name in ("krippendorff_alpha", "cohen_kappa", "cohen_kappa_se", "scotts_pi"):
        assert never[name] is None
        assert "one category only" in never["undefined"][name], name
    assert never["percent_agreement"] == 1.0
    assert never["gwet_ac1"] == 1.0
    assert never["alpha_ci"] is None
    assert never["undefined"]["alpha_ci"] == never["undefined"]["krippendorff_alpha"]
    assert never["alpha_u"] is None
    assert "span unit only, not at the article unit" in never["undefined"]["alpha_u"]

    three = rows_by_item(to_json(report_from_items(THREE, bootstrap=0)))
    for row in three.values():
        for name in ("cohen_kappa", "scotts_pi", "pabak"):
            assert row[name] is None
            assert "exactly two coders; the data have 3" in row["undefined"][name]
    assert three["rights"]["fleiss_kappa"] is None
    assert "no unit was coded by all 3 coders" in three["rights"]["undefined"]["fleiss_kappa"]
    assert three["rights"]["krippendorff_alpha"] is not None  # alpha takes missing values
    assert "0 resamples" in three["rights"]["undefined"]["alpha_ci"]


def test_counts_two_coders_binary_and_coincidences_otherwise() -> None:
    two = rows_by_item(to_json(report_from_items(TWO, bootstrap=0)))
    # SOVEREIGNTY by hand: both 1 in units 0, 4, 8; alice only in 1; bob only in 7;
    # neither in 2, 3, 6, 9; unit 5 lacks alice.
    assert two["sovereignty"]["counts"] == {
        "coders": ["alice", "bob"],
        "both": 3,
        "only_first": 1,
        "only_second": 1,
        "neither": 4,
        "incomplete_units": 1,
    }
    assert two["rights"]["counts"]["neither"] == 10
    assert two[OVERALL]["counts"]["neither"] == 14

    three = rows_by_item(to_json(report_from_items(THREE, bootstrap=0)))
    counts = three["sovereignty"]["counts"]
    assert counts["categories"] == [0, 1]
    item = THREE.items[0]
    expected = reliability_data(item.values, categories=item.categories).coincidences.matrix
    assert np.allclose(np.asarray(counts["coincidences"], dtype=float), expected, atol=1e-12)


def test_bootstrap_is_reproducible_and_reported() -> None:
    first = rows_by_item(to_json(report_from_items(TWO, bootstrap=500, seed=42)))
    again = rows_by_item(to_json(report_from_items(TWO, bootstrap=500, seed=42)))
    other = rows_by_item(to_json(report_from_items(TWO, bootstrap=500, seed=43)))
    row = first["sovereignty"]
    assert row == again["sovereignty"]
    assert row["alpha_ci"] != other["sovereignty"]["alpha_ci"]
    boot = row["bootstrap"]
    assert boot["resamples"] == 500
    assert boot["seed"] == 42
    assert 0 < boot["kept"] <= 500
    assert set(boot["q"]) == {"0.667", "0.8"}
    assert all(0.0 <= share <= 1.0 for share in boot["q"].values())
    # A row's interval does not depend on the other rows in the report.
    alone = project_items(["alice", "bob"], {"sovereignty": SOVEREIGNTY})
    assert (
        rows_by_item(to_json(report_from_items(alone, bootstrap=500, seed=42)))["sovereignty"][
            "alpha_ci"
        ]
        == row["alpha_ci"]
    )
    assert "bootstrap" not in rows_by_item(to_json(report_from_items(TWO, bootstrap=0)))["rights"]


def test_negative_bootstrap_or_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        report_from_items(TWO, bootstrap=-1)
    with pytest.raises(ValueError, match="negative"):
        report_from_items(TWO, seed=-1)


# --------------------------------------------------------------------------- matrix


def random_matrix(
    rng: np.random.Generator, units: int, coders: int, values: int, missing: float
) -> npt.NDArray[np.float64]:
    """Values 1..values, correlated within units, some missing (as tests/core/agreement do)."""
    truth = rng.integers(1, values + 1, size=units)
    noise = rng.integers(1, values + 1, size=(units, coders))
    matrix = np.where(rng.random((units, coders)) < 0.6, truth[:, None], noise).astype(float)
    matrix[rng.random(matrix.shape) < missing] = np.nan
    return matrix


def write_numbers(path: Path, coders: Sequence[str], items: dict[str, np.ndarray]) -> Path:
    matrix = [
        MatrixItem(
            name,
            tuple(coders),
            tuple(f"u{i}" for i in range(len(values))),
            tuple(tuple("" if math.isnan(v) else f"{v:g}" for v in row) for row in values),
        )
        for name, values in items.items()
    ]
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_matrix(matrix, out)
    return path


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_matrix_alpha_matches_the_krippendorff_package(
    tmp_path: Path, level: Literal["nominal", "ordinal", "interval", "ratio"]
) -> None:
    rng = np.random.default_rng(8)
    items = {
        "tone": random_matrix(rng, 80, 3, 5, 0.2),
        "count": random_matrix(rng, 40, 3, 9, 0.1) * 3,
        "sparse": random_matrix(rng, 25, 3, 4, 0.5),
    }
    path = write_numbers(tmp_path / "m.csv", ["a", "b", "c"], items)
    data = to_json(matrix_report(path, level=level, bootstrap=0))
    check_contract(data)
    assert data["unit"] is None
    assert data["articles"] is None
    assert data["matrix"] == str(path)
    assert set(data) == {"coders", "unit", "articles", "matrix", "rows"}
    for row in data["rows"]:
        values = items[row["item"]]
        theirs = krippendorff.alpha(reliability_data=values.T, level_of_measurement=level)
        assert row["kind"] == MATRIX_KIND
        assert row["level"] == level
        assert row["krippendorff_alpha"] == pytest.approx(float(theirs), abs=1e-9)
        assert "needs spans" in row["undefined"]["alpha_u"]


def test_matrix_categories_given_as_text_are_nominal(tmp_path: Path) -> None:
    path = tmp_path / "frames.csv"
    path.write_text(
        "unit,item,ann,ben\n"
        "a1,primary frame,conflict,conflict\n"
        "a2,primary frame,economic,conflict\n"
        "a3,primary frame,human interest,human interest\n"
        "a4,primary frame,economic,economic\n"
        "a5,primary frame,,economic\n",
        encoding="utf-8",
    )
    (row,) = to_json(matrix_report(path, bootstrap=0))["rows"]
    # The same data as codes 1, 2, 3 for the krippendorff package.
    numeric = np.array([[1, 1], [2, 1], [3, 3], [2, 2], [N, 2]], dtype=float)
    theirs = krippendorff.alpha(reliability_data=numeric.T, level_of_measurement="nominal")
    assert row["krippendorff_alpha"] == pytest.approx(float(theirs), abs=1e-12)
    assert row["counts"]["categories"] == ["conflict", "economic", "human interest"]
    assert row["counts"]["coincidences"] == [[2, 1, 0], [1, 2, 0], [0, 0, 2]]


def test_matrix_text_is_refused_at_ordinal_interval_and_ratio(tmp_path: Path) -> None:
    path = tmp_path / "tone.csv"
    path.write_text("unit,item,ann,ben\na1,tone,1,2\na2,tone,3,NA\n", encoding="utf-8")
    for level in ("ordinal", "interval", "ratio"):
        with pytest.raises(InputFileError) as caught:
            matrix_report(path, level=level, bootstrap=0)
        message = str(caught.value)
        assert message.startswith(f"{path}: item 'tone': {level} data must be numbers")
        assert "ben gave unit 'a2' the value 'NA'" in message
    negative = tmp_path / "negative.csv"
    negative.write_text("unit,item,ann,ben\na1,score,-1,2\na2,score,3,3\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"negative\.csv: item 'score': ratio alpha needs"):
        matrix_report(negative, level="ratio", bootstrap=0)


def test_a_matrix_of_project_items_gives_back_the_project_numbers(tmp_path: Path) -> None:
    """What ``export reliability`` writes, ``agreement --matrix`` reads back to the same numbers.

    Including the label nobody used: a 0/1 item has q = 2 for Gwet's AC1 as
    the project's labels do, even though only 0 appears in it.
    """
    for items in (TWO, THREE):
        matrix = [
            MatrixItem(
                item.name,
                items.coders,
                item.unit_ids,
                tuple(
                    tuple("" if math.isnan(v) else str(int(v)) for v in row) for row in item.values
                ),
            )
            for item in items.items
        ]
        path = tmp_path / "export.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            write_matrix(matrix, out)
        from_project = to_json(report_from_items(items, bootstrap=200, seed=1))
        from_matrix = to_json(matrix_report(path, bootstrap=200, seed=1))
        for ours, theirs in zip(from_project["rows"], from_matrix["rows"], strict=True):
            for name in (*STATISTICS, "counts", "units", "item", "warning", "bootstrap"):
                if name == "alpha_u":
                    continue
                assert ours[name] == theirs[name], (ours["item"], name)


def test_matrix_items_can_be_chosen_by_name(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    items = {name: random_matrix(rng, 10, 2, 2, 0.0) for name in ("a", "B", "c")}
    path = write_numbers(tmp_path / "m.csv", ["x", "y"], items)
    report = matrix_report(path, items=["c", "b"], bootstrap=0)
    assert [row.item for row in report.rows] == ["B", "c"]  # the file's order
    with pytest.raises(NotFoundError, match=r"m\.csv has no item named 'd'; its items: 'a'"):
        matrix_report(path, items=["d"], bootstrap=0)


# --------------------------------------------------------------------------- CSV and table


def test_csv_is_the_json_flattened() -> None:
    report = report_from_items(TWO, bootstrap=200, seed=9)
    out = io.StringIO(newline="")
    assert write_report_csv(report, out) == 3
    assert out.getvalue().endswith("\r\n")
    lines = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert list(lines[0]) == list(CSV_COLUMNS)
    for line, row in zip(lines, to_json(report)["rows"], strict=True):
        assert line["item"] == row["item"]
        assert line["unit"] == "article"
        assert int(line["units"]) == row["units"]
        for name in STATISTICS:
            if name == "alpha_ci":
                low, high = line["alpha_ci_low"], line["alpha_ci_high"]
                assert ([float(low), float(high)] if low else None) == row["alpha_ci"]
            else:
                assert (float(line[name]) if line[name] else None) == row[name], name
        for reason in row["undefined"].values():
            assert reason in line["undefined"]
        assert line["bootstrap_seed"] == "9"
        q = row["bootstrap"]["q"]
        assert (float(line["q_0.8"]) if line["q_0.8"] else None) == (q and q["0.8"])
    assert lines[0]["first_coder"] == "alice"
    assert lines[0]["both"] == "3"


def test_table_marks_krippendorffs_thresholds_and_says_why_values_are_missing() -> None:
    assert [alpha_verdict(a) for a in (0.8, 0.79, 0.667, 0.66, None)] == [
        "acceptable",
        "tentative",
        "tentative",
        "too low",
        None,
    ]
    # Feinstein & Cicchetti's paradox table (a, b, c, d) = (80, 10, 5, 5).
    paradox = [[1, 1]] * 80 + [[1, 0]] * 10 + [[0, 1]] * 5 + [[0, 0]] * 5
    items = project_items(["alice", "bob"], {"skewed": paradox, "rights": NEVER_USED})
    report: AgreementReport = report_from_items(items, bootstrap=100, seed=0)
    table = report_table(report)
    assert table.header[:5] == ("item", "level", "units", "agreement", "kappa")
    assert "alpha verdict" in table.header
    rows = {row[0]: row for row in table.rows}
    assert rows["skewed"][3] == "85.0%"
    assert rows["skewed"][-1] == alpha_verdict(report.rows[0].alpha)
    assert rows["rights"][table.header.index("alpha")] == "-"
    text = "\n".join(table.above + table.below)
    assert "coders: alice, bob" in text
    assert "seed 0" in text
    assert "1 excluded" in text
    assert "excluded: art99 (Late piece): bob has not marked it done" in text
    assert "acceptable >= 0.800, tentative >= 0.667" in text
    assert "warning, skewed: kappa paradox" in text
    assert any(
        line.startswith("- (rights):") and "one category only" in line for line in text.splitlines()
    )
