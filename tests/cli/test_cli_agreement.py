"""``framing-app agreement``: a matrix file needs no project, a project is only read.

The end-to-end tests run the real command in subprocesses; they need
``agreement`` registered in ``framing_app/cli.py`` (``add_agreement_command``
in ``build_parser``, ``needs_project`` in ``main``) and are skipped until it
is. The in-process tests drive :mod:`framing_app.cli_agreement` through a
parser built the way ``build_parser`` builds one, so they hold either way;
the project mode among them stands in for ``build_items`` with fixed
reliability data.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from cli_harness import Cli, check_error, check_ok, check_usage_error
from server_databases import sqlite_only

from framing_app import cli_agreement
from framing_app.cli_agreement import add_agreement_command, cmd_agreement
from framing_app.cli_project import (
    merge_options_after_command,
    needs_existing_project,
    needs_project,
    options_after_command,
)
from framing_app.core.agreement import Level
from framing_app.services import agreement_report
from framing_app.services.project import Project
from framing_app.services.reliability_units import (
    OVERALL,
    OverlapRule,
    ReliabilityItem,
    ReliabilityItems,
    Unit,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
# C: 4 coders, 12 units, missing values; nominal alpha = 0.743 (printed
# precision), interval alpha = 0.849.
K2011 = (
    "unit,A,B,C,D\n"
    "1,1,1,,1\n2,2,2,3,2\n3,3,3,3,3\n4,3,3,3,3\n5,2,2,2,2\n6,1,2,3,4\n"
    "7,4,4,4,4\n8,1,1,2,1\n9,2,2,2,2\n10,,5,5,5\n11,,,1,1\n12,,,3,\n"
)
K2011_VALUES = np.array(
    [
        [1, 1, math.nan, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [math.nan, 5, 5, 5],
        [math.nan, math.nan, 1, 1],
        [math.nan, math.nan, 3, math.nan],
    ]
)


def matrix_file(root: Path, text: str = K2011, name: str = "k2011.csv") -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def files_under(root: Path) -> set[Path]:
    return set(root.rglob("*"))


# --------------------------------------------------------------------------- subprocess


def test_matrix_json_matches_the_krippendorff_package_and_opens_no_project(
    bare_cli: Cli,
) -> None:
    path = matrix_file(bare_cli.root)
    before = files_under(bare_cli.root)
    for level in ("nominal", "interval"):
        result = bare_cli(
            "agreement", "--matrix", path, "--level", level, "--format", "json", project=None
        )
        data = json.loads(check_ok(result).stdout)
        (row,) = data["rows"]
        theirs = krippendorff.alpha(reliability_data=K2011_VALUES.T, level_of_measurement=level)
        assert row["krippendorff_alpha"] == pytest.approx(float(theirs), abs=1e-12)
        assert round(row["krippendorff_alpha"], 3) == {"nominal": 0.743, "interval": 0.849}[level]
        assert data["coders"] == ["A", "B", "C", "D"]
        assert row["item"] == "(all)"
        assert row["bootstrap"]["resamples"] == 1000
        assert row["bootstrap"]["seed"] == 0
        assert row["cohen_kappa"] is None
        assert "exactly two coders" in row["undefined"]["cohen_kappa"]
    # No project, not even the default one, was created or opened.
    assert files_under(bare_cli.root) == before


def test_matrix_table_prints_the_seed_and_the_verdict(bare_cli: Cli) -> None:
    path = matrix_file(bare_cli.root)
    default, seeded, again = bare_cli.many(
        ["agreement", "--matrix", path],
        ["agreement", "--matrix", path, "--seed", "7", "--bootstrap", "300"],
        ["agreement", "--matrix", path, "--seed", "7", "--bootstrap", "300"],
        project=None,
    )
    out = check_ok(default).stdout
    assert "bootstrap of 1,000 resamples (Hayes & Krippendorff 2007), seed 0" in out
    header = next(line for line in out.splitlines() if line.startswith("item"))
    assert header.split()[-2:] == ["alpha", "verdict"]
    row = next(line for line in out.splitlines() if line.startswith("(all)"))
    assert "0.743" in row
    assert row.endswith("tentative")
    assert "seed 7" in check_ok(seeded).stdout
    assert check_ok(again).stdout == seeded.stdout


def test_csv_to_a_file_and_never_over_a_database(bare_cli: Cli) -> None:
    path = matrix_file(bare_cli.root)
    out = bare_cli.root / "alpha.csv"
    result = bare_cli("agreement", "--matrix", path, "--format", "csv", "--out", out, project=None)
    assert check_ok(result).stdout == (
        f"Wrote the agreement of 1 item(s) to {out}; alpha's interval from 1,000 bootstrap "
        "resamples, seed 0.\n"
    )
    data = out.read_bytes()
    assert data.startswith(b"unit,item,kind,level,units,percent_agreement,")
    assert data.count(b"\r\n") == 2

    database = bare_cli.root / "work.sqlite"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    before = database.read_bytes()
    bare_cli.fails(
        "agreement",
        "--matrix",
        path,
        "--out",
        database,
        project=None,
        expect=[str(database), "is a SQLite database"],
    )
    assert database.read_bytes() == before
    bare_cli.fails(
        "agreement",
        "--matrix",
        path,
        "--out",
        path,
        project=None,
        expect=["--out is the matrix file being read"],
    )
    assert path.read_text(encoding="utf-8") == K2011


def test_a_bad_matrix_is_one_line_naming_the_file_and_row(bare_cli: Cli) -> None:
    ragged = matrix_file(bare_cli.root, "unit,a,b\n1,1,1\n2,1\n", "ragged.csv")
    text = matrix_file(bare_cli.root, "unit,a,b\n1,low,high\n2,high,high\n", "text.csv")
    ragged_result, text_result, missing = bare_cli.many(
        ["agreement", "--matrix", ragged],
        ["agreement", "--matrix", text, "--level", "ordinal"],
        ["agreement", "--matrix", bare_cli.root / "nowhere.csv"],
        project=None,
    )
    check_error(ragged_result, [f"{ragged}, row 3: expected 3 fields"])
    check_error(text_result, [f"{text}: item '(all)': ordinal data must be numbers"])
    check_error(missing, ["nowhere.csv: cannot read the file"])


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--matrix", "m.csv", "--unit", "article"], "argument --unit: only with --coders"),
        (["--matrix", "m.csv", "--all-articles"], "argument --all-articles: only with --coders"),
        (["--matrix", "m.csv", "--project", "p.sqlite"], "not allowed with --project or --db"),
        (["--coders", "a", "b"], "argument --unit: required with --coders"),
        (["--coders", "a", "--unit", "article"], "name at least two coders"),
        (["--coders", "a", "b", "--unit", "article", "--level", "ordinal"], "--level: only"),
        (["--coders", "a", "b", "--unit", "article", "--overlap", "any"], "--overlap: only"),
        (["--matrix", "m.csv", "--bootstrap", "-1"], "cannot be negative"),
        (["--matrix", "m.csv", "--coders", "a", "b"], "not allowed with argument"),
        ([], "one of the arguments --coders --matrix is required"),
    ],
)
def test_usage_errors(bare_cli: Cli, args: list[str], expect: str) -> None:
    before = files_under(bare_cli.root)
    check_usage_error(bare_cli("agreement", *args, project=None), [expect])
    assert files_under(bare_cli.root) == before


@sqlite_only
def test_project_mode_needs_an_existing_project(run_cli: Cli) -> None:
    missing = run_cli.root / "typo.sqlite"
    before = files_under(run_cli.root)
    run_cli.fails(
        "agreement",
        "--coders",
        "alice",
        "bob",
        "--unit",
        "article",
        project=missing,
        expect=[str(missing), "no project there"],
    )
    assert files_under(run_cli.root) == before


def test_help_states_the_default_seed(bare_cli: Cli) -> None:
    out = check_ok(bare_cli("agreement", "--help", project=None)).stdout
    assert "without --seed the seed is 0" in " ".join(out.split())
    assert "default 1000" in out


# --------------------------------------------------------------------------- in process


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """*argv* parsed as ``build_parser`` parses ``agreement`` (the same helper, the same merge)."""
    parser = argparse.ArgumentParser(prog="framing-app")
    parser.add_argument("--project", type=Path)
    parser.add_argument("--db")
    after = options_after_command()
    commands = parser.add_subparsers(dest="command")

    def command(name: str, handler: Callable[..., int], help_: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_, description=help_, parents=[after])
        sub.set_defaults(handler=handler, subparser=sub)
        return sub

    add_agreement_command(command, after)
    args = parser.parse_args(["agreement", *argv])
    merge_options_after_command(parser, args)
    return args


def test_the_choices_are_the_services_values() -> None:
    assert tuple(unit.value for unit in Unit) == cli_agreement.UNITS
    assert tuple(rule.value for rule in OverlapRule) == cli_agreement.OVERLAPS
    assert tuple(level.value for level in Level) == cli_agreement.LEVELS
    assert cli_agreement.DEFAULT_SEED == agreement_report.DEFAULT_SEED


def test_which_invocations_open_a_project() -> None:
    matrix = parse(["--matrix", "m.csv"])
    assert not needs_project(matrix)
    project = parse(["--coders", "a", "b", "--unit", "article"])
    assert needs_project(project)
    assert needs_existing_project(project)  # only read: never created


def test_usage_errors_in_process() -> None:
    with pytest.raises(SystemExit) as caught:
        cmd_agreement(None, parse(["--matrix", "m.csv", "--overlap", "any"]))
    assert caught.value.code == 2


def test_matrix_mode_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = matrix_file(tmp_path)
    assert cmd_agreement(None, parse(["--matrix", str(path), "--format", "json"])) == 0
    data = json.loads(capsys.readouterr().out)
    assert round(data["rows"][0]["krippendorff_alpha"], 3) == 0.743
    assert data["matrix"] == str(path)


def test_project_mode_reads_the_project_through_build_items(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stands in for ``build_items`` (fixed data), checking what the command passes it."""
    calls: list[dict[str, Any]] = []
    values = np.array([[1, 1], [0, 1], [0, 0], [1, 1], [0, 0], [1, 0]], dtype=float)

    def fake_build_items(
        given: Project, coders: Sequence[str], unit: Unit, **options: Any
    ) -> ReliabilityItems:
        assert given is project
        calls.append({"coders": list(coders), "unit": unit, **options})
        items = tuple(
            ReliabilityItem(name, kind, Level.NOMINAL, ("a",) * 6, values, (0.0, 1.0))
            for name, kind in (("sovereignty", "label"), (OVERALL, "overall"))
        )
        return ReliabilityItems(tuple(coders), unit, options["overlap"], 6, (), items)

    monkeypatch.setattr(agreement_report, "build_items", fake_build_items)
    argv = ["--coders", "alice", "bob", "--unit", "paragraph", "--label", "sovereignty"]
    argv += ["--overlap", "majority", "--all-articles", "--format", "json", "--seed", "4"]
    assert cmd_agreement(project, parse(argv)) == 0
    assert calls == [
        {
            "coders": ["alice", "bob"],
            "unit": Unit.PARAGRAPH,
            "labels": ["sovereignty"],
            "all_articles": True,
            "articles": None,
            "overlap": OverlapRule.MAJORITY,
            "questions": None,
        }
    ]
    data = json.loads(capsys.readouterr().out)
    assert data["unit"] == "paragraph"
    assert data["overlap"] == "majority"
    assert data["articles"] == 6
    assert data["excluded_articles"] == []
    assert [row["item"] for row in data["rows"]] == ["sovereignty", OVERALL]
    assert data["rows"][0]["bootstrap"]["seed"] == 4
    assert data["rows"][0]["counts"]["only_second"] == 1

    # The table, by default, says the overlap rule and the articles used.
    assert cmd_agreement(project, parse(argv[:9])) == 0
    out = capsys.readouterr().out
    assert "unit: paragraph (a label is present in a paragraph when more than half" in out
    assert "articles: 6 used" in out
