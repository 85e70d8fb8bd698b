"""``framing-app agreement``: inter-coder agreement per label and overall, or per matrix item.

Two sources, one report (see :mod:`framing_app.services.agreement_report`):

* ``--coders A B [C...] --unit UNIT``: the coders' work in the project, which
  must exist and is only read;
* ``--matrix FILE.csv``: a reliability matrix made elsewhere; no project is
  opened (:func:`framing_app.cli_project.needs_project` says so to ``main``).

The statistics and the matrix services import numpy; they are imported when
the command runs, so that other commands do not pay for it at start-up. The
choices below are the values of ``Unit``, ``OverlapRule`` and ``Level``,
kept in step by a test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from framing_app.cli_table import format_table
from framing_app.core.errors import FramingError

if TYPE_CHECKING:
    from framing_app.services.agreement_report import AgreementReport
    from framing_app.services.project import Project

UNITS = ("article", "paragraph", "sentence", "character", "span")
OVERLAPS = ("any", "majority")
ARTICLE_SETS = ("sample", "done", "all")
ARTICLES_HELP = (
    "with --coders: which articles to compare. sample: the coders' reliability sample (drawn "
    "by framing-app assign); done: every article; each time only the articles every coder "
    "marked done. all: every article, done or not (the same as --all-articles). Default: "
    "sample when the coders have one, else done"
)
LEVELS = ("nominal", "ordinal", "interval", "ratio")
FORMATS = ("table", "csv", "json")
DEFAULT_BOOTSTRAP = 1000
DEFAULT_SEED = 0

MATRIX_DEST = "matrix"
"""The dest of ``--matrix``: when it is set the command needs no project."""

AGREEMENT_HELP = "inter-coder agreement per label and over all labels, or of a matrix file"
AGREEMENT_DESCRIPTION = (
    "Inter-coder agreement. With --coders and --unit: the coders' work in the project (which "
    "must exist; it is only read), one row per label and one over all labels, '(all labels)'. "
    "By default the articles are the coders' reliability sample when they have one (see "
    "framing-app assign), else every article; of those, only the ones that every listed coder "
    "marked done are used (unless --articles all or --all-articles); the report says which "
    "articles, how many were used, and lists the others. With --matrix: a reliability matrix "
    "made elsewhere (columns unit, an optional item, then one per coder; an empty cell is "
    "missing), one row per item; no project is opened. Each row: units, percent agreement "
    "(Krippendorff's 1 - D_o, nominal), Cohen's kappa with its standard error and Scott's pi "
    "(two coders), Fleiss' kappa, Krippendorff's alpha with a bootstrap 95% confidence "
    "interval (Hayes & Krippendorff 2007), Gwet's AC1, and the counts; a statistic the data "
    "do not define is shown as - (null in JSON) with its reason. The table marks alpha >= .800 "
    "acceptable and >= .667 tentative (Krippendorff 2004). The bootstrap is seeded: "
    f"without --seed the seed is {DEFAULT_SEED}, so the same data always give the same "
    "interval; the seed is printed with the report. With --unit span each label's row has "
    "Krippendorff's per-label unitizing alpha (alpha_u; Krippendorff 1995, 2004 section 11.6, "
    "not the 2016 family) over all articles, and per pair of coders the exact-match and "
    "overlap-match precision, recall and F1 of their passages; the other statistics need "
    "units every coder coded and are null there."
)


def add_agreement_command(
    command: Callable[..., argparse.ArgumentParser], after: argparse.ArgumentParser
) -> None:
    """Add ``agreement`` through *command* (``build_parser``'s helper).

    *after* (``--project``/``--db`` after a command's name) is what nested
    subcommands would need; *command* already gives it to ``agreement``.
    """
    del after
    sub = command("agreement", cmd_agreement, AGREEMENT_HELP)
    sub.description = AGREEMENT_DESCRIPTION
    source = sub.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--coders",
        nargs="+",
        metavar="NAME",
        help="two or more coders of the project to compare (needs --unit)",
    )
    source.add_argument(
        "--matrix",
        dest=MATRIX_DEST,
        type=Path,
        metavar="FILE.csv",
        help="compute from this reliability matrix instead of a project",
    )
    sub.add_argument(
        "--unit",
        choices=UNITS,
        help="with --coders: the unit of analysis (a label is present or absent in each "
        "article, paragraph, sentence or character; span: the coders' passages themselves, "
        "compared by Krippendorff's unitizing alpha and exact/overlap precision, recall and F1)",
    )
    sub.add_argument(
        "--label",
        action="append",
        metavar="NAME",
        help="only this label (repeatable; with --matrix: only this item); default: all",
    )
    sub.add_argument(
        "--question",
        action="append",
        metavar="NAME",
        help="with --coders: only this article-level question (repeatable), at the article "
        "unit whatever --unit is; without --label and --question: every label and question",
    )
    sub.add_argument(
        "--all-articles",
        action="store_true",
        help="with --coders: use every article, not only those every coder marked done",
    )
    sub.add_argument("--articles", choices=ARTICLE_SETS, help=ARTICLES_HELP)
    sub.add_argument(
        "--overlap",
        choices=OVERLAPS,
        help="with --unit paragraph or sentence: a label is present in a unit when any of "
        "its characters is tagged (any, the default) or more than half of them (majority)",
    )
    sub.add_argument(
        "--level",
        action="append",
        type=_level_argument,
        metavar="[ITEM=]LEVEL",
        help="with --matrix: the level of measurement (nominal, ordinal, interval, ratio) of "
        "every item, or with ITEM= of that item (repeatable; default nominal; ordinal needs "
        "numbers or a --scale, interval and ratio numbers)",
    )
    sub.add_argument(
        "--scale",
        action="append",
        type=_scale_argument,
        metavar="ITEM=A,B,C",
        help="with --matrix: the categories of ITEM in order, those nobody used included "
        "(the ranks of ordinal alpha; Gwet's q); a value not on it is an error (repeatable)",
    )
    sub.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    sub.add_argument(
        "--out", type=Path, metavar="FILE", help="file to write (default, or -: stdout)"
    )
    sub.add_argument(
        "--bootstrap",
        type=_count,
        default=DEFAULT_BOOTSTRAP,
        metavar="N",
        help=f"resamples for alpha's confidence interval (default {DEFAULT_BOOTSTRAP}; "
        "0: no interval)",
    )
    sub.add_argument(
        "--seed",
        type=_count,
        metavar="N",
        help=f"the bootstrap's seed (default {DEFAULT_SEED}: the same data give the same "
        "interval on every run)",
    )


def _level_argument(value: str) -> tuple[str | None, str]:
    """``LEVEL`` (every item) or ``ITEM=LEVEL`` (one item): (item or None, level)."""
    item, equals, level = value.rpartition("=")
    if level not in LEVELS:
        raise argparse.ArgumentTypeError(
            f"'{value}': the level is one of {', '.join(LEVELS)}, given alone or as ITEM=LEVEL"
        )
    if equals and not item.strip():
        raise argparse.ArgumentTypeError(f"'{value}': name the item before '='")
    return (item if equals else None), level


def _scale_argument(value: str) -> tuple[str, tuple[str, ...]]:
    """``ITEM=A,B,C``: the item and its categories in order (split at the first '=')."""
    item, equals, categories = value.partition("=")
    if not equals or not item.strip():
        raise argparse.ArgumentTypeError(f"'{value}': give ITEM=A,B,C")
    scale = tuple(category.strip() for category in categories.split(","))
    if any(not category for category in scale):
        raise argparse.ArgumentTypeError(f"'{value}': a category of the scale is empty")
    return item, scale


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: '{value}'") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number}: cannot be negative")
    return number


def check_agreement_arguments(args: argparse.Namespace) -> None:
    """Usage errors (exit 2) for options of one source given with the other.

    ``main`` may call it before opening a project; :func:`cmd_agreement`
    calls it again, so the checks hold either way.
    """
    sub: argparse.ArgumentParser = args.subparser
    if getattr(args, MATRIX_DEST) is not None:
        if getattr(args, "project", None) is not None or getattr(args, "db", None) is not None:
            sub.error("argument --matrix: not allowed with --project or --db")
        for option, given in (
            ("--unit", args.unit is not None),
            ("--all-articles", args.all_articles),
            ("--articles", getattr(args, "articles", None) is not None),
            ("--overlap", args.overlap is not None),
            ("--question", bool(getattr(args, "question", None))),
        ):
            if given:
                sub.error(f"argument {option}: only with --coders, not with --matrix")
        return
    if len(args.coders) < 2:
        sub.error("argument --coders: name at least two coders")
    if args.unit is None:
        sub.error("argument --unit: required with --coders")
    if args.level is not None:
        sub.error(
            "argument --level: only with --matrix (a project's labels are present/absent "
            "variables, and its questions have their own level)"
        )
    if args.scale is not None:
        sub.error("argument --scale: only with --matrix (a project's questions have their options)")
    if args.overlap is not None and args.unit not in ("paragraph", "sentence"):
        sub.error("argument --overlap: only with --unit paragraph or sentence")
    if args.all_articles and getattr(args, "articles", None) not in (None, "all"):
        sub.error("argument --articles: not allowed with --all-articles (--articles all)")


def cmd_agreement(project: Project | None, args: argparse.Namespace) -> int:
    """Compute the report and print it or write it to ``--out``."""
    from framing_app.services import agreement_matrix, agreement_report

    check_agreement_arguments(args)
    matrix: Path | None = getattr(args, MATRIX_DEST)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    if matrix is not None:
        if args.out is not None and _same_file(args.out, matrix):
            raise FramingError(f"{args.out}: --out is the matrix file being read; choose another")
        levels = args.level or []
        every = [level for item, level in levels if item is None]
        if len(every) > 1:
            args.subparser.error("argument --level: give one level for every item, not several")
        report = agreement_matrix.matrix_report(
            matrix,
            level=every[0] if every else "nominal",
            item_levels={item: level for item, level in levels if item is not None},
            scales=dict(args.scale or []),
            items=args.label,
            bootstrap=args.bootstrap,
            seed=seed,
        )
    else:
        if project is None:  # pragma: no cover - main opens the project for --coders
            raise FramingError("agreement --coders needs a project")
        report = agreement_report.project_report(
            project,
            args.coders,
            args.unit,
            labels=args.label,
            all_articles=args.all_articles,
            articles=args.articles,
            overlap=args.overlap or "any",
            bootstrap=args.bootstrap,
            seed=seed,
            questions=args.question,
        )
    _write(report, args, project)
    return 0


def _same_file(first: Path, second: Path) -> bool:
    return os.path.realpath(first) == os.path.realpath(second)


def _write(report: AgreementReport, args: argparse.Namespace, project: Project | None) -> None:
    from framing_app.services.output_files import output_file

    to_stdout = args.out is None or str(args.out) == "-"
    csv_format = args.format == "csv"
    if to_stdout:
        if csv_format and isinstance(sys.stdout, io.TextIOWrapper):
            # The CSV writer emits RFC 4180 CRLF itself; no translation on top.
            sys.stdout.reconfigure(newline="")
        _render(report, args.format, sys.stdout)
        return
    with output_file(args.out, project, newline="" if csv_format else "\n") as out:
        _render(report, args.format, out)
    bootstrap = (
        f"; alpha's interval from {report.bootstrap:,} bootstrap resamples, seed {report.seed}"
        if report.bootstrap
        else ""
    )
    print(f"Wrote the agreement of {len(report.rows)} item(s) to {args.out}{bootstrap}.")


def _render(report: AgreementReport, form: str, out: TextIO) -> None:
    from framing_app.services.agreement_report import to_json
    from framing_app.services.agreement_table import report_table, write_report_csv

    if form == "json":
        text = json.dumps(to_json(report), indent=2, ensure_ascii=False, allow_nan=False)
        out.write(text + "\n")
    elif form == "csv":
        write_report_csv(report, out)
    else:
        table = report_table(report)
        body = format_table(list(table.header), [list(r) for r in table.rows], right=table.right)
        out.write("\n".join([*table.above, "", body, "", *table.below]) + "\n")
