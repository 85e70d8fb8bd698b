"""``framing-app export reliability``: the coders' work as a reliability matrix CSV.

``export`` takes what to export as its first argument (``annotations``, or
``reliability`` once :func:`add_export_reliability` has given the parser
its options); ``cli.py`` sends ``export reliability`` to
:func:`cmd_export_reliability`. Like every ``export`` it only reads: the
project must exist (``export`` is one of the commands that never create
one, see :mod:`framing_app.cli_project`).

The service, which imports numpy, is imported when the command runs, so
that other commands do not pay for it at start-up.
"""

from __future__ import annotations

import argparse
import io
import shlex
import sys
from typing import TYPE_CHECKING

from framing_app.core.text import excerpt

if TYPE_CHECKING:
    from framing_app.services.project import Project
    from framing_app.services.reliability_export import ReliabilityExport

WHAT = "reliability"
"""The value of ``export``'s first argument that selects this command."""

# "span" is a choice so that it is refused with the reason (the span unit has no matrix),
# not as an unknown word.
UNITS = ("article", "paragraph", "sentence", "character", "span")
OVERLAPS = ("any", "majority")
ARTICLE_SETS = ("sample", "done", "all")
# Options of ``export annotations`` only, and of ``export reliability`` only (dest, flag).
ANNOTATION_OPTIONS = (("coder", "--coder"), ("excel", "--excel"))
RELIABILITY_OPTIONS = (
    ("coders", "--coders"),
    ("unit", "--unit"),
    ("label", "--label"),
    ("question", "--question"),
    ("all_articles", "--all-articles"),
    ("articles", "--articles"),
    ("overlap", "--overlap"),
)
EXCLUDED_SHOWN = 20
"""Excluded articles listed one per line after writing a file; the rest are counted."""

DESCRIPTION = (
    "export reliability --coders A B [C...] --unit UNIT [--label NAME]... [--all-articles] "
    "[--overlap any|majority] [--out FILE.csv]: the reliability matrix of the coders' work "
    "(columns unit, item, then one per coder; one row per unit and label; 1 present, 0 absent, "
    "empty missing), which R's irr, the krippendorff package, ReCal and framing-app agreement "
    "--matrix read. A unit is named EXTERNAL_ID (article), EXTERNAL_ID:START-END (paragraph, "
    "sentence) or EXTERNAL_ID:OFFSET (character), offsets in characters as in the annotation "
    "CSV. The articles are the coders' reliability sample when they have one (see framing-app "
    "assign), else every article (--articles chooses); of those only the ones that every listed "
    "coder marked done are used, unless --all-articles (--articles all); then a coder who has "
    "not started an article has empty (missing) cells there."
)


def add_export_reliability(export: argparse.ArgumentParser) -> None:
    """Give the ``export`` parser the options of ``export reliability``.

    They go in a group of their own in ``export --help``;
    :func:`check_export_arguments` refuses them with ``export annotations``
    (and the annotation options with ``export reliability``).
    """
    group = export.add_argument_group("export reliability", DESCRIPTION)
    group.add_argument(
        "--coders", nargs="+", metavar="NAME", help="two or more coders to compare (any case)"
    )
    group.add_argument(
        "--unit",
        choices=UNITS,
        help="the unit of analysis: a label is present or absent in each article, paragraph "
        "(separated by blank lines), sentence or character (span has no matrix: see "
        "framing-app agreement --unit span)",
    )
    group.add_argument(
        "--label",
        action="append",
        metavar="NAME",
        help="only this label (repeatable, in this order); default: every label of the "
        "codebook, archived ones too, in codebook order",
    )
    group.add_argument(
        "--question",
        action="append",
        metavar="NAME",
        help="only this article-level question (repeatable): one row per article, the answers "
        "as cells; without --label and --question, every label and every question",
    )
    group.add_argument(
        "--all-articles",
        action="store_true",
        help="use every article, not only those every coder marked done",
    )
    group.add_argument(
        "--articles",
        choices=ARTICLE_SETS,
        help="which articles: sample (the coders' reliability sample) or done (every article), "
        "each time only those every coder marked done; all (every article, done or not; the "
        "same as --all-articles). Default: sample when the coders have one, else done",
    )
    group.add_argument(
        "--overlap",
        choices=OVERLAPS,
        help="with --unit paragraph or sentence: a label is present in a unit when the "
        "coder's passages cover any of its characters (any, the default) or more than half "
        "of them (majority)",
    )


def check_export_arguments(args: argparse.Namespace) -> None:
    """Usage errors (exit 2) for options of one kind of export given to the other.

    ``main`` calls it before opening the project; :func:`cmd_export_reliability`
    calls it again, so the checks hold either way.
    """
    sub: argparse.ArgumentParser = args.subparser
    reliability = args.what == WHAT
    wrong = ANNOTATION_OPTIONS if reliability else RELIABILITY_OPTIONS
    for dest, flag in wrong:
        if getattr(args, dest, None):
            if reliability:
                hint = "; name the coders with --coders" if dest == "coder" else ""
                sub.error(f"argument {flag}: only with export annotations{hint}")
            sub.error(f"argument {flag}: only with export reliability")
    if not reliability:
        return
    if not args.coders:
        sub.error("argument --coders: required with export reliability")
    if len(args.coders) < 2:
        sub.error("argument --coders: name at least two coders")
    if args.unit is None:
        sub.error("argument --unit: required with export reliability")
    if args.overlap is not None and args.unit not in ("paragraph", "sentence"):
        sub.error("argument --overlap: only with --unit paragraph or sentence")
    if args.all_articles and args.articles not in (None, "all"):
        sub.error("argument --articles: not allowed with --all-articles (--articles all)")


def cmd_export_reliability(project: Project, args: argparse.Namespace) -> int:
    """Write the matrix to ``--out`` (a file, or stdout without it or with ``-``)."""
    from framing_app.services import reliability_export

    check_export_arguments(args)
    options = {
        "labels": args.label,
        "questions": args.question,
        "all_articles": args.all_articles,
        "articles": args.articles,
        "overlap": args.overlap or "any",
    }
    if args.out is None or str(args.out) == "-":
        if isinstance(sys.stdout, io.TextIOWrapper):
            # The CSV writer emits RFC 4180 CRLF itself; no translation on top.
            sys.stdout.reconfigure(newline="")
        reliability_export.export_reliability(
            project, sys.stdout, args.coders, args.unit, **options
        )
        return 0
    written = reliability_export.export_reliability_to_file(
        project, args.out, args.coders, args.unit, **options
    )
    for line in summary(written, str(args.out)):
        print(line)
    return 0


def summary(written: ReliabilityExport, out: str) -> list[str]:
    """What a file export prints: rows, units, articles, and the articles left out."""
    unit = written.unit.value
    parts = []
    if written.labels:
        parts.append(f"{written.labels} label(s) x {written.units:,} {unit} unit(s)")
    if written.questions:
        parts.append(f"{written.questions} question(s) x 1 per article")
    lines = [
        f"Wrote {written.rows:,} row(s) to {out}: {' and '.join(parts)} "
        f"from {written.articles:,} article(s)."
    ]
    if written.article_set == "sample":
        lines.append(
            f"Articles: the coders' reliability sample, {written.articles:,} of "
            f"{written.sample or 0:,} done by all coders (--articles done uses every article)."
        )
    if written.scales:
        lines.append(
            "Read it back with the questions' levels and scales: framing-app agreement "
            + shlex.join(["--matrix", out, *written.read_back_options()])
        )
    if written.excluded:
        lines.append(
            f"Left out {len(written.excluded):,} article(s) that not every coder marked done "
            "(--all-articles uses them):"
        )
        for article in written.excluded[:EXCLUDED_SHOWN]:
            lines.append(
                f"  {article.external_id} ({excerpt(article.title, 50)}): {article.reason}"
            )
        if len(written.excluded) > EXCLUDED_SHOWN:
            lines.append(f"  and {len(written.excluded) - EXCLUDED_SHOWN:,} more")
    return lines
